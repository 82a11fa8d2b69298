// The package ships its typings outside its "exports" map, so TypeScript cannot resolve them; its API
// is better-sqlite3's (ciphers are chosen through PRAGMAs), whose typings apply unchanged.
declare module 'better-sqlite3-multiple-ciphers' {
  import Database from 'better-sqlite3';
  export = Database;
}

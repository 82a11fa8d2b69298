// proxy-from-env 2 ships no types.
declare module 'proxy-from-env' {
  /** The proxy URL the environment names for `url` (`*_PROXY`, `NO_PROXY`), or '' for a direct connection. */
  export function getProxyForUrl(url: string | URL): string;
}

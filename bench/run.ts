// `npm run bench -- NAME` runs bench/NAME.ts; `npm run bench` runs them all.
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { publish, type BenchReport } from './report.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = (await readdir(dir))
  .filter((file) => file.endsWith('.ts') && !['run.ts', 'report.ts'].includes(file))
  .map((file) => file.slice(0, -3));
const requested = process.argv.slice(2).filter((arg) => arg !== '--');
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
for (const name of requested.length > 0 ? requested : available) {
  const module = (await import(`./${name}.ts`)) as { run(): Promise<BenchReport> };
  await publish(await module.run());
}

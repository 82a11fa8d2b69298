import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Metric {
  value: number;
  unit: string;
}

export interface BenchReport {
  name: string;
  runs: number;
  metrics: Record<string, Metric>;
  /** What was tuned or how it was measured, printed under the table. */
  notes?: string[];
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

const round = (value: number) => (Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 100) / 100);

/** Prints the figures as a table and writes bench/results/NAME.json (docs/architecture.md, Benchmarks). */
export async function publish(report: BenchReport): Promise<void> {
  const rows = Object.entries(report.metrics).map(([name, metric]) => [
    name,
    String(round(metric.value)),
    metric.unit,
  ]);
  const width = Math.max(...rows.map(([name]) => name!.length), 6);
  console.log(`\n${report.name} (${report.runs} runs, Node ${process.versions.node})`);
  for (const [name, value, unit] of rows)
    console.log(`  ${name!.padEnd(width)}  ${value!.padStart(10)} ${unit}`);
  for (const note of report.notes ?? []) console.log(`  note: ${note}`);
  const dir = join('bench', 'results');
  await mkdir(dir, { recursive: true });
  const json = {
    name: report.name,
    date: new Date().toISOString(),
    node: process.versions.node,
    runs: report.runs,
    metrics: Object.fromEntries(
      Object.entries(report.metrics).map(([name, metric]) => [
        name,
        { value: round(metric.value), unit: metric.unit },
      ]),
    ),
  };
  await writeFile(join(dir, `${report.name}.json`), `${JSON.stringify(json, null, 2)}\n`);
}

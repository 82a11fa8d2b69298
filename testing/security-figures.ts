import { appendFileSync } from 'node:fs';

/**
 * Prints a security suite's figures (IPC fuzz, audit tamper) and, under `npm test`, adds them to the file
 * scripts/test.mjs names in SECURITY_FIGURES_FILE, so that its summary repeats them in one place.
 */
export function reportSecurityFigures(lines: readonly string[]): void {
  console.log(lines.join('\n'));
  const file = process.env.SECURITY_FIGURES_FILE;
  if (file) appendFileSync(file, `${lines.join('\n')}\n`);
}

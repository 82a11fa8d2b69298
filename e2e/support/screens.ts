import AxeBuilder from '@axe-core/playwright';
import { expect, type TestInfo } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { NavScreen } from '../../renderer/state/screens.js';

export type Language = 'en' | 'de';
export type Scheme = 'light' | 'dark';

/** The run folder's screenshot folder (`.test-output/screenshots`), next to Playwright's own output. */
export function screenshotDir(testInfo: TestInfo): string {
  return join(testInfo.project.outputDir, '..', 'screenshots');
}

/** Every axe finding on the page, of any impact, in a form a failing test can print. */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/**
 * Writes a screenshot of the whole window to the run folder as `<name>.png`, once the page has settled
 * (fonts loaded, no list busy), and asserts that axe finds nothing on it.
 */
export async function captureScreen(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  const dir = screenshotDir(testInfo);
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false, animations: 'disabled' });
  expect(await axeViolations(page), `axe on ${name}`).toEqual([]);
}

/** Opens a screen from the navigation and waits for its heading to have the focus. */
export async function openScreen(page: Page, screen: NavScreen): Promise<void> {
  await page.locator(`nav a[href="#${screen}"]`).click();
  await expect(page.locator('h1')).toBeFocused();
}

/** Switches the app's language in Settings (the label is in the language shown before). */
export async function chooseLanguage(page: Page, language: Language): Promise<void> {
  await openScreen(page, 'settings');
  await page.getByLabel(/^(Language|Sprache)$/).selectOption(language);
  await expect(page.locator('html')).toHaveAttribute('lang', language);
}

/** A country's name in the app's current language ("AT" -> "Österreich"), or the code if there is none. */
export function regionName(code: string): string {
  return new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'region' }).of(code) ?? code;
}

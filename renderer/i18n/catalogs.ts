import de from './de.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };

export const catalogs = { de, en } as const;
export type Language = keyof typeof catalogs;

/** Every key of a nested catalog as a dotted path, for comparing catalogs. */
export function catalogKeys(catalog: object, prefix = ''): string[] {
  return Object.entries(catalog).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null
      ? catalogKeys(value, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

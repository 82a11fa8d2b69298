import { hasHiddenCharacters } from './hidden-characters.js';
import { z } from 'zod';

/** What a number is for; the UI translates each, imports map vCard TYPEs and CSV columns onto them. */
export const numberLabels = ['mobile', 'work', 'home', 'other'] as const;
export type NumberLabel = (typeof numberLabels)[number];

/** Limits of one contact; the form, the importers and main all use these. */
export const contactLimits = {
  name: 200,
  organisation: 200,
  email: 254,
  note: 2000,
  number: 256,
  numbers: 20,
} as const;

/** A SIP address as people write one: sip:user@host, optional port and parameters. */
export const SIP_ADDRESS = /^sips?:[^@\s:;<>"]+@(?:[a-z0-9.-]+|\[[0-9a-f:]+\])(?::\d{1,5})?(?:;[^\s<>"]*)?$/i;
/** A phone number as written: national or international, with the usual separators, or an extension. */
const PHONE_NUMBER = /^\+?[\d\s()./\-\u00a0]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether a contact's number is a phone number (digits) or a SIP address. */
export function isSipAddress(value: string): boolean {
  return /^sips?:/i.test(value.trim());
}

export const ContactNumberValue = z
  .string()
  .trim()
  .min(1)
  .max(contactLimits.number)
  .refine((value) => !hasHiddenCharacters(value), 'no invisible control or format characters')
  .refine(
    (value) =>
      isSipAddress(value)
        ? SIP_ADDRESS.test(value)
        : PHONE_NUMBER.test(value) && /\d/.test(value) && value.replace(/\D/g, '').length <= 20,
    'a phone number (digits, +, spaces, dashes, brackets) or a SIP address (sip:name@domain)',
  );

export const ContactNumber = z
  .object({
    label: z.enum(numberLabels),
    number: ContactNumberValue,
  })
  .strict();
export type ContactNumber = z.infer<typeof ContactNumber>;

export const ContactId = z.string().min(1).max(64);

/** A contact as main stores it in the encrypted database. Empty optional fields are null. */
export const Contact = z.object({
  id: ContactId,
  name: z.string(),
  organisation: z.string().nullable(),
  email: z.string().nullable(),
  note: z.string().nullable(),
  favourite: z.boolean(),
  numbers: z.array(ContactNumber),
  updatedAt: z.number(),
});
export type Contact = z.infer<typeof Contact>;

/** What a person enters (or an import yields) for a new or edited contact; "" means "none". */
export const ContactInput = z
  .object({
    name: z.string().trim().min(1).max(contactLimits.name),
    organisation: z.string().trim().max(contactLimits.organisation).default(''),
    numbers: z.array(ContactNumber).min(1).max(contactLimits.numbers),
    email: z
      .string()
      .trim()
      .max(contactLimits.email)
      .refine((value) => value === '' || EMAIL.test(value), 'an e-mail address like name@example.eu')
      .default(''),
    note: z.string().trim().max(contactLimits.note).default(''),
    favourite: z.boolean().default(false),
  })
  .strict();
export type ContactInput = z.input<typeof ContactInput>;
export type ValidContactInput = z.output<typeof ContactInput>;

export const ContactUpdate = ContactInput.extend({ id: ContactId }).strict();
export type ContactUpdate = z.input<typeof ContactUpdate>;

export const ContactQuery = z
  .object({
    /** Names, organisations and e-mail addresses by word prefix; digits search the numbers. */
    search: z.string().trim().max(100).default(''),
    favouritesOnly: z.boolean().default(false),
    offset: z.number().int().min(0).max(1_000_000).default(0),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type ContactQuery = z.input<typeof ContactQuery>;

/** Imports: the text of one file, read in the renderer and parsed in main. */
export const importFormats = ['vcard', 'csv'] as const;
export type ImportFormat = (typeof importFormats)[number];
/** Largest file accepted for an import (bytes of UTF-8; the renderer checks before reading it). */
export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
/** Most contacts one import may hold. */
export const IMPORT_MAX_ENTRIES = 10_000;

export const ContactImportInput = z
  .object({
    format: z.enum(importFormats),
    text: z.string().max(IMPORT_MAX_BYTES),
  })
  .strict();
export type ContactImportInput = z.input<typeof ContactImportInput>;

/** Why a whole file was refused: nothing of it was imported. */
export const importFailures = [
  'empty',
  'too-large',
  'binary',
  'not-vcard',
  'not-csv',
  'no-columns',
  'too-many',
  'nothing-to-import',
] as const;
export type ImportFailure = (typeof importFailures)[number];

/** Why one entry of an otherwise good file was skipped. */
export const importSkipReasons = [
  'no-name',
  'no-number',
  'unreadable',
  'unsupported-version',
  'invalid',
  'duplicate',
  /** A number holds control or format characters (shared/domain/hidden-characters.ts). */
  'hidden-characters',
] as const;
export type ImportSkipReason = (typeof importSkipReasons)[number];

export const ContactImportResult = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('imported'),
    imported: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
    /** The first skipped entries (1-based position in the file) and why; at most 50. */
    problems: z
      .array(z.object({ entry: z.number().int().positive(), reason: z.enum(importSkipReasons) }))
      .max(50),
  }),
  z.object({ status: z.literal('refused'), reason: z.enum(importFailures) }),
  /** The person pressed Cancel: what the import had added was taken out again. */
  z.object({ status: z.literal('cancelled') }),
]);
export type ContactImportResult = z.infer<typeof ContactImportResult>;

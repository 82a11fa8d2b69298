import { z } from 'zod';

/** The folder picker's texts, translated by the renderer (main has no catalogs). */
export const DataExportRequest = z
  .object({
    title: z.string().min(1).max(200),
    buttonLabel: z.string().min(1).max(40),
  })
  .strict();
export type DataExportRequest = z.infer<typeof DataExportRequest>;

/** How many records each part of an export holds. */
export const DataExportCounts = z.object({
  calls: z.number().int().nonnegative(),
  contacts: z.number().int().nonnegative(),
  auditEvents: z.number().int().nonnegative(),
});
export type DataExportCounts = z.infer<typeof DataExportCounts>;

/** Why writing an export failed, where the person can do something about it. */
export const dataExportFailures = ['not-writable', 'no-space'] as const;
export type DataExportFailure = (typeof dataExportFailures)[number];

/** "Export my data": the new folder with the files, or that the person closed the folder picker. */
export const DataExportResult = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('exported'),
    /** The folder the files were written to (a new subfolder of the one the person chose). */
    folder: z.string(),
    counts: DataExportCounts,
  }),
  z.object({ status: z.literal('cancelled') }),
  z.object({ status: z.literal('failed'), reason: z.enum(dataExportFailures) }),
]);
export type DataExportResult = z.infer<typeof DataExportResult>;

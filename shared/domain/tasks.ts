import { z } from 'zod';

/** Work in main that takes a while and shows its progress: it can be cancelled from the window. */
export const progressTasks = ['contacts-import', 'data-export'] as const;
export type ProgressTask = (typeof progressTasks)[number];

export const TaskProgress = z.object({
  task: z.enum(progressTasks),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
export type TaskProgress = z.infer<typeof TaskProgress>;

export const TaskCancel = z.object({ task: z.enum(progressTasks) }).strict();

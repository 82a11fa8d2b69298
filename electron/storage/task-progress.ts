import type { ProgressTask, TaskProgress } from '../../shared/domain/tasks.js';
import type { HandlersFor } from '../ipc/router.js';

/** What a running task sees: where to report how far it is, and whether the person cancelled it. */
export interface TaskHandle {
  report(done: number, total: number): void;
  readonly cancelled: boolean;
  /** The task is over (done, cancelled or failed): a later Cancel changes nothing. */
  end(): void;
}

/** Hands the task a moment between steps: IPC (a Cancel among it) is answered, progress goes out. */
export function nextStep(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The long tasks of main (import, export): each reports its progress as `task.progress` events, and
 * `cancel` marks the running one so that it stops at its next step.
 */
export function createTaskRegistry(emit: (progress: TaskProgress) => void) {
  const running = new Map<ProgressTask, { cancelled: boolean }>();
  return {
    begin(task: ProgressTask): TaskHandle {
      const state = { cancelled: false };
      running.set(task, state);
      return {
        report: (done, total) => emit({ task, done: Math.min(done, total), total }),
        get cancelled() {
          return state.cancelled;
        },
        end: () => {
          if (running.get(task) === state) running.delete(task);
        },
      };
    },
    cancel(task: ProgressTask): void {
      const state = running.get(task);
      if (state) state.cancelled = true;
    },
  };
}

/** The window's Cancel of an import or export. */
export function taskHandlers(tasks: Pick<TaskRegistry, 'cancel'>): HandlersFor<'task.cancel'> {
  return {
    'task.cancel': ({ task }) => {
      tasks.cancel(task);
      return undefined;
    },
  };
}

export type TaskRegistry = ReturnType<typeof createTaskRegistry>;

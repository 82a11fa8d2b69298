import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProgressTask } from '../../shared/domain/tasks';
import { call, subscribe } from '../ipc/client';

/** How far main's task is (0–100) since this component was shown; null before its first report. */
function useTaskPercent(task: ProgressTask): number | null {
  const [percent, setPercent] = useState<number | null>(null);
  useEffect(
    () =>
      subscribe('task.progress', (progress) => {
        if (progress.task !== task) return;
        setPercent(progress.total === 0 ? 100 : Math.floor((progress.done / progress.total) * 100));
      }),
    [task],
  );
  return percent;
}

/** An import or export under way (shown while it runs): what it is, a percentage, and Cancel (main undoes what it did). */
export function TaskProgress({ task, label }: { task: ProgressTask; label: string }) {
  const { t } = useTranslation();
  const percent = useTaskPercent(task);
  const [cancelling, setCancelling] = useState(false);
  return (
    <div className="task-progress">
      <p className="task-progress-label">
        <span>{label}</span>
        <span className="task-progress-percent">{percent === null ? '' : `${percent} %`}</span>
      </p>
      <div
        className="task-progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
      >
        <span className="task-progress-bar" style={{ width: `${percent ?? 0}%` }} />
      </div>
      <button
        type="button"
        className="button button-secondary"
        // Main has begun the task once it reports (an export waits for its folder dialog first).
        disabled={cancelling || percent === null}
        onClick={() => {
          setCancelling(true);
          void call('task.cancel', { task }).catch(() => setCancelling(false));
        }}
      >
        {cancelling ? t('tasks.cancelling') : t('tasks.cancel')}
      </button>
    </div>
  );
}

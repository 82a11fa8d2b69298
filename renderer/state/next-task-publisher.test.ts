import { describe, expect, it } from 'vitest';
import { nextTask, nextTaskPublisher } from './next-task-publisher';

interface Phone {
  registration: string;
  calls: string[];
}

function harness() {
  const applied: Partial<Phone>[] = [];
  const tasks: (() => void)[] = [];
  const publisher = nextTaskPublisher<Phone>(
    (update) => applied.push(update),
    (task) => tasks.push(task),
  );
  const runTasks = () => tasks.splice(0).forEach((task) => task());
  return { publisher, applied, tasks, runTasks };
}

describe('the engine updates publisher', () => {
  it('applies nothing in the task that published, and each update of that task in order in the next', () => {
    const { publisher, applied, tasks, runTasks } = harness();
    publisher.publish({ calls: ['dialing'] });
    publisher.publish({ registration: 'registered' });
    publisher.publish({ calls: ['ringing'] });
    expect(applied).toEqual([]);
    expect(tasks).toHaveLength(1);
    runTasks();
    // One by one: a subscriber sees every state, also one that a later update of the task replaced.
    expect(applied).toEqual([{ calls: ['dialing'] }, { registration: 'registered' }, { calls: ['ringing'] }]);
  });

  it('schedules again for what is published after the last apply', () => {
    const { publisher, applied, runTasks } = harness();
    publisher.publish({ calls: ['incoming'] });
    runTasks();
    publisher.publish({ calls: ['active'] });
    runTasks();
    expect(applied).toEqual([{ calls: ['incoming'] }, { calls: ['active'] }]);
  });

  it('runs its task after the promise callbacks of the current task', async () => {
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      nextTask(() => {
        order.push('next task');
        resolve();
      });
      void Promise.resolve()
        .then(() => order.push('promise 1'))
        .then(() => order.push('promise 2'));
    });
    expect(order).toEqual(['promise 1', 'promise 2', 'next task']);
  });
});

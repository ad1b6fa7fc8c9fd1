import { runner as core } from './runner';

/**
 * Typed state for post steps: the main step saves a JSON value, the post step reads it back.
 * Never put a secret here: state is written to a file on the runner.
 */
export interface StateSlot<T> {
  save(value: T): void;
  load(): T | undefined;
}

export function stateSlot<T>(name: string): StateSlot<T> {
  return {
    save: (value) => core.saveState(name, JSON.stringify(value)),
    load: () => {
      const raw = core.getState(name);
      if (!raw) return undefined;
      try {
        return JSON.parse(raw) as T;
      } catch {
        return undefined;
      }
    },
  };
}

/** True when this process is the post step (the runner sets STATE_isPost after main saved it). */
export function isPost(): boolean {
  return core.getState('isPost') === 'true';
}

export function markMainRan(): void {
  core.saveState('isPost', 'true');
}

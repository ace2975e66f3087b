import { batch, enqueue } from './batch.js';
import type { MizanError } from './MizanError.js';
import type { CallOptions, MutationObserver, MutationState } from './types.js';

type Call = (args: unknown, options: CallOptions) => Promise<unknown>;

const IDLE = { status: 'idle' } as MutationState<never, never>;

/**
 * A mutation observer over `call` (see MutationObserver). Calls are not
 * queued: each `mutate` runs at once, and the state follows the latest one.
 */
export function mutation<A, R>(call: Call, defaults: CallOptions): MutationObserver<A, R> {
  const listeners = new Set<() => void>();
  let state: MutationState<A, R> = IDLE;
  let latest = 0;

  const set = (id: number, next: object): MutationState<A, R> => {
    if (id == latest) {
      state = next as MutationState<A, R>;
      batch(() => listeners.forEach(enqueue));
    }
    return state;
  };

  return {
    getSnapshot: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    mutate(args, options) {
      const id = ++latest;
      const opts = { ...defaults, ...options };
      set(id, { status: 'pending', args });
      return call(args, opts).then(
        (data) => set(id, { status: 'success', data, args }),
        (error: MizanError) => set(id, opts.signal?.aborted ? IDLE : { status: 'error', error, args }),
      );
    },
    reset: () => void set(++latest, IDLE),
    destroy() {
      listeners.clear();
      latest++;
    },
  };
}

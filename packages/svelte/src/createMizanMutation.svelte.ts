import type { FunctionRef, MutationObserver, MutationState } from '@mizan/base';
import { getMizanClient } from './setMizanClient.js';

/** What createMizanMutation returns: reactive getters over the latest call, and its methods. */
export interface MizanMutation<A, R> {
  /** The whole MutationState, for narrowing on `status`. */
  readonly state: MutationState<A, R>;
  readonly status: MutationState<A, R>['status'];
  readonly data: R | undefined;
  readonly error: MutationState<A, R>['error'];
  readonly args: A | undefined;
  readonly pending: boolean;
  readonly isError: boolean;
  readonly isSuccess: boolean;
  /** Calls the function; never rejects, resolves with the final state. */
  readonly mutate: MutationObserver<A, R>['mutate'];
  /** Back to `idle`; a call in flight no longer updates the state. */
  readonly reset: () => void;
}

/**
 * Calls a server function and follows its latest call through reactive
 * getters. The server's invalidations refetch the contexts on screen by
 * themselves. Call it during component initialisation; it is released when
 * the component is destroyed.
 *
 * @param ref the function's descriptor, e.g. the generated `add_todo`
 * @returns getters `state`, `status`, `data`, `error`, `args`, `pending`,
 *   `isError`, `isSuccess`, and `mutate`, `reset`
 * @example
 * const add = createMizanMutation(add_todo);
 * // <button disabled={add.pending} onclick={() => add.mutate({ title })}>Add</button>
 */
export function createMizanMutation<A, R>(ref: FunctionRef<A, R>): MizanMutation<A, R> {
  return new Mutation<A, R>(getMizanClient().mutation(ref));
}

// A class, not an object literal of getters: V8 defines a literal's getters
// one by one on every call, the slowest part of a server render with a
// mutation per list row; a class's getters live once on its prototype.
class Mutation<A, R> implements MizanMutation<A, R> {
  #current: MutationState<A, R> = $state.raw({ status: 'idle' } as MutationState<A, R>);
  readonly #status = $derived(this.#current.status);
  readonly mutate: MutationObserver<A, R>['mutate'];
  readonly reset: () => void;

  constructor(observer: MutationObserver<A, R>) {
    this.#current = observer.getSnapshot();
    this.mutate = observer.mutate;
    this.reset = observer.reset;
    $effect(() => {
      const unsubscribe = observer.subscribe(() => (this.#current = observer.getSnapshot()));
      this.#current = observer.getSnapshot();
      return () => {
        unsubscribe();
        observer.destroy();
      };
    });
  }

  get state() {
    return this.#current;
  }
  get status() {
    return this.#status;
  }
  get data() {
    return this.#current.data;
  }
  get error() {
    return this.#current.error;
  }
  get args() {
    return this.#current.args;
  }
  get pending() {
    return this.#status == 'pending';
  }
  get isError() {
    return this.#status == 'error';
  }
  get isSuccess() {
    return this.#status == 'success';
  }
}

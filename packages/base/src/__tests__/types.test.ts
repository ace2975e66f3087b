// Type-level tests: what generated descriptors give the user. Checked by
// `tsc` (npm run test:ts); the runtime part only keeps vitest from skipping it.
import { describe, expectTypeOf, it } from 'vitest';
import { createClient } from '../createClient.js';
import type { MizanError } from '../MizanError.js';
import type { ContextRef, ContextState, FunctionRef, MutationState } from '../types.js';

type Todo = { id: number; title: string; done: boolean };
const todo: ContextRef<{ get_todo: Todo }, { id: number }> = { context: 'todo', private: true };
const addTodo: FunctionRef<{ title: string }, Todo> = { fn: 'add_todo' };
const client = createClient({ fetch: async () => new Response('{}') });

describe('types', () => {
  it('types context data and narrows it by status', () => {
    const obs = client.observe(todo, { id: 1 });
    const s = obs.getSnapshot();
    expectTypeOf(s).toEqualTypeOf<ContextState<{ get_todo: Todo }>>();
    expectTypeOf(s.data).toEqualTypeOf<{ get_todo: Todo } | undefined>();
    if (s.status === 'success') expectTypeOf(s.data).toEqualTypeOf<{ get_todo: Todo }>();
    if (s.status === 'error') expectTypeOf(s.error).toEqualTypeOf<MizanError>();
    if (s.status === 'loading') expectTypeOf(s.data).toEqualTypeOf<undefined>();
    obs.setParams({ id: 2 });
    // @ts-expect-error a param of the wrong type
    client.observe(todo, { id: '1' });
    // @ts-expect-error a missing param
    client.observe(todo, {});
    // @ts-expect-error setParams checks too
    obs.setParams({ id: true });
    obs.destroy();
  });

  it('types calls and mutations', () => {
    expectTypeOf(client.call(addTodo, { title: 'x' })).toEqualTypeOf<Promise<Todo>>();
    // @ts-expect-error wrong argument type
    void client.call(addTodo, { title: 1 }).catch(() => {});
    expectTypeOf(client.call<number>('anything')).toEqualTypeOf<Promise<number>>();
    const m = client.mutation(addTodo);
    expectTypeOf(m.getSnapshot()).toEqualTypeOf<MutationState<{ title: string }, Todo>>();
    expectTypeOf(m.mutate).parameter(0).toEqualTypeOf<{ title: string }>();
    const s = m.getSnapshot();
    if (s.status === 'success') expectTypeOf(s.data).toEqualTypeOf<Todo>();
  });

  it('types optimistic writes by their context', () => {
    void client
      .call(
        addTodo,
        { title: 'x' },
        {
          optimistic: (set) =>
            set(todo, { id: 1 }, (prev) => {
              expectTypeOf(prev).toEqualTypeOf<{ get_todo: Todo } | undefined>();
              return { get_todo: { id: 1, title: 'x', done: false } };
            }),
        },
      )
      .catch(() => {});
    expectTypeOf(client.load(todo, { id: 1 })).toEqualTypeOf<Promise<{ get_todo: Todo }>>();
  });
});

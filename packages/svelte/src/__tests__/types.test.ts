// Type-level tests: what generated descriptors give a component. Checked by
// svelte-check (npm run test:ts); the functions are only type-checked, never called.
import type { ContextState, MizanError, MutationState } from '@mizan/base';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createMizanContext } from '../createMizanContext.svelte.js';
import { createMizanForm } from '../createMizanForm.svelte.js';
import { createMizanMutation } from '../createMizanMutation.svelte.js';
import { add_todo, todoContext, todosContext, type AddTodoArgs, type Todo, type TodosData } from './api.js';

function contextTypes() {
  const todos = createMizanContext(todosContext);
  expectTypeOf(todos.data).toEqualTypeOf<TodosData | undefined>();
  expectTypeOf(todos.error).toEqualTypeOf<MizanError | undefined>();
  expectTypeOf(todos.refetch).returns.toEqualTypeOf<Promise<ContextState<TodosData>>>();
  const s = todos.state;
  if (s.status === 'success') expectTypeOf(s.data.list_todos).toEqualTypeOf<Todo[]>();
  // @ts-expect-error getters are readonly
  todos.status = 'idle';
  createMizanContext(todoContext, () => ({ id: 1 }), () => ({ enabled: true }));
  // @ts-expect-error a param of the wrong type
  createMizanContext(todoContext, () => ({ id: '1' }));
  // @ts-expect-error a missing required param
  createMizanContext(todoContext, () => ({}));
  const one = createMizanContext(todoContext, () => ({ id: 1 }));
  // @ts-expect-error the bundle has get_todo, not list_todos
  void one.data?.list_todos;
}

function mutationTypes() {
  const add = createMizanMutation(add_todo);
  expectTypeOf(add.mutate).parameter(0).toEqualTypeOf<AddTodoArgs>();
  expectTypeOf(add.mutate).returns.toEqualTypeOf<Promise<MutationState<AddTodoArgs, Todo>>>();
  expectTypeOf(add.data).toEqualTypeOf<Todo | undefined>();
  // @ts-expect-error title must be a string
  void add.mutate({ title: 1 });
}

function formTypes() {
  const form = createMizanForm(add_todo, { initial: { title: '' } });
  expectTypeOf(form.values.title).toEqualTypeOf<string | undefined>();
  expectTypeOf(form.data).toEqualTypeOf<Todo | undefined>();
  // @ts-expect-error title is a string
  form.setValue('title', 1);
  // @ts-expect-error no such field
  form.touch('titel');
}

describe('types', () => {
  it('are checked by svelte-check', () => {
    expect([contextTypes, mutationTypes, formTypes].every((f) => typeof f == 'function')).toBe(true);
  });
});

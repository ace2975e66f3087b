// Type-level tests: what generated descriptors give a component. Checked by
// `tsc` (npm run test:ts); the hooks are only type-checked, never called.
import type { ContextState, MizanError, MutationState } from '@mizan/base';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { useMizanContext } from '../useMizanContext.js';
import { useMizanForm } from '../useMizanForm.js';
import { useMizanMutation } from '../useMizanMutation.js';
import { add_todo, todoContext, todosContext, type AddTodoArgs, type Todo, type TodosData } from './api.js';

function contextTypes() {
  const todos = useMizanContext(todosContext, {});
  expectTypeOf(todos.data).toEqualTypeOf<TodosData | undefined>();
  expectTypeOf(todos.refetch).returns.toEqualTypeOf<Promise<ContextState<TodosData>>>();
  if (todos.status === 'success') expectTypeOf(todos.data.list_todos).toEqualTypeOf<Todo[]>();
  if (todos.status === 'error') expectTypeOf(todos.error).toEqualTypeOf<MizanError>();
  // @ts-expect-error data may be undefined before success
  void todos.data.list_todos;
  useMizanContext(todosContext, { q: 'milk' });
  useMizanContext(todoContext, { id: 1 }, { enabled: false, suspense: true });
  // @ts-expect-error a param of the wrong type
  useMizanContext(todoContext, { id: '1' });
  // @ts-expect-error a missing required param
  useMizanContext(todoContext, {});
  const one = useMizanContext(todoContext, { id: 1 });
  if (one.status === 'success') {
    // @ts-expect-error the bundle has get_todo, not list_todos
    void one.data.list_todos;
    // @ts-expect-error a title is a string
    const n: number = one.data.get_todo.title;
    void n;
  }
}

function mutationTypes() {
  const add = useMizanMutation(add_todo);
  expectTypeOf(add.mutate).parameter(0).toEqualTypeOf<AddTodoArgs>();
  expectTypeOf(add.mutate).returns.toEqualTypeOf<Promise<MutationState<AddTodoArgs, Todo>>>();
  expectTypeOf(add.pending).toEqualTypeOf<boolean>();
  if (add.status === 'success') expectTypeOf(add.data).toEqualTypeOf<Todo>();
  // @ts-expect-error title must be a string
  void add.mutate({ title: 1 });
  // @ts-expect-error title is required
  void add.mutate({});
}

function formTypes() {
  const form = useMizanForm(add_todo, { initial: { title: '' }, onSuccess: (data) => expectTypeOf(data).toEqualTypeOf<Todo>() });
  expectTypeOf(form.values.title).toEqualTypeOf<string | undefined>();
  expectTypeOf(form.data).toEqualTypeOf<Todo | undefined>();
  form.setValue('title', 'x');
  form.setValue('note', null);
  // @ts-expect-error title is a string
  form.setValue('title', 1);
  // @ts-expect-error no such field
  form.setValue('titel', 'x');
  // @ts-expect-error initial values are typed too
  useMizanForm(add_todo, { initial: { title: 3 } });
}

describe('types', () => {
  it('are checked by tsc', () => {
    expect([contextTypes, mutationTypes, formTypes].every((f) => typeof f == 'function')).toBe(true);
  });
});

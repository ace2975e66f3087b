// Type-level tests: what generated descriptors give a component. Checked by
// `tsc` (npm run test:ts); the composables are only type-checked, never called.
import type { ContextState, MizanError, MutationState } from '@mizan/base';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ref, type ComputedRef } from 'vue';
import { useMizanContext } from '../useMizanContext.js';
import { useMizanForm } from '../useMizanForm.js';
import { useMizanMutation } from '../useMizanMutation.js';
import { add_todo, todoContext, todosContext, type AddTodoArgs, type Todo, type TodosData } from './api.js';

function contextTypes() {
  const todos = useMizanContext(todosContext, {});
  expectTypeOf(todos.data).toEqualTypeOf<ComputedRef<TodosData | undefined>>();
  expectTypeOf(todos.error.value).toEqualTypeOf<MizanError | undefined>();
  expectTypeOf(todos.isFetching.value).toEqualTypeOf<boolean>();
  const s = todos.state.value;
  if (s.status === 'success') expectTypeOf(s.data.list_todos).toEqualTypeOf<Todo[]>();
  expectTypeOf(todos.refetch).returns.toEqualTypeOf<Promise<ContextState<TodosData>>>();
  // @ts-expect-error refs are readonly
  todos.data.value = undefined;
  const id = ref(1);
  useMizanContext(todoContext, () => ({ id: id.value }));
  useMizanContext(todoContext, ref({ id: 1 }), () => ({ enabled: id.value > 0 }));
  // @ts-expect-error a param of the wrong type
  useMizanContext(todoContext, () => ({ id: String(id.value) }));
  // @ts-expect-error a missing required param
  useMizanContext(todoContext, {});
  // @ts-expect-error a getter missing a required param
  useMizanContext(todoContext, () => ({}));
  const one = useMizanContext(todoContext, { id: 1 });
  // @ts-expect-error the bundle has get_todo, not list_todos
  void one.data.value?.list_todos;
}

function mutationTypes() {
  const add = useMizanMutation(add_todo);
  expectTypeOf(add.mutate).parameter(0).toEqualTypeOf<AddTodoArgs>();
  expectTypeOf(add.mutate).returns.toEqualTypeOf<Promise<MutationState<AddTodoArgs, Todo>>>();
  expectTypeOf(add.data.value).toEqualTypeOf<Todo | undefined>();
  // @ts-expect-error title must be a string
  void add.mutate({ title: 1 });
}

function formTypes() {
  const form = useMizanForm(add_todo, { initial: { title: '' } });
  expectTypeOf(form.values.value.title).toEqualTypeOf<string | undefined>();
  expectTypeOf(form.data.value).toEqualTypeOf<Todo | undefined>();
  form.setValue('note', null);
  // @ts-expect-error title is a string
  form.setValue('title', 1);
  // @ts-expect-error no such field
  form.touch('titel');
}

describe('types', () => {
  it('are checked by tsc', () => {
    expect([contextTypes, mutationTypes, formTypes].every((f) => typeof f == 'function')).toBe(true);
  });
});

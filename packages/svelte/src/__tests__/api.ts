// Descriptors shaped like the generator's stage-1 `index.ts`, written by hand.
import type { ContextRef, FunctionRef } from '@mizan/base';

export interface Todo {
  id: number;
  title: string;
  done: boolean;
}
export interface AddTodoArgs {
  title: string;
  note?: string | null;
}
export const add_todo: FunctionRef<AddTodoArgs, Todo> = {
  fn: 'add_todo',
  rules: { title: { required: true, max_length: 20 } },
};

export interface TodosData {
  list_todos: Todo[];
}
// Params are type aliases: an interface has no index signature, so it would
// not satisfy the kernel's `Params` constraint.
export type TodosParams = { q?: string | null };
export const todosContext: ContextRef<TodosData, TodosParams> = { context: 'todos', private: true };

export interface TodoData {
  get_todo: Todo;
}
export type TodoParams = { id: number };
export const todoContext: ContextRef<TodoData, TodoParams> = { context: 'todo', private: true };

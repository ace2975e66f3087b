// Type tests of the generated code (compiled, never run): it accepts what the
// server accepts and refuses, at compile time, what the server would refuse.
import { createClient, type ChannelRef, type ContextRef, type FunctionRef } from '@mizan/base';
import { expectTypeOf } from 'vitest';
import * as synthetic from './synthetic/index.js';
import { createABC, createPalette, createTicksPerSecondChannel } from './synthetic/svelte.svelte.js';
import * as todo from './todo/index.js';
import { useActivityChannel, useAddTodoForm, useTodo, useTodos } from './todo/react.js';
import { useLeaderboard } from './todo/vue.js';

const api = todo.createApi(createClient());

// Results and bundles.
expectTypeOf(api.add_todo).parameter(0).toEqualTypeOf<todo.AddTodoArgs>();
expectTypeOf(api.add_todo).returns.resolves.toEqualTypeOf<todo.Todo>();
expectTypeOf(api.fetchTodos).returns.resolves.toEqualTypeOf<todo.TodosData>();
expectTypeOf<todo.TodosData['list_todos']>().toEqualTypeOf<todo.Todo[]>();
expectTypeOf<todo.UserResult['user']>().toEqualTypeOf<todo.User | null>();
expectTypeOf(todo.todosContext).toEqualTypeOf<ContextRef<todo.TodosData, todo.TodosParams>>();
expectTypeOf(todo.toggle_todo).toEqualTypeOf<FunctionRef<todo.ToggleTodoArgs, todo.Todo>>();

// Arguments: required ones must be there, optional ones may be null or absent.
void api.add_todo({ title: 'Buy milk' });
// @ts-expect-error title is required
void api.add_todo({});
// @ts-expect-error title is a string
void api.add_todo({ title: 5 });
// @ts-expect-error unknown arguments are a 400
void api.add_todo({ title: 'x', done: true });
void api.auth_signup({ username: 'a', password: 'b' });
void api.auth_signup({ username: 'a', password: 'b', email: null });
void api.auth_logout();
// @ts-expect-error a function without arguments takes none
void api.auth_logout({ everywhere: true });

// Params: the same, and scalars only.
void api.fetchTodo({ id: 1 });
// @ts-expect-error todo needs its id
void api.fetchTodo({});
void api.fetchLeaderboard();
void api.fetchLeaderboard({ limit: 5, min_done: null });
// @ts-expect-error limit is a number
void api.fetchLeaderboard({ limit: '5' });
// @ts-expect-error a context without params takes none
void api.fetchTodos({ id: 1 });

// Hooks pass their types through.
expectTypeOf(useTodo).parameter(0).toEqualTypeOf<todo.TodoParams>();
expectTypeOf(useTodos).parameter(0).toEqualTypeOf<todo.TodosParams | undefined>();
expectTypeOf<ReturnType<typeof useTodo>['data']>().toEqualTypeOf<todo.TodoData | undefined>();
expectTypeOf<ReturnType<typeof useAddTodoForm>['submit']>().returns.resolves.toHaveProperty('data');
expectTypeOf<ReturnType<typeof useLeaderboard>['refetch']>().toBeFunction();

// Channels: the descriptor and the hook carry the message type.
expectTypeOf(todo.activityChannel).toEqualTypeOf<ChannelRef<todo.Activity>>();
expectTypeOf(useActivityChannel).parameter(0).parameter(0).toEqualTypeOf<todo.Activity>();

// The synthetic schema: every kind of type, escaping, params of every scalar.
const s = synthetic.createApi(createClient());
expectTypeOf<synthetic.Bag['tags']>().toEqualTypeOf<(string | null)[] | null>();
expectTypeOf<synthetic.Bag['counts']>().toEqualTypeOf<Record<string, number>>();
expectTypeOf<synthetic.Bag['matrix']>().toEqualTypeOf<number[][]>();
expectTypeOf<synthetic.Bag['colors']>().toEqualTypeOf<Record<string, synthetic.Color[]>>();
expectTypeOf<synthetic.Color>().toEqualTypeOf<'red' | 'green' | 'blue'>();
expectTypeOf<synthetic.TreeNode['children'][number]['parent']>().toEqualTypeOf<synthetic.TreeNode | null>();
expectTypeOf(s.delete).returns.resolves.toEqualTypeOf<synthetic.Empty>();
expectTypeOf(synthetic.delete_.fn).toEqualTypeOf<string>();
void s.fetchABC({ q: 'x', page: 1, ratio: 0.5, exact: true });
// @ts-expect-error q is required
void s.fetchABC({ page: 1 });
// @ts-expect-error exact is a boolean
void s.fetchABC({ q: 'x', exact: 'yes' });
void s.rate({ stars: 4.5, tags: ['red'] });
// @ts-expect-error tags are Colors
void s.rate({ stars: 4.5, tags: ['pink'] });
expectTypeOf(createABC).parameter(0).toEqualTypeOf<() => synthetic.ABCParams>();
expectTypeOf(createPalette).parameter(0).toEqualTypeOf<(() => synthetic.PaletteParams) | undefined>();
expectTypeOf(synthetic.new_Channel).toEqualTypeOf<ChannelRef<synthetic.Pulse>>();
expectTypeOf(createTicksPerSecondChannel).parameter(0).parameter(0).toEqualTypeOf<(number | null)[] | null>();

import type { TodosData } from './api';
import { useAuthLogout } from './api/react';
import { AddTodo } from './AddTodo';
import { TodoItem } from './TodoItem';
import { useUsername } from './useUsername';

/** The signed-in part: who, sign out, the new-todo form, the stats and the list. */
export function TodoPanel({ data }: { data: TodosData }) {
  const logout = useAuthLogout();
  const username = useUsername();
  const { list_todos: todos, todo_stats: stats } = data;
  return (
    <section aria-label="Your todos">
      <p className="user">
        <span>
          Signed in as <strong data-testid="username">{username}</strong>
        </span>
        <button type="button" disabled={logout.pending} onClick={() => void logout.mutate({})}>
          Sign out
        </button>
      </p>
      <AddTodo />
      <p data-testid="stats">
        {stats.done} of {stats.total} done
      </p>
      <ul className="todos">
        {todos.map((todo) => (
          <TodoItem key={todo.id} todo={todo} />
        ))}
      </ul>
    </section>
  );
}

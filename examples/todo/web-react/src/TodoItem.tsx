import type { Todo } from './api';
import { useDeleteTodo, useToggleTodo } from './api/react';

/** One todo: its checkbox toggles it, its button deletes it. */
export function TodoItem({ todo }: { todo: Todo }) {
  const toggle = useToggleTodo();
  const remove = useDeleteTodo();
  const error = toggle.error ?? remove.error;
  return (
    <li className={todo.done ? 'done' : undefined}>
      <label>
        <input
          type="checkbox"
          checked={todo.done}
          disabled={toggle.pending}
          onChange={() => void toggle.mutate({ id: todo.id })}
        />{' '}
        <span>{todo.title}</span>
      </label>
      <button type="button" disabled={remove.pending} onClick={() => void remove.mutate({ id: todo.id })}>
        Delete
      </button>
      {error && (
        <span className="form-error" role="alert">
          {error.message}
        </span>
      )}
    </li>
  );
}

import type { FormEvent } from 'react';
import { useAddTodoForm } from './api/react';
import { FieldError } from './FieldError';

/** The new-todo field; the list and the stats refresh by server invalidation. */
export function AddTodo() {
  const form = useAddTodoForm({ initial: { title: '' }, onSuccess: () => form.reset() });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void form.submit();
  };
  return (
    <form aria-label="Add a todo" noValidate onSubmit={onSubmit}>
      <div className="add">
        <label>
          New todo{' '}
          <input
            name="title"
            placeholder="What needs doing?"
            value={form.values.title ?? ''}
            aria-invalid={!!form.errors['title']}
            aria-describedby="title-error"
            onChange={(e) => form.setValue('title', e.target.value)}
          />
        </label>
        <button type="submit" disabled={form.status === 'pending'}>
          Add
        </button>
      </div>
      <FieldError field="title" messages={form.errors['title']} />
      <p className="form-error" role="alert">
        {form.error?.message}
      </p>
    </form>
  );
}

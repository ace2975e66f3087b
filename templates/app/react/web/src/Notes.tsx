import type { FormEvent } from 'react';
import type { Note } from './api';
import { useAddNoteForm, useAuthLogout } from './api/react';

/**
 * The signed-in part: the new-note form, the user's notes and sign out.
 * Adding a note refreshes the list and the public count: the server's
 * answer names both contexts as stale.
 */
export function Notes({ notes }: { notes: readonly Note[] }) {
  const form = useAddNoteForm({ initial: { text: '' }, onSuccess: () => form.reset() });
  const logout = useAuthLogout();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void form.submit();
  };
  return (
    <section aria-label="Your notes">
      <form aria-label="Add a note" noValidate onSubmit={onSubmit}>
        <label>
          New note{' '}
          <input
            name="text"
            value={form.values.text ?? ''}
            onChange={(e) => form.setValue('text', e.target.value)}
          />
        </label>
        <button type="submit" disabled={form.status === 'pending'}>
          Add
        </button>
        <button type="button" disabled={logout.pending} onClick={() => void logout.mutate({})}>
          Sign out
        </button>
      </form>
      <p className="error" role="alert">
        {form.errors['text']?.join(' ') ?? form.error?.message}
      </p>
      <ul data-testid="notes">
        {notes.map((note) => (
          <li key={note.id}>{note.text}</li>
        ))}
      </ul>
    </section>
  );
}

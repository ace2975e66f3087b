import { Activity } from './Activity';
import { useTodos } from './api/react';
import { AuthForm } from './AuthForm';
import { Leaderboard } from './Leaderboard';
import { TodoPanel } from './TodoPanel';

/**
 * The page at `/`: the user's todos or the sign-in form, the leaderboard and
 * the live activity. Whether someone is signed in is read from the private
 * `todos` context itself: `unauthenticated` means signed out, and sign-in or
 * sign-out in any tab resets that context, so every tab follows. The context
 * needs a user (`auth: true`), so once `session/` says nobody is signed in
 * the client reports `unauthenticated` without asking for it.
 */
export function TodosPage() {
  const todos = useTodos();
  const signedOut = todos.status === 'error' && todos.error.code === 'unauthenticated';
  return (
    <main>
      <h1>Mizan todos</h1>
      <nav>
        <a href="/leaderboard/">Leaderboard</a>
      </nav>
      {signedOut ? (
        <AuthForm />
      ) : todos.data ? (
        <TodoPanel data={todos.data} />
      ) : todos.status === 'error' ? (
        <p className="form-error" role="alert">
          {todos.error.message}
        </p>
      ) : (
        <p className="muted">Loading…</p>
      )}
      <Leaderboard limit={10} />
      <Activity />
    </main>
  );
}

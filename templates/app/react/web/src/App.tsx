import { useNotes } from './api/react';
import { AuthForm } from './AuthForm';
import { mailLink } from './mailLink';
import { Notes } from './Notes';
import { PublicCount } from './PublicCount';
import { ResetPassword } from './ResetPassword';
import { VerifyEmail } from './VerifyEmail';

/**
 * The page of an account mail's link, or the public count, then the
 * user's notes or the sign-in form.
 * Whether someone is signed in is read from the private `notes` context:
 * `unauthenticated` means signed out.
 */
export function App() {
  const link = mailLink();
  if (link) {
    return (
      <main>
        <h1>{{name}}</h1>
        {link.page === 'reset-password' ? <ResetPassword token={link.token} /> : <VerifyEmail token={link.token} />}
      </main>
    );
  }
  return <Home />;
}

function Home() {
  const notes = useNotes();
  const signedOut = notes.status === 'error' && notes.error.code === 'unauthenticated';
  return (
    <main>
      <h1>{{name}}</h1>
      <PublicCount />
      {signedOut ? (
        <AuthForm />
      ) : notes.data ? (
        <Notes notes={notes.data.list_notes} />
      ) : notes.status === 'error' ? (
        <p className="error" role="alert">
          {notes.error.message}
        </p>
      ) : (
        <p className="muted">Loading…</p>
      )}
    </main>
  );
}

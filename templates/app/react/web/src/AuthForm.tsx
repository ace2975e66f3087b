import { useState, type FormEvent } from 'react';
import { useAuthLoginForm, useAuthSignupForm } from './api/react';

type Field = 'username' | 'password';

/**
 * Sign in or sign up with one pair of fields. Each button has its own form
 * (its function's rules and errors); typing updates both.
 */
export function AuthForm() {
  const login = useAuthLoginForm({ initial: { username: '', password: '' } });
  const signup = useAuthSignupForm({ initial: { username: '', password: '' } });
  const [mode, setMode] = useState<'login' | 'signup'>('login');
  const form = mode === 'signup' ? signup : login;
  const pending = login.status === 'pending' || signup.status === 'pending';

  const edit = (field: Field, value: string) => {
    login.setValue(field, value);
    signup.setValue(field, value);
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const next = submitter?.value === 'signup' ? 'signup' : 'login';
    setMode(next);
    void (next === 'signup' ? signup : login).submit();
  };
  const errors = [...(form.errors['username'] ?? []), ...(form.errors['password'] ?? [])];

  return (
    <form aria-label="Sign in or sign up" noValidate onSubmit={onSubmit}>
      <label>
        Username{' '}
        <input
          name="username"
          autoComplete="username"
          value={form.values.username ?? ''}
          onChange={(e) => edit('username', e.target.value)}
        />
      </label>
      <label>
        Password{' '}
        <input
          name="password"
          type="password"
          autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
          value={form.values.password ?? ''}
          onChange={(e) => edit('password', e.target.value)}
        />
      </label>
      <button type="submit" value="login" disabled={pending}>
        Sign in
      </button>
      <button type="submit" value="signup" disabled={pending}>
        Sign up
      </button>
      <p className="error" role="alert">
        {errors.length ? errors.join(' ') : form.error?.message}
      </p>
    </form>
  );
}

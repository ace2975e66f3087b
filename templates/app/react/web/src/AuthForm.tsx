import { useState, type FormEvent } from 'react';
import { useAuthLoginForm, useAuthSignupForm } from './api/react';
import { ForgotPassword } from './ForgotPassword';

type Field = 'username' | 'password';

/**
 * Sign in or sign up with one pair of fields. Each button has its own form
 * (its function's rules and errors); typing updates both.
 */
export function AuthForm() {
  const login = useAuthLoginForm({ initial: { username: '', password: '' } });
  const signup = useAuthSignupForm({ initial: { username: '', password: '', email: '' } });
  const [mode, setMode] = useState<'login' | 'signup'>('login');
  const [forgot, setForgot] = useState(false);
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
  const errors = [
    ...(form.errors['username'] ?? []),
    ...(form.errors['password'] ?? []),
    ...(mode === 'signup' ? (signup.errors['email'] ?? []) : []),
  ];

  if (forgot) return <ForgotPassword onDone={() => setForgot(false)} />;
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
      <label>
        Email (to sign up; optional){' '}
        <input
          name="email"
          type="email"
          autoComplete="email"
          value={signup.values.email ?? ''}
          onChange={(e) => signup.setValue('email', e.target.value)}
        />
      </label>
      <button type="submit" value="login" disabled={pending}>
        Sign in
      </button>
      <button type="submit" value="signup" disabled={pending}>
        Sign up
      </button>
      <button type="button" onClick={() => setForgot(true)}>
        Forgot password?
      </button>
      <p className="error" role="alert">
        {errors.length ? errors.join(' ') : form.error?.message}
      </p>
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import { useAuthLoginForm, useAuthSignupForm } from './api/react';
import { FieldError } from './FieldError';

type Field = 'username' | 'password';

/**
 * Sign in or sign up with one pair of fields. Each button has its own form
 * (its function's rules and errors); typing updates both, and the errors shown
 * are those of the button pressed last.
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
  const leave = (field: Field) => form.touch(field);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const next = submitter?.value === 'signup' ? 'signup' : 'login';
    setMode(next);
    void (next === 'signup' ? signup : login).submit();
  };

  return (
    <form className="auth" aria-label="Sign in or sign up" noValidate onSubmit={onSubmit}>
      <label>
        Username{' '}
        <input
          name="username"
          autoComplete="username"
          value={form.values.username ?? ''}
          aria-invalid={!!form.errors['username']}
          aria-describedby="username-error"
          onChange={(e) => edit('username', e.target.value)}
          onBlur={() => leave('username')}
        />
      </label>
      <FieldError field="username" messages={form.errors['username']} />
      <label>
        Password{' '}
        <input
          name="password"
          type="password"
          autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
          value={form.values.password ?? ''}
          aria-invalid={!!form.errors['password']}
          aria-describedby="password-error"
          onChange={(e) => edit('password', e.target.value)}
          onBlur={() => leave('password')}
        />
      </label>
      <FieldError field="password" messages={form.errors['password']} />
      <button type="submit" value="login" disabled={pending}>
        Sign in
      </button>
      <button type="submit" value="signup" disabled={pending}>
        Sign up
      </button>
      <p className="form-error" role="alert">
        {form.error?.message}
      </p>
    </form>
  );
}

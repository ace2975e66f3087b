import { type FormEvent } from 'react';
import { useAuthPasswordResetForm } from './api/react';

/**
 * /reset-password?token=…, the link of the reset mail: a new password, then
 * signed in (the server starts a session) and back to the home page.
 */
export function ResetPassword({ token }: { token: string }) {
  const form = useAuthPasswordResetForm({
    initial: { token, password: '' },
    onSuccess: () => window.location.assign('/'),
  });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void form.submit();
  };
  return (
    <form aria-label="Choose a new password" noValidate onSubmit={onSubmit}>
      <label>
        New password{' '}
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          value={form.values.password ?? ''}
          onChange={(e) => form.setValue('password', e.target.value)}
        />
      </label>
      <button type="submit" disabled={form.status === 'pending'}>
        Set password
      </button>
      <p className="error" role="alert">
        {form.errors['password']?.join(' ') ?? form.error?.message}
      </p>
    </form>
  );
}

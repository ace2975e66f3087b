import { type FormEvent } from 'react';
import { useAuthPasswordResetRequestForm } from './api/react';

/**
 * "Forgot password?": asks for a reset link. The answer is the same whether
 * or not an account has the address, so the page says no more than that.
 */
export function ForgotPassword({ onDone }: { onDone: () => void }) {
  const form = useAuthPasswordResetRequestForm({ initial: { email: '' } });
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void form.submit();
  };
  if (form.status === 'success') {
    return (
      <p role="status">
        If an account has this address, a link is on its way.{' '}
        <button type="button" onClick={onDone}>
          Back to sign-in
        </button>
      </p>
    );
  }
  return (
    <form aria-label="Forgot password" noValidate onSubmit={onSubmit}>
      <label>
        Email{' '}
        <input
          name="email"
          type="email"
          autoComplete="email"
          value={form.values.email ?? ''}
          onChange={(e) => form.setValue('email', e.target.value)}
        />
      </label>
      <button type="submit" disabled={form.status === 'pending'}>
        Send me a link
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      <p className="error" role="alert">
        {form.errors['email']?.join(' ') ?? form.error?.message}
      </p>
    </form>
  );
}

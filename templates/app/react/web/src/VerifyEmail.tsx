import { useEffect, useRef } from 'react';
import { useAuthEmailVerifyForm } from './api/react';

/** /verify-email?token=…, the link of the verification mail: used at once. */
export function VerifyEmail({ token }: { token: string }) {
  const form = useAuthEmailVerifyForm({ initial: { token } });
  // Once: the token is single use, and StrictMode runs effects twice.
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    void form.submit();
  }, [form]);
  return (
    <p role="status">
      {form.status === 'success'
        ? 'Your email address is verified.'
        : form.status === 'error'
          ? form.error?.message
          : 'Checking the link…'}{' '}
      <a href="/">Home</a>
    </p>
  );
}

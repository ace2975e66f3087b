/**
 * The page a link of an account mail opens, with its token:
 * `/reset-password?token=…` or `/verify-email?token=…` (the server serves
 * index.html for both); null for any other address.
 */
export function mailLink(): { page: 'reset-password' | 'verify-email'; token: string } | null {
  const token = new URLSearchParams(window.location.search).get('token');
  const page = window.location.pathname.replace(/^\/|\/$/g, '');
  if (!token || (page !== 'reset-password' && page !== 'verify-email')) return null;
  return { page, token };
}

import { useMizanClient } from '@mizan/react';
import { useEffect, useState } from 'react';

/**
 * The signed-in user's name from the session endpoint, which no context
 * carries. Read once per mount: the panel that shows it is unmounted on
 * sign-out, and the client forgets its session after every sign-in or out.
 */
export function useUsername(): string {
  const client = useMizanClient();
  const [name, setName] = useState('');
  useEffect(() => {
    let live = true;
    client.session().then(
      (s) => live && setName(s.user?.username ?? ''),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [client]);
  return name;
}

import { getMizanClient } from '@mizan/svelte';

/**
 * The signed-in user's name from the session endpoint, which no context
 * carries. Read once per mount: the panel that shows it is destroyed on
 * sign-out, and the client forgets its session after every sign-in or out.
 * Call it during component initialisation.
 */
export function createUsername(): { readonly value: string } {
  const client = getMizanClient();
  let name = $state('');
  $effect(() => {
    let live = true;
    client.session().then(
      (s) => live && (name = s.user?.username ?? ''),
      () => {},
    );
    return () => {
      live = false;
    };
  });
  return {
    get value() {
      return name;
    },
  };
}

import { useMizanClient } from '@mizan/vue';
import { onScopeDispose, readonly, ref, type Ref } from 'vue';

/**
 * The signed-in user's name from the session endpoint, which no context
 * carries. A composable, read once per mount: the panel that shows it is
 * unmounted on sign-out, and the client forgets its session after every
 * sign-in or out.
 */
export function useUsername(): Readonly<Ref<string>> {
  const name = ref('');
  let live = true;
  useMizanClient()
    .session()
    .then(
      (s) => live && (name.value = s.user?.username ?? ''),
      () => {},
    );
  onScopeDispose(() => (live = false));
  return readonly(name);
}

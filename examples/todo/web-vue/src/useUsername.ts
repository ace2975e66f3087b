import { useMizanClient } from '@mizan/vue';
import { onMounted, onScopeDispose, readonly, ref, type Ref } from 'vue';

/**
 * The signed-in user's name from the session endpoint, which no context
 * carries. A composable, read once per mount: the panel that shows it is
 * unmounted on sign-out, and the client forgets its session after every
 * sign-in or out. Asked for once mounted, so never during server rendering,
 * which has no session to ask (the name is empty there, as in the first
 * render in the browser).
 */
export function useUsername(): Readonly<Ref<string>> {
  const client = useMizanClient();
  const name = ref('');
  let live = true;
  onMounted(() =>
    client.session().then(
      (s) => live && (name.value = s.user?.username ?? ''),
      () => {},
    ),
  );
  onScopeDispose(() => (live = false));
  return readonly(name);
}

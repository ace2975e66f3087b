export { createMizan, mizanKey, provideMizan, type MizanOptions } from './mizanKey.js';
export { useMizanClient } from './useMizanClient.js';
export { useMizanContext, type UseMizanContextResult } from './useMizanContext.js';
export { useMizanForm, type UseMizanFormResult } from './useMizanForm.js';
export { useMizanMutation, type UseMizanMutationResult } from './useMizanMutation.js';
export { useMizanChannel, type UseMizanChannelResult } from './useMizanChannel.js';

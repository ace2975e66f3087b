export { MizanProvider, type MizanProviderProps } from './MizanProvider.js';
export { useMizanClient } from './useMizanClient.js';
export { useMizanContext, type UseMizanContextOptions, type UseMizanContextResult } from './useMizanContext.js';
export { useMizanForm, type UseMizanFormResult } from './useMizanForm.js';
export { useMizanMutation, type UseMizanMutationResult } from './useMizanMutation.js';
export { useMizanChannel, type UseMizanChannelResult } from './useMizanChannel.js';

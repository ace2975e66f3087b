export { createMizanContext, type CreateMizanContextOptions, type MizanContext } from './createMizanContext.svelte.js';
export { createMizanForm, type MizanForm } from './createMizanForm.svelte.js';
export { createMizanMutation, type MizanMutation } from './createMizanMutation.svelte.js';
export { getMizanClient, setMizanClient } from './setMizanClient.js';
export { createMizanChannel, type MizanChannel } from './createMizanChannel.svelte.js';

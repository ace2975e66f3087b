export { canonicalParams, type Params, type ParamValue } from './canonicalParams.js';
export { createClient } from './createClient.js';
export type { InvalidateEntry } from './invalidation.js';
export { MizanError, type ErrorCode, type FieldErrors } from './MizanError.js';
export { ssrScript } from './ssrScript.js';
export type * from './types.js';

export { canonicalParams, type Params, type ParamValue } from './canonicalParams.js';
export { createClient } from './createClient.js';
export { devWarnings } from './devWarnings.js';
export { createForm, type Form, type FormOptions, type FormState } from './createForm.js';
export type { InvalidateEntry } from './invalidation.js';
export { MizanError, type ErrorCode, type FieldErrors } from './MizanError.js';
export { ssrScript } from './ssrScript.js';
export type * from './types.js';
export { validateField, type FieldRules } from './validateField.js';

import type { ProtocolErrorCode } from './errorCodes.js';

/**
 * Error codes a Mizan call or context fetch can fail with: the protocol's
 * table (PROTOCOL §3; `errorCodes.ts`, generated from the server's table),
 * then the ones the client raises itself. Server functions may raise codes
 * of their own, hence the open `string` tail.
 */
export type ErrorCode =
  | ProtocolErrorCode
  /** fetch itself failed (offline, DNS, CORS, reset); status 0 */
  | 'network'
  /** no complete response within the client's `timeout`; status 0 */
  | 'timeout'
  /** the response was not the JSON the protocol promises */
  | 'bad_response'
  | (string & {});

/** Field name to messages, as in the `fields` member of a `validation` error. */
export type FieldErrors = Readonly<Record<string, readonly string[]>>;

/**
 * The one error type of the kernel: every failed call or fetch rejects with
 * (or stores in its state) a MizanError built from the server's
 * `{"error": {"code", "message", "fields"}}` body, or a client-side code.
 *
 * @example
 * try { await client.call('add_todo', { title: '' }) }
 * catch (e) { if (e instanceof MizanError && e.code === 'validation') show(e.fields.title) }
 */
export class MizanError extends Error {
  declare readonly name: 'MizanError';
  /** Wire code, e.g. `not_found`. */
  declare readonly code: ErrorCode;
  /** HTTP status, 0 when there was no HTTP response. */
  declare readonly status: number;
  /** Per-field messages (empty unless `validation`). */
  declare readonly fields: FieldErrors;

  /**
   * @param code wire code, e.g. `not_found`
   * @param message human-readable text from the server
   * @param status HTTP status, 0 when there was no HTTP response
   * @param fields per-field messages (empty unless `validation`)
   */
  constructor(code: ErrorCode, message: string, status = 0, fields: FieldErrors = {}) {
    super(message);
    // One assignment instead of four class fields: smaller once minified.
    Object.assign(this, { name: 'MizanError', code, status, fields });
  }
}

/** A MizanError from a wire error object (`{code, message, fields, status}`), tolerating a missing one. */
export const wireError = (e: any = {}, message = '', status?: number): MizanError =>
  new MizanError(e.code ?? 'bad_response', e.message ?? message, e.status ?? status, e.fields);

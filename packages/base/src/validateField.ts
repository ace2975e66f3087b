/**
 * Validation rules of one argument field, exactly the schema's `rules` object
 * (declared once in C++ with `mizan::rules`, enforced by the server).
 */
export interface FieldRules {
  /** Present, not null, not blank. */
  readonly required?: boolean;
  /** Minimum length in Unicode code points. */
  readonly min_length?: number;
  /** Maximum length in Unicode code points. */
  readonly max_length?: number;
  /** Inclusive numeric minimum. */
  readonly min?: number;
  /** Inclusive numeric maximum. */
  readonly max?: number;
  /** ECMAScript regular expression the whole value must match. */
  readonly pattern?: string;
  /** Looks like an e-mail address (`a@b.c`). */
  readonly email?: boolean;
}

// The server's notion of blank: only these four characters (not every
// Unicode space), so that both sides agree on `required`.
const BLANK = /^[ \t\r\n]*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const patterns = new Map<string, RegExp>();

const wholeMatch = (pattern: string): RegExp => {
  let re = patterns.get(pattern);
  if (!re) patterns.set(pattern, (re = new RegExp('^(?:' + pattern + ')$')));
  return re;
};

/**
 * Checks one value against its field's rules with the server's messages
 * (PROTOCOL, "Validation messages"), so a form shows what a 422 would say.
 * Only `required` looks at an absent or blank value; the other rules apply to
 * a present, non-blank value: length, pattern and email to strings, the
 * numeric range to numbers.
 *
 * @param rules the field's rules from the schema
 * @param value the field's value; `undefined`, `null` and non-finite numbers
 *   count as absent (JSON sends them as `null` or not at all)
 * @returns the messages, in the server's order; empty when the value is valid
 * @throws SyntaxError when `rules.pattern` is not a valid regular expression
 * @example validateField({ required: true, max_length: 3 }, 'abcd')
 *   // ['Ensure this field has no more than 3 characters.']
 */
export function validateField(rules: FieldRules, value: unknown): string[] {
  const absent = value == null || (typeof value == 'number' && !Number.isFinite(value));
  if (absent || (typeof value == 'string' && BLANK.test(value))) {
    return rules.required ? ['This field is required.'] : [];
  }
  const out: string[] = [];
  if (typeof value == 'string') {
    const length = [...value].length;
    const { min_length: lo, max_length: hi } = rules;
    if (lo != null && length < lo) out.push(`Ensure this field has at least ${lo} characters.`);
    if (hi != null && length > hi) out.push(`Ensure this field has no more than ${hi} characters.`);
    if (rules.pattern != null && !wholeMatch(rules.pattern).test(value)) out.push('Enter a valid value.');
    if (rules.email && !EMAIL.test(value)) out.push('Enter a valid email address.');
  } else if (typeof value == 'number') {
    if (rules.min != null && value < rules.min) {
      out.push(`Ensure this value is greater than or equal to ${rules.min}.`);
    }
    if (rules.max != null && value > rules.max) out.push(`Ensure this value is less than or equal to ${rules.max}.`);
  }
  return out;
}

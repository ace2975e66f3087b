import { describe, expect, it } from 'vitest';
import { validateField, type FieldRules } from '../validateField.js';

// Messages as src/server/registry/rules_check.cpp writes them (Django's wording): a
// form must show byte for byte what the server's 422 would say.
const REQUIRED = 'This field is required.';
const atLeast = (n: string) => `Ensure this field has at least ${n} characters.`;
const atMost = (n: string) => `Ensure this field has no more than ${n} characters.`;
const gte = (n: string) => `Ensure this value is greater than or equal to ${n}.`;
const lte = (n: string) => `Ensure this value is less than or equal to ${n}.`;
const INVALID = 'Enter a valid value.';
const EMAIL = 'Enter a valid email address.';

// [rules, value, expected messages]. Checked when written by feeding every
// row to check_field_rules (rules_check.cpp compiled alone): all agree except
// the blank, not-required row marked below, where the server still applies
// the other rules although the schema contract says it must not.
const table: [FieldRules, unknown, string[]][] = [
  [{ required: true }, undefined, [REQUIRED]],
  [{ required: true }, null, [REQUIRED]],
  [{ required: true }, '', [REQUIRED]],
  [{ required: true }, ' \t\r\n', [REQUIRED]],
  [{ required: true }, 'x', []],
  [{ required: true }, 0, []],
  [{ required: true }, false, []],
  // The server's blank is exactly [ \t\r\n]: a no-break space is a value.
  [{ required: true }, '\u00a0', []],
  // JSON sends NaN as null.
  [{ required: true }, NaN, [REQUIRED]],
  // required stops there, as on the server.
  [{ required: true, min_length: 3, email: true }, '', [REQUIRED]],
  [{ min_length: 3 }, 'ab', [atLeast('3')]],
  [{ min_length: 3 }, 'abc', []],
  [{ min_length: 1 }, 'a', []],
  [{ max_length: 3 }, 'abcd', [atMost('3')]],
  [{ max_length: 3 }, 'abc', []],
  // Code points, not UTF-16 units: two emoji are 2 long ('👍👍'.length is 4).
  [{ max_length: 2 }, '👍👍', []],
  [{ min_length: 3 }, '👍👍', [atLeast('3')]],
  [{ max_length: 1 }, 'é', []],
  [{ min_length: 5, max_length: 2 }, 'abc', [atLeast('5'), atMost('2')]],
  [{ pattern: '[a-z]+' }, 'abc', []],
  [{ pattern: '[a-z]+' }, 'abc1', [INVALID]],
  // The whole value must match: `^a|b$` would accept both of these.
  [{ pattern: 'a|b' }, 'ab', [INVALID]],
  [{ pattern: 'a|b' }, 'xb', [INVALID]],
  [{ pattern: 'a|b' }, 'b', []],
  [{ email: true }, 'a@b.co', []],
  [{ email: true }, 'a@b', [EMAIL]],
  [{ email: true }, 'a b@c.d', [EMAIL]],
  [{ email: true }, 'a@@b.c', [EMAIL]],
  // Order of the server: length, length, pattern, email.
  [{ min_length: 10, pattern: '\\d+', email: true }, 'x@y', [atLeast('10'), INVALID, EMAIL]],
  [{ min: 1 }, 0, [gte('1')]],
  [{ min: 1 }, 1, []],
  [{ max: 0.5 }, 0.75, [lte('0.5')]],
  [{ min: 0.5 }, 0.25, [gte('0.5')]],
  [{ min: -2 }, -3, [gte('-2')]],
  [{ max: 1e21 }, 2e21, [lte('1e+21')]],
  [{ min: 1.5e-7 }, 0, [gte('1.5e-7')]],
  [{ min: 0, max: 10 }, 11, [lte('10')]],
  // Not required: only `required` looks at an absent or blank value.
  [{ min_length: 3, email: true }, undefined, []],
  [{ min_length: 3, email: true }, '', []], // server differs, see above
  [{ min: 1 }, null, []],
  // String rules for strings, numeric rules for numbers, as the server does.
  [{ min: 5 }, '3', []],
  [{ max_length: 1 }, 12345, []],
  [{}, 'anything', []],
];

describe('validateField', () => {
  it.each(table)('%j with %j', (rules, value, expected) => {
    expect(validateField(rules, value)).toEqual(expected);
  });

  it('writes numbers as String(n) does', () => {
    // The C++ side writes them with ecma_number_to_string; spot-check the JS side.
    expect(validateField({ max: 0.1 + 0.2 }, 1)).toEqual([lte('0.30000000000000004')]);
    expect(validateField({ min: 100 }, 1)).toEqual([gte('100')]);
  });

  it('throws on a pattern that is not a regular expression', () => {
    expect(() => validateField({ pattern: '(' }, 'x')).toThrow(SyntaxError);
  });
});

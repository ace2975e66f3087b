// Cross-language vectors for canonical params (PROTOCOL.md §2), computed by
// JavaScript itself so that the C++ server and the TypeScript client are both
// checked against the engine the client runs on.
//
//   node tests/vectors/generate.mjs > tests/vectors/canonical_params.json
//
// Output: {"numbers": [{input, output}], "encode": [{input, output}],
//          "params": [{input, canonical}]}. The file is committed; regenerate
// it only to add cases, and review the diff.

// Number.prototype.toString for JSON number texts, spelled as a client may send them.
const numberTexts = [
  '0', '-0', '5.0', '0.1', '0.30000000000000004', '1e21', '1e-7', '123e-20',
  '1.7976931348623157e308', '5e-324', '9007199254740992', '9007199254740994',
  '-1.5', '100', '1e20', '123456789012345680000',
  // Layout boundaries of Number::toString: 1e21 and 1e-6.
  '999999999999999900000', '1e-6', '0.000001234', '1.2345678901234567e-6', '5e-7',
  '-1e-7', '1.5e-7', '1e100', '-1e-100', '2.2250738585072014e-308', '4.35', '0.1e1', '25e-1',
  '-123456789e-30', '12345.6789', '1E+2', '-0.0',
  // Integers JavaScript cannot hold: they print as the nearest double.
  '9007199254740993', '18446744073709551615', '-9223372036854775808',
];

// Random doubles (fixed seed) written with 21 significant digits: not the
// shortest spelling, so a formatter must find the shortest digits itself.
function* randomDoubles(count) {
  let state = 0x2545f4914f6cdd1dn;
  const view = new DataView(new ArrayBuffer(8));
  let produced = 0;
  while (produced < count) {
    state ^= (state << 13n) & 0xffffffffffffffffn;
    state ^= state >> 7n;
    state ^= (state << 17n) & 0xffffffffffffffffn;
    view.setBigUint64(0, state);
    const value = view.getFloat64(0);
    if (!Number.isFinite(value)) continue;
    produced++;
    yield value.toExponential(20);
  }
}

const numbers = [...numberTexts, ...randomDoubles(100)].map((input) => ({
  input,
  output: String(JSON.parse(input)),
}));

const encodeInputs = [
  'a b', '  two  spaces ', "!'()*~", '&=+?#/', '-_.', 'AZaz09', ':;,@$', '[]{}|\\^`"<>',
  '\u0000\n\t\r', 'é', '日本', '😀', '%', '%20', 'a+b', '\u2028', '\uffff', '\u00a0', '',
];
const encode = encodeInputs.map((input) => ({ input, output: encodeURIComponent(input) }));

// An independent reference for §2: keys in UTF-8 byte order (not JavaScript's
// UTF-16 order), nulls dropped, String() values, encodeURIComponent on both.
const utf8 = new TextEncoder();
function compareUtf8(a, b) {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
  }
  return x.length - y.length;
}
function canonical(params) {
  return Object.keys(params)
    .filter((key) => params[key] !== null && params[key] !== undefined)
    .sort(compareUtf8)
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(String(params[key]))}`)
    .join('&');
}

const paramInputs = [
  { q: 'a b', id: 5, done: true, x: null },
  {},
  { x: null },
  { B: 1, a: 2, 'é': 3, Z: 4 },
  // U+FF61 sorts after U+1F600 in UTF-16 but before it in UTF-8.
  { '\uff61': 'halfwidth', '😀': 'emoji', z: 'z' },
  { a: 'a', aa: 'aa', 'a b': 'space', 'a-b': 'dash', A: 'upper', '': 'empty key' },
  { on: true, off: false, text: 'true' },
  { price: 0.1, sum: 0.30000000000000004, big: 1e21, tiny: 1e-7, neg: -1.5, whole: 5.0 },
  { zero: -0, max: 1.7976931348623157e308, min: 5e-324, huge: 123456789012345680000 },
  { limit: 10, min_done: 0, offset: -20 },
  { q: '&=+?#/%', empty: '', unicode: '日本 😀' },
  { '&': 'amp', '=': 'eq', '+': 'plus' },
];
const params = paramInputs.map((input) => ({ input, canonical: canonical(input) }));

process.stdout.write(`${JSON.stringify({ numbers, encode, params }, null, 2)}\n`);

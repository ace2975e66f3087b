// Cross-language vectors for the script element that inlines a page's data
// (docs/protocol.md, "Server-side rendering"): the C++ server writes it from
// the data's JSON text, the TypeScript `ssrScript` from the data itself, and
// both must give these bytes.
//
//   node tests/vectors/ssr_script.mjs > tests/vectors/ssr_script.json
//
// Output: [{json, script}]: `json` is JSON.stringify of the data (what the
// server holds), `script` the element. The file is committed.

// An independent reference: JSON.stringify, then `<`, `>`, `&`, U+2028 and
// U+2029 as \uXXXX escapes, so that nothing in a string can end the script.
const reference = (json) =>
  `<script>window.__MIZAN_SSR_DATA__=${json.replace(
    /[<>&\u2028\u2029]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  )}</script>`;

const hostile = [
  '</script><script>alert(1)</script>',
  '</SCRIPT >',
  '<!-- <script>',
  '-->',
  ']]>',
  'a & b &amp; &lt;',
  'line\u2028separator\u2029paragraph',
  '\u0000\u001f\u007f',
  '"quoted" \\ backslash',
  'emoji 😀 and 日本',
  '<img src=x onerror=alert(1)>',
  '\ud800',
];
const data = [
  {},
  { todos: { list_todos: [] } },
  ...hostile.map((title) => ({ todos: { list_todos: [{ id: 1, title, done: false }] } })),
  { 'leaderboard?limit=10': { leaderboard: [{ username: '</script>', done: 3 }] }, stats: { n: 1.5 } },
];

const vectors = data.map((d) => {
  const json = JSON.stringify(d);
  return { json, script: reference(json) };
});
process.stdout.write(JSON.stringify(vectors, null, 2) + '\n');

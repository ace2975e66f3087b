// Writes a synthetic Mizan schema (the format `<app> schema` prints) with
// FUNCTIONS functions to standard output: half queries in contexts of five,
// half mutations; structs nesting other structs, enums, maps, optionals,
// arrays; rules on a third of the arguments; context params of every scalar
// type. Deterministic (no randomness), so runs compare.
//
//   node bench/codegen/synth.mjs [FUNCTIONS]   (default 2000)
const count = Number(process.argv[2] ?? 2000);
const int = { kind: 'integer', min: -9007199254740991, max: 9007199254740991 };
const scalars = [int, { kind: 'string' }, { kind: 'number' }, { kind: 'boolean' }];
const types = { no_args: { kind: 'struct', fields: [] } };

const enums = Math.max(1, Math.floor(count / 40));
for (let e = 0; e < enums; e++) {
  types[`status_${e}`] = { kind: 'enum', values: ['draft', 'active', 'archived', `custom_${e}`] };
}
const structs = Math.max(1, Math.floor(count / 4));
const ref = (name) => ({ kind: 'ref', name });
for (let s = 0; s < structs; s++) {
  const fields = [
    { name: 'id', type: int },
    { name: 'title', type: { kind: 'string' } },
    { name: 'score', type: { kind: 'optional', of: { kind: 'number' } } },
    { name: 'status', type: ref(`status_${s % enums}`) },
    { name: 'tags', type: { kind: 'array', of: { kind: 'string' } } },
    { name: 'extra', type: { kind: 'map', of: { kind: 'json' } } },
  ];
  // Nest the previous struct (optional, in arrays) so the checker follows chains.
  if (s > 0) fields.push({ name: 'parent', type: { kind: 'optional', of: ref(`record_${s - 1}`) } });
  if (s > 1) fields.push({ name: 'siblings', type: { kind: 'array', of: ref(`record_${s - 2}`) } });
  types[`record_${s}`] = { kind: 'struct', fields };
}

const functions = [];
const contexts = [];
const paramTypes = [
  ['id', 'int', int],
  ['q', 'str', { kind: 'string' }],
  ['ratio', 'float', { kind: 'number' }],
  ['done', 'bool', { kind: 'boolean' }],
];
const queries = Math.floor(count / 2);
for (let c = 0; c * 5 < queries; c++) {
  const name = `ctx_${c}`;
  const members = [];
  const params = [];
  for (let p = 0; p < c % 5; p++) {
    const [pname, ptype] = paramTypes[p % 4];
    params.push({ name: pname, type: ptype, optional: p != 0, ...(ptype == 'int' ? { min: int.min, max: int.max } : {}) });
  }
  for (let q = 0; q < 5 && c * 5 + q < queries; q++) {
    const fname = `get_${c}_${q}`;
    const argsName = params.length ? `args_${fname}` : 'no_args';
    if (params.length) {
      types[argsName] = {
        kind: 'struct',
        fields: params.map((p, i) => {
          const t = paramTypes[i % 4][2];
          return { name: p.name, type: p.optional ? { kind: 'optional', of: t } : t };
        }),
      };
    }
    const record = ref(`record_${(c * 5 + q) % structs}`);
    functions.push({
      name: fname, kind: 'query', context: name, args: ref(argsName),
      fields: params.map((p) => ({ name: p.name, rules: {} })),
      result: q % 2 ? { kind: 'array', of: record } : record,
      affects: [], auth: 'user', private: c % 3 == 0, websocket: false, route: null, methods: [], rev: 0, cache: null,
    });
    members.push(fname);
  }
  contexts.push({ name, functions: members, params, private: c % 3 == 0, cache: null, rev: 0 });
}
for (let m = 0; functions.length < count; m++) {
  const fname = `do_${m}`;
  const args = [];
  for (let a = 0; a < m % 5; a++) {
    const t = scalars[a % 4];
    args.push({ name: `arg_${a}`, type: a == 3 ? { kind: 'optional', of: t } : t });
  }
  const fields = args.map((a, i) => ({
    name: a.name,
    rules: i % 3 ? {} : i % 4 == 1 ? { required: true, min_length: 1, max_length: 200 } : { min: 0, max: 1000 },
  }));
  const argsName = args.length ? `args_${fname}` : 'no_args';
  if (args.length) types[argsName] = { kind: 'struct', fields: args };
  functions.push({
    name: fname, kind: 'mutation', context: null, args: ref(argsName), fields,
    result: ref(`record_${m % structs}`),
    affects: [{ context: `ctx_${m % contexts.length}`, scoped: false }],
    auth: 'user', private: false, websocket: m % 10 == 0, route: null, methods: [], rev: 0, cache: null,
  });
}
functions.sort((a, b) => (a.name < b.name ? -1 : 1));
process.stdout.write(JSON.stringify({ mizan_schema: 1, functions, contexts, types }, null, 2) + '\n');

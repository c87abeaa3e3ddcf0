// parquet_read.mjs — reads a Parquet table that `convert --format tsv,parquet` wrote back with
// DuckDB and Polars and compares it with the TSV of the same run: the row count, the column
// types, and every value (an empty TSV field is null).  Under --partitions N it also checks that
// each row sits in part fnv1a64(user_id) % N, in TSV order within the part, and that the parts
// read as one dataset through a glob.  With --meta it checks parquet_metadata(): ZSTD on every
// column chunk and statistics (min, max, null count) that agree with the data.
//
//   node parquet_read.mjs DIR TABLE COL=TYPE,... [--partitions N] [--meta] [--tsv FILE]
//
// TYPE is DuckDB's name (VARCHAR, INTEGER, BIGINT, DOUBLE).  Prints "ok TABLE ..." and exits 0,
// or prints what differs and exits 1.  Needs bench/node_modules (npm install --prefix bench).
import { createRequire } from 'node:module';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../bench/package.json'));
let duckdb, pl;
try {
  duckdb = require('@duckdb/node-api');
  pl = require('nodejs-polars');
} catch (err) {
  console.error(`parquet_read: ${err.message}\nparquet_read: install the readers: npm install --prefix bench --no-audit --no-fund`);
  process.exit(1);
}

const args = process.argv.slice(2);
const [dir, table, typeSpec] = args;
let partitions = 0, meta = false, tsvFile = null;
for (let i = 3; i < args.length; i++) {
  if (args[i] === '--partitions') partitions = Number(args[++i]);
  else if (args[i] === '--meta') meta = true;
  else if (args[i] === '--tsv') tsvFile = args[++i];
}
const want = Object.fromEntries(typeSpec.split(',').map((s) => s.split('=')));
const fails = [];
const fail = (m) => { if (fails.length < 20) fails.push(m); };

// The TSV contract: TAB-separated, LF, a field that starts with a quote is RFC 4180 quoted.
function readTsv(file) {
  const s = readFileSync(file, 'utf8');
  const rows = [];
  let row = [], i = 0;
  while (i < s.length) {
    let v = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        const q = s.indexOf('"', i);
        if (q < 0) { v += s.slice(i); i = s.length; break; }
        v += s.slice(i, q);
        if (s[q + 1] === '"') { v += '"'; i = q + 2; } else { i = q + 1; break; }
      }
      while (i < s.length && s[i] !== '\t' && s[i] !== '\n') v += s[i++];
    } else {
      let j = i;
      while (j < s.length && s[j] !== '\t' && s[j] !== '\n') j++;
      v = s.slice(i, j);
      i = j;
    }
    row.push(v);
    if (i >= s.length || s[i] === '\n') { rows.push(row); row = []; }
    i++;
  }
  return { header: rows[0], rows: rows.slice(1) };
}

function fnv1a64(str) {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(str, 'utf8')) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

// A value read back against the TSV text: same text for strings, same number for numbers.
function same(type, text, v) {
  if (text === '') return v === null || v === undefined;
  if (v === null || v === undefined) return false;
  if (type === 'VARCHAR') return v === text;
  if (type === 'DOUBLE') return Number(v) === Number(text);
  return BigInt(v) === BigInt(text);
}

const tsv = readTsv(tsvFile || path.join(dir, `${table}.tsv`));
for (const c of tsv.header) if (!(c in want)) fail(`column ${c} has no expected type`);
const files = [];
if (partitions) {
  for (let k = 0; k < partitions; k++) files.push(path.join(dir, table, `part-${String(k).padStart(5, '0')}.parquet`));
} else {
  files.push(path.join(dir, `${table}.parquet`));
}
for (const f of files) if (!existsSync(f)) fail(`${f} is missing`);
const expected = files.map(() => []);
const ucol = tsv.header.indexOf('user_id');
for (const r of tsv.rows) {
  const k = partitions ? Number(fnv1a64(r[ucol]) % BigInt(partitions)) : 0;
  expected[k].push(r);
}

const inst = await duckdb.DuckDBInstance.create(':memory:');
const con = await inst.connect();
const lit = (s) => `'${s.replaceAll("'", "''")}'`;

async function checkDuck(file, rows) {
  const d = await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${lit(file)})`);
  const cols = d.getRowObjects().map((o) => [o.column_name, o.column_type]);
  if (cols.map((c) => c[0]).join() !== tsv.header.join()) fail(`duckdb ${file}: columns ${cols.map((c) => c[0])} != ${tsv.header}`);
  for (const [n, t] of cols) if (want[n] !== t) fail(`duckdb ${file}: ${n} is ${t}, expected ${want[n]}`);
  const got = (await con.runAndReadAll(`SELECT * FROM read_parquet(${lit(file)})`)).getRows();
  if (got.length !== rows.length) fail(`duckdb ${file}: ${got.length} rows, the TSV has ${rows.length}`);
  for (let i = 0; i < Math.min(got.length, rows.length); i++)
    for (let c = 0; c < tsv.header.length; c++)
      if (!same(want[tsv.header[c]], rows[i][c] ?? '', got[i][c])) fail(`duckdb ${file} row ${i + 1} ${tsv.header[c]}: ${got[i][c]} != TSV '${rows[i][c]}'`);
}

const plType = { VARCHAR: ['String', 'Utf8'], INTEGER: ['Int32'], BIGINT: ['Int64'], DOUBLE: ['Float64'] };
function checkPolars(file, rows) {
  const df = pl.readParquet(file);
  if (df.columns.join() !== tsv.header.join()) fail(`polars ${file}: columns ${df.columns} != ${tsv.header}`);
  if (df.height !== rows.length) fail(`polars ${file}: ${df.height} rows, the TSV has ${rows.length}`);
  tsv.header.forEach((n, c) => {
    const s = df.getColumn(n);
    const t = String(s.dtype).replace(/^DataType\(|\)$/g, '');
    if (!plType[want[n]].some((x) => t.startsWith(x))) fail(`polars ${file}: ${n} is ${t}, expected ${want[n]}`);
    const vals = s.toArray();
    for (let i = 0; i < Math.min(vals.length, rows.length); i++)
      if (!same(want[n], rows[i][c] ?? '', vals[i])) fail(`polars ${file} row ${i + 1} ${n}: ${vals[i]} != TSV '${rows[i][c]}'`);
  });
}

async function checkMeta(file) {
  const m = (await con.runAndReadAll(`SELECT path_in_schema, compression, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata(${lit(file)})`)).getRowObjects();
  const data = (await con.runAndReadAll(`SELECT * FROM read_parquet(${lit(file)})`)).getRowObjects();
  for (const n of tsv.header) {
    const chunks = m.filter((x) => x.path_in_schema === n);
    if (!chunks.length && data.length) fail(`${file}: no column chunk of ${n}`);
    for (const x of chunks) if (x.compression !== 'ZSTD') fail(`${file} ${n}: compression ${x.compression}`);
    const nulls = chunks.reduce((a, x) => a + Number(x.stats_null_count ?? NaN), 0);
    const vals = data.map((r) => r[n]).filter((v) => v !== null);
    if (chunks.length && nulls !== data.length - vals.length) fail(`${file} ${n}: stats null_count ${nulls}, the data has ${data.length - vals.length}`);
    if (!vals.length || vals.some((v) => typeof v === 'string' && Buffer.byteLength(v) > 256)) continue;
    const num = want[n] !== 'VARCHAR';
    const cmp = num ? (a, b) => (Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0)
                    : (a, b) => Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
    const lo = vals.reduce((a, b) => (cmp(b, a) < 0 ? b : a));
    const hi = vals.reduce((a, b) => (cmp(b, a) > 0 ? b : a));
    const smin = chunks.map((x) => x.stats_min_value).reduce((a, b) => (cmp(b, a) < 0 ? b : a));
    const smax = chunks.map((x) => x.stats_max_value).reduce((a, b) => (cmp(b, a) > 0 ? b : a));
    if (smin === null || cmp(smin, lo) !== 0) fail(`${file} ${n}: stats min ${smin}, the data's is ${lo}`);
    if (smax === null || cmp(smax, hi) !== 0) fail(`${file} ${n}: stats max ${smax}, the data's is ${hi}`);
  }
  return m.length;
}

let chunks = 0;
for (let k = 0; k < files.length; k++) {
  if (!existsSync(files[k])) continue;
  await checkDuck(files[k], expected[k]);
  checkPolars(files[k], expected[k]);
  if (meta) chunks += await checkMeta(files[k]);
}
if (partitions) {
  const glob = path.join(dir, table, '*.parquet');
  const n = (await con.runAndReadAll(`SELECT count(*)::INTEGER FROM read_parquet(${lit(glob)})`)).getRows()[0][0];
  if (n !== tsv.rows.length) fail(`duckdb ${glob}: ${n} rows, the TSV has ${tsv.rows.length}`);
  const lf = pl.scanParquet(glob).collectSync();
  if (lf.height !== tsv.rows.length) fail(`polars scan ${glob}: ${lf.height} rows, the TSV has ${tsv.rows.length}`);
}
if (fails.length) {
  for (const f of fails) console.log(`FAIL ${f}`);
  process.exit(1);
}
console.log(`ok ${table}: ${tsv.rows.length} rows in ${files.length} file(s)${meta ? `, ${chunks} column chunks` : ''}`);

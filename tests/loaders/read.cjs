// tests/loaders/read.cjs FILE KIND -- reads one output file the way docs/FORMAT.md's one-line
// loaders do, with the real Polars (nodejs-polars: the same Rust CSV reader as Python's Polars)
// and the real DuckDB, and prints {"polars": rows, "duckdb": rows} as JSON: every value a
// string or null.  KIND: "inter" (ids as strings, rating and timestamp typed, as documented) or
// "text" (every column as text).  Node modules come from bench/node_modules
// (npm install --prefix bench); L4R_NODE_MODULES overrides the directory.
'use strict';
const path = require('path');
const nm = process.env.L4R_NODE_MODULES || path.join(__dirname, '..', '..', 'bench', 'node_modules');
const pl = require(path.join(nm, 'nodejs-polars'));
const duck = require(path.join(nm, '@duckdb', 'node-api'));
const [file, kind] = process.argv.slice(2);

const str = (v) => (v === null || v === undefined ? null : typeof v === 'bigint' ? v.toString() : String(v));

function polars() {
  // Python: pl.read_csv(p, separator="\t", schema_overrides={...}) / infer_schema=False
  const opts = { sep: '\t' };
  if (kind === 'inter')
    opts.dtypes = { user_id: pl.Utf8, item_id: pl.Utf8, rating: pl.Float64, timestamp: pl.Int64 };
  else
    opts.inferSchemaLength = 0;
  const df = pl.readCSV(file, opts);
  return { columns: df.columns, rows: df.rows().map((r) => r.map(str)) };
}

async function duckdb() {
  const inst = await duck.DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  const q = file.replace(/'/g, "''");
  const types = kind === 'inter'
    ? "types={'user_id': 'VARCHAR', 'item_id': 'VARCHAR', 'rating': 'DOUBLE', 'timestamp': 'BIGINT'}"
    : 'all_varchar=true';
  const r = await c.runAndReadAll(
    `SELECT * FROM read_csv('${q}', delim='\\t', quote='"', escape='"', header=true, ${types})`);
  return { columns: r.columnNames(), rows: r.getRows().map((row) => row.map(str)) };
}

// Plain defaults (pl.read_csv(p, separator="\t"), read_csv(p)): the row count they give.
async function plain() {
  const inst = await duck.DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  const r = await c.runAndReadAll(`SELECT count(*)::VARCHAR FROM read_csv('${file.replace(/'/g, "''")}')`);
  return { polars: pl.readCSV(file, { sep: '\t' }).height, duckdb: Number(r.getRows()[0][0]) };
}

(async () => {
  const out = { polars: polars(), duckdb: await duckdb(), plain: await plain() };
  process.stdout.write(JSON.stringify(out));
})().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});

// bench/peers.mjs — the DuckDB and Polars sides of the benchmark (bench/run.sh).
//   node peers.mjs TOOL TASK IN OUT [THREADS]
//   TOOL: duckdb | polars      TASK: csv (A) | json (B) | split (C)
// csv:   ML-25M ratings.csv -> OUT (TSV, header user_id item_id rating timestamp)
// json:  Amazon 2014/2018 reviews .json.gz -> OUT (TSV of reviewerID, asin, overall, unixReviewTime)
// json2023: Amazon 2023 reviews .jsonl.gz -> OUT (TSV of user_id, parent_asin, rating, timestamp / 1000)
// split: ratings.csv -> OUT/{train,valid,test}.tsv, leave-one-out by timestamp per user
import { readFileSync } from "node:fs";
import { mkdirSync } from "node:fs";
import { gunzipSync } from "node:zlib";

const [tool, task, input, out, threads] = process.argv.slice(2);
const HDR = ["user_id", "item_id", "rating", "timestamp"];
const q = (s) => "'" + s.replaceAll("'", "''") + "'";

async function duckdb() {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const opts = threads ? { threads: String(threads) } : {};
  const db = await DuckDBInstance.create(":memory:", opts);
  const con = await db.connect();
  const tsv = "(FORMAT csv, DELIMITER '\t', HEADER)";
  if (task === "csv") {
    await con.run(`COPY (SELECT userId AS user_id, movieId AS item_id, rating, timestamp
                        FROM read_csv(${q(input)}, header = true))
                   TO ${q(out)} ${tsv}`);
  } else if (task === "json") {
    await con.run(`COPY (SELECT reviewerID AS user_id, asin AS item_id, overall AS rating,
                               unixReviewTime AS timestamp
                        FROM read_json(${q(input)}, format = 'newline_delimited',
                             columns = {reviewerID: 'VARCHAR', asin: 'VARCHAR', overall: 'DOUBLE',
                                        unixReviewTime: 'BIGINT'}))
                   TO ${q(out)} ${tsv}`);
  } else if (task === "json2023") {
    await con.run(`COPY (SELECT user_id, parent_asin AS item_id, rating, timestamp // 1000 AS timestamp
                        FROM read_json(${q(input)}, format = 'newline_delimited',
                             columns = {user_id: 'VARCHAR', parent_asin: 'VARCHAR', rating: 'DOUBLE',
                                        timestamp: 'BIGINT'}))
                   TO ${q(out)} ${tsv}`);
  } else if (task === "split") {
    mkdirSync(out, { recursive: true });
    await con.run(`CREATE TABLE r AS
                     SELECT userId AS user_id, movieId AS item_id, rating, timestamp,
                            row_number() OVER (PARTITION BY userId ORDER BY timestamp DESC) AS rn,
                            count(*) OVER (PARTITION BY userId) AS n
                     FROM read_csv(${q(input)}, header = true)`);
    const cols = "user_id, item_id, rating, timestamp";
    const order = "ORDER BY user_id, timestamp, item_id";
    await con.run(`COPY (SELECT ${cols} FROM r WHERE n >= 3 AND rn = 1 ${order}) TO ${q(out + "/test.tsv")} ${tsv}`);
    await con.run(`COPY (SELECT ${cols} FROM r WHERE n >= 3 AND rn = 2 ${order}) TO ${q(out + "/valid.tsv")} ${tsv}`);
    await con.run(`COPY (SELECT ${cols} FROM r WHERE n < 3 OR rn > 2 ${order}) TO ${q(out + "/train.tsv")} ${tsv}`);
  } else if (task === "mind") {
    // the clicked entries ("N123-1") of every impression, at the impression's 12-hour time
    await con.run(`COPY (SELECT usr AS user_id, substr(e, 1, length(e) - 2) AS item_id, 1 AS rating,
                               epoch(strptime(t, '%m/%d/%Y %I:%M:%S %p'))::BIGINT AS timestamp
                        FROM (SELECT column1 AS usr, column2 AS t, unnest(string_split(column4, ' ')) AS e
                              FROM read_csv(${q(input)}, delim = '\t', header = false, quote = '',
                                   escape = '', columns = {column0: 'VARCHAR', column1: 'VARCHAR',
                                   column2: 'VARCHAR', column3: 'VARCHAR', column4: 'VARCHAR'}))
                        WHERE suffix(e, '-1'))
                   TO ${q(out)} ${tsv}`);
  } else if (task === "yelp") {
    // DuckDB cannot read a tar inside a zip: this reads the review JSON extracted beforehand
    await con.run(`COPY (SELECT user_id, business_id AS item_id, stars AS rating,
                               epoch(strptime(date, '%Y-%m-%d %H:%M:%S'))::BIGINT AS timestamp
                        FROM read_json(${q(input)}, format = 'newline_delimited',
                             columns = {user_id: 'VARCHAR', business_id: 'VARCHAR', stars: 'DOUBLE',
                                        date: 'VARCHAR'}))
                   TO ${q(out)} ${tsv}`);
  } else {
    throw new Error("unknown task " + task);
  }
}

async function polars() {
  const pl = (await import("nodejs-polars")).default;
  const w = { separator: "\t", includeHeader: true };
  if (task === "csv") {
    const df = pl.readCSV(input, { hasHeader: true });
    df.rename({ userId: "user_id", movieId: "item_id" }).writeCSV(out, w);
  } else if (task === "json") {
    let df;
    try {
      df = pl.readJSON(input, { format: "lines", inferSchemaLength: null });
    } catch (e) {
      // This binding does not inflate .gz itself: inflate with node's zlib (timed too).
      process.stderr.write("polars: readJSON cannot read .gz directly; inflating with node zlib\n");
      df = pl.readJSON(gunzipSync(readFileSync(input)), { format: "lines", inferSchemaLength: null });
    }
    df.select("reviewerID", "asin", "overall", "unixReviewTime")
      .rename({ reviewerID: "user_id", asin: "item_id", overall: "rating", unixReviewTime: "timestamp" })
      .writeCSV(out, w);
  } else {
    throw new Error("polars: task " + task + " is not implemented");
  }
}

try {
  if (tool === "duckdb") await duckdb();
  else if (tool === "polars") await polars();
  else throw new Error("unknown tool " + tool);
} catch (e) {
  process.stderr.write(`${tool} ${task}: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
}

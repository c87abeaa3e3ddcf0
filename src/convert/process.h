/*
 * process.h — everything after parsing: stages, splits and sinks, on the in-memory table.
 *
 *   l4r_itab (source order) -> dedup -> rating filter -> titles -> k-core -> order (time, ties) ->
 *   max-history -> remap -> split -> sinks (tsv, recbole, sasrec, sequences, jsonl)
 *
 * Each stage is optional and records what it did in the manifest under "stages.<name>".
 * Sinks write into the output (temporary) directory through l4r_out (output.h), which hashes and
 * counts rows into the manifest.
 */
#ifndef L4R_PROCESS_H
#define L4R_PROCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "llm4rec_data.h"
#include "output.h"
#include "table.h"

typedef enum l4r_dedup { L4R_DEDUP_NONE, L4R_DEDUP_FIRST, L4R_DEDUP_LAST } l4r_dedup;
/* source: file order; hash: seeded; item: by item id (LlamaRec's sort by ['timestamp', 'sid'], the
 * LRURec#1 inflation: only on request) */
typedef enum l4r_ties { L4R_TIES_SOURCE, L4R_TIES_HASH, L4R_TIES_ITEM } l4r_ties;
/* one-pass-users: a one-pass round, then users below the user threshold once more (HLLM's
 * process_books.py) */
typedef enum l4r_kcore_mode {
    L4R_KCORE_ITERATIVE,
    L4R_KCORE_ONE_PASS,
    L4R_KCORE_ONE_PASS_USERS
} l4r_kcore_mode;
/* first: first appearance in the time-ordered data; sorted: by id; shuffle: seeded; source: first
 * appearance in the input file (SASRec's DataProcessing.py numbering) */
typedef enum l4r_remap_order {
    L4R_REMAP_FIRST,
    L4R_REMAP_SORTED,
    L4R_REMAP_SHUFFLE,
    L4R_REMAP_SOURCE
} l4r_remap_order;
typedef enum l4r_split_kind {
    L4R_SPLIT_NONE,
    L4R_SPLIT_SEQ,           /* leave-one-out: last -> test, second last -> valid */
    L4R_SPLIT_RATIO,         /* per-user chronological ratio a:b:c */
    L4R_SPLIT_TIME,          /* global cut points t1, t2 (Unix seconds) */
    L4R_SPLIT_TIME_QUANTILE, /* global cut at quantiles q1, q2 of all timestamps */
    L4R_SPLIT_RANDOM         /* random a:b:c with seed */
} l4r_split_kind;

enum {
    L4R_SINK_TSV = 1 << 0,
    L4R_SINK_RECBOLE = 1 << 1,
    L4R_SINK_SASREC = 1 << 2,
    L4R_SINK_SEQUENCES = 1 << 3,
    L4R_SINK_JSONL = 1 << 4,
    L4R_SINK_PARQUET = 1 << 5,   /* the finished TSVs as Parquet (parquet_tables.c) */
    L4R_SINK_TALLREC = 1 << 6,   /* TALLRec's Alpaca JSON (export_alpaca.c) */
    L4R_SINK_BIGREC = 1 << 7,    /* BIGRec's Alpaca JSON (export_alpaca.c) */
    L4R_SINK_P5 = 1 << 8,        /* P5's sequential_data.txt, datamaps.json, negative_samples.txt */
    L4R_SINK_LLARA = 1 << 9,     /* LLaRA's train_data / Val_data / Test_data as JSON lines */
    L4R_SINK_HLLM = 1 << 10,     /* HLLM's dataset/NAME.csv and information/NAME.csv */
    L4R_SINK_LLAMAREC = 1 << 11, /* LlamaRec's dataset.pkl dict as dataset.json */
    L4R_SINK_OPENP5 = 1 << 12    /* OpenP5's user_sequence.txt, index files and prompt JSON */
};

typedef struct l4r_process_opts {
    l4r_dedup dedup;
    bool has_min_rating;
    double min_rating;
    bool has_time_from, has_time_until; /* --time-from, --time-until: keep ts in [from, until] */
    int64_t time_from, time_until;      /* Unix seconds, both ends kept */
    bool implicit;                      /* write rating "1" */
    int user_core, item_core;           /* 0 = off */
    l4r_kcore_mode kcore_mode;
    l4r_ties ties;
    uint64_t seed; /* for --ties hash, --remap-order shuffle, random split, candidates */
    bool remap;
    l4r_remap_order remap_order;
    int max_history; /* 0 = unlimited */
    l4r_split_kind split;
    double split_a, split_b, split_c; /* ratio/random weights, or time cut points / quantiles */
    unsigned formats;                 /* L4R_SINK_* bits; 0 means TSV */
    int candidates;                   /* jsonl: negatives per example, 0 = none */
    int history_len;                  /* jsonl: last N history items (default 10) */
    int window;                       /* tallrec, bigrec: history items per window (default 10) */
    int max_windows;                  /* tallrec: the last N windows (default 10000, 0 = all) */
    int tallrec_style;                /* tallrec: 0 auto (book on book-crossing), 1 movie, 2 book */
    int bigrec_style;                 /* bigrec: 0 auto (game on amazon), 1 movie, 2 game */
    int llara_style;                  /* llara: 0 auto (ids on steam, lastfm), 1 pairs, 2 ids */
    bool p5_users_source;             /* --p5-user-order source: users unshuffled (P5's Yelp) */
    int eval_sample;                  /* bigrec: rows of valid_N / test_N.json (default 5000, 0 = none) */
    const char *dataset;              /* the output directory: its base name is the stem of the
                                         RecBole and SASRec files (NAME/NAME.inter, as RecBole
                                         loads data_path/NAME/NAME.inter) */
    const l4r_items *users;           /* the users table (RecBole NAME.user), or NULL */
    int threads;
    uint64_t memory_limit; /* bytes; beyond it, spill (if implemented) */
    int partitions;        /* --partitions N: Parquet tables with a user_id in N files (0 = one) */
    bool p5_sequential;    /* --p5-indexing sequential (P5's own, leaking) instead of random */
    int p5_negatives;      /* --p5-negatives N (default 99) */
    int llara_candidates;  /* --llara-candidates K (default 20) */
    const char *recipe_dataset, *recipe_variant; /* what is converted (hllm: the file name) */
    bool require_title;  /* --require-title: drop interactions whose item has no title */
    const char *family;  /* the recipe's dataset name ("movielens", ...), or NULL */
    int openp5_indexing; /* --openp5-indexing: 0 random (default), 1 sequential, 2 collaborative */
    int openp5_tokens;   /* --openp5-tokens T: collaborative token size (default 100) */
    int openp5_clusters; /* --openp5-clusters K: clusters per level (default 10) */
} l4r_process_opts;

void l4r_process_opts_defaults(l4r_process_opts *o);

/* Run the stages, the split and the sinks.  `items` may be NULL (no titles).  Writes into dir
 * (the temporary output directory).  Records counts in m.  The table is modified in place. */
l4r_status l4r_process(l4r_itab *t, const l4r_items *items, const l4r_process_opts *o, const char *dir,
                       l4r_manifest *m, l4r_error *e);

/* Parse "--split" values: none, seq, ratio:8,1,1, time:T1,T2, time-quantile:0.8,0.9,
 * random:8,1,1.  Returns false with a message in e on syntax errors. */
bool l4r_parse_split(const char *s, l4r_process_opts *o, l4r_error *e);

#endif

/*
 * presets.c — the table of presets (convert --preset NAME, `llm4rec-data presets`) and what a
 * run with one adds to manifest.json.
 *
 * A preset is data: a name, the codebase it reproduces, the DATASET/VARIANT patterns it covers,
 * the convert options it implies (argv-like, exactly as a user would type them: the library
 * parses them with l4r_options_set, so a preset can only say what the command line can), the
 * files it writes, and the statistics the codebase's paper published, with the table cited.
 * docs/PRESETS.md has one section per preset: what the codebase does, what the preset does, and
 * every difference.
 *
 * Adding a preset is one place: append a row to `presets` below (and its section to
 * docs/PRESETS.md, and a test).  A row:
 *   - name: lower case, what --preset takes;
 *   - codebase, summary, writes: one line each (`presets` prints them);
 *   - covers: "DATASET/VARIANT" patterns (fnmatch: "amazon/2014/reviews_*"), NULL-terminated;
 *     a preset given another dataset is a usage error that lists them;
 *   - options: "--long-option", then its value unless it is a flag; NULL-terminated.  A
 *     codebase's own file layout is a --format of its own (src/convert/export_NAME.c), so the
 *     row only names it;
 *   - papers: for the variants the paper reports on, {covers pattern, citation, known cause of a
 *     difference or NULL, {{"users", N, tolerance}, ...}}.  Only numbers checked against the paper;
 *     a tolerance of half the unit the paper rounds to ("0.4M" is 400000 +- 50000), 0 when exact.
 *     Statistics: users, items, interactions, actions_per_user, actions_per_item.
 * The arrays have fixed capacities (L4R_PRESET_MAX_*): raise one when a row needs more.
 *
 * At the end of a run (l4r_preset_report, called by l4r_convert before the manifest is
 * written): ours beside the paper's on stderr (through the log callback) and in manifest.json
 * "preset"; on the published source (the input's SHA-256 is the recipe's) a difference beyond
 * the tolerance is L4R_EFINDING unless --allow-deviation, and nothing is published.
 */
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "presets.h"
#include "util.h"

#define L4R_PRESET_MAX_COVERS 16
#define L4R_PRESET_MAX_OPTIONS 32
#define L4R_PRESET_MAX_PAPERS 8
#define L4R_PRESET_MAX_STATS 6

typedef struct paper_row {
    const char *covers;
    const char *citation;
    const char *known_cause;
    l4r_preset_stat stats[L4R_PRESET_MAX_STATS]; /* ends at the first without a name */
} paper_row;

struct l4r_preset {
    const char *name;
    const char *codebase;
    const char *summary;
    const char *writes;
    const char *covers[L4R_PRESET_MAX_COVERS + 1];
    const char *options[L4R_PRESET_MAX_OPTIONS + 1];
    paper_row papers[L4R_PRESET_MAX_PAPERS]; /* ends at the first without covers */
};

#define OPENP5_README "OpenP5 (agiresearch/OpenP5) README.md, Data Statistics table"
#define OPENP5_AMAZON_NB "OpenP5 preprocessing/data_preprocessing_amazon.ipynb, the load_data cell's output"

#define P5_TABLE                                                                                             \
    "Geng et al., Recommendation as Language Processing (RLP): P5, RecSys 2022, Table 1, Basic "             \
    "statistics of the experimental datasets"
#define HLLM_TABLE                                                                                           \
    "Chen et al., HLLM: Enhancing Sequential Recommendations via Hierarchical Large Language Models, "       \
    "arXiv 2409.12740, Table 1, Statics of PixelRec and Amazon Book Reviews"
#define HLLM_PIXEL                                                                                           \
    "HLLM reads PixelRec's files unfiltered; where the preset's 5/5 filter removes rows, --kcore 0 gives "   \
    "HLLM's data (docs/PRESETS.md)"
#define LLAMAREC_TABLE                                                                                       \
    "Yue et al., LlamaRec: Two-Stage Recommendation using Large Language Models for Ranking, Table 2, "      \
    "Dataset statistics after preprocessing"

#define LLARA_TABLE                                                                                          \
    "Liao et al., LLaRA: Large Language-Recommendation Assistant, SIGIR 2024 (arXiv 2312.02445), "           \
    "Table 1, Statistics of Datasets"
#define LLARA_UNPUBLISHED                                                                                    \
    "LLaRA publishes no preprocessing (ljy0ustc/LLaRA#18): its Steam and LastFM subsets come from "          \
    "filters it does not give, and the preset adds none"

#define SASREC_TABLE "Kang & McAuley, Self-Attentive Sequential Recommendation, ICDM 2018, Table II"

static const l4r_preset presets[] = {
    {
        .name = "sasrec",
        .codebase = "SASRec (Kang & McAuley, ICDM 2018), github.com/kang205/SASRec: data/DataProcessing.py, "
                    "util.py data_partition",
        .summary = "users and items with >= 5 interactions in the raw data (one pass, not iterated), ids by "
                   "first appearance in the file from 1, each user's items in time order (ties in file "
                   "order), leave-one-out as data_partition splits it",
        .writes = "NAME.txt ('user item' lines, by user then time: data/NAME.txt for SASRec's main.py "
                  "--dataset NAME), user_map.tsv, item_map.tsv, train/valid/test.tsv",
        .covers = {"amazon/2014/reviews_*", "steam/reviews", "movielens/ml-1m", NULL},
        .options = {"--kcore", "5", "--kcore-mode", "one-pass", "--ties", "source", "--remap-order", "source",
                    "--split", "seq", "--format", "tsv,sasrec", NULL},
        .papers =
            {
                {"movielens/ml-1m",
                 SASREC_TABLE " (MovieLens-1m)",
                 NULL,
                 {{"users", 6040, 0}, {"items", 3416, 0}}},
                {"steam/reviews", SASREC_TABLE " (Steam)", NULL, {{"users", 334730, 0}, {"items", 13047, 0}}},
            },
    },
    {
        .name = "tallrec",
        .codebase = "TALLRec (Bao et al., RecSys 2023), github.com/SAI990323/TALLRec: preprocess_movie.py, "
                    "preprocess_book.py",
        .summary = "movies: rating > 3 = like; windows of the 10 interactions before each target, user by "
                   "user in time order; the last 10,000 windows, 8:1:1 by position; books: users with > 3 "
                   "ratings, split 8:1:1 by a seeded shuffle, one record each (10 shuffled history books, "
                   "rating > 5 = like, 0 = dislike); Alpaca JSON with Yes./No.",
        .writes = "train.json, valid.json, test.json (finetune_rec.py --train_data_path / --val_data_path, "
                  "evaluate.py --test_data_path), items.tsv",
        /* book-crossing/all: TALLRec keeps the implicit 0 ratings (as dislikes); --format tallrec
         * runs its preprocess_book.py there (--tallrec-style auto) */
        .covers = {"movielens/ml-100k", "book-crossing/all", NULL},
        .options = {"--format", "tallrec", "--window", "10", "--max-windows", "10000", NULL},
    },
    {
        .name = "bigrec",
        .codebase = "BIGRec (Bao et al., 2023), github.com/SAI990323/BIGRec: data/movie/process.ipynb, "
                    "data/game/process.ipynb",
        .summary = "windows of 10 before each liked target (rating > 3; games: every target, items titled "
                   "with > 1 character, shorter histories for short users), sorted by target time and cut "
                   "8:1:1; valid and test sub-sampled to 5,000 (seeded, as pandas' sample(random_state=42)); "
                   "Alpaca JSON for title generation",
        .writes = "train.json, valid.json, test.json, valid_5000.json, test_5000.json, items.tsv",
        /* amazon/2018/Video_Games_5: BIGRec's "game" data (data/game/process.ipynb); --format bigrec
         * runs that notebook's procedure there (--bigrec-style auto) */
        .covers = {"movielens/ml-10m", "amazon/2018/Video_Games_5", NULL},
        .options = {"--format", "bigrec", "--window", "10", "--eval-sample", "5000", "--seed", "42", NULL},
    },
    {
        .name = "p5",
        .codebase =
            "P5 (Geng et al., RecSys 2022), github.com/jeykigung/P5: preprocess/data_preprocess_amazon.ipynb",
        .summary = "iterative 5-core, users numbered by P5's seeded shuffle (seed 2022), items by a seeded "
                   "random numbering (P5's own sequential numbering leaks the next item, P5 PR#3: "
                   "--p5-indexing sequential reproduces it), 99 seeded negatives per user",
        .writes = "sequential_data.txt, datamaps.json, negative_samples.txt, items.tsv",
        .covers = {"amazon/2014/reviews_Beauty_5", "amazon/2014/reviews_Sports_and_Outdoors_5",
                   "amazon/2014/reviews_Toys_and_Games_5", NULL},
        .options = {"--kcore", "5", "--format", "p5", "--seed", "2022", NULL},
        .papers =
            {
                {"amazon/2014/reviews_Sports_and_Outdoors_5",
                 "P5, preprocess/data_preprocess_amazon.ipynb, the statistics cell's output (Sports)",
                 NULL,
                 {{"users", 35598, 0}, {"items", 18357, 0}, {"interactions", 296337, 0}}},
                /* a paper of P5's group on P5's data: its Sports and Yelp rows are P5's notebook
                 * outputs exactly */
                {"amazon/2014/reviews_Beauty_5",
                 "Hua et al., How to Index Item IDs for Recommendation Foundation Models (P5's data), "
                 "Table 1, Basic statistics of datasets (Beauty)",
                 NULL,
                 {{"users", 22363, 0}, {"items", 12101, 0}, {"interactions", 198502, 0}}},
                {"amazon/2014/reviews_Toys_and_Games_5",
                 P5_TABLE " (Toys)",
                 NULL,
                 {{"users", 19412, 0}, {"items", 11924, 0}, {"interactions", 167597, 0}}},
            },
    },
    {
        .name = "p5-yelp",
        .codebase =
            "P5 (Geng et al., RecSys 2022), github.com/jeykigung/P5: preprocess/data_preprocess_yelp.ipynb",
        .summary = "the reviews dated 2019-01-01 00:00:00 to 2019-12-31 00:00:00, iterative 5-core, users "
                   "numbered in order of first appearance (P5's Yelp notebook does not shuffle them), "
                   "items by a seeded random numbering (--p5-indexing sequential: P5's), 99 seeded "
                   "negatives per user",
        .writes = "sequential_data.txt, datamaps.json, negative_samples.txt, items.tsv",
        /* P5's Yelp: the Kaggle upload of early 2020 (8,021,122 reviews up to 2019-12-13, 209,393
         * businesses, as the notebook's progress bars count them); another version is other data */
        .covers = {"yelp/kaggle", NULL},
        .options = {"--time-from", "2019-01-01 00:00:00", "--time-until", "2019-12-31 00:00:00", "--kcore",
                    "5", "--format", "p5", "--p5-user-order", "source", "--seed", "2022", NULL},
        .papers =
            {
                {"yelp/kaggle",
                 "P5, preprocess/data_preprocess_yelp.ipynb, the main(...) cell's output",
                 "only the Kaggle version of early 2020 (8,021,122 reviews) holds P5's reviews",
                 {{"users", 30431, 0}, {"items", 20033, 0}, {"interactions", 316354, 0}}},
            },
    },
    {
        .name = "llara",
        .codebase = "LLaRA (Liao et al., SIGIR 2024), github.com/ljy0ustc/LLaRA: data/movielens_data.py",
        .summary = "per target the 10 items before it as (id, rating) pairs padded at the end, its length, "
                   "titles with the article moved, and 20 seeded candidates fixed in the file (LLaRA draws "
                   "them per load); 8:1:1 by position",
        .writes = "train_data.jsonl, Val_data.jsonl, Test_data.jsonl (to_pickle: docs/PRESETS.md), items.tsv",
        /* steam, lastfm: LLaRA's steam_data.py / lastfm_data.py read plain ids and id2name.txt
         * (--llara-style auto); their preprocessing is unpublished (LLaRA#18), the variants are
         * inferred (docs/PRESETS.md).  --require-title: id2name.txt needs every item's name */
        .covers = {"movielens/ml-100k", "steam/reviews", "lastfm/hetrec-2k/plays", NULL},
        .options = {"--require-title", "--format", "llara", "--split", "ratio:8,1,1", "--llara-candidates",
                    "20", "--history", "10", NULL},
        /* the paper's "# Sequence" is a user's sequence: 943 is ML-100K's user count */
        .papers =
            {
                {"movielens/ml-100k",
                 LLARA_TABLE " (MovieLens; # Sequence as users)",
                 NULL,
                 {{"users", 943, 0}, {"items", 1682, 0}, {"interactions", 100000, 0}}},
                {"steam/reviews",
                 LLARA_TABLE " (Steam; # Sequence as users)",
                 LLARA_UNPUBLISHED,
                 {{"users", 11938, 0}, {"items", 3581, 0}, {"interactions", 274726, 0}}},
                {"lastfm/hetrec-2k/plays",
                 LLARA_TABLE " (LastFM; # Sequence as users)",
                 LLARA_UNPUBLISHED,
                 {{"users", 1220, 0}, {"items", 4606, 0}, {"interactions", 73510, 0}}},
            },
    },
    {
        .name = "hllm",
        .codebase = "HLLM (Chen et al., 2024), github.com/bytedance/HLLM: process_books.py, "
                    "code/REC/data/dataload.py",
        .summary =
            "items and users with >= 5 interactions on the raw counts (one pass), then users with >= 5 "
            "once more on what is left; every kept row in source order, item_id,user_id,timestamp; "
            "the item text HLLM's --text_keys picks from (HLLM's loader sorts by time and splits "
            "leave-one-out itself)",
        .writes =
            "dataset/NAME.csv, information/NAME.csv (--data_path DIR/dataset --text_path "
            "DIR/information --dataset NAME: amazon_books, Pixel200K, Pixel1M, Pixel8M, ...), items.tsv",
        .covers = {"amazon/2014/ratings_Books", "pixelrec/*", NULL},
        .options = {"--kcore", "5", "--kcore-mode", "one-pass-users", "--format", "hllm", NULL},
        .papers =
            {
                {"amazon/2014/ratings_Books",
                 HLLM_TABLE " (Books)",
                 NULL,
                 {{"users", 694898, 0}, {"items", 686624, 0}, {"interactions", 10053086, 0}}},
                {"pixelrec/200k",
                 HLLM_TABLE " (Pixel200K)",
                 HLLM_PIXEL,
                 {{"users", 200000, 0}, {"items", 96282, 0}, {"interactions", 3965656, 0}}},
                {"pixelrec/1m",
                 HLLM_TABLE " (Pixel1M)",
                 HLLM_PIXEL,
                 {{"users", 1001822, 0}, {"items", 100541, 0}, {"interactions", 19886579, 0}}},
                {"pixelrec/8m",
                 HLLM_TABLE " (Pixel8M)",
                 HLLM_PIXEL,
                 {{"users", 8886078, 0}, {"items", 407082, 0}, {"interactions", 158488652, 0}}},
            },
    },
    {
        .name = "llamarec",
        .codebase =
            "LlamaRec (Yue et al., PGAI@CIKM 2023), github.com/Yueeeeeeee/LlamaRec: datasets/base.py, "
            "ml_100k.py, beauty.py, games.py",
        .summary = "interactions on items without a title dropped, then an iterative 5-core; ids from 1 in a "
                   "seeded shuffle (LlamaRec's set() order is not reproducible); leave-one-out with ties in "
                   "source order (LlamaRec breaks them by item id, LRURec#1: --ties item reproduces it)",
        .writes = "dataset.json (LlamaRec's dataset.pkl dict: train, val, test, meta, umap, smap; the "
                  "pickle: docs/PRESETS.md), train/valid/test.tsv, user_map.tsv, item_map.tsv, items.tsv",
        .covers = {"movielens/ml-latest-small", "amazon/2014/ratings_Beauty",
                   "amazon/2014/ratings_Video_Games", NULL},
        /* --ties source: LlamaRec's sort by ['timestamp', 'sid'] puts the lower item id first in a
         * tie, which inflates leave-one-out metrics (yueqirex/LRURec#1); only on request.  The ids
         * are shuffled, not sorted: the sources list ratings by item (Amazon) or by user then item
         * (MovieLens), so ties in source order would be in sorted-id order, the same leak. */
        .options = {"--require-title", "--kcore", "5", "--ties", "source", "--remap-order", "shuffle",
                    "--seed", "42", "--split", "seq", "--format", "tsv,llamarec", NULL},
        /* "Interact." is rounded to thousands (+-500); "Lenth" is interactions per user (+-0.005).
         * ML-100k's "100k" is the dataset's nominal size, not its own row: 610 x 147.99 is 90,274,
         * so only users, items and the length are taken for it (docs/PRESETS.md). */
        .papers =
            {
                {"movielens/ml-latest-small",
                 LLAMAREC_TABLE " (ML-100k, which is ml-latest-small)",
                 NULL,
                 {{"users", 610, 0}, {"items", 3650, 0}, {"actions_per_user", 147.99, 0.005}}},
                {"amazon/2014/ratings_Beauty",
                 LLAMAREC_TABLE " (Beauty)",
                 NULL,
                 {{"users", 22332, 0},
                  {"items", 12086, 0},
                  {"interactions", 198000, 500},
                  {"actions_per_user", 8.87, 0.005}}},
                {"amazon/2014/ratings_Video_Games",
                 LLAMAREC_TABLE " (Games)",
                 "LlamaRec takes Games' titles from the 2018 meta_Video_Games.json.gz, this variant "
                 "from the 2014 meta, so --require-title can keep other items (docs/PRESETS.md)",
                 {{"users", 15264, 0},
                  {"items", 7676, 0},
                  {"interactions", 148000, 500},
                  {"actions_per_user", 9.69, 0.005}}},
            },
    },
    {
        .name = "openp5",
        .codebase =
            "OpenP5 (Xu, Hua & Zhang, 2023, arXiv:2306.11134), github.com/agiresearch/OpenP5: "
            "preprocessing/data_preprocessing_*.ipynb, src/src_llama/generate_dataset*.py, utils/indexing.py",
        .summary =
            "iterative 5-core, users in order of first appearance in time, item ids from 1001 by a seeded "
            "random numbering (OpenP5's sequential numbering leaks the next item, P5 PR#3: "
            "--openp5-indexing sequential reproduces it); the 20 sequential and straightforward prompts "
            "of prompt.txt per training target, the last two items held out for validation and test",
        .writes = "user_sequence.txt, user_indexing.txt, item_random_indexing.txt, "
                  "user_sequence_random_indexing.txt, "
                  "DATASET_sequential,straightforward_random_{train,validation_seen:0,test_seen:0,test_"
                  "unseen:0}.json "
                  "(DATASET: the output directory's name, as OpenP5 reads data/DATASET/), items.tsv",
        .covers = {"movielens/ml-100k", "movielens/ml-1m", "amazon/2014/reviews_Beauty_5",
                   "amazon/2014/reviews_Clothing_Shoes_and_Jewelry_5",
                   "amazon/2014/ratings_Clothing_Shoes_and_Jewelry", "amazon/2014/reviews_CDs_and_Vinyl_5",
                   "amazon/2014/ratings_CDs_and_Vinyl", "amazon/2014/reviews_Movies_and_TV_5",
                   "amazon/2014/ratings_Movies_and_TV", "amazon/2014/reviews_Electronics_5",
                   "amazon/2014/ratings_Electronics", NULL},
        .options = {"--kcore", "5", "--format", "openp5", "--seed", "2023", NULL},
        .papers =
            {
                {"movielens/ml-100k",
                 OPENP5_README " (ML-100K); the same in the movielens notebook's output",
                 NULL,
                 {{"users", 943, 0}, {"items", 1349, 0}, {"interactions", 99287, 0}}},
                {"movielens/ml-1m",
                 OPENP5_README " (ML-1M); the same in the movielens notebook's output",
                 NULL,
                 {{"users", 6040, 0}, {"items", 3416, 0}, {"interactions", 999611, 0}}},
                {"amazon/2014/reviews_Beauty_5",
                 OPENP5_README " (Beauty)",
                 NULL,
                 {{"users", 22363, 0}, {"items", 12101, 0}, {"interactions", 198502, 0}}},
                {"amazon/2014/*_Clothing_Shoes_and_Jewelry*",
                 OPENP5_README " (Clothing); the same in " OPENP5_AMAZON_NB,
                 NULL,
                 {{"users", 39387, 0}, {"items", 23033, 0}, {"interactions", 278677, 0}}},
                {"amazon/2014/*_CDs_and_Vinyl*",
                 OPENP5_AMAZON_NB
                 " (CDs_and_Vinyl); the README's users and items, its interactions (1,697,533) "
                 "are Movies' number repeated",
                 NULL,
                 {{"users", 75258, 0}, {"items", 64443, 0}, {"interactions", 1097592, 0}}},
                {"amazon/2014/*_Movies_and_TV*",
                 OPENP5_README " (Movies); the same in " OPENP5_AMAZON_NB,
                 NULL,
                 {{"users", 123960, 0}, {"items", 50052, 0}, {"interactions", 1697533, 0}}},
                {"amazon/2014/*_Electronics*",
                 OPENP5_README " (Electronics); the same in " OPENP5_AMAZON_NB,
                 NULL,
                 {{"users", 192403, 0}, {"items", 63001, 0}, {"interactions", 1689188, 0}}},
            },
    },
};

#define N_PRESETS (sizeof presets / sizeof presets[0])

size_t l4r_preset_count(void)
{
    return N_PRESETS;
}

const l4r_preset *l4r_preset_at(size_t i)
{
    return i < N_PRESETS ? &presets[i] : NULL;
}

const l4r_preset *l4r_preset_find(const char *name)
{
    for (size_t i = 0; name && i < N_PRESETS; i++)
        if (!strcmp(presets[i].name, name))
            return &presets[i];
    return NULL;
}

const char *const *l4r_preset_names(void)
{
    static const char *names[N_PRESETS];
    for (size_t i = 0; i < N_PRESETS; i++)
        names[i] = presets[i].name; /* the same every time: racing writers store equal values */
    return names;
}

const char *l4r_preset_name(const l4r_preset *p)
{
    return p->name;
}

const char *l4r_preset_codebase(const l4r_preset *p)
{
    return p->codebase;
}

const char *l4r_preset_summary(const l4r_preset *p)
{
    return p->summary;
}

const char *l4r_preset_writes(const l4r_preset *p)
{
    return p->writes;
}

size_t l4r_preset_n_covers(const l4r_preset *p)
{
    size_t n = 0;
    while (p->covers[n])
        n++;
    return n;
}

const char *l4r_preset_cover(const l4r_preset *p, size_t i)
{
    return i < l4r_preset_n_covers(p) ? p->covers[i] : NULL;
}

static bool matches(const char *pattern, const char *dataset, const char *variant)
{
    char *dv = l4r_xasprintf("%s/%s", dataset, variant);
    bool ok = fnmatch(pattern, dv, 0) == 0;
    free(dv);
    return ok;
}

bool l4r_preset_covers(const l4r_preset *p, const char *dataset, const char *variant)
{
    for (size_t i = 0; p->covers[i]; i++)
        if (matches(p->covers[i], dataset, variant))
            return true;
    return false;
}

size_t l4r_preset_n_options(const l4r_preset *p)
{
    size_t n = 0;
    while (p->options[n])
        n++;
    return n;
}

const char *l4r_preset_option(const l4r_preset *p, size_t i)
{
    return i < l4r_preset_n_options(p) ? p->options[i] : NULL;
}

size_t l4r_preset_n_papers(const l4r_preset *p)
{
    size_t n = 0;
    while (n < L4R_PRESET_MAX_PAPERS && p->papers[n].covers)
        n++;
    return n;
}

/* The public view of a row: built once per row (static data, the same every time). */
static l4r_preset_paper views[N_PRESETS][L4R_PRESET_MAX_PAPERS];

const l4r_preset_paper *l4r_preset_paper_at(const l4r_preset *p, size_t i)
{
    if (i >= l4r_preset_n_papers(p))
        return NULL;
    const paper_row *r = &p->papers[i];
    size_t n = 0;
    while (n < L4R_PRESET_MAX_STATS && r->stats[n].name)
        n++;
    l4r_preset_paper *v = &views[p - presets][i];
    *v = (l4r_preset_paper){r->covers, r->citation, r->known_cause, n, r->stats};
    return v;
}

const l4r_preset_paper *l4r_preset_paper_for(const l4r_preset *p, const char *dataset, const char *variant)
{
    for (size_t i = 0; i < l4r_preset_n_papers(p); i++)
        if (matches(p->papers[i].covers, dataset, variant))
            return l4r_preset_paper_at(p, i);
    return NULL;
}

const char *l4r_preset_value_of(const l4r_preset *p, const char *key, bool *found)
{
    const char *value = NULL;
    *found = false;
    for (size_t i = 0; p->options[i]; i++) {
        const char *o = p->options[i];
        if (strncmp(o, "--", 2) || strcmp(o + 2, key))
            continue;
        const char *next = p->options[i + 1];
        *found = true;
        value = next && strncmp(next, "--", 2) ? next : ""; /* the last one wins, as on a command line */
    }
    return value;
}

/* ---- the report at the end of a run ---- */

static void say(const l4r_preset_run *run, int level, const char *msg)
{
    if (run->log)
        run->log(run->log_ud, level, msg);
}

/* Our value of a statistic, from the counts l4r_process wrote; false when we have none. */
static bool ours_of(const l4r_manifest *m, const char *name, double *v)
{
    int64_t u = 0, i = 0, n = 0;
    bool hu = l4r_manifest_get_int(m, "counts.users", &u);
    bool hi = l4r_manifest_get_int(m, "counts.items", &i);
    bool hn = l4r_manifest_get_int(m, "counts.interactions", &n);
    if (!strcmp(name, "users") && hu)
        *v = (double)u;
    else if (!strcmp(name, "items") && hi)
        *v = (double)i;
    else if (!strcmp(name, "interactions") && hn)
        *v = (double)n;
    else if (!strcmp(name, "actions_per_user") && hu && hn && u > 0)
        *v = (double)n / (double)u;
    else if (!strcmp(name, "actions_per_item") && hi && hn && i > 0)
        *v = (double)n / (double)i;
    else
        return false;
    return true;
}

static bool whole(double v)
{
    return v == floor(v) && fabs(v) < 9e15;
}

static void set_num(l4r_manifest *m, const char *path, double v)
{
    if (whole(v))
        l4r_manifest_set_int(m, path, (int64_t)v);
    else
        l4r_manifest_set_real(m, path, v);
}

static void fmt_num(char *out, size_t n, double v)
{
    if (whole(v))
        snprintf(out, n, "%lld", (long long)v);
    else
        snprintf(out, n, "%.2f", v);
}

l4r_status l4r_preset_report(const l4r_preset_run *run, l4r_manifest *m, l4r_error *e)
{
    const l4r_preset *p = run->preset;
    char key[160], line[512];
    l4r_manifest_set_str(m, "preset.name", p->name);
    l4r_manifest_set_str(m, "preset.codebase", p->codebase);
    for (size_t i = 0; p->options[i]; i++)
        l4r_manifest_push_str(m, "preset.options", p->options[i]);
    for (size_t i = 0; i < run->n_overrides; i++) {
        const char *k = run->overrides[3 * i], *pv = run->overrides[3 * i + 1],
                   *gv = run->overrides[3 * i + 2];
        snprintf(key, sizeof key, "preset.overrides.%s.preset", k);
        l4r_manifest_set_str(m, key, pv);
        snprintf(key, sizeof key, "preset.overrides.%s.given", k);
        l4r_manifest_set_str(m, key, gv ? gv : "");
    }
    l4r_manifest_set_bool(m, "preset.published_source", run->published);
    const l4r_preset_paper *paper = l4r_preset_paper_for(p, run->dataset, run->variant);
    static const char *const all[] = {"users", "items", "interactions", "actions_per_user",
                                      "actions_per_item"};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        double v;
        if (!ours_of(m, all[k], &v))
            continue;
        snprintf(key, sizeof key, "preset.ours.%s", all[k]);
        set_num(m, key, v);
    }
    if (!paper) {
        l4r_manifest_set_str(m, "preset.paper", NULL);
        snprintf(line, sizeof line,
                 "preset %s on %s/%s: the preset records no published statistics for this variant "
                 "(docs/PRESETS.md says why); nothing to compare",
                 p->name, run->dataset, run->variant);
        say(run, 0, line);
        return L4R_OK;
    }
    l4r_manifest_set_str(m, "preset.citation", paper->citation);
    if (paper->known_cause)
        l4r_manifest_set_str(m, "preset.known_cause", paper->known_cause);
    l4r_buf diffs = {0}; /* "users 120 (paper 6040)", ... for the error */
    size_t n_diff = 0;
    snprintf(line, sizeof line, "preset %s on %s/%s: ours beside the paper's (%s)", p->name, run->dataset,
             run->variant, paper->citation);
    say(run, 0, line);
    snprintf(line, sizeof line, "  %-18s %14s %14s %14s", "statistic", "ours", "paper", "difference");
    say(run, 0, line);
    for (size_t k = 0; k < paper->n_stats; k++) {
        const l4r_preset_stat *s = &paper->stats[k];
        snprintf(key, sizeof key, "preset.paper.%s", s->name);
        set_num(m, key, s->value);
        double ours;
        char o[32], t[32], d[40];
        fmt_num(t, sizeof t, s->value);
        if (!ours_of(m, s->name, &ours)) {
            snprintf(line, sizeof line, "  %-18s %14s %14s %14s", s->name, "-", t, "-");
            say(run, 0, line);
            continue;
        }
        double diff = ours - s->value;
        bool off = fabs(diff) > s->tolerance;
        snprintf(key, sizeof key, "preset.deviation.%s.ours", s->name);
        set_num(m, key, ours);
        snprintf(key, sizeof key, "preset.deviation.%s.paper", s->name);
        set_num(m, key, s->value);
        snprintf(key, sizeof key, "preset.deviation.%s.difference", s->name);
        set_num(m, key, diff);
        snprintf(key, sizeof key, "preset.deviation.%s.within_tolerance", s->name);
        l4r_manifest_set_bool(m, key, !off);
        fmt_num(o, sizeof o, ours);
        if (diff == 0)
            snprintf(d, sizeof d, "0");
        else {
            char a[32];
            fmt_num(a, sizeof a, diff);
            snprintf(d, sizeof d, "%s%s", diff > 0 ? "+" : "", a);
        }
        snprintf(line, sizeof line, "  %-18s %14s %14s %14s%s", s->name, o, t, d, off ? "  differs" : "");
        say(run, 0, line);
        if (off) {
            l4r_buf_adds(&diffs, n_diff++ ? ", " : "");
            char one[128];
            snprintf(one, sizeof one, "%s %s (paper %s)", s->name, o, t);
            l4r_buf_adds(&diffs, one);
        }
    }
    l4r_buf_addc(&diffs, '\0');
    l4r_manifest_set_bool(m, "preset.deviates", n_diff > 0);
    l4r_status st = L4R_OK;
    if (!run->published) {
        snprintf(line, sizeof line,
                 "the input is not the published source (%s): the comparison is for information only",
                 run->input_why ? run->input_why : "its SHA-256 is not the recipe's");
        say(run, 0, line);
    } else if (n_diff && run->allow_deviation) {
        snprintf(line, sizeof line,
                 "DEVIATION: on the published source, %zu statistic%s differ%s from the paper's: %s%s%s; "
                 "written anyway (--allow-deviation), manifest.json records it under preset.deviation",
                 n_diff, n_diff == 1 ? "" : "s", n_diff == 1 ? "s" : "", diffs.data,
                 paper->known_cause ? "; known cause: " : "", paper->known_cause ? paper->known_cause : "");
        say(run, 1, line);
    } else if (n_diff) {
        st = l4r_err(e, L4R_EFINDING,
                     "DEVIATION: preset %s on the published %s/%s differs from the paper's numbers: %s%s%s; "
                     "nothing written (--allow-deviation writes it and records the deviation in "
                     "manifest.json)",
                     p->name, run->dataset, run->variant, diffs.data,
                     paper->known_cause ? "; known cause: " : "",
                     paper->known_cause ? paper->known_cause : "");
    } else {
        say(run, 0, "the published source gives the paper's numbers");
    }
    l4r_buf_free(&diffs);
    return st;
}

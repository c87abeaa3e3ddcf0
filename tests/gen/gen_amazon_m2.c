/*
 * gen_amazon_m2.c — the Amazon-M2 family of l4r-gen: `amazon-m2 OUTDIR` writes the five CSV files
 * of the Amazon KDD Cup 2023 (AIcrowd) into OUTDIR: sessions_train.csv (header
 * prev_items,next_item,locale), sessions_test_task1.csv, sessions_test_task2.csv and
 * sessions_test_task3.csv (header prev_items,locale: the target is hidden) and products_train.csv
 * (header id,locale,title,price,brand,color,size,model,material,author,desc).
 *
 * The session field prev_items is what pandas wrote for a numpy array of strings: numpy's str(),
 * ['B09W9FND7K' 'B09JSPLN1M'], single-quoted ids, one space between them, no commas, wrapped by
 * numpy's 75-column rule (a line break and one space of hanging indent before the element that
 * would pass column 74), and always double-quoted in the CSV as datasets.md's fixture line shows.
 * Sessions have no user and no time.  Products: one row per (id, locale); the same id recurs in
 * several locales with another title and price, the rows grouped by locale (DE, JP, UK, ES, FR,
 * IT); titles and descriptions in the locale's language (umlauts, accents, Japanese), with commas,
 * '"' (written "" inside a quoted field), line breaks and the odd TAB; empty attributes; books with
 * ISBN-10 ids (digits, maybe a final X) and an author; prices as the locale writes them ("30.95",
 * JP "1980.0").
 *
 * How: --lines training sessions (the first two are datasets.md's lines, verbatim: the believed
 * first row of the real file, then the test fixture's row), each test file gets --lines / 8 (at
 * least 5); --items product ids, each with a home locale drawn by the published per-locale product
 * counts and a 30% chance of one or two more locales; a session's locale is drawn by the published
 * session counts (task1: DE, JP, UK; task2: ES, FR, IT; task3: all six), its length is 1 plus a
 * geometric count (4% are long, 15 to 80, so numpy wraps them over several lines), its products
 * come from a Zipf sampler over its locale's products, with now and then a repeat of an earlier
 * one.  Every choice comes from rng_for streams keyed by the file, the product or the session.
 */
#include "gen.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define M2_NLOC 6
static const char *const M2_LOC[M2_NLOC] = {"DE", "JP", "UK", "ES", "FR", "IT"};
/* datasets.md §6: sessions and products per locale, used as weights. */
static const double M2_SESSIONS[M2_NLOC] = {1111416, 979119, 1182181, 89047, 117561, 126925};
static const double M2_PRODUCTS[M2_NLOC] = {513811, 389888, 494409, 41341, 43033, 48788};

/* datasets.md §6: the believed first row of sessions_train.csv, then the fixture's row. */
static const char *const M2_FIRST[] = {
    "\"['B09W9FND7K' 'B09JSPLN1M']\",B09M7GY217,DE",
    "\"['B09W9FND7K' 'B09JSPLN1M']\",B076THCGSG,UK",
};
/* The products those lines name, as slots 0..3, with the locales the lines use them in. */
static const char *const M2_REAL_ID[] = {"B09W9FND7K", "B09JSPLN1M", "B09M7GY217", "B076THCGSG"};
static const unsigned M2_REAL_MASK[] = {1u | 4u, 1u | 4u, 1u, 4u};
#define M2_NREAL 4

/* Per-locale words: brands are shared, the rest in the locale's language. */
static const char *const M2_BRAND[] = {"Amazon Basics", "Philips", "Bosch", "Sony",  "LEGO",
                                       "Tchibo",        "Anker",   "Muji",  "Tefal", "Brabantia"};
static const char *const M2_NOUN[M2_NLOC][6] = {
    {"Trinkflasche", "Kopfhörer", "Schreibtischlampe", "Küchenwaage", "Rucksack", "Handyhülle"},
    {"水筒", "ワイヤレスイヤホン", "デスクライト", "キッチンスケール", "リュック", "スマホケース"},
    {"Water Bottle", "Headphones", "Desk Lamp", "Kitchen Scale", "Backpack", "Phone Case"},
    {"Botella de agua", "Auriculares", "Lámpara de escritorio", "Báscula de cocina", "Mochila", "Funda"},
    {"Gourde", "Écouteurs", "Lampe de bureau", "Balance de cuisine", "Sac à dos", "Coque de téléphone"},
    {"Borraccia", "Cuffie", "Lampada da scrivania", "Bilancia da cucina", "Zaino", "Cover per cellulare"},
};
static const char *const M2_ADJ[M2_NLOC][4] = {
    {"Edelstahl", "kabellos", "faltbar", "groß"},
    {"ステンレス", "大容量", "折りたたみ", "保温"},
    {"Stainless Steel", "Wireless", "Foldable", "Large"},
    {"acero inoxidable", "inalámbrico", "plegable", "pequeño"},
    {"inox", "sans fil", "pliable", "légère"},
    {"acciaio inox", "senza fili", "pieghevole", "leggero"},
};
static const char *const M2_PACK[M2_NLOC] = {", 2er Pack",  "、2個セット", ", Pack of 2",
                                             ", pack de 2", ", lot de 2",  ", confezione da 2"};
static const char *const M2_SENT[M2_NLOC][4] = {
    {"Ideal für Büro, Schule und Reisen.", "Lieferumfang: 1 Stück, Anleitung.",
     "Spülmaschinenfest und BPA-frei.", "Größe: 25 x 8 cm; Gewicht 300 g."},
    {"通勤、通学、旅行に最適です。", "セット内容：本体、説明書。", "食洗機対応、BPAフリー。",
     "サイズ：25 x 8 cm、重さ300 g。"},
    {"Perfect for office, school and travel.", "In the box: 1 unit, manual.", "Dishwasher safe, BPA free.",
     "Size: 25 x 8 cm; weight 300 g."},
    {"Ideal para oficina, colegio y viajes.", "Contenido: 1 unidad, manual.",
     "Apto para lavavajillas, sin BPA.", "Tamaño: 25 x 8 cm; peso 300 g."},
    {"Idéal pour le bureau, l'école et les voyages.", "Contenu : 1 pièce, notice.",
     "Passe au lave-vaisselle, sans BPA.", "Taille : 25 x 8 cm ; poids 300 g."},
    {"Ideale per ufficio, scuola e viaggi.", "Contenuto: 1 pezzo, manuale.",
     "Lavabile in lavastoviglie, senza BPA.", "Misura: 25 x 8 cm; peso 300 g."},
};
static const char *const M2_COLOR[M2_NLOC][3] = {
    {"Schwarz", "Weiß", "Dunkelblau"},  {"ブラック", "ホワイト", "ネイビー"}, {"Black", "White", "Navy"},
    {"Negro", "Blanco", "Azul marino"}, {"Noir", "Blanc", "Bleu marine"},     {"Nero", "Bianco", "Blu"},
};
static const char *const M2_SIZE[] = {"XL", "500 ml", "10,5 cm", "One Size", "2 x 1,5 m", "42"};
static const char *const M2_MATERIAL[] = {"Edelstahl", "Kunststoff", "Cotton",
                                          "Polyester", "Bambus",     "シリコン"};
static const char *const M2_AUTHOR[] = {"Cornelia Funke",    "村上 春樹",   "J. K. Rowling",
                                        "Carlos Ruiz Zafón", "Fred Vargas", "Elena Ferrante"};
/* The first digit of an ISBN-10 by the home locale's language group. */
static const char M2_ISBN_GROUP[M2_NLOC] = {'3', '4', '1', '8', '2', '8'};

typedef struct {
    uint64_t seed;
    uint32_t nitems;
    char (*id)[11];        /* nitems ids, NUL-terminated */
    unsigned *mask;        /* bit l: the product has a row in locale l */
    uint32_t *by[M2_NLOC]; /* the products of each locale, ascending */
    uint32_t nby[M2_NLOC];
    sampler pick[M2_NLOC];
} m2_world;

static unsigned m2_draw_locale(rng_t *r, const double *w, unsigned first, unsigned n)
{
    double tot = 0;
    for (unsigned l = first; l < first + n; l++)
        tot += w[l];
    double u = rng_u01(r) * tot;
    for (unsigned l = first; l < first + n - 1; l++) {
        if (u < w[l])
            return l;
        u -= w[l];
    }
    return first + n - 1;
}

/* A unique id for slot k: "B0" and 8 base-36 characters from a bijection of k, or (8% of slots) an
 * ISBN-10 with its check digit. */
static void m2_make_id(const m2_world *w, uint32_t k, unsigned home, int book, char out[11])
{
    if (book) {
        uint64_t v = ((uint64_t)k * 7919 + (w->seed % 1000)) % 100000000ULL;
        out[0] = M2_ISBN_GROUP[home];
        for (int i = 8; i >= 1; i--) {
            out[i] = (char)('0' + v % 10);
            v /= 10;
        }
        unsigned sum = 0;
        for (int i = 0; i < 9; i++)
            sum += (unsigned)(10 - i) * (unsigned)(out[i] - '0');
        unsigned c = (11 - sum % 11) % 11;
        out[9] = c == 10 ? 'X' : (char)('0' + c);
        out[10] = 0;
        return;
    }
    static const char B36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const uint64_t M = 2821109907456ULL; /* 36^8 */
    uint64_t v = ((uint64_t)k * 2654435761ULL + 1000003ULL + w->seed % 1000) % M;
    out[0] = 'B';
    out[1] = '0';
    for (int i = 9; i >= 2; i--) {
        out[i] = B36[v % 36];
        v /= 36;
    }
    out[10] = 0;
}

static void m2_world_init(m2_world *w, uint64_t seed, uint32_t nitems)
{
    w->seed = seed;
    w->nitems = nitems;
    w->id = xmalloc(sizeof(*w->id) * nitems);
    w->mask = xcalloc(nitems, sizeof(unsigned));
    for (uint32_t k = 0; k < nitems; k++) {
        rng_t r = rng_for(seed, "m2-product", k);
        unsigned home = m2_draw_locale(&r, M2_PRODUCTS, 0, M2_NLOC);
        int book = rng_chance(&r, 0.08);
        if (k < M2_NREAL) {
            memcpy(w->id[k], M2_REAL_ID[k], 11);
            w->mask[k] = M2_REAL_MASK[k];
            continue;
        }
        m2_make_id(w, k, home, book, w->id[k]);
        w->mask[k] = 1u << home;
        if (rng_chance(&r, 0.3)) {
            unsigned extra = 1 + (unsigned)rng_below(&r, 2);
            for (unsigned e = 0; e < extra; e++)
                w->mask[k] |= 1u << rng_below(&r, M2_NLOC);
        }
    }
    for (unsigned l = 0; l < M2_NLOC; l++) {
        w->by[l] = xmalloc(sizeof(uint32_t) * nitems);
        w->nby[l] = 0;
        for (uint32_t k = 0; k < nitems; k++)
            if (w->mask[k] & (1u << l))
                w->by[l][w->nby[l]++] = k;
        if (w->nby[l] == 0) /* a tiny --items: every locale still needs a product */
            w->by[l][w->nby[l]++] = l % nitems;
        rng_t pr = rng_for(seed, "m2-perm", l);
        sampler_zipf(&w->pick[l], w->nby[l], 0.9, 2.0, &pr);
    }
}

static void m2_world_free(m2_world *w)
{
    for (unsigned l = 0; l < M2_NLOC; l++) {
        free(w->by[l]);
        free(w->pick[l].cdf);
    }
    free(w->id);
    free(w->mask);
}

/* numpy's str() of a 1-D string array at the default line width 75: the wrap test is
 * len(line) + len(word) > 74 (75 less the closing bracket), the separator ' ' is stripped at a
 * wrap and the next line starts with one space of hanging indent. */
static void m2_put_numpy(sink *o, const m2_world *w, const uint32_t *items, uint32_t n)
{
    putc_(o, '[');
    size_t len = 1;
    for (uint32_t i = 0; i < n; i++) {
        size_t wl = strlen(w->id[items[i]]) + 2;
        if (i > 0) {
            if (len + wl > 74) {
                puts_(o, "\n ");
                len = 1;
            } else {
                putc_(o, ' ');
            }
        }
        putc_(o, '\'');
        puts_(o, w->id[items[i]]);
        putc_(o, '\'');
        len += wl + (i + 1 < n ? 1 : 0);
    }
    putc_(o, ']');
}

/* One session file: train (with next_item) or a test file of task 1, 2 or 3. */
static void m2_sessions(const m2_world *w, const char *dir, const char *name, int task, uint64_t n)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    sink o;
    sink_file(&o, f, 0);
    puts_(&o, task ? "prev_items,locale\n" : "prev_items,next_item,locale\n");
    unsigned first = task == 2 ? 3 : 0, nloc = task == 1 || task == 2 ? 3 : M2_NLOC;
    uint32_t items[80];
    uint64_t start = 0;
    if (!task) {
        for (size_t i = 0; i < ARRAY_LEN(M2_FIRST) && i < n; i++) {
            puts_(&o, M2_FIRST[i]);
            putc_(&o, '\n');
        }
        start = ARRAY_LEN(M2_FIRST);
    }
    for (uint64_t s = start; s < n; s++) {
        rng_t r = rng_for(w->seed, name, s);
        unsigned l = m2_draw_locale(&r, M2_SESSIONS, first, nloc);
        uint32_t len = 1;
        if (rng_chance(&r, 0.04))
            len = 15 + (uint32_t)rng_below(&r, 66);
        else
            while (len < 14 && rng_chance(&r, 0.7))
                len++;
        for (uint32_t i = 0; i < len; i++) {
            if (i > 0 && rng_chance(&r, 0.1))
                items[i] = items[rng_below(&r, i)]; /* viewed again */
            else
                items[i] = w->by[l][sampler_draw(&w->pick[l], &r)];
        }
        putc_(&o, '"');
        m2_put_numpy(&o, w, items, len);
        putc_(&o, '"');
        putc_(&o, ',');
        if (!task) {
            puts_(&o, w->id[w->by[l][sampler_draw(&w->pick[l], &r)]]);
            putc_(&o, ',');
        }
        puts_(&o, M2_LOC[l]);
        putc_(&o, '\n');
    }
    sink_close(&o);
    if (fclose(f) != 0)
        die("cannot write '%s': %s", path, strerror(errno));
}

/* The text of one product row in locale l, into scratch (NUL-terminated fields, in order). */
static void m2_product_row(sink *o, const m2_world *w, uint32_t k, unsigned l)
{
    rng_t r = rng_for(w->seed, "m2-row", (uint64_t)k * M2_NLOC + l);
    int book = w->id[k][0] != 'B';
    sink t;
    sink_mem(&t);
    const char *brand = PICK(&r, M2_BRAND);
    /* title */
    if (book) {
        put_fmt(&t, "%s: %s", PICK(&r, M2_AUTHOR), M2_NOUN[l][rng_below(&r, 6)]);
    } else {
        put_fmt(&t, "%s %s %s", brand, M2_ADJ[l][rng_below(&r, 4)], M2_NOUN[l][rng_below(&r, 6)]);
        if (rng_chance(&r, 0.3))
            puts_(&t, M2_PACK[l]);
        if (rng_chance(&r, 0.05))
            puts_(&t, " 15,6\" Zoll");
    }
    putc_(&t, 0);
    put_csv(o, w->id[k]);
    putc_(o, ',');
    puts_(o, M2_LOC[l]);
    putc_(o, ',');
    put_csv(o, t.p);
    putc_(o, ',');
    /* price */
    if (l == 1)
        put_fmt(o, "%u.0", 300 + (unsigned)rng_below(&r, 30000));
    else
        put_fmt(o, "%u.%02u", 1 + (unsigned)rng_below(&r, 300), (unsigned)rng_below(&r, 100));
    putc_(o, ',');
    /* brand, color, size, model, material, author: often empty */
    if (!book && !rng_chance(&r, 0.1))
        put_csv(o, brand);
    putc_(o, ',');
    if (rng_chance(&r, 0.5))
        put_csv(o, M2_COLOR[l][rng_below(&r, 3)]);
    putc_(o, ',');
    if (rng_chance(&r, 0.4))
        put_csv(o, PICK(&r, M2_SIZE));
    putc_(o, ',');
    if (rng_chance(&r, 0.4))
        put_fmt(o, "%c%c-%u", 'A' + (int)rng_below(&r, 26), 'A' + (int)rng_below(&r, 26),
                100 + (unsigned)rng_below(&r, 9000));
    putc_(o, ',');
    if (rng_chance(&r, 0.4))
        put_csv(o, PICK(&r, M2_MATERIAL));
    putc_(o, ',');
    if (book)
        put_csv(o, PICK(&r, M2_AUTHOR));
    putc_(o, ',');
    /* desc: sentences, some joined by a line break, the odd quote or TAB; 15% empty */
    t.len = 0;
    if (!rng_chance(&r, 0.15)) {
        unsigned ns = 1 + (unsigned)rng_below(&r, 4);
        for (unsigned i = 0; i < ns; i++) {
            if (i > 0) {
                double u = rng_u01(&r);
                puts_(&t, u < 0.2 ? "\n" : u < 0.22 ? "\t" : " ");
            }
            puts_(&t, M2_SENT[l][rng_below(&r, 4)]);
        }
        if (rng_chance(&r, 0.08))
            puts_(&t, " \"Premium\" quality");
    }
    putc_(&t, 0);
    put_csv(o, t.p);
    putc_(o, '\n');
    sink_free(&t);
}

static void m2_products(const m2_world *w, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/products_train.csv", dir);
    FILE *f = fopen(path, "wb");
    if (!f)
        die("cannot create '%s': %s", path, strerror(errno));
    sink o;
    sink_file(&o, f, 0);
    puts_(&o, "id,locale,title,price,brand,color,size,model,material,author,desc\n");
    for (unsigned l = 0; l < M2_NLOC; l++)
        for (uint32_t k = 0; k < w->nitems; k++)
            if (w->mask[k] & (1u << l))
                m2_product_row(&o, w, k, l);
    sink_close(&o);
    if (fclose(f) != 0)
        die("cannot write '%s': %s", path, strerror(errno));
}

int gen_amazon_m2_main(const args *a)
{
    if (a->npos != 2)
        die("usage: l4r-gen amazon-m2 OUTDIR [--lines N] [--items N] [--seed S]");
    const char *dir = a->pos[1];
    uint64_t lines = a->lines >= 0 ? (uint64_t)a->lines : 2000;
    if (lines < ARRAY_LEN(M2_FIRST))
        die("--lines %" PRIu64 " is too few (the two real sessions come first)", lines);
    uint32_t nitems = u32_arg(a->items, lines / 4 > 40 ? (uint32_t)(lines / 4) : 40, "--items");
    if (nitems < M2_NREAL + M2_NLOC)
        die("--items %u is too few (at least %d)", nitems, M2_NREAL + M2_NLOC);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        die("cannot create '%s': %s", dir, strerror(errno));
    m2_world w;
    m2_world_init(&w, a->seed, nitems);
    uint64_t ntest = lines / 8 > 5 ? lines / 8 : 5;
    m2_products(&w, dir);
    m2_sessions(&w, dir, "sessions_train.csv", 0, lines);
    m2_sessions(&w, dir, "sessions_test_task1.csv", 1, ntest);
    m2_sessions(&w, dir, "sessions_test_task2.csv", 2, ntest);
    m2_sessions(&w, dir, "sessions_test_task3.csv", 3, ntest);
    m2_world_free(&w);
    return 0;
}

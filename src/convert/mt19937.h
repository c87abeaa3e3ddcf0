/*
 * mt19937.h — the Mersenne Twister as CPython's `random` and NumPy's legacy `RandomState` use it,
 * for the exports that reproduce a codebase's seeded draws (export_p5.c, export_llara.c,
 * export_alpaca.c: BIGRec's pandas sample(), export_openp5.c: its seeded random indexing).
 *
 * Why not the splitmix64 streams of process_internal.h: P5 shuffles its users with
 * `random.seed(2022); random.shuffle(...)` and draws its negatives with NumPy's legacy
 * `np.random.choice(..., replace=False)` after `np.random.seed(2022)`.  Drawing the same numbers
 * the same way makes the export equal to the codebase's own files for the same input and seed,
 * and lets a test write its expected files with the codebase's own calls.
 *
 * The draws reproduced (CPython 3, NumPy >= 1.17 legacy path, both documented as stable):
 *   py_seed(s)        random.seed(s) for an integer s (init_by_array over its 32-bit words)
 *   py_below(n)       random._randbelow(n): getrandbits(bit_length(n)) until < n
 *   py_shuffle        random.shuffle: i from n-1 down to 1, swap x[i] with x[_randbelow(i+1)]
 *   np_seed(s)        np.random.seed(s) for 0 <= s < 2^32 (init_genrand)
 *   np_interval(max)  the masked rejection draw of legacy shuffle / permutation
 */
#ifndef L4R_MT19937_H
#define L4R_MT19937_H

#include <stddef.h>
#include <stdint.h>

typedef struct l4r_mt {
    uint32_t s[624];
    int i;
} l4r_mt;

static inline void l4r_mt_init(l4r_mt *m, uint32_t seed)
{
    m->s[0] = seed;
    for (int k = 1; k < 624; k++)
        m->s[k] = 1812433253u * (m->s[k - 1] ^ (m->s[k - 1] >> 30)) + (uint32_t)k;
    m->i = 624;
}

static inline uint32_t l4r_mt_next(l4r_mt *m)
{
    if (m->i >= 624) {
        for (int k = 0; k < 624; k++) {
            uint32_t y = (m->s[k] & 0x80000000u) | (m->s[(k + 1) % 624] & 0x7fffffffu);
            m->s[k] = m->s[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
        }
        m->i = 0;
    }
    uint32_t y = m->s[m->i++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    return y ^ (y >> 18);
}

/* random.seed(seed): init_by_array over the 32-bit words of the integer, low word first. */
static inline void l4r_mt_py_seed(l4r_mt *m, uint64_t seed)
{
    uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    int klen = key[1] ? 2 : 1;
    l4r_mt_init(m, 19650218u);
    int i = 1, j = 0;
    for (int k = 624 > klen ? 624 : klen; k; k--) {
        m->s[i] = (m->s[i] ^ ((m->s[i - 1] ^ (m->s[i - 1] >> 30)) * 1664525u)) + key[j] + (uint32_t)j;
        i++;
        j++;
        if (i >= 624) {
            m->s[0] = m->s[623];
            i = 1;
        }
        if (j >= klen)
            j = 0;
    }
    for (int k = 623; k; k--) {
        m->s[i] = (m->s[i] ^ ((m->s[i - 1] ^ (m->s[i - 1] >> 30)) * 1566083941u)) - (uint32_t)i;
        i++;
        if (i >= 624) {
            m->s[0] = m->s[623];
            i = 1;
        }
    }
    m->s[0] = 0x80000000u;
    m->i = 624;
}

/* random._randbelow(n) for 0 < n < 2^32. */
static inline uint32_t l4r_mt_py_below(l4r_mt *m, uint32_t n)
{
    int k = 0;
    for (uint32_t x = n; x; x >>= 1)
        k++;
    for (;;) {
        uint32_t r = l4r_mt_next(m) >> (32 - k);
        if (r < n)
            return r;
    }
}

/* random.shuffle(x) on n 32-bit values. */
static inline void l4r_mt_py_shuffle(l4r_mt *m, uint32_t *x, size_t n)
{
    for (size_t i = n; i-- > 1;) {
        uint32_t j = l4r_mt_py_below(m, (uint32_t)(i + 1));
        uint32_t t = x[i];
        x[i] = x[j];
        x[j] = t;
    }
}

/* NumPy legacy random_interval(max): a value in [0, max], masked rejection on 32-bit draws. */
static inline uint32_t l4r_mt_np_interval(l4r_mt *m, uint32_t max)
{
    if (!max)
        return 0;
    uint32_t mask = max;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    for (;;) {
        uint32_t v = l4r_mt_next(m) & mask;
        if (v <= max)
            return v;
    }
}

/* np.random.permutation(n) into x (legacy RandomState: arange, then shuffle). */
static inline void l4r_mt_np_permutation(l4r_mt *m, uint32_t *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (uint32_t)i;
    for (size_t i = n; i-- > 1;) {
        uint32_t j = l4r_mt_np_interval(m, (uint32_t)i);
        uint32_t t = x[i];
        x[i] = x[j];
        x[j] = t;
    }
}

#endif

/*
 * spectral.c — scikit-learn's SpectralClustering(affinity="precomputed",
 * assign_labels="cluster_qr") on a sparse symmetric matrix, with our own deterministic solver.
 *
 * What scikit-learn computes (sklearn/manifold/_spectral_embedding.py, sklearn/cluster/
 * _spectral.py): the normalized Laplacian L = I - D^-1/2 A D^-1/2 of A with its diagonal
 * ignored (scipy's csgraph.laplacian(normed=True); a row of zeros stays zero, its degree taken as
 * 1), the k eigenvectors of L with the smallest eigenvalues (ARPACK, shift-invert, a start
 * vector drawn from random_state), each divided by sqrt(degree); then cluster_qr: the rows
 * chosen by a QR with column pivoting of the k x n transpose, the orthogonal polar factor W of
 * those k rows (U V' of their SVD), and each row's label = argmax |row W|.
 *
 * Here: the same matrix and the same steps, but the eigenvectors come from a Chebyshev-filtered
 * subspace iteration (a block of 2k + 8 vectors from a fixed pseudo-random start, a degree-10
 * filter damping [-1, the block's smallest Ritz value], Rayleigh-Ritz with cyclic Jacobi, until
 * every wanted residual |M u - theta u| < 1e-10 or 1000 rounds), the pivots from a greedy
 * pivoted Gram-Schmidt (LAPACK's dgeqp3 picks by down-dated norms: the same choice unless two
 * norms tie to rounding), and W from the eigen-decomposition of P P' (W = P' (P P')^-1/2).  The
 * labels depend only on the invariant subspace of the k eigenvalues, so they agree with
 * scikit-learn's where the k-th and k+1-th eigenvalues are apart and no row ties between two
 * labels; where they are (nearly) equal the subspace itself is ill-defined and any solver, ARPACK
 * with another start vector too, may return another partition.  Single-threaded: the same
 * bytes on every run.
 */
#include "spectral.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void l4r_csr_free(l4r_csr *a)
{
    free(a->ptr);
    free(a->col);
    free(a->val);
    memset(a, 0, sizeof *a);
}

void l4r_csr_sub(const l4r_csr *a, const uint32_t *sel, size_t m, l4r_csr *out)
{
    uint32_t *loc = l4r_xmalloc((a->n ? a->n : 1) * sizeof *loc);
    for (size_t i = 0; i < a->n; i++)
        loc[i] = UINT32_MAX;
    for (size_t i = 0; i < m; i++)
        loc[sel[i]] = (uint32_t)i;
    size_t nnz = 0;
    for (size_t i = 0; i < m; i++)
        for (size_t q = a->ptr[sel[i]]; q < a->ptr[sel[i] + 1]; q++)
            nnz += loc[a->col[q]] != UINT32_MAX;
    out->n = m;
    out->ptr = l4r_xmalloc((m + 1) * sizeof *out->ptr);
    out->col = l4r_xmalloc((nnz ? nnz : 1) * sizeof *out->col);
    out->val = l4r_xmalloc((nnz ? nnz : 1) * sizeof *out->val);
    size_t at = 0;
    for (size_t i = 0; i < m; i++) {
        out->ptr[i] = at;
        for (size_t q = a->ptr[sel[i]]; q < a->ptr[sel[i] + 1]; q++) {
            uint32_t j = loc[a->col[q]];
            if (j == UINT32_MAX)
                continue;
            out->col[at] = j;
            out->val[at++] = a->val[q];
        }
    }
    out->ptr[m] = at;
    free(loc);
}

/* The normalized operator M = I - L, applied to b columns (row-major n x b). */
typedef struct op {
    const l4r_csr *a;
    double *s; /* 1 / sqrt(degree), 0 for an empty row */
    size_t b;
} op;

static void apply(const op *o, const double *x, double *y)
{
    const l4r_csr *a = o->a;
    size_t b = o->b;
    for (size_t i = 0; i < a->n; i++) {
        double *yi = y + i * b;
        if (o->s[i] == 0) {
            memcpy(yi, x + i * b, b * sizeof *yi); /* L's row is zero: M u = u there */
            continue;
        }
        memset(yi, 0, b * sizeof *yi);
        for (size_t q = a->ptr[i]; q < a->ptr[i + 1]; q++) {
            double w = a->val[q] * o->s[i] * o->s[a->col[q]];
            const double *xj = x + (size_t)a->col[q] * b;
            for (size_t c = 0; c < b; c++)
                yi[c] += w * xj[c];
        }
    }
}

static double fixed_random(uint64_t i)
{
    uint64_t z = i * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

/* Orthonormal columns (modified Gram-Schmidt, twice); a column that vanishes is redrawn. */
static void orthonormalize(double *x, size_t n, size_t b, uint64_t *redraw)
{
    for (size_t c = 0; c < b; c++) {
        for (int tries = 0; tries < 4; tries++) {
            for (int pass = 0; pass < 2; pass++) {
                for (size_t d = 0; d < c; d++) {
                    double dot = 0;
                    for (size_t i = 0; i < n; i++)
                        dot += x[i * b + c] * x[i * b + d];
                    for (size_t i = 0; i < n; i++)
                        x[i * b + c] -= dot * x[i * b + d];
                }
            }
            double nn = 0;
            for (size_t i = 0; i < n; i++)
                nn += x[i * b + c] * x[i * b + c];
            nn = sqrt(nn);
            if (nn > 1e-10) {
                for (size_t i = 0; i < n; i++)
                    x[i * b + c] /= nn;
                break;
            }
            for (size_t i = 0; i < n; i++)
                x[i * b + c] = fixed_random((*redraw)++);
        }
    }
}

/* Eigen-decomposition of the symmetric m x m matrix t (destroyed) by cyclic Jacobi: w the
 * eigenvalues in decreasing order, v (m x m, column c = eigenvector c). */
static void jacobi(double *t, size_t m, double *w, double *v)
{
    double *vv = l4r_xmalloc(m * m * sizeof *vv);
    for (size_t i = 0; i < m * m; i++)
        vv[i] = 0;
    for (size_t i = 0; i < m; i++)
        vv[i * m + i] = 1;
    for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0, all = 0;
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < m; j++) {
                all += t[i * m + j] * t[i * m + j];
                if (i != j)
                    off += t[i * m + j] * t[i * m + j];
            }
        if (off <= 1e-30 * (all > 0 ? all : 1))
            break;
        for (size_t p = 0; p < m; p++)
            for (size_t q = p + 1; q < m; q++) {
                double apq = t[p * m + q];
                if (apq == 0)
                    continue;
                double theta = (t[q * m + q] - t[p * m + p]) / (2 * apq);
                double tt = (theta >= 0 ? 1 : -1) / (fabs(theta) + sqrt(theta * theta + 1));
                double c = 1 / sqrt(tt * tt + 1), s = tt * c;
                for (size_t k = 0; k < m; k++) { /* columns p, q */
                    double akp = t[k * m + p], akq = t[k * m + q];
                    t[k * m + p] = c * akp - s * akq;
                    t[k * m + q] = s * akp + c * akq;
                }
                for (size_t k = 0; k < m; k++) { /* rows p, q */
                    double apk = t[p * m + k], aqk = t[q * m + k];
                    t[p * m + k] = c * apk - s * aqk;
                    t[q * m + k] = s * apk + c * aqk;
                }
                for (size_t k = 0; k < m; k++) {
                    double vkp = vv[k * m + p], vkq = vv[k * m + q];
                    vv[k * m + p] = c * vkp - s * vkq;
                    vv[k * m + q] = s * vkp + c * vkq;
                }
            }
    }
    /* sort decreasing (selection, stable on ties) */
    size_t *ord = l4r_xmalloc(m * sizeof *ord);
    for (size_t i = 0; i < m; i++)
        ord[i] = i;
    for (size_t i = 0; i < m; i++) {
        size_t best = i;
        for (size_t j = i + 1; j < m; j++)
            if (t[ord[j] * m + ord[j]] > t[ord[best] * m + ord[best]])
                best = j;
        size_t x = ord[i];
        ord[i] = ord[best];
        ord[best] = x;
    }
    for (size_t c = 0; c < m; c++) {
        w[c] = t[ord[c] * m + ord[c]];
        for (size_t k = 0; k < m; k++)
            v[k * m + c] = vv[k * m + ord[c]];
    }
    free(ord);
    free(vv);
}

/* Rayleigh-Ritz: x (orthonormal) and mx = M x become the Ritz vectors, theta their values. */
static void rayleigh_ritz(double *x, double *mx, size_t n, size_t b, double *theta, double *tmp)
{
    double *t = l4r_xmalloc(b * b * sizeof *t), *v = l4r_xmalloc(b * b * sizeof *v);
    for (size_t c = 0; c < b; c++)
        for (size_t d = c; d < b; d++) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += x[i * b + c] * mx[i * b + d] + x[i * b + d] * mx[i * b + c];
            t[c * b + d] = t[d * b + c] = s / 2;
        }
    jacobi(t, b, theta, v);
    for (int which = 0; which < 2; which++) {
        double *z = which ? mx : x;
        for (size_t i = 0; i < n; i++) {
            for (size_t c = 0; c < b; c++) {
                double s = 0;
                for (size_t d = 0; d < b; d++)
                    s += z[i * b + d] * v[d * b + c];
                tmp[c] = s;
            }
            memcpy(z + i * b, tmp, b * sizeof *tmp);
        }
    }
    free(t);
    free(v);
}

int l4r_spectral_cluster_qr(const l4r_csr *a, int k, int *label)
{
    size_t n = a->n, K = (size_t)k;
    size_t b = 2 * K + 8 < n ? 2 * K + 8 : n;
    op o = {a, l4r_xmalloc(n * sizeof(double)), b};
    double *dd = l4r_xmalloc(n * sizeof *dd);
    for (size_t i = 0; i < n; i++) {
        double d = 0;
        for (size_t q = a->ptr[i]; q < a->ptr[i + 1]; q++)
            d += a->val[q];
        o.s[i] = d > 0 ? 1 / sqrt(d) : 0;
        dd[i] = d > 0 ? sqrt(d) : 1;
    }
    double *x = l4r_xmalloc(n * b * sizeof *x), *mx = l4r_xmalloc(n * b * sizeof *mx);
    double *y0 = l4r_xmalloc(n * b * sizeof *y0), *y1 = l4r_xmalloc(n * b * sizeof *y1);
    double *theta = l4r_xmalloc(b * sizeof *theta), *tmp = l4r_xmalloc(b * sizeof *tmp);
    uint64_t redraw = (uint64_t)n * b;
    for (size_t i = 0; i < n * b; i++)
        x[i] = fixed_random(i);
    orthonormalize(x, n, b, &redraw);
    apply(&o, x, mx);
    rayleigh_ritz(x, mx, n, b, theta, tmp);
    int rounds = -1;
    for (int it = 1; it <= 1000; it++) {
        /* Chebyshev filter of degree 10 damping [lo, hi]: x -> T_10((M - c) / e) x */
        double lo = -1, hi = theta[b - 1];
        if (hi > theta[K - 1] - 1e-12)
            hi = theta[K - 1] - 1e-12;
        if (hi < lo + 1e-6)
            hi = lo + 1e-6;
        double c = (hi + lo) / 2, e = (hi - lo) / 2;
        memcpy(y0, x, n * b * sizeof *x);
        for (size_t i = 0; i < n * b; i++)
            y1[i] = (mx[i] - c * x[i]) / e;
        for (int deg = 2; deg <= 10; deg++) {
            apply(&o, y1, mx);
            for (size_t i = 0; i < n * b; i++) {
                double nv = 2 * (mx[i] - c * y1[i]) / e - y0[i];
                y0[i] = y1[i];
                y1[i] = nv;
            }
        }
        memcpy(x, y1, n * b * sizeof *x);
        orthonormalize(x, n, b, &redraw);
        apply(&o, x, mx);
        rayleigh_ritz(x, mx, n, b, theta, tmp);
        double worst = 0;
        for (size_t cc = 0; cc < K; cc++) {
            double r = 0;
            for (size_t i = 0; i < n; i++) {
                double d = mx[i * b + cc] - theta[cc] * x[i * b + cc];
                r += d * d;
            }
            if (r > worst)
                worst = r;
        }
        if (sqrt(worst) < 1e-10) {
            rounds = it;
            break;
        }
    }
    /* the embedding: the k eigenvectors, each row divided by sqrt(degree) */
    double *maps = l4r_xmalloc(n * K * sizeof *maps);
    for (size_t i = 0; i < n; i++)
        for (size_t cc = 0; cc < K; cc++)
            maps[i * K + cc] = x[i * b + cc] / dd[i];
    /* cluster_qr: k pivot rows by greedy pivoted Gram-Schmidt on the rows */
    double *r = l4r_xmalloc(n * K * sizeof *r), *norm = l4r_xmalloc(n * sizeof *norm);
    size_t *piv = l4r_xmalloc(K * sizeof *piv);
    memcpy(r, maps, n * K * sizeof *r);
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t cc = 0; cc < K; cc++)
            s += r[i * K + cc] * r[i * K + cc];
        norm[i] = s;
    }
    for (size_t j = 0; j < K; j++) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (norm[i] > norm[best])
                best = i;
        piv[j] = best;
        double nb = sqrt(norm[best]);
        double q[64], *qq = K <= 64 ? q : l4r_xmalloc(K * sizeof *qq);
        for (size_t cc = 0; cc < K; cc++)
            qq[cc] = nb > 0 ? r[best * K + cc] / nb : 0;
        for (size_t i = 0; i < n; i++) {
            double dot = 0;
            for (size_t cc = 0; cc < K; cc++)
                dot += r[i * K + cc] * qq[cc];
            double s = 0;
            for (size_t cc = 0; cc < K; cc++) {
                r[i * K + cc] -= dot * qq[cc];
                s += r[i * K + cc] * r[i * K + cc];
            }
            norm[i] = s;
        }
        norm[best] = -1; /* never again */
        if (qq != q)
            free(qq);
    }
    /* W = P' (P P')^-1/2, P the pivot rows */
    double *g = l4r_xmalloc(K * K * sizeof *g), *gv = l4r_xmalloc(K * K * sizeof *gv);
    double *gw = l4r_xmalloc(K * sizeof *gw), *hinv = l4r_xmalloc(K * K * sizeof *hinv);
    double *w = l4r_xmalloc(K * K * sizeof *w);
    for (size_t p = 0; p < K; p++)
        for (size_t q = 0; q < K; q++) {
            double s = 0;
            for (size_t cc = 0; cc < K; cc++)
                s += maps[piv[p] * K + cc] * maps[piv[q] * K + cc];
            g[p * K + q] = s;
        }
    jacobi(g, K, gw, gv);
    for (size_t p = 0; p < K; p++)
        for (size_t q = 0; q < K; q++) {
            double s = 0;
            for (size_t t = 0; t < K; t++)
                s += gv[p * K + t] * (gw[t] > 0 ? 1 / sqrt(gw[t]) : 0) * gv[q * K + t];
            hinv[p * K + q] = s;
        }
    for (size_t rr = 0; rr < K; rr++) /* w[rr][cc] = sum_p P[p][rr] hinv[p][cc] */
        for (size_t cc = 0; cc < K; cc++) {
            double s = 0;
            for (size_t p = 0; p < K; p++)
                s += maps[piv[p] * K + rr] * hinv[p * K + cc];
            w[rr * K + cc] = s;
        }
    for (size_t i = 0; i < n; i++) {
        int best = 0;
        double bv = -1;
        for (size_t cc = 0; cc < K; cc++) {
            double s = 0;
            for (size_t rr = 0; rr < K; rr++)
                s += maps[i * K + rr] * w[rr * K + cc];
            s = fabs(s);
            if (s > bv) {
                bv = s;
                best = (int)cc;
            }
        }
        label[i] = best;
    }
    free(g);
    free(gv);
    free(gw);
    free(hinv);
    free(w);
    free(piv);
    free(norm);
    free(r);
    free(maps);
    free(x);
    free(mx);
    free(y0);
    free(y1);
    free(theta);
    free(tmp);
    free(dd);
    free(o.s);
    return rounds;
}

/*
 * spectral.h — spectral clustering of a sparse symmetric affinity matrix, the way scikit-learn's
 * SpectralClustering(affinity="precomputed", assign_labels="cluster_qr") computes it, with a
 * deterministic solver of our own (spectral.c says how it differs); for OpenP5's collaborative
 * item indexing (export_openp5.c).
 */
#ifndef L4R_SPECTRAL_H
#define L4R_SPECTRAL_H

#include <stddef.h>
#include <stdint.h>

/* A symmetric matrix with no diagonal, rows 0..n-1: row i holds col[ptr[i] .. ptr[i+1]) with
 * values val[...] > 0. */
typedef struct l4r_csr {
    size_t n;
    size_t *ptr;
    uint32_t *col;
    double *val;
} l4r_csr;

void l4r_csr_free(l4r_csr *a);

/* The sub-matrix of rows and columns sel[0..m) (in that order). */
void l4r_csr_sub(const l4r_csr *a, const uint32_t *sel, size_t m, l4r_csr *out);

/* Cluster the n rows into k (2 <= k < n) groups: label[i] in 0..k-1.  Returns the number of
 * outer iterations the eigen-solver took (or -1 when it stopped unconverged at its limit). */
int l4r_spectral_cluster_qr(const l4r_csr *a, int k, int *label);

#endif

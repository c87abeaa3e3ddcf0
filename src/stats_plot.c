/*
 * stats_plot.c — `stats --plot FILE.svg`: two bar charts in one self-contained SVG.
 *
 *   1. history lengths: users per bin of rows, bins [1], [2, 3], [4, 7], ... (powers of two, so a
 *      long tail stays readable), y axis linear with "nice" ticks;
 *   2. rows over time: per month, or per quarter or year when there are more than 120 months
 *      (at most 120 bars); a source without time gets a note instead.
 *
 * Nothing external: generic font families only (sans-serif), no script, no image.  Every bar is a
 * <rect class="bar"> with a <title> (the bin and its count) so a browser shows it on hover and a
 * test can count them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm4rec_data.h"
#include "util.h"

#define W 760
#define PANEL_H 300
#define ML 70 /* margins of a panel's plot area */
#define MR 20
#define MT 40
#define MB 60

/* A step of 1, 2 or 5 x 10^k that gives about 5 ticks up to max. */
static double nice_step(double max)
{
    if (max <= 0)
        return 1;
    double raw = max / 5, p = pow(10, floor(log10(raw))), f = raw / p;
    double step = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
    step *= p;
    return step < 1 ? 1 : step;
}

static void num(char *out, size_t n, double v)
{
    if (v >= 1e6 && fmod(v, 1e5) == 0)
        snprintf(out, n, "%gM", v / 1e6);
    else if (v >= 1e4 && fmod(v, 1e3) == 0)
        snprintf(out, n, "%gk", v / 1e3);
    else
        snprintf(out, n, "%.0f", v);
}

/* One bar chart at vertical offset y0: n bars of vals with labels, axis titles. */
static void chart(l4r_buf *b, int y0, const char *title, const char *xlabel, const char *ylabel,
                  const double *vals, char **labels, size_t n)
{
    double max = 0;
    for (size_t i = 0; i < n; i++)
        max = vals[i] > max ? vals[i] : max;
    double step = nice_step(max), top = ceil(max / step) * step;
    if (top <= 0)
        top = 1;
    int pw = W - ML - MR, ph = PANEL_H - MT - MB, x0 = ML, yb = y0 + MT + ph;
    l4r_buf_addf(b, "<text x=\"%d\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">%s</text>\n", ML, y0 + 24,
                 title);
    /* y ticks and grid */
    for (double v = 0; v <= top + step / 2; v += step) {
        double y = yb - v / top * ph;
        char t[32];
        num(t, sizeof t, v);
        l4r_buf_addf(b,
                     "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                     "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>"
                     "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>\n",
                     x0, y, x0 + pw, y, x0 - 5, y, x0, y, x0 - 8, y + 4, t);
    }
    double bw = n ? (double)pw / (double)n : pw;
    size_t every = n > 12 ? (n + 11) / 12 : 1; /* at most about 12 x labels */
    for (size_t i = 0; i < n; i++) {
        double h = vals[i] / top * ph, x = x0 + bw * (double)i;
        l4r_buf_addf(
            b,
            "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#4878a8\">"
            "<title>%s: %.0f</title></rect>\n",
            x + bw * 0.1, yb - h, bw * 0.8, h, labels[i], vals[i]);
        if (i % every == 0)
            l4r_buf_addf(b,
                         "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>"
                         "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n",
                         x + bw / 2, yb, x + bw / 2, yb + 5, x + bw / 2, yb + 18, labels[i]);
    }
    l4r_buf_addf(b,
                 "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>"
                 "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
                 x0, yb, x0 + pw, yb, x0, yb, x0, yb - ph);
    l4r_buf_addf(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>\n",
                 x0 + pw / 2, yb + 42, xlabel);
    l4r_buf_addf(b,
                 "<text x=\"16\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" "
                 "transform=\"rotate(-90 16 %d)\">%s</text>\n",
                 yb - ph / 2, yb - ph / 2, ylabel);
}

static void free_labels(char **labels, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(labels[i]);
    free(labels);
}

l4r_status l4r_stats_plot(const l4r_stats *s, const char *path, l4r_error *e)
{
    size_t nu, nm;
    int m0;
    const uint32_t *hist = l4r_stats_history_lengths(s, &nu);
    const int64_t *month = l4r_stats_months(s, &nm, &m0);
    l4r_buf b = {0};
    int panels = 2;
    l4r_buf_addf(&b,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                 "font-family=\"sans-serif\">\n"
                 "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
                 W, PANEL_H * panels, W, PANEL_H * panels);

    /* 1. history lengths in power-of-two bins */
    size_t nb = 0;
    uint32_t hmax = nu ? hist[nu - 1] : 0;
    while (nb < 32 && (UINT64_C(1) << nb) <= hmax)
        nb++;
    double *hv = l4r_xcalloc(nb ? nb : 1, sizeof *hv);
    char **hl = l4r_xcalloc(nb ? nb : 1, sizeof *hl);
    for (size_t i = 0; i < nu; i++) {
        size_t k = 0;
        while (k + 1 < nb && (UINT64_C(1) << (k + 1)) <= hist[i])
            k++;
        if (hist[i])
            hv[k]++;
    }
    for (size_t k = 0; k < nb; k++) {
        uint64_t lo = UINT64_C(1) << k, hi = (UINT64_C(1) << (k + 1)) - 1;
        hl[k] = lo == hi ? l4r_xasprintf("%llu", (unsigned long long)lo)
                         : l4r_xasprintf("%llu-%llu", (unsigned long long)lo, (unsigned long long)hi);
    }
    chart(&b, 0, "History length", "rows per user (power-of-two bins)", "users", hv, hl, nb);
    free(hv);
    free_labels(hl, nb);

    /* 2. rows over time */
    if (!month) {
        l4r_buf_addf(
            &b,
            "<text x=\"%d\" y=\"%d\" font-size=\"15\" font-weight=\"bold\">Interactions over time</text>\n"
            "<text class=\"note\" x=\"%d\" y=\"%d\" font-size=\"13\">no timestamps: the source has no "
            "time, so there is nothing to plot over time</text>\n",
            ML, PANEL_H + 24, ML, PANEL_H + PANEL_H / 2);
    } else {
        int per = nm <= 120 ? 1 : nm <= 360 ? 3 : 12; /* months per bar */
        int first = per == 1 ? m0 : m0 - (m0 % per);
        size_t nbar = (size_t)((m0 + (int)nm - 1 - first) / per + 1);
        double *tv = l4r_xcalloc(nbar, sizeof *tv);
        char **tl = l4r_xcalloc(nbar, sizeof *tl);
        for (size_t i = 0; i < nm; i++)
            tv[(size_t)((m0 + (int)i - first) / per)] += (double)month[i];
        for (size_t k = 0; k < nbar; k++) {
            int m = first + (int)k * per;
            if (per == 12)
                tl[k] = l4r_xasprintf("%d", m / 12);
            else if (per == 3)
                tl[k] = l4r_xasprintf("%d Q%d", m / 12, m % 12 / 3 + 1);
            else
                tl[k] = l4r_xasprintf("%d-%02d", m / 12, m % 12 + 1);
        }
        chart(&b, PANEL_H, "Interactions over time",
              per == 1   ? "month (UTC)"
              : per == 3 ? "quarter (UTC)"
                         : "year (UTC)",
              "interactions", tv, tl, nbar);
        free(tv);
        free_labels(tl, nbar);
    }
    l4r_buf_adds(&b, "</svg>\n");
    l4r_status st = l4r_write_file_atomic(path, b.data, b.len, e);
    l4r_buf_free(&b);
    return st;
}

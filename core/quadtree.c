/* quadtree.c: Morton-sorted Barnes-Hut tree for t-SNE (see quadtree.h). */
#include "quadtree.h"

#include <stdlib.h>
#include <string.h>

/* Bits per coordinate of the Morton codes: the depth of the deepest possible cell. */
enum { BITS = 20 };

/* GCC/Clang vector extensions: portable SIMD (SSE2 on the x86-64 baseline). */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

/* Spreads the low 32 bits of v to the even bits of a 64-bit word. */
static uint64_t spread(uint64_t v)
{
    v &= 0xffffffffu;
    v = (v | v << 16) & 0x0000ffff0000ffffULL;
    v = (v | v << 8) & 0x00ff00ff00ff00ffULL;
    v = (v | v << 4) & 0x0f0f0f0f0f0f0f0fULL;
    v = (v | v << 2) & 0x3333333333333333ULL;
    v = (v | v << 1) & 0x5555555555555555ULL;
    return v;
}

/* LSD radix sort of keys with their point indices, 8 bits a pass; passes in which every key
 * has the same digit are skipped. */
static void radix_sort(quadtree *t, int n)
{
    uint64_t *k = t->keys, *tk = t->tmpkeys;
    int32_t *o = t->order, *to = t->tmporder;
    for (int shift = 0; shift < 2 * BITS; shift += 8) {
        int cnt[257];
        memset(cnt, 0, sizeof cnt);
        for (int i = 0; i < n; i++) cnt[((k[i] >> shift) & 255) + 1]++;
        int trivial = 0;
        for (int b = 1; b <= 256; b++)
            if (cnt[b] == n) trivial = 1;
        if (trivial) continue;
        for (int b = 0; b < 256; b++) cnt[b + 1] += cnt[b];
        for (int i = 0; i < n; i++) {
            int p = cnt[(k[i] >> shift) & 255]++;
            tk[p] = k[i];
            to[p] = o[i];
        }
        uint64_t *sk = k;
        k = tk;
        tk = sk;
        int32_t *so = o;
        o = to;
        to = so;
    }
    if (k != t->keys) {
        memcpy(t->keys, k, (size_t)n * sizeof *k);
        memcpy(t->order, o, (size_t)n * sizeof *o);
    }
}

static int new_node(quadtree *t)
{
    if (t->nnodes == t->cap) {
        int cap = t->cap ? 2 * t->cap : 1024;
        qt_node *nn = realloc(t->nodes, (size_t)cap * sizeof *nn);
        if (!nn) return -1;
        t->nodes = nn;
        t->cap = cap;
    }
    return t->nnodes++;
}

/* Builds the subtree of sorted points [start, end) whose cell is at `level` (width w). */
static int build(quadtree *t, int start, int end, int level, double w)
{
    int me = new_node(t);
    if (me < 0) return -1;
    t->nodes[me].start = start;
    t->nodes[me].count = end - start;
    t->nodes[me].w2 = w * w;
    double sx = 0, sy = 0;
    if (end - start <= QT_LEAF || level == BITS) {
        for (int s = start; s < end; s++) {
            sx += t->pos[2 * s];
            sy += t->pos[2 * s + 1];
        }
        t->nodes[me].leaf = 1;
        if (t->nleaves == t->leafcap) {
            int cap = t->leafcap ? 2 * t->leafcap : 1024;
            int32_t *nl = realloc(t->leaves, (size_t)cap * sizeof *nl);
            if (!nl) return -1;
            t->leaves = nl;
            t->leafcap = cap;
        }
        t->leaves[t->nleaves++] = me;
    } else {
        int shift = 2 * (BITS - 1 - level), s = start;
        for (int q = 0; q < 4; q++) {
            int e = s;
            while (e < end && (int)((t->keys[e] >> shift) & 3) == q) e++;
            if (e > s) {
                int c = t->nnodes;
                if (build(t, s, e, level + 1, 0.5 * w)) return -1;
                sx += t->nodes[c].cx * t->nodes[c].count;
                sy += t->nodes[c].cy * t->nodes[c].count;
            }
            s = e;
        }
        t->nodes[me].leaf = 0;
    }
    t->nodes[me].cx = sx / (end - start);
    t->nodes[me].cy = sy / (end - start);
    t->nodes[me].next = t->nnodes;
    return 0;
}

int quadtree_build(quadtree *t, const double *y, int n, ae_err *err)
{
    if (n < 1) return ae_fail(err, "quadtree: no points");
    if (n > t->n) {
        quadtree_free(t);
        t->order = malloc((size_t)n * sizeof *t->order);
        t->tmporder = malloc((size_t)n * sizeof *t->tmporder);
        t->pos = malloc((size_t)2 * n * sizeof *t->pos);
        t->px = malloc(((size_t)n + 4) * sizeof *t->px);
        t->py = malloc(((size_t)n + 4) * sizeof *t->py);
        t->keys = malloc((size_t)n * sizeof *t->keys);
        t->tmpkeys = malloc((size_t)n * sizeof *t->tmpkeys);
        if (!t->order || !t->tmporder || !t->pos || !t->px || !t->py || !t->keys || !t->tmpkeys) {
            quadtree_free(t);
            return ae_fail(err, "quadtree: out of memory for %d points", n);
        }
    }
    t->n = n;
    double x0 = y[0], x1 = y[0], y0 = y[1], y1 = y[1];
    for (int i = 1; i < n; i++) {
        double a = y[2 * i], b = y[2 * i + 1];
        if (a < x0) x0 = a;
        if (a > x1) x1 = a;
        if (b < y0) y0 = b;
        if (b > y1) y1 = b;
    }
    double w = x1 - x0 > y1 - y0 ? x1 - x0 : y1 - y0;
    if (!(w > 0)) w = 1e-12; /* all points in one place: one leaf at the bottom */
    w *= 1.0 + 1e-9;
    double scale = (double)(1u << BITS) / w;
    for (int i = 0; i < n; i++) {
        double a = (y[2 * i] - x0) * scale, b = (y[2 * i + 1] - y0) * scale;
        uint64_t qa = a <= 0 ? 0 : a >= (1u << BITS) - 1 ? (1u << BITS) - 1 : (uint64_t)a;
        uint64_t qb = b <= 0 ? 0 : b >= (1u << BITS) - 1 ? (1u << BITS) - 1 : (uint64_t)b;
        t->keys[i] = spread(qa) | spread(qb) << 1;
        t->order[i] = i;
    }
    radix_sort(t, n);
    for (int s = 0; s < n; s++) {
        t->pos[2 * s] = y[2 * t->order[s]];
        t->pos[2 * s + 1] = y[2 * t->order[s] + 1];
        t->px[s] = (float)t->pos[2 * s];
        t->py[s] = (float)t->pos[2 * s + 1];
    }
    for (int s = n; s < n + 4; s++) t->px[s] = t->py[s] = 0; /* read, masked off */
    t->nnodes = 0;
    t->nleaves = 0;
    if (build(t, 0, n, 0, w)) return ae_fail(err, "quadtree: out of memory for the nodes");
    return 0;
}

void quadtree_repulsion(const quadtree *t, double theta, int s0, int s1, double *rep, double *z)
{
    const qt_node *nodes = t->nodes;
    const double *pos = t->pos;
    const int nn = t->nnodes;
    const double th2 = theta * theta;
    for (int s = s0; s < s1; s++) {
        const double x = pos[2 * s], y = pos[2 * s + 1];
        double fx = 0, fy = 0, zs = 0;
        int k = 0;
        while (k < nn) {
            const qt_node *c = &nodes[k];
            int inside = (unsigned)(s - c->start) < (unsigned)c->count;
            if (!inside) {
                double dx = x - c->cx, dy = y - c->cy, d2 = dx * dx + dy * dy;
                if (c->w2 < th2 * d2) {
                    double w = 1.0 / (1.0 + d2), m = c->count * w;
                    zs += m;
                    m *= w;
                    fx += m * dx;
                    fy += m * dy;
                    k = c->next;
                    continue;
                }
            }
            if (c->leaf) {
                /* Four points at a time; lanes past the leaf or on the point itself masked. */
                v4f zv = {0, 0, 0, 0}, fxv = zv, fyv = zv;
                const v4f xv = {(float)x, (float)x, (float)x, (float)x};
                const v4f yv = {(float)y, (float)y, (float)y, (float)y};
                const v4f one = {1, 1, 1, 1};
                int end = c->start + c->count;
                for (int p = c->start; p < end; p += 4) {
                    v4f ax, ay;
                    memcpy(&ax, t->px + p, sizeof ax);
                    memcpy(&ay, t->py + p, sizeof ay);
                    v4i idx = (v4i){p, p + 1, p + 2, p + 3};
                    v4i keep = (idx < end) & (idx != s);
                    v4f dx = xv - ax, dy = yv - ay;
                    v4f w = one / (one + dx * dx + dy * dy);
                    w = (v4f)((v4i)w & keep);
                    zv += w;
                    w *= w;
                    fxv += w * dx;
                    fyv += w * dy;
                }
                zs += ((double)zv[0] + zv[1]) + ((double)zv[2] + zv[3]);
                fx += ((double)fxv[0] + fxv[1]) + ((double)fxv[2] + fxv[3]);
                fy += ((double)fyv[0] + fyv[1]) + ((double)fyv[2] + fyv[3]);
                k = c->next;
            } else {
                k++;
            }
        }
        int i = t->order[s];
        rep[2 * i] = fx;
        rep[2 * i + 1] = fy;
        z[i] = zs;
    }
}

static int scratch_grow(qt_scratch *sc, int need)
{
    if (need <= sc->cap) return 0;
    int cap = sc->cap ? sc->cap : 1024;
    while (cap < need) cap *= 2;
    float *lx = realloc(sc->lx, (size_t)cap * sizeof *lx);
    if (lx) sc->lx = lx;
    float *ly = realloc(sc->ly, (size_t)cap * sizeof *ly);
    if (ly) sc->ly = ly;
    float *lm = realloc(sc->lm, (size_t)cap * sizeof *lm);
    if (lm) sc->lm = lm;
    int32_t *li = realloc(sc->li, (size_t)cap * sizeof *li);
    if (li) sc->li = li;
    if (!lx || !ly || !lm || !li) {
        sc->failed = 1;
        return -1;
    }
    sc->cap = cap;
    return 0;
}

void qt_scratch_free(qt_scratch *s)
{
    free(s->lx);
    free(s->ly);
    free(s->lm);
    free(s->li);
    memset(s, 0, sizeof *s);
}

/* z, fx, fy of the point at (x, y) (sorted index s) against the list (m a multiple of 8):
 * eight entries at a time in float, flushed to double every 64 entries. Compiled twice, for
 * AVX2 and for the baseline (where each 8-lane operation is two SSE ones); both do the same
 * operations in the same order on each lane, so they give the same bits. */
__attribute__((target_clones("avx2", "default"))) static void
list_sums(const qt_scratch *sc, int m, float x, float y, int s, double *out)
{
    const v8f one = {1, 1, 1, 1, 1, 1, 1, 1};
    const v8f xv = one * x, yv = one * y;
    double zs = 0, fx = 0, fy = 0;
    for (int e0 = 0; e0 < m; e0 += 64) {
        int e1 = e0 + 64 < m ? e0 + 64 : m;
        v8f zv = one - one, fxv = zv, fyv = zv;
        for (int e = e0; e < e1; e += 8) {
            v8f ax, ay, am;
            v8i ai;
            memcpy(&ax, sc->lx + e, sizeof ax);
            memcpy(&ay, sc->ly + e, sizeof ay);
            memcpy(&am, sc->lm + e, sizeof am);
            memcpy(&ai, sc->li + e, sizeof ai);
            v8f dx = xv - ax, dy = yv - ay;
            v8f w = one / (one + dx * dx + dy * dy);
            v8f mw = (v8f)((v8i)(am * w) & (ai != s)); /* not the point itself */
            zv += mw;
            mw *= w;
            fxv += mw * dx;
            fyv += mw * dy;
        }
        for (int l = 0; l < 8; l++) {
            zs += zv[l];
            fx += fxv[l];
            fy += fyv[l];
        }
    }
    out[0] = zs;
    out[1] = fx;
    out[2] = fy;
}

int quadtree_repulsion_leaves(const quadtree *t, double theta, int l0, int l1, double *rep,
                              double *z, qt_scratch *sc)
{
    const qt_node *nodes = t->nodes;
    const int nn = t->nnodes;
    const double th2 = theta * theta;
    for (int l = l0; l < l1; l++) {
        const qt_node *leaf = &nodes[t->leaves[l]];
        int g0 = leaf->start, g1 = leaf->start + leaf->count;
        double bx0 = t->pos[2 * g0], bx1 = bx0, by0 = t->pos[2 * g0 + 1], by1 = by0;
        for (int s = g0 + 1; s < g1; s++) {
            double a = t->pos[2 * s], b = t->pos[2 * s + 1];
            bx0 = a < bx0 ? a : bx0;
            bx1 = a > bx1 ? a : bx1;
            by0 = b < by0 ? b : by0;
            by1 = b > by1 ? b : by1;
        }
        /* The interaction list of the leaf, in float relative to the corner of its box. */
        int m = 0, k = 0;
        while (k < nn) {
            const qt_node *c = &nodes[k];
            int overlaps = c->start < g1 && g0 < c->start + c->count;
            if (!overlaps) {
                double dx = c->cx < bx0 ? bx0 - c->cx : c->cx > bx1 ? c->cx - bx1 : 0;
                double dy = c->cy < by0 ? by0 - c->cy : c->cy > by1 ? c->cy - by1 : 0;
                if (c->w2 < th2 * (dx * dx + dy * dy)) {
                    if (m + 1 > sc->cap && scratch_grow(sc, m + 1)) return -1;
                    sc->lx[m] = (float)(c->cx - bx0);
                    sc->ly[m] = (float)(c->cy - by0);
                    sc->lm[m] = (float)c->count;
                    sc->li[m++] = -1;
                    k = c->next;
                    continue;
                }
            }
            if (c->leaf) {
                if (m + c->count > sc->cap && scratch_grow(sc, m + c->count)) return -1;
                for (int p = c->start; p < c->start + c->count; p++) {
                    sc->lx[m] = (float)(t->pos[2 * p] - bx0);
                    sc->ly[m] = (float)(t->pos[2 * p + 1] - by0);
                    sc->lm[m] = 1;
                    sc->li[m++] = p;
                }
                k = c->next;
            } else {
                k++;
            }
        }
        if (m + 8 > sc->cap && scratch_grow(sc, m + 8)) return -1;
        while (m % 8) { /* pad with massless entries */
            sc->lx[m] = sc->ly[m] = sc->lm[m] = 0;
            sc->li[m++] = -1;
        }
        /* Each point of the leaf against the list. */
        for (int s = g0; s < g1; s++) {
            double sums[3];
            list_sums(sc, m, (float)(t->pos[2 * s] - bx0), (float)(t->pos[2 * s + 1] - by0), s,
                      sums);
            double zs = sums[0], fx = sums[1], fy = sums[2];
            int i = t->order[s];
            rep[2 * i] = fx;
            rep[2 * i + 1] = fy;
            z[i] = zs;
        }
    }
    return 0;
}

void quadtree_free(quadtree *t)
{
    free(t->leaves);
    free(t->nodes);
    free(t->order);
    free(t->tmporder);
    free(t->pos);
    free(t->px);
    free(t->py);
    free(t->keys);
    free(t->tmpkeys);
    memset(t, 0, sizeof *t);
}

/* walk_draw.h: decoded latent walks drawn on a canvas (issue 14): a grid of tiles, rows x cols,
 * each an image (blitted at the tile's size) or a sequence (its first features as small curves
 * overlaid, on one value scale for the whole grid so that tiles compare). The CLI's
 * interpolate / traverse / sample pictures and the Latent screen's strips use it.
 *
 * Pure drawing over caller-owned arrays; any thread. */
#ifndef AE_WALK_DRAW_H
#define AE_WALK_DRAW_H

#include "canvas.h"
#include "net.h"

enum { WALK_CURVES = 3 }; /* features drawn per sequence tile */

typedef struct walk_grid {
    net_shape shape;    /* the samples' shape: rank 3 images (h, w, c), rank 2 (t = h, f = c) */
    int rows, cols;     /* tiles */
    int count;          /* tiles drawn, row by row (0: rows * cols) */
    int x, y;           /* the first tile's top-left */
    int tw, th, gap;    /* a tile's size and the space between tiles, in pixels */
    canvas_color paper; /* behind a sequence tile's curves */
    canvas_color frame; /* a sequence tile's outline */
    float lo, hi;       /* sequences: the value scale; lo == hi: the grid's own range */
} walk_grid;

/* Draws tile (r, k) of v (count samples in the per-sample layout, row-major over the grid); images
 * must have 1 or 3 channels. Returns -1 with err on bad arguments. */
int walk_draw_grid(canvas *cv, const walk_grid *g, const float *v, ae_err *err);
/* Draws one sample v into the tile at (x, y) (the same drawing; lo..hi is the value scale of a
 * sequence, ignored for images). */
int walk_draw_tile(canvas *cv, const walk_grid *g, int x, int y, const float *v, float lo, float hi,
                   ae_err *err);
/* The value range of n sequence samples' first features (for a shared scale). */
void walk_seq_range(const net_shape *s, const float *v, long n, float *lo, float *hi);

/* The colour of curve f (of WALK_CURVES) of a sequence tile: readable on dark and light paper. */
canvas_color walk_curve_color(int f);

#endif

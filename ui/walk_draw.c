/* walk_draw.c: decoded walks as tiles (see walk_draw.h). */
#include "walk_draw.h"

#include <math.h>

canvas_color walk_curve_color(int f)
{
    static const canvas_color c[WALK_CURVES] = {0x4fa3e0, 0xe0903a, 0x5cb85c};
    return c[f % WALK_CURVES];
}

void walk_seq_range(const net_shape *s, const float *v, long n, float *lo, float *hi)
{
    int T = s->h, F = s->c, nf = F < WALK_CURVES ? F : WALK_CURVES;
    float a = INFINITY, b = -INFINITY;
    for (long i = 0; i < n; i++)
        for (int t = 0; t < T; t++)
            for (int f = 0; f < nf; f++) {
                float x = v[(i * T + t) * F + f];
                if (!isfinite(x)) continue;
                if (x < a) a = x;
                if (x > b) b = x;
            }
    if (!(a <= b)) a = 0, b = 1;
    if (b - a < 1e-6f) a -= 0.5f, b += 0.5f;
    *lo = a, *hi = b;
}

int walk_draw_tile(canvas *cv, const walk_grid *g, int x, int y, const float *v, float lo, float hi,
                   ae_err *err)
{
    const net_shape *s = &g->shape;
    if (s->rank == 3) return canvas_blit_float(cv, x, y, g->tw, g->th, v, s->w, s->h, s->c, err);
    canvas_fill_rect(cv, x, y, g->tw, g->th, g->paper);
    canvas_rect(cv, x, y, g->tw, g->th, g->frame);
    int T = s->h, F = s->c, nf = F < WALK_CURVES ? F : WALK_CURVES;
    if (T < 1 || g->tw < 4 || g->th < 4) return 0;
    double sx = (double)(g->tw - 3) / (T > 1 ? T - 1 : 1), sy = (g->th - 3) / (double)(hi - lo);
    for (int f = 0; f < nf; f++) {
        int px = -1, py = -1;
        for (int t = 0; t < T; t++) {
            float val = v[(long)t * F + f];
            if (!isfinite(val)) {
                px = -1;
                continue;
            }
            if (val < lo) val = lo; /* kept inside the tile */
            if (val > hi) val = hi;
            int cx = x + 1 + (int)lround(t * sx), cy = y + 1 + (int)lround((hi - val) * sy);
            if (px >= 0)
                canvas_line(cv, px, py, cx, cy, walk_curve_color(f));
            else
                canvas_pixel(cv, cx, cy, walk_curve_color(f));
            px = cx, py = cy;
        }
    }
    return 0;
}

int walk_draw_grid(canvas *cv, const walk_grid *g, const float *v, ae_err *err)
{
    long dim = net_shape_size(&g->shape), n = (long)g->rows * g->cols;
    if (g->count > 0 && g->count < n) n = g->count;
    float lo = g->lo, hi = g->hi;
    if (g->shape.rank == 2 && !(hi > lo)) walk_seq_range(&g->shape, v, n, &lo, &hi);
    for (int r = 0; r < g->rows; r++)
        for (int k = 0; k < g->cols && (long)r * g->cols + k < n; k++) {
            int x = g->x + k * (g->tw + g->gap), y = g->y + r * (g->th + g->gap);
            if (walk_draw_tile(cv, g, x, y, v + ((long)r * g->cols + k) * dim, lo, hi, err))
                return -1;
        }
    return 0;
}

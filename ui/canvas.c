/* canvas.c: the RGB raster and its primitives (see canvas.h).
 *
 * Everything is integer pixel work with clipping at the lowest level (put()), so each
 * primitive is a few lines: Bresenham lines, discs from a squared-radius test, blits by
 * nearest-neighbour index mapping, text from the 5x7 table in font.c. Nothing is
 * anti-aliased on purpose: a plot keeps a handful of exact colours, which lets the sixel back
 * end use an exact palette without dithering and the braille back end tell ink from paper. */
#include "canvas.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CANVAS_MAX_SIDE = 16384 };

static inline void put(canvas *c, int x, int y, canvas_color col)
{
    if ((unsigned)x >= (unsigned)c->w || (unsigned)y >= (unsigned)c->h) return;
    uint8_t *p = c->px + ((size_t)y * (size_t)c->w + (size_t)x) * 3;
    p[0] = (uint8_t)(col >> 16);
    p[1] = (uint8_t)(col >> 8);
    p[2] = (uint8_t)col;
}

int canvas_init(canvas *c, int w, int h, ae_err *err)
{
    memset(c, 0, sizeof *c);
    if (w < 1 || h < 1 || w > CANVAS_MAX_SIDE || h > CANVAS_MAX_SIDE)
        return ae_fail(err, "canvas: bad size %dx%d (1..%d each)", w, h, CANVAS_MAX_SIDE);
    c->px = calloc((size_t)w * (size_t)h, 3);
    if (!c->px) return ae_fail(err, "canvas: out of memory for %dx%d pixels", w, h);
    c->w = w;
    c->h = h;
    c->gen = 1;
    return 0;
}

void canvas_free(canvas *c)
{
    if (!c) return;
    free(c->px);
    memset(c, 0, sizeof *c);
}

int canvas_resize(canvas *c, int w, int h, ae_err *err)
{
    uint64_t gen = c->gen;
    canvas_free(c);
    if (canvas_init(c, w, h, err)) return -1;
    c->gen = gen + 1;
    return 0;
}

void canvas_clear_keyed(canvas *c, canvas_color key)
{
    canvas_clear(c, key);
    c->keyed = 1;
    c->key = key;
}

void canvas_copy(canvas *dst, int dx, int dy, const canvas *src, int sx, int sy, int w, int h)
{
    dst->gen++;
    if (!dst->px || !src->px) return;
    if (sx < 0) w += sx, dx -= sx, sx = 0;
    if (sy < 0) h += sy, dy -= sy, sy = 0;
    if (dx < 0) w += dx, sx -= dx, dx = 0;
    if (dy < 0) h += dy, sy -= dy, dy = 0;
    if (sx + w > src->w) w = src->w - sx;
    if (sy + h > src->h) h = src->h - sy;
    if (dx + w > dst->w) w = dst->w - dx;
    if (dy + h > dst->h) h = dst->h - dy;
    for (int j = 0; j < h; j++)
        memcpy(dst->px + ((size_t)(dy + j) * (size_t)dst->w + (size_t)dx) * 3,
               src->px + ((size_t)(sy + j) * (size_t)src->w + (size_t)sx) * 3, (size_t)w * 3);
}

canvas_color canvas_mix(canvas_color a, canvas_color b, double t)
{
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    int r = (int)lround(CANVAS_R(a) * t + CANVAS_R(b) * (1 - t));
    int g = (int)lround(CANVAS_G(a) * t + CANVAS_G(b) * (1 - t));
    int bl = (int)lround(CANVAS_B(a) * t + CANVAS_B(b) * (1 - t));
    return CANVAS_RGB(r, g, bl);
}

void canvas_clear(canvas *c, canvas_color col)
{
    c->gen++;
    c->keyed = 0;
    if (!c->px) return;
    uint8_t *row = c->px;
    for (int x = 0; x < c->w; x++) {
        row[3 * x] = (uint8_t)(col >> 16);
        row[3 * x + 1] = (uint8_t)(col >> 8);
        row[3 * x + 2] = (uint8_t)col;
    }
    size_t rowbytes = (size_t)c->w * 3;
    for (int y = 1; y < c->h; y++) memcpy(c->px + (size_t)y * rowbytes, row, rowbytes);
}

void canvas_pixel(canvas *c, int x, int y, canvas_color col)
{
    c->gen++;
    put(c, x, y, col);
}

canvas_color canvas_get(const canvas *c, int x, int y)
{
    if ((unsigned)x >= (unsigned)c->w || (unsigned)y >= (unsigned)c->h) return 0;
    const uint8_t *p = c->px + ((size_t)y * (size_t)c->w + (size_t)x) * 3;
    return CANVAS_RGB(p[0], p[1], p[2]);
}

void canvas_point(canvas *c, int x, int y, int radius, canvas_color col)
{
    c->gen++;
    if (radius <= 0) {
        put(c, x, y, col);
        return;
    }
    int r2 = radius * radius + radius; /* a rounder disc than r*r for small radii */
    for (int dy = -radius; dy <= radius; dy++)
        for (int dx = -radius; dx <= radius; dx++)
            if (dx * dx + dy * dy <= r2) put(c, x + dx, y + dy, col);
}

void canvas_square(canvas *c, int x, int y, int r, canvas_color col)
{
    canvas_rect(c, x - r, y - r, 2 * r + 1, 2 * r + 1, col);
}

void canvas_line(canvas *c, int x0, int y0, int x1, int y1, canvas_color col)
{
    c->gen++;
    /* Clamp absurd coordinates (from huge data values) so the loop stays bounded: a line
     * far outside the canvas is clipped per pixel, but only within a margin of the canvas. */
    const int lim = 4 * CANVAS_MAX_SIDE;
    if (x0 < -lim || x0 > lim || x1 < -lim || x1 > lim || y0 < -lim || y0 > lim || y1 < -lim ||
        y1 > lim)
        return;
    int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
    int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
    int e = dx + dy;
    for (;;) {
        put(c, x0, y0, col);
        if (x0 == x1 && y0 == y1) break;
        int e2 = 2 * e;
        if (e2 >= dy) {
            e += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            e += dx;
            y0 += sy;
        }
    }
}

void canvas_line_w(canvas *c, int x0, int y0, int x1, int y1, int width, canvas_color col)
{
    if (width <= 1) {
        canvas_line(c, x0, y0, x1, y1, col);
        return;
    }
    /* Offset copies across the major direction: a mostly-horizontal line gets thicker
     * vertically and the other way round. */
    int horiz = abs(x1 - x0) >= abs(y1 - y0);
    for (int k = -(width - 1) / 2; k <= width / 2; k++) {
        if (horiz)
            canvas_line(c, x0, y0 + k, x1, y1 + k, col);
        else
            canvas_line(c, x0 + k, y0, x1 + k, y1, col);
    }
}

void canvas_vline_dashed(canvas *c, int x, int y0, int y1, int dash, canvas_color col)
{
    c->gen++;
    if (dash < 1) dash = 1;
    if (y0 > y1) {
        int t = y0;
        y0 = y1;
        y1 = t;
    }
    if (y0 < 0) y0 = 0;
    if (y1 >= c->h) y1 = c->h - 1;
    for (int y = y0; y <= y1; y++)
        if (((y - y0) / dash) % 2 == 0) put(c, x, y, col);
}

void canvas_hline_dashed(canvas *c, int x0, int x1, int y, int dash, canvas_color col)
{
    c->gen++;
    if (dash < 1) dash = 1;
    if (x0 > x1) {
        int t = x0;
        x0 = x1;
        x1 = t;
    }
    if (x0 < 0) x0 = 0;
    if (x1 >= c->w) x1 = c->w - 1;
    for (int x = x0; x <= x1; x++)
        if (((x - x0) / dash) % 2 == 0) put(c, x, y, col);
}

void canvas_fill_rect(canvas *c, int x, int y, int w, int h, canvas_color col)
{
    c->gen++;
    int x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
    long x1l = (long)x + w, y1l = (long)y + h;
    int x1 = x1l > c->w ? c->w : (int)x1l, y1 = y1l > c->h ? c->h : (int)y1l;
    for (int yy = y0; yy < y1; yy++)
        for (int xx = x0; xx < x1; xx++) put(c, xx, yy, col);
}

void canvas_rect(canvas *c, int x, int y, int w, int h, canvas_color col)
{
    if (w < 1 || h < 1) return;
    canvas_fill_rect(c, x, y, w, 1, col);
    canvas_fill_rect(c, x, y + h - 1, w, 1, col);
    canvas_fill_rect(c, x, y, 1, h, col);
    canvas_fill_rect(c, x + w - 1, y, 1, h, col);
}

static int blit_args(const void *src, int dw, int dh, int sw, int sh, ae_err *err)
{
    if (!src) return ae_fail(err, "canvas blit: no source pixels");
    if (dw < 1 || dh < 1 || sw < 1 || sh < 1)
        return ae_fail(err, "canvas blit: bad size %dx%d -> %dx%d", sw, sh, dw, dh);
    return 0;
}

static inline uint8_t unit_to_byte(float v)
{
    if (!(v > 0)) return 0; /* also NaN, handled by the caller */
    if (v >= 1) return 255;
    return (uint8_t)(v * 255.0f + 0.5f);
}

/* The source span [*a, *b) that destination index i of n covers out of m: one pixel when
 * enlarging, the whole span when shrinking (so a smaller picture averages, never drops, rows). */
static void span(int i, int n, int m, int *a, int *b)
{
    *a = (int)((long)i * m / n);
    *b = (int)((long)(i + 1) * m / n);
    if (*b <= *a) *b = *a + 1;
}

int canvas_blit_float(canvas *c, int x, int y, int dw, int dh, const float *src, int sw, int sh,
                      int ch, ae_err *err)
{
    if (blit_args(src, dw, dh, sw, sh, err)) return -1;
    if (ch != 1 && ch != 3) return ae_fail(err, "canvas blit: %d channels (1 or 3 expected)", ch);
    c->gen++;
    for (int j = 0; j < dh; j++) {
        int yy = y + j;
        if (yy < 0 || yy >= c->h) continue;
        int y0, y1;
        span(j, dh, sh, &y0, &y1);
        for (int i = 0; i < dw; i++) {
            int xx = x + i;
            if (xx < 0 || xx >= c->w) continue;
            int x0, x1;
            span(i, dw, sw, &x0, &x1);
            float sum[3] = {0, 0, 0};
            int nan = 0;
            for (int v = y0; v < y1; v++)
                for (int u = x0; u < x1; u++) {
                    const float *s = src + ((size_t)v * (size_t)sw + (size_t)u) * (size_t)ch;
                    for (int k = 0; k < ch; k++) {
                        if (isnan(s[k])) nan = 1;
                        sum[k] += s[k];
                    }
                }
            float inv = 1.0f / (float)((y1 - y0) * (x1 - x0));
            canvas_color col;
            if (nan) {
                col = 0xff00ff;
            } else if (ch == 1) {
                uint8_t v = unit_to_byte(sum[0] * inv);
                col = CANVAS_RGB(v, v, v);
            } else {
                col = CANVAS_RGB(unit_to_byte(sum[0] * inv), unit_to_byte(sum[1] * inv),
                                 unit_to_byte(sum[2] * inv));
            }
            put(c, xx, yy, col);
        }
    }
    return 0;
}

int canvas_blit_rgb(canvas *c, int x, int y, int dw, int dh, const uint8_t *src, int sw, int sh,
                    ae_err *err)
{
    if (blit_args(src, dw, dh, sw, sh, err)) return -1;
    c->gen++;
    for (int j = 0; j < dh; j++) {
        int yy = y + j;
        if (yy < 0 || yy >= c->h) continue;
        int sy = (int)((long)j * sh / dh);
        for (int i = 0; i < dw; i++) {
            int xx = x + i;
            if (xx < 0 || xx >= c->w) continue;
            int sx = (int)((long)i * sw / dw);
            const uint8_t *s = src + ((size_t)sy * (size_t)sw + (size_t)sx) * 3;
            put(c, xx, yy, CANVAS_RGB(s[0], s[1], s[2]));
        }
    }
    return 0;
}

/* ---- text ---- */

int canvas_text_width(const char *s, int scale)
{
    if (scale < 1) scale = 1;
    return (int)strlen(s) * CANVAS_FONT_W * scale;
}

int canvas_text(canvas *c, int x, int y, const char *s, int scale, canvas_color col)
{
    c->gen++;
    if (scale < 1) scale = 1;
    int x0 = x;
    for (; *s; s++, x += CANVAS_FONT_W * scale) {
        if (x >= c->w) {
            x += CANVAS_FONT_W * scale * (int)strlen(s);
            break;
        }
        const uint8_t *g = canvas_glyph((unsigned char)*s);
        for (int gy = 0; gy < 7; gy++)
            for (int gx = 0; gx < 5; gx++)
                if (g[gy] & (0x10 >> gx)) {
                    if (scale == 1)
                        put(c, x + gx, y + gy + 1, col);
                    else
                        canvas_fill_rect(c, x + gx * scale, y + (gy + 1) * scale, scale, scale,
                                         col);
                }
    }
    return x - x0;
}

int canvas_text_up(canvas *c, int x, int y, const char *s, int scale, canvas_color col)
{
    c->gen++;
    if (scale < 1) scale = 1;
    int along = 0;
    for (; *s; s++, along += CANVAS_FONT_W * scale) {
        const uint8_t *g = canvas_glyph((unsigned char)*s);
        for (int gy = 0; gy < 7; gy++)
            for (int gx = 0; gx < 5; gx++)
                if (g[gy] & (0x10 >> gx)) {
                    /* glyph (gx, gy) -> canvas (x + gy, y - along - gx): the glyph's top
                     * faces left, the text runs upwards */
                    int px = x + (gy + 1) * scale, py = y - along - (gx + 1) * scale + 1;
                    canvas_fill_rect(c, px, py, scale, scale, col);
                }
    }
    return along;
}

/* ---- ticks ---- */

int canvas_nice_ticks(double lo, double hi, int max_ticks, double *ticks, int cap, double *step)
{
    if (step) *step = 0;
    if (!isfinite(lo) || !isfinite(hi) || lo == hi || cap < 1) return 0;
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (max_ticks < 2) max_ticks = 2;
    double raw = (hi - lo) / (max_ticks - 1);
    double mag = pow(10, floor(log10(raw)));
    static const double mult[] = {1, 2, 5, 10, 20};
    double st = mag * 10;
    for (int i = 0; i < 5; i++)
        if (mag * mult[i] >= raw * (1 - 1e-9)) {
            st = mag * mult[i];
            break;
        }
    if (!(st > 0) || !isfinite(st)) return 0;
    if (step) *step = st;
    double k0 = ceil(lo / st - 1e-9);
    int n = 0;
    for (double k = k0; n < cap; k += 1) {
        double t = k * st;
        if (t > hi + st * 1e-9) break;
        if (fabs(t) < st * 1e-9) t = 0;
        ticks[n++] = t;
        if (k - k0 > 1e6) break; /* cannot happen with a sane step; keeps the loop bounded */
    }
    return n;
}

char *canvas_format_tick(double v, double step, char *out, size_t outlen)
{
    if (!outlen) return out;
    double a = fabs(v);
    if (!isfinite(v)) {
        snprintf(out, outlen, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return out;
    }
    if (v == 0) {
        snprintf(out, outlen, "0");
        return out;
    }
    if (!(step > 0) || !isfinite(step)) {
        /* the value's own last digit: 16 -> 1, 0.25 -> 0.01, 5e-4 -> 1e-4 */
        step = pow(10, floor(log10(a)));
        for (int i = 0; i < 12 && fabs(a / step - round(a / step)) > 1e-6 * (a / step); i++)
            step /= 10;
    }
    /* the step's decade k and whether its mantissa needs a digit more (2.5e-3) */
    int k = (int)floor(log10(step) + 1e-9);
    double sm = step / pow(10, k);
    int frac = fabs(sm - round(sm)) > 1e-6;
    int dec = (k < 0 ? -k : 0) + frac;
    if (a < 1e5 && a >= 1e-3 && dec <= 4) {
        snprintf(out, outlen, "%.*f", dec, v);
        return out;
    }
    /* scientific with as many mantissa digits as the step needs; exponent without padding
     * or '+': 1e-4, 2.5e6, 3.55e-2 */
    int e = (int)floor(log10(a) + 1e-9);
    int digits = e - k + frac;
    if (digits < 0) digits = 0;
    if (digits > 9) digits = 9;
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.*e", digits, v);
    char *ep = strchr(tmp, 'e');
    if (ep) {
        char sign = ep[1];
        char *d = ep + 2;
        while (*d == '0' && d[1]) d++;
        snprintf(out, outlen, "%.*se%s%s", (int)(ep - tmp), tmp, sign == '-' ? "-" : "", d);
    } else {
        snprintf(out, outlen, "%s", tmp);
    }
    return out;
}

/* ---- axes and legend ---- */

void canvas_draw_axes(canvas *c, const canvas_axes *a)
{
    int left = a->x - 1, bottom = a->y + a->h;
    for (int i = 0; i < a->nyt; i++) {
        int p = a->yt[i].pos;
        if (p < a->y || p > bottom) continue;
        if (a->grid != a->fg && p != bottom)
            canvas_hline_dashed(c, a->x, a->x + a->w - 1, p, 2, a->grid);
        int len = a->yt[i].label[0] ? 4 : 2;
        canvas_fill_rect(c, left - len, p, len, 1, a->fg);
        if (a->labels && a->yt[i].label[0]) {
            int tw = canvas_text_width(a->yt[i].label, 1);
            canvas_text(c, left - len - 2 - tw, p - CANVAS_FONT_H / 2, a->yt[i].label, 1, a->fg);
        }
    }
    for (int i = 0; i < a->nxt; i++) {
        int p = a->xt[i].pos;
        if (p < left || p >= a->x + a->w) continue;
        if (a->grid != a->fg && p != left) canvas_vline_dashed(c, p, a->y, bottom - 1, 2, a->grid);
        int len = a->xt[i].label[0] ? 4 : 2;
        canvas_fill_rect(c, p, bottom + 1, 1, len, a->fg);
        if (a->labels && a->xt[i].label[0]) {
            int tw = canvas_text_width(a->xt[i].label, 1);
            int tx = p - tw / 2;
            if (tx + tw > c->w) tx = c->w - tw;
            canvas_text(c, tx, bottom + 1 + len + 1, a->xt[i].label, 1, a->fg);
        }
    }
    canvas_fill_rect(c, left, a->y, 1, a->h + 1, a->fg);
    canvas_fill_rect(c, left, bottom, a->w + 1, 1, a->fg);
    if (a->labels && a->x_label) {
        int tw = canvas_text_width(a->x_label, 1);
        canvas_text(c, a->x + (a->w - tw) / 2, bottom + 6 + CANVAS_FONT_H, a->x_label, 1, a->fg);
    }
    if (a->labels && a->y_label) {
        int th = canvas_text_width(a->y_label, 1);
        /* at the canvas's left edge of the margin: the caller leaves room (chart.c does) */
        int maxw = 0;
        for (int i = 0; i < a->nyt; i++) {
            int tw = canvas_text_width(a->yt[i].label, 1);
            if (tw > maxw) maxw = tw;
        }
        int lx = left - 4 - 2 - maxw - 2 - CANVAS_FONT_H;
        canvas_text_up(c, lx, a->y + (a->h + th) / 2, a->y_label, 1, a->fg);
    }
}

enum { LEG_PAD = 3, LEG_ROW = CANVAS_FONT_H + 2, LEG_SW = 8 };

void canvas_legend_size(const canvas_legend_entry *e, int n, int *w, int *h)
{
    int maxw = 0;
    for (int i = 0; i < n; i++) {
        int tw = canvas_text_width(e[i].name ? e[i].name : "", 1);
        if (tw > maxw) maxw = tw;
    }
    *w = n > 0 ? LEG_PAD + LEG_SW + 4 + maxw + LEG_PAD : 0;
    *h = n > 0 ? LEG_PAD + n * LEG_ROW + LEG_PAD - 2 : 0;
}

int canvas_draw_legend(canvas *c, int x, int y, const canvas_legend_entry *e, int n,
                       canvas_color fg, canvas_color bg)
{
    int w, h;
    canvas_legend_size(e, n, &w, &h);
    if (n <= 0) return 0;
    canvas_fill_rect(c, x, y, w, h, bg);
    canvas_rect(c, x, y, w, h, canvas_mix(fg, bg, 0.4));
    for (int i = 0; i < n; i++) {
        int ry = y + LEG_PAD + i * LEG_ROW;
        canvas_fill_rect(c, x + LEG_PAD, ry + 1, LEG_SW, CANVAS_FONT_H - 2, e[i].col);
        canvas_text(c, x + LEG_PAD + LEG_SW + 4, ry, e[i].name ? e[i].name : "", 1, fg);
    }
    return h;
}

uint64_t canvas_hash(const canvas *c)
{
    /* word-at-a-time multiply/xorshift; fast (~0.2 ms for 512x512) and plenty to tell two
     * pictures apart, which is all the sixel cache needs */
    uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)(unsigned)c->w << 32) ^ (unsigned)c->h;
    size_t n = (size_t)c->w * (size_t)c->h * 3, i = 0;
    const uint8_t *p = c->px;
    if (!p) return h;
    for (; i + 8 <= n; i += 8) {
        uint64_t v;
        memcpy(&v, p + i, 8);
        h = (h ^ v) * 0xbf58476d1ce4e5b9ull;
        h ^= h >> 31;
    }
    uint64_t v = 0;
    memcpy(&v, p + i, n - i);
    h = (h ^ v ^ (n - i)) * 0x94d049bb133111ebull;
    h ^= h >> 29;
    return h;
}

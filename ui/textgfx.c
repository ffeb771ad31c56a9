/* textgfx.c: canvas region -> terminal cells (see textgfx.h).
 *
 * Each cell is split into sub-cells (1x2 for half blocks, 2x4 for braille and ASCII plots,
 * 1x1 for the ASCII ramp) and each sub-cell samples the block of canvas pixels it covers
 * (at least one pixel, so a region smaller than the grid is upsampled by nearest neighbour).
 * Images average their block; plots ask "is there ink in this block?", so a one-pixel line on
 * a large canvas still shows up as a dot. */
#include "textgfx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the xterm 256-colour palette ---- */

static const int xlevel[6] = {0, 95, 135, 175, 215, 255};

static int nearest_level(int v)
{
    int best = 0;
    for (int i = 1; i < 6; i++)
        if (abs(xlevel[i] - v) < abs(xlevel[best] - v)) best = i;
    return best;
}

int textgfx_rgb_to_256(canvas_color c)
{
    int r = CANVAS_R(c), g = CANVAS_G(c), b = CANVAS_B(c);
    int ri = nearest_level(r), gi = nearest_level(g), bi = nearest_level(b);
    int dr = r - xlevel[ri], dg = g - xlevel[gi], db = b - xlevel[bi];
    int dc = dr * dr + dg * dg + db * db;
    int avg = (r + g + b) / 3;
    int k = (avg - 8 + 5) / 10;
    if (k < 0) k = 0;
    if (k > 23) k = 23;
    int v = 8 + 10 * k;
    int dgy = (r - v) * (r - v) + (g - v) * (g - v) + (b - v) * (b - v);
    if (dgy < dc) return 232 + k;
    return 16 + 36 * ri + 6 * gi + bi;
}

canvas_color textgfx_256_to_rgb(int idx)
{
    static const canvas_color sys[16] = {0x000000, 0x800000, 0x008000, 0x808000, 0x000080, 0x800080,
                                         0x008080, 0xc0c0c0, 0x808080, 0xff0000, 0x00ff00, 0xffff00,
                                         0x0000ff, 0xff00ff, 0x00ffff, 0xffffff};
    if (idx < 0 || idx > 255) return 0;
    if (idx < 16) return sys[idx];
    if (idx >= 232) {
        int v = 8 + 10 * (idx - 232);
        return CANVAS_RGB(v, v, v);
    }
    idx -= 16;
    return CANVAS_RGB(xlevel[idx / 36], xlevel[(idx / 6) % 6], xlevel[idx % 6]);
}

void textgfx_braille_utf8(unsigned mask, char out[4])
{
    unsigned cp = 0x2800u + (mask & 0xffu);
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    out[3] = 0;
}

/* ---- sampling ---- */

typedef struct region {
    const canvas *c;
    int x, y, w, h; /* clipped to the canvas, w, h >= 1 */
    int sw, sh;     /* sub-cell grid size */
} region;

/* The pixel block [x0, x1) x [y0, y1) of sub-cell (i, j). */
static void block(const region *r, int i, int j, int *x0, int *x1, int *y0, int *y1)
{
    *x0 = r->x + (int)((long)i * r->w / r->sw);
    *x1 = r->x + (int)((long)(i + 1) * r->w / r->sw);
    if (*x1 <= *x0) *x1 = *x0 + 1;
    *y0 = r->y + (int)((long)j * r->h / r->sh);
    *y1 = r->y + (int)((long)(j + 1) * r->h / r->sh);
    if (*y1 <= *y0) *y1 = *y0 + 1;
}

static const uint8_t *pix(const canvas *c, int x, int y)
{
    return c->px + ((size_t)y * (size_t)c->w + (size_t)x) * 3;
}

static canvas_color average(const region *r, int i, int j)
{
    int x0, x1, y0, y1;
    block(r, i, j, &x0, &x1, &y0, &y1);
    long sr = 0, sg = 0, sb = 0, n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            const uint8_t *p = pix(r->c, x, y);
            sr += p[0];
            sg += p[1];
            sb += p[2];
            n++;
        }
    return CANVAS_RGB((sr + n / 2) / n, (sg + n / 2) / n, (sb + n / 2) / n);
}

static int is_ink(const uint8_t *p, canvas_color paper)
{
    return abs(p[0] - CANVAS_R(paper)) > 8 || abs(p[1] - CANVAS_G(paper)) > 8 ||
           abs(p[2] - CANVAS_B(paper)) > 8;
}

/* A small tally of ink colours within one cell. */
enum { TALLY = 8 };
typedef struct tally {
    canvas_color col[TALLY];
    int count[TALLY];
    int n;
} tally;

static void tally_add(tally *t, canvas_color c)
{
    for (int k = 0; k < t->n; k++)
        if (t->col[k] == c) {
            t->count[k]++;
            return;
        }
    if (t->n < TALLY) {
        t->col[t->n] = c;
        t->count[t->n++] = 1;
    }
}

static canvas_color tally_top(const tally *t)
{
    int best = 0;
    for (int k = 1; k < t->n; k++)
        if (t->count[k] > t->count[best]) best = k;
    return t->n ? t->col[best] : 0;
}

/* Ink in sub-cell (i, j): returns the number of ink pixels, adding their colours to t. */
static int ink(const region *r, int i, int j, canvas_color paper, tally *t)
{
    int x0, x1, y0, y1, n = 0;
    block(r, i, j, &x0, &x1, &y0, &y1);
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            const uint8_t *p = pix(r->c, x, y);
            if (is_ink(p, paper)) {
                n++;
                tally_add(t, CANVAS_RGB(p[0], p[1], p[2]));
            }
        }
    return n;
}

/* The most common colour of the region, from a sample of up to ~4096 pixels. */
static canvas_color guess_paper(const region *r)
{
    tally t = {0};
    long total = (long)r->w * r->h;
    long stride = total / 4096 + 1;
    for (long k = 0; k < total; k += stride) {
        const uint8_t *p = pix(r->c, r->x + (int)(k % r->w), r->y + (int)(k / r->w));
        tally_add(&t, CANVAS_RGB(p[0], p[1], p[2]));
    }
    return tally_top(&t);
}

/* ---- cells ---- */

static void set_color(textgfx_colors mode, canvas_color c, uint32_t *rgb, int16_t *idx)
{
    if (mode == TEXTGFX_COLOR_NONE || c == TEXTGFX_DEFAULT) {
        *rgb = TEXTGFX_DEFAULT;
        *idx = -1;
        return;
    }
    int k = textgfx_rgb_to_256(c);
    *idx = (int16_t)k;
    *rgb = mode == TEXTGFX_COLOR_256 ? textgfx_256_to_rgb(k) : c;
}

static void cell_set(textgfx_cell *cell, const char *ch, canvas_color fg, canvas_color bg,
                     textgfx_colors mode)
{
    snprintf(cell->ch, sizeof cell->ch, "%s", ch);
    set_color(mode, fg, &cell->fg, &cell->fg256);
    set_color(mode, bg, &cell->bg, &cell->bg256);
}

static double luma(canvas_color c)
{
    return 0.2126 * CANVAS_R(c) + 0.7152 * CANVAS_G(c) + 0.0722 * CANVAS_B(c);
}

/* Bit for sub-cell (dx, dy) of a 2x4 cell, in Unicode braille order. */
static const uint8_t braille_bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};

/* A rough ASCII shape for a 2x4 ink mask (braille bit order). */
static const char *ascii_shape(unsigned m)
{
    unsigned left = m & 0x47, right = m & 0xb8;
    unsigned top = m & 0x1b, bot = m & 0xe4; /* rows 0-1 and rows 2-3 */
    int n = __builtin_popcount(m);
    if (!m) return " ";
    if (n >= 7) return "#";
    if (!(m & 0xc9)) return "-"; /* only the middle rows */
    if (!bot) return n <= 2 ? "'" : "\"";
    if (!top) return (m & 0xc0) && !(m & 0x24) ? "_" : ".";
    if (!right && left == 0x47) return "|";
    if (!left && right == 0xb8) return "|";
    if ((m & 0x03) && (m & 0xa0) && !(m & 0x18) && !(m & 0x44)) return "\\";
    if ((m & 0x18) && (m & 0x44) && !(m & 0x03) && !(m & 0xa0)) return "/";
    return n <= 3 ? ":" : "+";
}

int textgfx_render(const canvas *c, int x, int y, int w, int h, int cols, int rows,
                   const textgfx_opts *o, textgfx_grid *g, ae_err *err)
{
    memset(g, 0, sizeof *g);
    if (cols < 1 || rows < 1 || cols > 4096 || rows > 4096)
        return ae_fail(err, "textgfx: bad grid %dx%d", cols, rows);
    if (x < 0) {
        w += x;
        x = 0;
    }
    if (y < 0) {
        h += y;
        y = 0;
    }
    if (x + w > c->w) w = c->w - x;
    if (y + h > c->h) h = c->h - y;
    if (!c->px || w < 1 || h < 1) return ae_fail(err, "textgfx: empty region");
    g->cells = calloc((size_t)cols * (size_t)rows, sizeof *g->cells);
    if (!g->cells) return ae_fail(err, "textgfx: out of memory");
    g->cols = cols;
    g->rows = rows;

    textgfx_style style = o->style;
    textgfx_colors mode = o->colors;
    if (style == TEXTGFX_HALFBLOCK && mode == TEXTGFX_COLOR_NONE) style = TEXTGFX_ASCII;
    int plot = style == TEXTGFX_BRAILLE || (style == TEXTGFX_ASCII && o->plot);
    region r = {c, x, y, w, h, cols, rows};
    if (style == TEXTGFX_HALFBLOCK) r.sh = rows * 2;
    if (plot) {
        r.sw = cols * 2;
        r.sh = rows * 4;
    }
    canvas_color paper = 0;
    if (plot) paper = o->paper_known ? o->paper : guess_paper(&r);

    for (int cy = 0; cy < rows; cy++)
        for (int cx = 0; cx < cols; cx++) {
            textgfx_cell *cell = &g->cells[(size_t)cy * cols + cx];
            if (style == TEXTGFX_HALFBLOCK) {
                canvas_color top = average(&r, cx, 2 * cy), bot = average(&r, cx, 2 * cy + 1);
                uint32_t trgb, brgb;
                int16_t ti, bi;
                set_color(mode, top, &trgb, &ti);
                set_color(mode, bot, &brgb, &bi);
                cell_set(cell, trgb == brgb ? " " : "\xe2\x96\x80", top, bot, mode);
            } else if (plot) {
                tally t = {0};
                unsigned mask = 0;
                for (int dy = 0; dy < 4; dy++)
                    for (int dx = 0; dx < 2; dx++)
                        if (ink(&r, 2 * cx + dx, 4 * cy + dy, paper, &t))
                            mask |= braille_bit[dy][dx];
                char ch[4];
                if (style == TEXTGFX_BRAILLE) {
                    if (mask)
                        textgfx_braille_utf8(mask, ch);
                    else
                        snprintf(ch, sizeof ch, " ");
                } else {
                    snprintf(ch, sizeof ch, "%s", ascii_shape(mask));
                }
                cell_set(cell, ch, mask ? tally_top(&t) : TEXTGFX_DEFAULT, TEXTGFX_DEFAULT, mode);
            } else {
                static const char ramp[] = " .:-=+*#%@";
                canvas_color avg = average(&r, cx, cy);
                int k = (int)(luma(avg) / 256.0 * 10);
                if (k > 9) k = 9;
                char ch[2] = {ramp[k], 0};
                cell_set(cell, ch, k ? avg : TEXTGFX_DEFAULT, TEXTGFX_DEFAULT, mode);
            }
        }
    return 0;
}

void textgfx_grid_free(textgfx_grid *g)
{
    if (!g) return;
    free(g->cells);
    memset(g, 0, sizeof *g);
}

/* ---- ANSI ---- */

typedef struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 4096;
        while (nc < b->len + n + 1) nc *= 2;
        char *q = realloc(b->p, nc);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

static void sgr_color(sbuf *b, int is_bg, uint32_t rgb, int idx, textgfx_colors mode)
{
    char tmp[32];
    int n;
    if (rgb == TEXTGFX_DEFAULT || idx < 0)
        n = snprintf(tmp, sizeof tmp, "\x1b[%dm", is_bg ? 49 : 39);
    else if (mode == TEXTGFX_COLOR_256)
        n = snprintf(tmp, sizeof tmp, "\x1b[%d;5;%dm", is_bg ? 48 : 38, idx);
    else
        n = snprintf(tmp, sizeof tmp, "\x1b[%d;2;%d;%d;%dm", is_bg ? 48 : 38, CANVAS_R(rgb),
                     CANVAS_G(rgb), CANVAS_B(rgb));
    sb_add(b, tmp, (size_t)n);
}

int textgfx_to_ansi(const textgfx_grid *g, textgfx_colors colors, char **out, size_t *len,
                    ae_err *err)
{
    sbuf b = {0};
    sb_add(&b, "", 0);
    for (int y = 0; y < g->rows; y++) {
        uint32_t fg = TEXTGFX_DEFAULT, bg = TEXTGFX_DEFAULT;
        for (int x = 0; x < g->cols; x++) {
            const textgfx_cell *cell = &g->cells[(size_t)y * g->cols + x];
            if (colors != TEXTGFX_COLOR_NONE) {
                /* in 256 mode compare the indices, so a truecolor grid prints with fewer SGRs */
                uint32_t cf = cell->fg256 < 0               ? TEXTGFX_DEFAULT
                              : colors == TEXTGFX_COLOR_256 ? textgfx_256_to_rgb(cell->fg256)
                                                            : cell->fg;
                uint32_t cb = cell->bg256 < 0               ? TEXTGFX_DEFAULT
                              : colors == TEXTGFX_COLOR_256 ? textgfx_256_to_rgb(cell->bg256)
                                                            : cell->bg;
                if (cf != fg) sgr_color(&b, 0, cf, cell->fg256, colors);
                if (cb != bg) sgr_color(&b, 1, cb, cell->bg256, colors);
                fg = cf;
                bg = cb;
            }
            sb_add(&b, cell->ch, strlen(cell->ch));
        }
        if (fg != TEXTGFX_DEFAULT || bg != TEXTGFX_DEFAULT) sb_add(&b, "\x1b[0m", 4);
        sb_add(&b, "\n", 1);
    }
    if (b.oom) {
        free(b.p);
        return ae_fail(err, "textgfx: out of memory");
    }
    *out = b.p;
    if (len) *len = b.len;
    return 0;
}

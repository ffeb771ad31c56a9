/* textgfx.c: canvas region -> terminal cells (see textgfx.h).
 *
 * Each cell is split into sub-cells (1x2 for half blocks, 2x4 for braille and ASCII plots,
 * 1x1 for the ASCII ramp) and each sub-cell samples the block of canvas pixels it covers
 * (at least one pixel, so a region smaller than the grid is upsampled by nearest neighbour).
 * Images average their block; plots ask "is there ink in this block?", so a one-pixel line on
 * a large canvas still shows up as a dot. */
#include "textgfx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the xterm 256-colour palette ----
 *
 * A colour goes to the palette entry nearest to it in OKLab (Björn Ottosson's perceptual
 * space: equal distances look about equally different), searched over the 6x6x6 cube AND the
 * 24-step grey ramp together (16..255; 0..15 are left out: terminals and themes redefine
 * them). Rounding each channel to the nearest cube level on its own, then asking whether a
 * grey is closer, is what drew false red and olive rings on smooth CIFAR shading: along a
 * gradient it alternated between a grey and a tinted entry and its lightness went down and
 * up again. The nearest entry in one perceptual metric partitions the space into convex
 * cells, so a smooth gradient crosses each cell once and its lightness never steps back. */

static const int xlevel[6] = {0, 95, 135, 175, 215, 255};

static float srgb_linear(int v)
{
    float c = (float)v / 255.0f;
    return c <= 0.04045f ? c / 12.92f : powf((c + 0.055f) / 1.055f, 2.4f);
}

static void oklab_linear(float r, float g, float b, float lab[3])
{
    float l = cbrtf(0.4122214708f * r + 0.5363325363f * g + 0.0514459929f * b);
    float m = cbrtf(0.2119034982f * r + 0.6806995451f * g + 0.1073969566f * b);
    float s = cbrtf(0.0883024619f * r + 0.2817188376f * g + 0.6299787005f * b);
    lab[0] = 0.2104542553f * l + 0.7936177850f * m - 0.0040720468f * s;
    lab[1] = 1.9779984951f * l - 2.4285922050f * m + 0.4505937099f * s;
    lab[2] = 0.0259040371f * l + 0.7827717662f * m - 0.8086757660f * s;
}

void textgfx_oklab(canvas_color c, float lab[3])
{
    oklab_linear(srgb_linear(CANVAS_R(c)), srgb_linear(CANVAS_G(c)), srgb_linear(CANVAS_B(c)), lab);
}

/* The palette in OKLab, and a small memo of colours already mapped (images repeat colours;
 * one render maps thousands of cells). Built per render: no state outside the caller's. */
enum { PAL_N = 240, MEMO = 4096 };
typedef struct palette {
    float lab[PAL_N][3]; /* by increasing L (ties: by index) */
    int16_t idx[PAL_N];  /* the xterm index of each */
    float lin[256];      /* sRGB byte -> linear (when has_lin) */
    int has_lin;
    uint32_t memo_key[MEMO]; /* colour | 1 << 24, 0: empty */
    int16_t memo_idx[MEMO];
} palette;

/* The palette sorted by L; with_lin: also the byte -> linear table for many colours. */
static void palette_init(palette *p, int with_lin)
{
    p->has_lin = with_lin;
    if (with_lin)
        for (int v = 0; v < 256; v++) p->lin[v] = srgb_linear(v);
    float cube[6];
    for (int i = 0; i < 6; i++) cube[i] = srgb_linear(xlevel[i]);
    for (int k = 0; k < PAL_N; k++) { /* insertion sort by L: 240 entries */
        float lab[3];
        if (k >= 216) {
            float v = srgb_linear(8 + 10 * (k - 216));
            oklab_linear(v, v, v, lab);
        } else {
            oklab_linear(cube[k / 36], cube[k / 6 % 6], cube[k % 6], lab);
        }
        int j = k;
        for (; j > 0 && p->lab[j - 1][0] > lab[0]; j--) {
            memcpy(p->lab[j], p->lab[j - 1], sizeof lab);
            p->idx[j] = p->idx[j - 1];
        }
        memcpy(p->lab[j], lab, sizeof lab);
        p->idx[j] = (int16_t)(16 + k);
    }
    memset(p->memo_key, 0, sizeof p->memo_key);
}

static float dist2(const float *a, const float *b)
{
    float d0 = a[0] - b[0], d1 = a[1] - b[1], d2 = a[2] - b[2];
    return d0 * d0 + d1 * d1 + d2 * d2;
}

/* Nearest entry: the palette is sorted by L, so the search walks up and down from the
 * colour's L and stops on each side once the L difference alone exceeds the best distance
 * (exact; about 27 distances on average instead of 240). Ties go to the lower xterm index. */
static int palette_nearest(palette *p, canvas_color c)
{
    c &= 0xffffffu;
    uint32_t h = (c * 2654435761u) >> 20; /* 12 bits */
    if (p->memo_key[h] == (c | 1u << 24)) return p->memo_idx[h];
    float lab[3];
    if (p->has_lin)
        oklab_linear(p->lin[CANVAS_R(c)], p->lin[CANVAS_G(c)], p->lin[CANVAS_B(c)], lab);
    else
        textgfx_oklab(c, lab);
    int lo = 0, hi = PAL_N; /* first entry with L >= lab[0] */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (p->lab[mid][0] < lab[0])
            lo = mid + 1;
        else
            hi = mid;
    }
    int best = lo < PAL_N ? lo : PAL_N - 1;
    float bd = dist2(lab, p->lab[best]);
    for (int k = lo; k < PAL_N; k++) {
        float dl = p->lab[k][0] - lab[0];
        if (dl * dl > bd) break; /* every entry further up is farther in L alone */
        float d = dist2(lab, p->lab[k]);
        if (d < bd || (d == bd && p->idx[k] < p->idx[best])) bd = d, best = k;
    }
    for (int k = lo - 1; k >= 0; k--) {
        float dl = lab[0] - p->lab[k][0];
        if (dl * dl > bd) break;
        float d = dist2(lab, p->lab[k]);
        if (d < bd || (d == bd && p->idx[k] < p->idx[best])) bd = d, best = k;
    }
    p->memo_key[h] = c | 1u << 24;
    p->memo_idx[h] = p->idx[best];
    return p->idx[best];
}

int textgfx_rgb_to_256(canvas_color c)
{
    palette *p = malloc(sizeof *p);
    if (!p) return 16;
    palette_init(p, 0);
    int k = palette_nearest(p, c);
    free(p);
    return k;
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

double textgfx_image_fit(int w, int h, int max_cols, int max_rows, double max_scale, int *pw,
                         int *ph, int *cols, int *rows)
{
    *pw = *ph = *cols = *rows = 0;
    if (w < 1 || h < 1 || max_cols < 1 || max_rows < 1) return 0;
    double s = (double)max_cols / w, sy = 2.0 * max_rows / h;
    if (sy < s) s = sy;
    if (max_scale > 0 && s > max_scale) s = max_scale;
    if (s >= 1) s = floor(s);
    int x = (int)(w * s + 1e-9), y = (int)(h * s + 1e-9);
    if (s < 1 && y % 2 && y > 1) { /* shrunk: an even height, no half-filled last row */
        y--;
        s = (double)y / h;
        x = (int)(w * s + 1e-9);
    }
    if (x < 1 || y < 1) return 0;
    *pw = x, *ph = y, *cols = x, *rows = (y + 1) / 2;
    return s;
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

static void set_color(palette *p, textgfx_colors mode, canvas_color c, uint32_t *rgb, int16_t *idx)
{
    if (mode == TEXTGFX_COLOR_NONE || c == TEXTGFX_DEFAULT) {
        *rgb = TEXTGFX_DEFAULT;
        *idx = -1;
        return;
    }
    int k = palette_nearest(p, c);
    *idx = (int16_t)k;
    *rgb = mode == TEXTGFX_COLOR_256 ? textgfx_256_to_rgb(k) : c;
}

static void cell_set(palette *p, textgfx_cell *cell, const char *ch, canvas_color fg,
                     canvas_color bg, textgfx_colors mode)
{
    snprintf(cell->ch, sizeof cell->ch, "%s", ch);
    set_color(p, mode, fg, &cell->fg, &cell->fg256);
    set_color(p, mode, bg, &cell->bg, &cell->bg256);
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
    palette *pal = malloc(sizeof *pal);
    if (!g->cells || !pal) {
        free(g->cells), free(pal);
        g->cells = NULL;
        return ae_fail(err, "textgfx: out of memory");
    }
    palette_init(pal, 1);
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
                if (o->paper_clear && top == o->paper) top = TEXTGFX_DEFAULT;
                if (o->paper_clear && bot == o->paper) bot = TEXTGFX_DEFAULT;
                uint32_t trgb, brgb;
                int16_t ti, bi;
                set_color(pal, mode, top, &trgb, &ti);
                set_color(pal, mode, bot, &brgb, &bi);
                if (trgb == brgb && top == TEXTGFX_DEFAULT) /* paper: the terminal's own */
                    cell_set(pal, cell, " ", top, top, mode);
                else if (trgb == brgb) /* one colour: a full block (a space in a colour
                                        * would let ncurses erase it with the background
                                        * alone, ECH/EL, leaving no foreground set) */
                    cell_set(pal, cell, "\xe2\x96\x88", top, top, mode);
                else if (top == TEXTGFX_DEFAULT) /* the colour in the lower half only */
                    cell_set(pal, cell, "\xe2\x96\x84", bot, TEXTGFX_DEFAULT, mode);
                else
                    cell_set(pal, cell, "\xe2\x96\x80", top, bot, mode);
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
                cell_set(pal, cell, ch, mask ? tally_top(&t) : TEXTGFX_DEFAULT, TEXTGFX_DEFAULT,
                         mode);
            } else {
                static const char ramp[] = " .:-=+*#%@";
                canvas_color avg = average(&r, cx, cy);
                int k = (int)(luma(avg) / 256.0 * 10);
                if (k > 9) k = 9;
                char ch[2] = {ramp[k], 0};
                cell_set(pal, cell, ch, k ? avg : TEXTGFX_DEFAULT, TEXTGFX_DEFAULT, mode);
            }
        }
    free(pal);
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

/* The grid as ANSI into b: rows ending in a newline (y < 0), or each row placed with CUP at
 * (y + row, x) with the cells of no colour of their own skipped (CUF over them). */
static void to_ansi(sbuf *b, const textgfx_grid *g, textgfx_colors colors, int y0, int x0)
{
    char tmp[48];
    for (int y = 0; y < g->rows; y++) {
        uint32_t fg = TEXTGFX_DEFAULT, bg = TEXTGFX_DEFAULT;
        int skip = 0;
        if (y0 >= 0) /* the terminal's state is unknown here */
            sb_add(b, tmp,
                   (size_t)snprintf(tmp, sizeof tmp, "\x1b[%d;%dH\x1b[0m", y0 + y + 1, x0 + 1));
        for (int x = 0; x < g->cols; x++) {
            const textgfx_cell *cell = &g->cells[(size_t)y * g->cols + x];
            if (y0 >= 0 && cell->fg256 < 0 && cell->bg256 < 0) {
                skip++; /* what the screen put there stays */
                continue;
            }
            if (skip) sb_add(b, tmp, (size_t)snprintf(tmp, sizeof tmp, "\x1b[%dC", skip));
            skip = 0;
            if (colors != TEXTGFX_COLOR_NONE) {
                /* in 256 mode compare the indices, so a truecolor grid prints with fewer SGRs */
                uint32_t cf = cell->fg256 < 0               ? TEXTGFX_DEFAULT
                              : colors == TEXTGFX_COLOR_256 ? textgfx_256_to_rgb(cell->fg256)
                                                            : cell->fg;
                uint32_t cb = cell->bg256 < 0               ? TEXTGFX_DEFAULT
                              : colors == TEXTGFX_COLOR_256 ? textgfx_256_to_rgb(cell->bg256)
                                                            : cell->bg;
                if (cf != fg) sgr_color(b, 0, cf, cell->fg256, colors);
                if (cb != bg) sgr_color(b, 1, cb, cell->bg256, colors);
                fg = cf;
                bg = cb;
            }
            sb_add(b, cell->ch, strlen(cell->ch));
        }
        if (fg != TEXTGFX_DEFAULT || bg != TEXTGFX_DEFAULT) sb_add(b, "\x1b[0m", 4);
        if (y0 < 0) sb_add(b, "\n", 1);
    }
}

static int ansi_out(const textgfx_grid *g, textgfx_colors colors, int y, int x, char **out,
                    size_t *len, ae_err *err)
{
    sbuf b = {0};
    sb_add(&b, "", 0);
    to_ansi(&b, g, colors, y, x);
    if (b.oom) {
        free(b.p);
        return ae_fail(err, "textgfx: out of memory");
    }
    *out = b.p;
    if (len) *len = b.len;
    return 0;
}

int textgfx_to_ansi(const textgfx_grid *g, textgfx_colors colors, char **out, size_t *len,
                    ae_err *err)
{
    return ansi_out(g, colors, -1, 0, out, len, err);
}

int textgfx_to_ansi_at(const textgfx_grid *g, textgfx_colors colors, int y, int x, char **out,
                       size_t *len, ae_err *err)
{
    return ansi_out(g, colors, y < 0 ? 0 : y, x < 0 ? 0 : x, out, len, err);
}

/* canvas.h: the RGB raster every picture is drawn on before a back end shows it.
 *
 * The idea (after chafa): a plot or an image panel is drawn once, in pixels, onto a canvas;
 * then one back end chosen at start-up turns the canvas into sixel (ui/sixel_out.h) or into
 * terminal cells (ui/textgfx.h). So both back ends show the same picture, and everything here
 * is testable without a terminal.
 *
 * Pixels are 8-bit RGB, row-major, 3 bytes a pixel, no padding: px[(y * w + x) * 3 + {0,1,2}].
 * Colours are passed as canvas_color 0xRRGGBB. Drawing clips to the canvas silently (a
 * primitive partly or wholly outside draws what is inside). Every drawing call bumps `gen`, so
 * a back end can tell that the pixels may have changed.
 *
 * Memory: canvas_init() allocates px, canvas_free() releases it; the canvas owns its pixels.
 * Callers own every array they pass in. Threads: a canvas belongs to one thread at a time; the
 * functions keep no state of their own (the font is a constant table). */
#ifndef AE_CANVAS_H
#define AE_CANVAS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef uint32_t canvas_color; /* 0xRRGGBB */

#define CANVAS_RGB(r, g, b)                                                                        \
    ((canvas_color)((((uint32_t)(r)&255u) << 16) | (((uint32_t)(g)&255u) << 8) |                   \
                    ((uint32_t)(b)&255u)))
#define CANVAS_R(c) ((int)(((c) >> 16) & 255u))
#define CANVAS_G(c) ((int)(((c) >> 8) & 255u))
#define CANVAS_B(c) ((int)((c)&255u))

typedef struct canvas {
    int w, h;
    uint8_t *px;      /* w * h * 3 bytes, owned */
    uint64_t gen;     /* bumped by every drawing call */
    int keyed;        /* key is the background (canvas_clear_keyed) */
    canvas_color key; /* pixels of exactly this colour are background */
} canvas;

/* Allocates a w x h canvas (1..16384 each), cleared to black. Returns 0 or -1 with err. */
int canvas_init(canvas *c, int w, int h, ae_err *err);
/* Releases the pixels; the struct is zeroed and may be initialised again. NULL-safe. */
void canvas_free(canvas *c);
/* Changes the size, keeping nothing of the old picture (cleared to black). */
int canvas_resize(canvas *c, int w, int h, ae_err *err);

/* Copies the w x h block at (sx, sy) of src to (dx, dy) of dst (clipped to both; the two
 * must not be the same canvas). */
void canvas_copy(canvas *dst, int dx, int dy, const canvas *src, int sx, int sy, int w, int h);

/* Mixes a over b: t = 0 gives b, t = 1 gives a. */
canvas_color canvas_mix(canvas_color a, canvas_color b, double t);

void canvas_clear(canvas *c, canvas_color col);
/* Clears to `key` and makes it the picture's background (a colour key): the sixel back end
 * paints it, the text back end leaves those pixels to the terminal's own background, so a
 * picture on a light terminal has no dark box around it. Pick a key the picture's own
 * pixels are unlikely to have (not a grey). canvas_clear() forgets the key. */
void canvas_clear_keyed(canvas *c, canvas_color key);
void canvas_pixel(canvas *c, int x, int y, canvas_color col);
/* The colour at (x, y); 0 outside the canvas. */
canvas_color canvas_get(const canvas *c, int x, int y);

/* A filled disc of the given radius (0 = one pixel, 1 = 3x3 plus, ...) centred on (x, y). */
void canvas_point(canvas *c, int x, int y, int radius, canvas_color col);
/* A hollow square marker of half-size r (for per-epoch marks and selection cursors). */
void canvas_square(canvas *c, int x, int y, int r, canvas_color col);
/* A one-pixel line from (x0, y0) to (x1, y1), both ends included (Bresenham). */
void canvas_line(canvas *c, int x0, int y0, int x1, int y1, canvas_color col);
/* A line `width` pixels wide (1 = canvas_line). */
void canvas_line_w(canvas *c, int x0, int y0, int x1, int y1, int width, canvas_color col);
/* Every other `dash` pixels of a horizontal or vertical line (grid lines, markers). */
void canvas_vline_dashed(canvas *c, int x, int y0, int y1, int dash, canvas_color col);
void canvas_hline_dashed(canvas *c, int x0, int x1, int y, int dash, canvas_color col);
/* Filled and outlined rectangles, (x, y) the top-left corner. */
void canvas_fill_rect(canvas *c, int x, int y, int w, int h, canvas_color col);
void canvas_rect(canvas *c, int x, int y, int w, int h, canvas_color col);

/* Scaled blits into the dw x dh box at (x, y): nearest neighbour when enlarging, the average
 * of the covered source pixels when shrinking (blit_float; blit_rgb is nearest both ways).
 * blit_float: src is float [sh][sw][ch] with ch = 1 (grey) or 3 (RGB), values in [0, 1]
 * (clamped; NaN shows as magenta so that it is noticed). blit_rgb: src is uint8 [sh][sw][3].
 * Return -1 with err on bad arguments (ch not 1 or 3, a size < 1, NULL src). */
int canvas_blit_float(canvas *c, int x, int y, int dw, int dh, const float *src, int sw, int sh,
                      int ch, ae_err *err);
int canvas_blit_rgb(canvas *c, int x, int y, int dw, int dh, const uint8_t *src, int sw, int sh,
                    ae_err *err);

/* The built-in font: 5x7 glyphs in a 6x9 cell (ASCII 32..126; anything else shows as '?').
 * `scale` >= 1 multiplies the cell. Text is one line; '\n' is drawn as '?'. */
enum { CANVAS_FONT_W = 6, CANVAS_FONT_H = 9 };
/* Draws s with its top-left corner at (x, y); returns the width drawn in pixels. */
int canvas_text(canvas *c, int x, int y, const char *s, int scale, canvas_color col);
/* Text rotated a quarter turn counter-clockwise (reads bottom to top), its bottom-left corner
 * at (x, y); for y-axis labels. Returns the height drawn. */
int canvas_text_up(canvas *c, int x, int y, const char *s, int scale, canvas_color col);
int canvas_text_width(const char *s, int scale);
/* The 7 rows of glyph ch, 5 bits each (bit 4 = leftmost column); for tests and other back
 * ends. Characters outside 32..126 give the glyph of '?'. */
const uint8_t *canvas_glyph(int ch);

/* "Nice" tick positions for the range [lo, hi] with at most max_ticks ticks (steps of 1, 2, 5
 * times a power of ten). Writes up to cap ticks inside [lo, hi] into ticks, the step into
 * *step (may be NULL) and returns the number written. lo == hi or non-finite input gives 0. */
int canvas_nice_ticks(double lo, double hi, int max_ticks, double *ticks, int cap, double *step);
/* Formats a tick value for a label with the digits the step between ticks needs (step <= 0:
 * the value's own last digit, for unevenly spaced ticks): fixed point from 1e-3 to 1e5 with
 * up to 4 decimals ("0.25", "0.0325", "1200"), else scientific ("1e-4", "3.55e-6", "2.5e6").
 * Returns out. */
char *canvas_format_tick(double v, double step, char *out, size_t outlen);

/* Axes for the plot box (x, y, w, h): a frame on the left and bottom edges, ticks outside
 * the box with labels when `labels`, optional dashed grid lines inside. Ticks come from the
 * caller (data values with their pixel positions), so linear and log scales share this. */
typedef struct canvas_tick {
    int pos;        /* pixel x (x-axis) or y (y-axis) */
    char label[16]; /* empty: a minor tick, no label */
} canvas_tick;
typedef struct canvas_axes {
    int x, y, w, h;             /* the plot box */
    const canvas_tick *xt, *yt; /* ticks; positions outside the box are skipped */
    int nxt, nyt;
    const char *x_label, *y_label; /* NULL: none */
    int labels;                    /* draw tick labels and axis labels */
    canvas_color fg, grid;         /* grid == fg means no grid */
} canvas_axes;
void canvas_draw_axes(canvas *c, const canvas_axes *a);

/* A legend: one row per entry, a coloured swatch and the name, in a box with its top-left
 * corner at (x, y) over a filled background. Returns the box height (0 when n == 0). */
typedef struct canvas_legend_entry {
    const char *name;
    canvas_color col;
} canvas_legend_entry;
int canvas_draw_legend(canvas *c, int x, int y, const canvas_legend_entry *e, int n,
                       canvas_color fg, canvas_color bg);
/* The size such a legend box takes (to place it before drawing). */
void canvas_legend_size(const canvas_legend_entry *e, int n, int *w, int *h);

/* 64-bit hash of the pixels and size (to tell whether a picture changed). */
uint64_t canvas_hash(const canvas *c);

#endif

/* textgfx.h: the text back end: a canvas region as a grid of terminal cells.
 *
 * Three styles, from best to last resort:
 *  - half blocks (images): each cell is U+2580 UPPER HALF BLOCK, foreground = the top half's
 *    average colour, background = the bottom half's; two pixels per cell, full colour. A cell
 *    is about twice as high as wide, so one pixel across and two down keep pixels square: a
 *    W x H image takes W columns and H/2 rows (textgfx_image_fit). With paper_clear, pixels
 *    of the paper colour are left to the terminal's own background (U+2584 LOWER HALF BLOCK
 *    when only the lower half has ink); a background is never set without a foreground. A
 *    cell of one colour is U+2588 FULL BLOCK in it.
 *  - braille (line and scatter plots): each cell is a U+2800 pattern, 2x4 dots, a dot on where
 *    its part of the region has any ink (a colour other than the paper); one foreground colour
 *    per cell, the dominant ink colour; the background is left to the terminal.
 *  - ASCII: images as a luminance ramp, plots as rough ink shapes ('.', '|', '/', ...).
 * Colours come out as 24-bit RGB or reduced to the xterm 256-colour palette (both the reduced
 * RGB and the 256 index are in each cell, so the ncurses screens can use either), or none.
 * The 256-colour index is the entry nearest in OKLab over the cube and the grey ramp
 * (textgfx.c says why: no false rings on smooth shading).
 *
 * The result is a plain cell array that the screens draw with ncurses; textgfx_to_ansi()
 * writes it as an ANSI string for tests and for exports without sixel.
 *
 * Memory: textgfx_render() allocates g->cells, textgfx_grid_free() releases them;
 * textgfx_to_ansi() returns a malloc'd string the caller frees. Pure functions, any thread. */
#ifndef AE_TEXTGFX_H
#define AE_TEXTGFX_H

#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "err.h"

typedef enum textgfx_style {
    TEXTGFX_HALFBLOCK = 0,
    TEXTGFX_BRAILLE = 1,
    TEXTGFX_ASCII = 2,
} textgfx_style;

typedef enum textgfx_colors {
    TEXTGFX_COLOR_NONE = 0, /* no colour at all (ASCII on a monochrome terminal) */
    TEXTGFX_COLOR_256 = 1,  /* the xterm 256-colour cube and grey ramp */
    TEXTGFX_COLOR_TRUE = 2, /* 24-bit */
} textgfx_colors;

/* A cell colour meaning "the terminal's default" (fg or bg). */
#define TEXTGFX_DEFAULT 0xff000000u

typedef struct textgfx_cell {
    char ch[4];           /* UTF-8 of one character, NUL-terminated (at most 3 bytes) */
    uint32_t fg, bg;      /* 0xRRGGBB (reduced to the cube in 256 mode) or TEXTGFX_DEFAULT */
    int16_t fg256, bg256; /* the xterm-256 index of fg / bg, -1 for the default */
} textgfx_cell;

typedef struct textgfx_grid {
    int cols, rows;
    textgfx_cell *cells; /* rows * cols, row-major; owned */
} textgfx_grid;

typedef struct textgfx_opts {
    textgfx_style style;
    textgfx_colors colors;
    int plot;           /* ASCII: draw ink on paper (plots) instead of a luminance ramp */
    int paper_known;    /* braille / ASCII plots: paper is the background colour ... */
    canvas_color paper; /* ... else the most common colour of the region is taken */
    int paper_clear;    /* half blocks: pixels exactly `paper` are the terminal's background */
} textgfx_opts;

/* Renders the canvas region (x, y, w, h) (clipped to the canvas) into cols x rows cells.
 * Half blocks with TEXTGFX_COLOR_NONE fall back to the ASCII ramp (they need colour). */
int textgfx_render(const canvas *c, int x, int y, int w, int h, int cols, int rows,
                   const textgfx_opts *o, textgfx_grid *g, ae_err *err);
void textgfx_grid_free(textgfx_grid *g);

/* The cells as text with SGR colour sequences (minimal changes, reset and newline at the end
 * of every row). colors may be lower than what the grid was rendered with. */
int textgfx_to_ansi(const textgfx_grid *g, textgfx_colors colors, char **out, size_t *len,
                    ae_err *err);

/* The same, each row placed on the screen with CUP at (y + row, x) (0-based) instead of
 * ending in a newline, cells with neither colour of their own skipped (the cursor moves over
 * them, keeping what is on the screen there) and the SGR state reset at each row's start and
 * end: the cells again in 24-bit colour over what ncurses drew (ui/gfx_text.h). */
int textgfx_to_ansi_at(const textgfx_grid *g, textgfx_colors colors, int y, int x, char **out,
                       size_t *len, ae_err *err);

/* The xterm 256-colour index nearest to an RGB colour in OKLab (16..255), and back. */
int textgfx_rgb_to_256(canvas_color c);
canvas_color textgfx_256_to_rgb(int idx);
/* OKLab (L in [0,1], a, b) of an sRGB colour. */
void textgfx_oklab(canvas_color c, float lab[3]);

/* Fits a w x h pixel image into at most max_cols x max_rows half-block cells with square
 * pixels, scaled as a whole by at most max_scale (and at least what fits): it is drawn at
 * *pw x *ph pixels in *cols x *rows cells (*cols = *pw, *rows = ceil(*ph / 2)). A scale of 1
 * or more is a whole number, so every source pixel gets the same number of cells; a shrunk
 * image gets an even height (no last row half empty). Returns the scale, 0 when not even one
 * pixel fits. */
double textgfx_image_fit(int w, int h, int max_cols, int max_rows, double max_scale, int *pw,
                         int *ph, int *cols, int *rows);

/* The braille character for a dot mask (bit k = dot k+1 in Unicode's numbering:
 * dots 1-3 down the left column, 4-6 down the right, 7 and 8 the bottom row) into out
 * (4 bytes: 3 of UTF-8 and a NUL). */
void textgfx_braille_utf8(unsigned mask, char out[4]);

#endif

/* gfx.h: pictures on the TUI's screen: one call for a screen to get a canvas for a cell
 * rectangle, one to show it, whatever the back end (issue 5).
 *
 * Sixel (the terminal said so, or AETUI_GRAPHICS=sixel): the canvas is the rectangle in
 * pixels (cell size from the probe); the screen leaves the rectangle's cells blank, and after
 * doupdate() gfx_after_update() writes every image between ESC 7 and ESC 8 (cursor saved and
 * restored, so ncurses' idea of the cursor stays right). An image is written again only when
 * its pixels, place or size changed, after ncurses repainted the whole screen (resize, ^L, an
 * image that went away: gfx_before_update asks for that repaint so that no stale pixels stay),
 * and every frame inside tmux (which may drop them). Rectangles are clipped so that no image
 * reaches the last row (the status bar), and the image height is a multiple of six pixels that
 * fits the rows, so the terminal never scrolls. While an overlay (help, a question) is open no
 * image is written: text is never torn by an image.
 *
 * Pictures are at most GFX_MAX_PX pixels a side.
 *
 * Text (blocks / ascii): the canvas is small (2 pixels per cell across; 2 down for images as
 * half blocks, 4 for plots as braille) and gfx_show() draws its cells with ncurses at once.
 *
 * Memory: the gfx owns its slots' canvases and encoders (gfx_free). Threads: the UI thread. */
#ifndef AE_GFX_H
#define AE_GFX_H

#include <stdint.h>

#include "canvas.h"
#include "crt.h"
#include "err.h"
#include "sixel_out.h"

enum { GFX_ASCII = 0, GFX_BLOCKS = 1, GFX_SIXEL = 2 }; /* = termprobe_graphics */
enum { GFX_SLOTS = 8 };
/* Largest picture side in pixels: xterm's default maxGraphicSize (1000x1000) silently drops
 * anything bigger, so a large panel gets a 1000-pixel picture in its top-left part. */
enum { GFX_MAX_PX = 1000 };

typedef struct gfx_slot {
    canvas cv;
    sixel_enc *enc;
    sixel_kind kind;
    int y, x, rows, cols, placed;   /* this frame */
    int sent, sy, sx, srows, scols; /* what the terminal shows */
    uint64_t shash;
} gfx_slot;

typedef struct gfx {
    int mode;           /* GFX_* */
    int cell_w, cell_h; /* pixels per cell (sixel) */
    int tmux;           /* inside tmux: write every frame */
    int out_fd;         /* the terminal (stdout) */
    const crt *crt;
    int screen_rows;
    int suppress; /* this frame has an overlay: no images */
    int full;     /* ncurses repaints everything this frame: write every image */
    gfx_slot slot[GFX_SLOTS];
    long bytes, images, frames; /* written so far (AETUI_TRACE reports them) */
    double encode_ms;
} gfx;

void gfx_init(gfx *g, const crt *c, int mode, int cell_w, int cell_h, int tmux, int out_fd);
void gfx_free(gfx *g);
static inline int gfx_sixel(const gfx *g)
{
    return g->mode == GFX_SIXEL;
}
/* Starts a frame: nothing placed yet. */
void gfx_begin(gfx *g, int screen_rows);
/* The canvas for picture `id` (0..GFX_SLOTS-1) in the cell rectangle (y, x, rows, cols),
 * sized for the back end (see above); plot: braille rather than half blocks in text mode.
 * Clears the rectangle's cells. NULL (with err) when it cannot be allocated or is too small. */
canvas *gfx_canvas(gfx *g, int id, int y, int x, int rows, int cols, int plot, ae_err *err);
/* The picture is drawn: sixel marks it for writing after doupdate, text draws its cells now. */
void gfx_show(gfx *g, int id);
/* Before doupdate(): a picture shown last frame that is gone or moved makes ncurses repaint. */
void gfx_before_update(gfx *g);
/* After doupdate(): writes the pictures that need it. */
int gfx_after_update(gfx *g, ae_err *err);
/* The terminal lost the pictures (resize, ^L): write them all again. */
void gfx_invalidate(gfx *g);

/* Draws a canvas region as cells at (y, x): half blocks (or the ASCII ramp) for images,
 * braille (or ASCII ink) for plots. */
void gfx_text_cells(const crt *c, const canvas *cv, int y, int x, int rows, int cols, int plot);

#endif

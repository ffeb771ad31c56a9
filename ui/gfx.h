/* gfx.h: pictures on the TUI's screen: one call for a screen to get a canvas for a cell
 * rectangle, one to show it, whatever the back end (issue 5).
 *
 * Sixel (the terminal said so, or AETUI_GRAPHICS=sixel): the canvas is the rectangle in
 * pixels (cell size from the probe); after doupdate() gfx_after_update() writes every image
 * between ESC 7 and ESC 8 (cursor saved and restored, so ncurses' idea of the cursor stays
 * right). An image is written again only when its pixels, place or size changed, when text
 * was drawn over its cells, after ncurses repainted the whole screen (resize, ^L, an image
 * that went away: gfx_before_update asks for that repaint so that no stale pixels stay), and
 * every frame inside tmux (which may drop them).
 *
 * Damage, and why the picture's cells are not blank: ncurses believes a picture's cells are
 * whatever it put there. Were they blanks, a text change elsewhere on the row would let it
 * clear "the rest of the line" (EL) or shift characters (ICH/DCH), wiping a stripe of the
 * picture that nobody re-sends. So gfx_show() fills the cells with an invisible non-blank
 * (a space with A_INVIS, which ncurses never erases with EL/ECH), insert/delete of characters
 * and lines is switched off, and gfx_before_update() compares the cells under every picture
 * with what they held when it was last written: any difference (text drawn over the area)
 * writes the picture again.
 *
 * Bandwidth (over SSH a chart redrawn at every batch is 100 KB/s): a picture whose pixels
 * changed without a key (training) is written at most once per GFX_MIN_INTERVAL, and all such
 * writes share a budget of GFX_BUDGET_BPS bytes per second (a token bucket that every write
 * draws on): a picture that does not fit waits, and its last state always goes out
 * (gfx_pending says when). Keys and repairs are never held back. Rectangles are clipped so that no
 * image reaches the last row (the status bar), and the image height is a multiple of six pixels
 * that fits the rows, so the terminal never scrolls. While an overlay (help, a question) is open no
 * image is written: text is never torn by an image.
 *
 * Pictures are at most GFX_MAX_PX pixels a side.
 *
 * Text (blocks / ascii, ui/gfx_text.h): the canvas is small, for images one pixel per cell
 * across and two down (half blocks: square pixels, since a cell is about twice as high as
 * wide), for plots 2 across and 4 down (braille); gfx_show() draws its cells with ncurses at
 * once, and where the terminal takes 24-bit colour gfx_after_update() writes the images again
 * in it.
 *
 * Memory: the gfx owns its slots' canvases and encoders (gfx_free). Threads: the UI thread. */
#ifndef AE_GFX_H
#define AE_GFX_H

#include <stdint.h>

#include "canvas.h"
#include "crt.h"
#include "err.h"
#include "gfx_text.h"
#include "sixel_out.h"

enum { GFX_ASCII = 0, GFX_BLOCKS = 1, GFX_SIXEL = 2 }; /* = termprobe_graphics */
enum { GFX_SLOTS = 8 };
/* Largest picture side in pixels: xterm's default maxGraphicSize (1000x1000) silently drops
 * anything bigger, so a large panel gets a 1000-pixel picture in its top-left part. */
enum { GFX_MAX_PX = 1000 };
/* Seconds between two writes of one picture whose pixels changed without a key (training). */
#define GFX_MIN_INTERVAL 1.0
/* Bytes per second that pictures changed by training may take on average. */
#define GFX_BUDGET_BPS 24000.0

typedef struct gfx_slot {
    canvas cv;
    sixel_enc *enc;
    sixel_kind kind;
    int y, x, rows, cols, placed;   /* this frame */
    int sent, sy, sx, srows, scols; /* what the terminal shows */
    uint64_t shash;                 /* its pixels */
    uint64_t cells;                 /* the hash of the text cells under it when written */
    int damaged;                    /* text was drawn over it this frame */
    double sent_at;                 /* when it was last written (gfx's clock) */
    int held;                       /* changed pixels wait (interval, budget) */
    size_t held_len;                /* their encoded size */
} gfx_slot;

typedef struct gfx {
    int mode;           /* GFX_* */
    int cell_w, cell_h; /* pixels per cell (sixel) */
    int tmux;           /* inside tmux: write every frame */
    int out_fd;         /* the terminal (stdout) */
    const crt *crt;
    int screen_rows;
    int suppress;             /* this frame has an overlay: no images */
    int full;                 /* ncurses repaints everything this frame: write every image */
    int urgent;               /* this frame answers a key: changed pictures go out at once */
    double now;               /* this frame's time (seconds, any monotonic origin) */
    double tokens, tokens_at; /* the bandwidth budget (bytes) and when it was last filled */
    gfx_slot slot[GFX_SLOTS];
    long bytes, images, frames; /* written so far (AETUI_TRACE reports them) */
    gfx_text *text;             /* the text back end's state (cells, pairs, 24-bit colour) */
    double encode_ms;
} gfx;

void gfx_init(gfx *g, const crt *c, int mode, int cell_w, int cell_h, int tmux, int out_fd);
void gfx_free(gfx *g);
static inline int gfx_sixel(const gfx *g)
{
    return g->mode == GFX_SIXEL;
}
/* Starts a frame at time now (monotonic seconds): nothing placed yet. urgent: the frame
 * answers the user (a key, a resize), so changed pictures are written at once. */
void gfx_begin(gfx *g, int screen_rows, double now, int urgent);
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
/* Seconds until a held picture may be written (a frame is due then), or -1 when none waits. */
double gfx_pending(const gfx *g, double now);
/* The terminal lost the pictures (resize, ^L): write them all again. */
void gfx_invalidate(gfx *g);

#endif

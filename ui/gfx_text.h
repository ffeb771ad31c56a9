/* gfx_text.h: the picture compositor's text back end (ui/gfx.h): a canvas shown as terminal
 * cells through ncurses, and the same cells again in 24-bit colour where the terminal has it.
 *
 * Images are half blocks (one pixel across, two down: square pixels), plots braille (ASCII
 * without UTF-8 or colour, see ui/textgfx.h). A canvas cleared with canvas_clear_keyed() leaves
 * its key colour to the terminal's own background.
 *
 * Colour pairs: ncurses draws each half block with a pair (foreground = the upper pixel,
 * background = the lower one, xterm-256 indices). The pairs come from a block of pair numbers
 * of our own, above the ones crt.c sets up, handed out per (fg, bg) and all reused at once
 * when the block is nearly used up (between frames, so no cell changes colour in a frame).
 *
 * 24-bit colour: ncurses only does direct colour with a terminfo entry that says so
 * (xterm-direct), which would also turn every colour number of the rest of the interface
 * into an RGB value; TERM is xterm-256color almost everywhere, and COLORTERM=truecolor is how
 * terminals say they take 24-bit SGR. So with truecolor on, ncurses draws the images in 256
 * colours as usual (what the screen holds if anything below goes wrong), and after
 * doupdate() gfx_text_after_update() writes each image's cells again with SGR 38;2 / 48;2,
 * between ESC 7 and ESC 8 (cursor and attributes saved and restored, so ncurses' idea of the
 * terminal stays right), like the sixel pictures. An image is written again when its cells,
 * place or size changed, when it was hidden (an overlay, another screen), or after ncurses
 * repainted everything; never while an overlay is open. Insert/delete of characters and lines
 * is switched off then, so ncurses never shifts those cells.
 *
 * The rendered cells of each picture are kept and reused while its canvas holds the same
 * pixels (the 256-colour search costs about a microsecond a colour).
 *
 * Memory: gfx_text_new allocates, gfx_text_free releases. Threads: the UI thread only. */
#ifndef AE_GFX_TEXT_H
#define AE_GFX_TEXT_H

#include "canvas.h"
#include "crt.h"
#include "err.h"

typedef struct gfx_text gfx_text;

gfx_text *gfx_text_new(int slots); /* NULL when out of memory */
void gfx_text_free(gfx_text *t);   /* NULL-safe */

/* The terminal takes 24-bit SGR (COLORTERM=truecolor or 24bit): images are written again in
 * 24-bit colour after each update. */
void gfx_text_truecolor(gfx_text *t, int on);
int gfx_text_is_truecolor(const gfx_text *t);

/* Draws picture `id` (canvas cv) as cells at (y, x), rows x cols: braille when plot, else
 * half blocks. */
void gfx_text_show(gfx_text *t, const crt *c, int id, const canvas *cv, int y, int x, int rows,
                   int cols, int plot);

/* After doupdate(): in 24-bit mode, the bytes to write (*out, malloc'd, *len; NULL when
 * none) for the images that need it (see above), between ESC 7 and ESC 8; full: ncurses
 * repainted the whole screen; suppress: an overlay is open (nothing now, every image again
 * once it closes). Ends the frame: pictures not shown since the last call are forgotten.
 * Returns 0 or -1 with err. */
int gfx_text_after_update(gfx_text *t, int full, int suppress, char **out, size_t *len,
                          ae_err *err);
/* The terminal lost what was written (a failed write): everything again next time. */
void gfx_text_resend(gfx_text *t);

#endif

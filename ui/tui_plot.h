/* tui_plot.h: the curve widget: a chart (ui/chart.h) shown in a rectangle of cells.
 *
 * The chart is drawn into a canvas of (cols*2) x (rows*4) pixels without text, turned into
 * braille cells (ui/textgfx.h; ASCII when the terminal is not UTF-8) and put on the screen
 * with the cell colours mapped by crt_plot_attr; the tick labels and the title with its legend
 * are ncurses text around it. A screen fills the series and calls tui_plot_draw; it does not
 * know how the picture reaches the terminal, so the pictures issue can set `backend` to draw
 * sixel instead (it gets the same chart and series, after the text frame is drawn).
 *
 * Memory: the widget owns its canvas and cell grid (tui_plot_free); series are borrowed for
 * the call. Threads: the UI thread. */
#ifndef AE_TUI_PLOT_H
#define AE_TUI_PLOT_H

#include "chart.h"
#include "crt.h"
#include "gfx.h"
#include "textgfx.h"

typedef struct tui_plot tui_plot;

typedef struct tui_plot_backend {
    void *ctx;
    /* Draws the chart into the cell rectangle (y, x, rows, cols): the plot, its tick labels and
     * the x ticks' row under it; returns 0 when it did, -1 to fall back to braille. */
    int (*draw)(void *ctx, tui_plot *p, const chart_series *s, int ns, int y, int x, int rows,
                int cols);
} tui_plot_backend;

struct tui_plot {
    canvas cv;
    chart ch;
    textgfx_grid grid;
    int ascii;                /* ASCII instead of braille (no UTF-8) */
    int colors;               /* crt colour depth */
    tui_plot_backend backend; /* draw == NULL: braille */
    gfx *g;                   /* tui_plot_use_gfx: the sixel back end's compositor ... */
    int slot;                 /* ... and picture slot */
    /* the chart settings a screen may set before drawing (reset by tui_plot_draw) */
    int log_y, log2_x, has_best;
    double best_x;
    const char *x_label;
};

typedef struct tui_legend {
    const char *name;
    canvas_color col;
} tui_legend;

void tui_plot_init(tui_plot *p, const crt *c);
/* When g shows sixel, the curves become a sixel chart (axes, tick labels, best-epoch line)
 * in picture slot `slot` of g, covering the plot and its tick labels; else braille stays. */
void tui_plot_use_gfx(tui_plot *p, gfx *g, int slot);
void tui_plot_free(tui_plot *p);
/* Draws title + legend on the first row, y ticks on the left (as wide as their labels), x
 * ticks on the last row and the curves in between. Too small a rectangle draws only the
 * title. */
int tui_plot_draw(tui_plot *p, const crt *c, int y, int x, int h, int w, const char *title,
                  const chart_series *s, int ns, const tui_legend *leg, int nleg, ae_err *err);

/* Colours shared by the screens. */
#define TUI_COL_BG     0x000000u
#define TUI_COL_TRAIN  0x4fc3f7u
#define TUI_COL_TEST   0xffb74du
#define TUI_COL_PARENT 0x9e9e9eu
#define TUI_COL_BEST   0x81c784u

/* A colour faded towards the background (per-batch curves, parents). */
canvas_color tui_plot_faint(canvas_color c);

#endif

/* tui_plot.c: the curve widget (see tui_plot.h): chart -> canvas -> braille cells -> ncurses,
 * with the tick labels as text; or, with sixel, the same chart drawn at the terminal's pixel
 * size with its own axes and labels, shown through the compositor (ui/gfx.h). */
#include "tui_plot.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void tui_plot_init(tui_plot *p, const crt *c)
{
    memset(p, 0, sizeof *p);
    p->ascii = !c->utf8;
    p->colors = c->colors;
}

void tui_plot_free(tui_plot *p)
{
    canvas_free(&p->cv);
    textgfx_grid_free(&p->grid);
}

/* The sixel back end: the chart again, at full resolution over the plot and its labels. */
static int sixel_draw(void *ctx, tui_plot *p, const chart_series *s, int ns, int y, int x, int rows,
                      int cols)
{
    (void)ctx;
    ae_err err;
    canvas *cv = gfx_canvas(p->g, p->slot, y, x, rows, cols, 1, &err);
    if (!cv) return -1;
    chart ch = p->ch;
    ch.x = 0, ch.y = 0, ch.w = cv->w, ch.h = cv->h;
    ch.labels = 1;
    ch.grid = 1;
    ch.grid_color = 0x303030;
    ch.fg = 0xa0a0a0;
    ch.legend = 0; /* the legend is the text title row above */
    ch.title = NULL;
    ch.marker = 0;
    ch.x_label = p->x_label;
    if (chart_draw(cv, &ch, s, ns, &err)) return -1;
    gfx_show(p->g, p->slot);
    return 0;
}

void tui_plot_use_gfx(tui_plot *p, gfx *g, int slot)
{
    p->g = g;
    p->slot = slot;
    if (gfx_sixel(g)) p->backend = (tui_plot_backend){p, sixel_draw};
}

canvas_color tui_plot_faint(canvas_color c)
{
    return canvas_mix(c, TUI_COL_BG, 0.45);
}

static void draw_legend(const crt *c, int y, int x, int w, const char *title, const tui_legend *leg,
                        int nleg)
{
    int used = crt_put(y, x, w, title ? title : "", crt_attr(c, CRT_TITLE), 0);
    for (int i = 0; i < nleg && used < w; i++) {
        const char *mark = c->utf8 ? "  \u2501 " : "  - ";
        attr_t a = crt_plot_attr(c, leg[i].col, textgfx_rgb_to_256(leg[i].col)) | A_BOLD;
        used += crt_put(y, x + used, w - used, mark, a, 0);
        used += crt_put(y, x + used, w - used, leg[i].name, crt_attr(c, CRT_NORMAL), 0);
    }
}

/* The braille chart for a plot area of rows x cols cells. */
static int braille_chart(tui_plot *p, int rows, int cols, int log_y, int log2_x, int has_best,
                         double best_x, const chart_series *s, int ns, ae_err *err)
{
    int pw = cols * 2, ph = rows * 4;
    if (p->cv.w != pw || p->cv.h != ph) {
        if (canvas_resize(&p->cv, pw, ph, err)) return -1;
    }
    chart_init(&p->ch, 0, 0, pw, ph);
    p->ch.labels = 0;
    p->ch.grid = 0;
    p->ch.legend = 0;
    p->ch.bg = TUI_COL_BG;
    p->ch.fg = 0x707070;
    p->ch.best_color = TUI_COL_BEST;
    p->ch.x_int = 1;
    p->ch.log_y = log_y;
    p->ch.log2_x = log2_x;
    p->ch.has_best = has_best;
    p->ch.best_x = best_x;
    return chart_draw(&p->cv, &p->ch, s, ns, err);
}

static int widest_label(const chart *ch)
{
    int lw = 0;
    for (int i = 0; i < ch->nyticks; i++)
        if ((int)strlen(ch->ylabels[i]) > lw) lw = (int)strlen(ch->ylabels[i]);
    return lw;
}

int tui_plot_draw(tui_plot *p, const crt *c, int y, int x, int h, int w, const char *title,
                  const chart_series *s, int ns, const tui_legend *leg, int nleg, ae_err *err)
{
    int log_y = p->log_y, log2_x = p->log2_x, has_best = p->has_best;
    double best_x = p->best_x;
    const char *x_label = p->x_label;
    p->log_y = p->log2_x = p->has_best = 0;
    p->x_label = NULL;
    if (h < 1 || w < 1) return 0;
    for (int r = 0; r < h; r++) { /* clear the rectangle */
        move(y + r, x);
        for (int k = 0; k < w; k++) addch(' ');
    }
    draw_legend(c, y, x, w, title, leg, nleg);
    /* the y labels' column is as wide as its widest label plus a space: lay out with a narrow
     * guess, then again when the labels came out wider */
    int lw = 3, rows = h - 2;
    for (int pass = 0; pass < 2; pass++) {
        int cols = w - lw;
        if (rows < 3 || cols < 10) return 0;
        if (braille_chart(p, rows, cols, log_y, log2_x, has_best, best_x, s, ns, err)) return -1;
        int need = widest_label(&p->ch) + 1;
        if (need <= lw) break;
        lw = need; /* the y ticks depend on the height only: one more pass is enough */
    }
    int cols = w - lw, pw = cols * 2, ph = rows * 4;
    if (cols < 10) return 0;
    p->x_label = x_label;
    if (p->backend.draw && p->backend.draw(p->backend.ctx, p, s, ns, y + 1, x, rows + 1, w) == 0) {
        p->x_label = NULL;
        return 0;
    }
    p->x_label = NULL;
    textgfx_opts o = {.style = p->ascii ? TEXTGFX_ASCII : TEXTGFX_BRAILLE,
                      .colors = TEXTGFX_COLOR_256,
                      .plot = 1,
                      .paper_known = 1,
                      .paper = p->ch.bg};
    textgfx_grid_free(&p->grid);
    if (textgfx_render(&p->cv, 0, 0, pw, ph, cols, rows, &o, &p->grid, err)) return -1;
    for (int r = 0; r < rows; r++) {
        for (int k = 0; k < cols; k++) {
            const textgfx_cell *cell = &p->grid.cells[r * cols + k];
            if (!strcmp(cell->ch, " ") || !cell->ch[0] || !strcmp(cell->ch, "\u2800")) {
                crt_put(y + 1 + r, x + lw + k, 1, " ", crt_attr(c, CRT_PANEL), 0); /* paper */
                continue;
            }
            attr_t a = cell->fg == TEXTGFX_DEFAULT ? crt_attr(c, CRT_PANEL)
                                                   : crt_plot_attr(c, cell->fg, cell->fg256);
            attron(a);
            mvaddstr(y + 1 + r, x + lw + k, cell->ch);
            attroff(a);
        }
    }
    /* tick labels: y on the left at the tick's row, x under the plot */
    attr_t ax = crt_attr(c, CRT_AXIS);
    int last_row = -2;
    for (int i = p->ch.nyticks - 1; i >= 0; i--) { /* from the top: the top label wins a row */
        int px, py;
        if (chart_map(&p->ch, p->ch.x0, p->ch.yticks[i], &px, &py)) continue;
        int r = py / 4;
        if (r < 0 || r >= rows || r == last_row) continue;
        last_row = r;
        char pad[24];
        snprintf(pad, sizeof pad, "%*s ", lw - 1, p->ch.ylabels[i]);
        crt_put(y + 1 + r, x, lw, pad, ax, 0);
    }
    int next_free = 0;
    for (int i = 0; i < p->ch.nxticks; i++) {
        int px, py;
        double ybase = p->ch.log_y ? pow(10, p->ch.y0) : p->ch.y0; /* y0 is logged */
        if (chart_map(&p->ch, p->ch.xticks[i], ybase, &px, &py)) continue;
        const char *lab = p->ch.xlabels[i];
        int len = (int)strlen(lab), col = px / 2 - len / 2;
        if (col < 0) col = 0;
        if (col + len > cols) col = cols - len;
        if (col < next_free) continue;
        crt_put(y + h - 1, x + lw + col, cols - col, lab, ax, 0);
        next_free = col + len + 1;
    }
    if (x_label && next_free + (int)strlen(x_label) + 2 < cols) {
        int lx = cols - (int)strlen(x_label);
        if (lx > next_free)
            crt_put(y + h - 1, x + lw + lx, cols - lx, x_label, crt_attr(c, CRT_DIM), 0);
    }
    return 0;
}

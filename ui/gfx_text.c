/* gfx_text.c: pictures as terminal cells, and in 24-bit colour after the update (see
 * gfx_text.h). */
#include "gfx_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textgfx.h"

typedef struct text_slot {
    textgfx_grid grid; /* the cells last rendered, and what they were rendered from: */
    uint64_t hash;     /* the canvas and the parameters */
    textgfx_style style;
    textgfx_colors colors;
    int shown, y, x;                /* drawn this frame, where */
    int sent, sy, sx, srows, scols; /* the 24-bit copy on the terminal */
    uint64_t shash;
} text_slot;

enum { PAIR_KEYS = 257 * 257 }; /* (fg + 1, bg + 1), -1 being the default colour */

struct gfx_text {
    int nslots;
    text_slot *slot;
    int truecolor;
    int *pair_of; /* key -> pair number, 0: none yet */
    int pair_base, pair_next, pair_end;
};

gfx_text *gfx_text_new(int slots)
{
    gfx_text *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->slot = calloc((size_t)(slots > 0 ? slots : 1), sizeof *t->slot);
    if (!t->slot) {
        free(t);
        return NULL;
    }
    t->nslots = slots;
    return t;
}

void gfx_text_free(gfx_text *t)
{
    if (!t) return;
    for (int i = 0; i < t->nslots; i++) textgfx_grid_free(&t->slot[i].grid);
    free(t->slot);
    free(t->pair_of);
    free(t);
}

void gfx_text_truecolor(gfx_text *t, int on)
{
    if (!t) return;
    t->truecolor = on != 0;
    if (t->truecolor) { /* shifting characters would move 24-bit cells behind ncurses' back */
        idcok(stdscr, FALSE);
        idlok(stdscr, FALSE);
    }
}

int gfx_text_is_truecolor(const gfx_text *t)
{
    return t && t->truecolor;
}

/* ---- colour pairs for half blocks ---------------------------------------------------- */

/* The pair for (fg, bg) (xterm-256 indices, -1 default); 0 when none is left this frame. */
static int pair_get(gfx_text *t, const crt *c, int fg, int bg)
{
    if (!t->pair_of) {
        t->pair_of = calloc(PAIR_KEYS, sizeof *t->pair_of);
        if (!t->pair_of) return 0;
        /* above crt.c's pairs (roles and plot colours, all below 256: attr_t's limit) */
        t->pair_base = COLOR_PAIRS > 4096 ? 1024 : 256;
        t->pair_end = COLOR_PAIRS < 65536 ? COLOR_PAIRS : 65536;
        t->pair_next = t->pair_base;
    }
    int key = (fg + 1) * 257 + (bg + 1);
    if (key < 0 || key >= PAIR_KEYS) return 0;
    if (t->pair_of[key]) return t->pair_of[key];
    if (t->pair_next >= t->pair_end) return 0;
    int p = t->pair_next;
    if (init_extended_pair(p, fg, bg) == ERR) return 0;
    t->pair_next++;
    t->pair_of[key] = p;
    return p;
}

/* Between frames: when more than half the block is handed out, start again from its
 * beginning (a frame of images needs far fewer pairs than the block holds). */
static void pairs_recycle(gfx_text *t)
{
    if (!t->pair_of || t->pair_next - t->pair_base <= (t->pair_end - t->pair_base) / 2) return;
    memset(t->pair_of, 0, PAIR_KEYS * sizeof *t->pair_of);
    t->pair_next = t->pair_base;
}

/* ---- drawing -------------------------------------------------------------------------- */

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h;
}

void gfx_text_show(gfx_text *t, const crt *c, int id, const canvas *cv, int y, int x, int rows,
                   int cols, int plot)
{
    if (!t || id < 0 || id >= t->nslots || !cv->px) return;
    if (y + rows > LINES) rows = LINES - y;
    if (x + cols > COLS) cols = COLS - x;
    if (rows < 1 || cols < 1) return;
    text_slot *s = &t->slot[id];
    int half = !plot && c->utf8 && c->colors == 256;
    textgfx_opts o = {.style = plot ? (c->utf8 ? TEXTGFX_BRAILLE : TEXTGFX_ASCII)
                                    : (half ? TEXTGFX_HALFBLOCK : TEXTGFX_ASCII),
                      .colors = !c->colors             ? TEXTGFX_COLOR_NONE
                                : half && t->truecolor ? TEXTGFX_COLOR_TRUE
                                                       : TEXTGFX_COLOR_256,
                      .plot = plot,
                      .paper_known = 0, /* plots: the most common colour is the paper */
                      .paper = cv->key,
                      .paper_clear = !plot && cv->keyed};
    uint64_t h = canvas_hash(cv);
    h = mix(h, (uint64_t)cols << 32 | (uint64_t)(unsigned)rows);
    h = mix(h, (uint64_t)o.style << 8 | (uint64_t)o.colors << 4 | (uint64_t)plot);
    h = mix(h, o.paper_clear ? (uint64_t)cv->key | 1ull << 32 : 0);
    if (!s->grid.cells || s->hash != h) {
        ae_err err;
        textgfx_grid_free(&s->grid);
        if (textgfx_render(cv, 0, 0, cv->w, cv->h, cols, rows, &o, &s->grid, &err)) return;
        s->hash = h, s->style = o.style, s->colors = o.colors;
    }
    s->shown = 1, s->y = y, s->x = x;
    const textgfx_grid *gr = &s->grid;
    for (int r = 0; r < gr->rows; r++)
        for (int k = 0; k < gr->cols; k++) {
            const textgfx_cell *cell = &gr->cells[r * gr->cols + k];
            if (!cell->ch[0]) continue;
            if (plot && (!strcmp(cell->ch, " ") || !strcmp(cell->ch, "\u2800"))) {
                crt_put(y + r, x + k, 1, " ", crt_attr(c, CRT_PANEL), 0); /* the plot's paper */
                continue;
            }
            if (o.style == TEXTGFX_HALFBLOCK) {
                int pair = pair_get(t, c, cell->fg256, cell->bg256);
                attr_set(A_NORMAL, 0, &pair);
                mvaddstr(y + r, x + k, cell->ch);
                attr_set(A_NORMAL, 0, NULL);
                continue;
            }
            attr_t a = cell->fg == TEXTGFX_DEFAULT || !c->colors
                           ? crt_attr(c, plot ? CRT_PANEL : CRT_NORMAL)
                           : crt_plot_attr(c, cell->fg, cell->fg256);
            attron(a);
            mvaddstr(y + r, x + k, cell->ch);
            attroff(a);
        }
}

/* ---- 24-bit colour after the update --------------------------------------------------- */

static int append(char **buf, size_t *len, const char *s, size_t n)
{
    char *q = realloc(*buf, *len + n + 1);
    if (!q) return -1;
    memcpy(q + *len, s, n);
    *len += n;
    q[*len] = 0;
    *buf = q;
    return 0;
}

int gfx_text_after_update(gfx_text *t, int full, int suppress, char **out, size_t *len, ae_err *err)
{
    *out = NULL, *len = 0;
    if (!t) return 0;
    char *buf = NULL;
    size_t n = 0;
    int oom = 0;
    for (int i = 0; i < t->nslots; i++) {
        text_slot *s = &t->slot[i];
        int mine = s->shown && t->truecolor && s->style == TEXTGFX_HALFBLOCK &&
                   s->colors == TEXTGFX_COLOR_TRUE && s->grid.cells;
        if (!mine || suppress) {
            s->sent = 0;
        } else if (!s->sent || full || s->shash != s->hash || s->sy != s->y || s->sx != s->x ||
                   s->srows != s->grid.rows || s->scols != s->grid.cols) {
            char *a = NULL;
            size_t an = 0;
            ae_err e;
            if (!oom &&
                (textgfx_to_ansi_at(&s->grid, TEXTGFX_COLOR_TRUE, s->y, s->x, &a, &an, &e) ||
                 append(&buf, &n, n ? "" : "\0337", n ? 0 : 2) || append(&buf, &n, a, an)))
                oom = 1;
            free(a);
            s->sent = 1, s->shash = s->hash, s->sy = s->y, s->sx = s->x;
            s->srows = s->grid.rows, s->scols = s->grid.cols;
        }
        s->shown = 0;
    }
    pairs_recycle(t);
    if (!oom && n && append(&buf, &n, "\0338", 2)) oom = 1;
    if (oom) {
        free(buf);
        gfx_text_resend(t);
        return ae_fail(err, "out of memory for a picture in 24-bit colour");
    }
    *out = buf, *len = n;
    return 0;
}

void gfx_text_resend(gfx_text *t)
{
    if (!t) return;
    for (int i = 0; i < t->nslots; i++) t->slot[i].sent = 0;
}

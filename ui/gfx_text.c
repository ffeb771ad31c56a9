/* gfx_text.c: pictures as terminal cells, and in 24-bit colour after the update (see
 * gfx_text.h). */
#include "gfx_text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

typedef struct sbuf {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 16384;
        while (nc < b->len + n) nc *= 2;
        char *q = realloc(b->p, nc);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q, b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* "38;2;R;G;B" / "48;2;R;G;B", or "39" / "49" for the terminal's own colour. */
static int sgr_part(char *out, size_t n, int bg, uint32_t rgb)
{
    if (rgb == TEXTGFX_DEFAULT) return snprintf(out, n, "%d", bg ? 49 : 39);
    return snprintf(out, n, "%d;2;%d;%d;%d", bg ? 48 : 38, CANVAS_R(rgb), CANVAS_G(rgb),
                    CANVAS_B(rgb));
}

static void write_cells(sbuf *b, const text_slot *s)
{
    const textgfx_grid *g = &s->grid;
    char tmp[80];
    for (int r = 0; r < g->rows; r++) {
        int n = snprintf(tmp, sizeof tmp, "\033[%d;%dH", s->y + r + 1, s->x + 1);
        sb_put(b, tmp, (size_t)n);
        uint32_t fg = 0x1000000u, bg = 0x1000000u; /* unknown at the start of a row */
        for (int k = 0; k < g->cols; k++) {
            const textgfx_cell *cell = &g->cells[r * g->cols + k];
            if (cell->fg != fg || cell->bg != bg) {
                n = snprintf(tmp, sizeof tmp, "\033[");
                if (cell->fg != fg) n += sgr_part(tmp + n, sizeof tmp - (size_t)n, 0, cell->fg);
                if (cell->fg != fg && cell->bg != bg) tmp[n++] = ';';
                if (cell->bg != bg) n += sgr_part(tmp + n, sizeof tmp - (size_t)n, 1, cell->bg);
                tmp[n++] = 'm';
                sb_put(b, tmp, (size_t)n);
                fg = cell->fg, bg = cell->bg;
            }
            sb_put(b, cell->ch[0] ? cell->ch : " ", cell->ch[0] ? strlen(cell->ch) : 1);
        }
    }
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return -1;
        }
        p += w, n -= (size_t)w;
    }
    return 0;
}

int gfx_text_after_update(gfx_text *t, int fd, int full, int suppress, long *bytes, ae_err *err)
{
    if (!t) return 0;
    sbuf b = {0};
    for (int i = 0; i < t->nslots; i++) {
        text_slot *s = &t->slot[i];
        int mine = s->shown && t->truecolor && s->style == TEXTGFX_HALFBLOCK &&
                   s->colors == TEXTGFX_COLOR_TRUE && s->grid.cells;
        if (!mine || suppress) {
            s->sent = 0;
        } else if (!s->sent || full || s->shash != s->hash || s->sy != s->y || s->sx != s->x ||
                   s->srows != s->grid.rows || s->scols != s->grid.cols) {
            write_cells(&b, s);
            s->sent = 1, s->shash = s->hash, s->sy = s->y, s->sx = s->x;
            s->srows = s->grid.rows, s->scols = s->grid.cols;
        }
        s->shown = 0;
    }
    pairs_recycle(t);
    if (!b.len) return 0;
    int rc = 0;
    if (b.oom) {
        rc = ae_fail(err, "out of memory for a picture in 24-bit colour");
    } else if (write_all(fd, "\0337", 2) || write_all(fd, b.p, b.len) ||
               write_all(fd, "\033[0m\0338", 6)) {
        rc = ae_fail(err, "cannot write a picture to the terminal: %s", strerror(errno));
    } else if (bytes) {
        *bytes += (long)b.len + 8;
    }
    if (rc) /* write them all again next time */
        for (int i = 0; i < t->nslots; i++) t->slot[i].sent = 0;
    free(b.p);
    return rc;
}

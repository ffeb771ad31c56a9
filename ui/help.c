/* help.c: the help overlay (see help.h).
 *
 * The shape: the keys become a list of display lines (a section title, or a key's name beside
 * one line of its wrapped description), laid out for one column of the box's width; when that
 * is taller than the box and the window is at least 120 wide, for two half-width columns; when
 * it is still taller, one column that scrolls. Drawing and scrolling share the layout. */
#include "help.h"

#include <string.h>

#include "fit.h"

enum { HELP_MAX = 200, NAME_W = 12 };

typedef struct help_line {
    const char *name; /* the key's name on its first line, else NULL */
    int title;        /* a section title */
    char text[FIT_LINE];
} help_line;

static help_line lines[HELP_MAX]; /* the UI thread's only */

typedef struct help_layout {
    int y, x, h, w;   /* the box, borders included */
    int cols, colw;   /* 1 or 2 columns of colw cells */
    int inner;        /* lines a column shows */
    int n, top, more; /* display lines, the first shown, 1 when it scrolls */
} help_layout;

/* The display lines of the screen's keys and the global ones for columns of colw cells. */
static int build(help_line *L, int cap, const tui_screen *s, const tui_key *global, int colw,
                 int utf8)
{
    int n = 0;
    for (int pass = 0; pass < 2; pass++) {
        const tui_key *tab = pass ? global : s->keys;
        if (n < cap) {
            L[n] = (help_line){.title = 1};
            snprintf(L[n++].text, FIT_LINE, "%s", pass ? "Everywhere" : "On this screen");
        }
        for (const tui_key *k = tab; k && k->key; k++) {
            if (!k->name) continue;
            char wrapped[8][FIT_LINE];
            int nl = fit_wrap(k->help ? k->help : "", colw - NAME_W - 1, utf8, wrapped, 8);
            if (nl == 0) nl = 1, wrapped[0][0] = 0;
            for (int i = 0; i < nl && n < cap; i++) {
                L[n] = (help_line){.name = i ? NULL : k->name};
                memcpy(L[n++].text, wrapped[i], FIT_LINE);
            }
        }
    }
    return n;
}

static void layout(tui *t, const tui_screen *s, const tui_key *global, help_line *L, help_layout *o)
{
    /* the box spans the rows between the tab bar and the status bar at most */
    /* a narrow window gives the box all its width: no scraps of the screen beside it */
    int maxh = t->rows - 2, w = t->cols < 100 ? t->cols : 100;
    o->cols = 1;
    o->colw = w - 4;
    o->n = build(L, HELP_MAX, s, global, o->colw, t->crt.utf8);
    int need = o->n + 3; /* borders and the last line */
    if (need > maxh && t->cols >= 120) {
        int w2 = t->cols - 4 < 180 ? t->cols - 4 : 180;
        int colw = (w2 - 7) / 2, n2 = build(L, HELP_MAX, s, global, colw, t->crt.utf8);
        if ((n2 + 1) / 2 + 3 <= maxh) {
            o->cols = 2, o->colw = colw, o->n = n2, w = w2;
            need = (n2 + 1) / 2 + 3;
        } else {
            o->n = build(L, HELP_MAX, s, global, o->colw, t->crt.utf8);
        }
    }
    o->h = need < maxh ? need : maxh;
    o->w = w;
    o->y = 1 + (maxh - o->h) / 2;
    o->x = (t->cols - w) / 2;
    o->inner = o->h - 3;
    if (o->inner < 1) o->inner = 1;
    int per_col = o->cols == 2 ? (o->n + 1) / 2 : o->n;
    o->more = per_col > o->inner;
    int maxtop = o->more ? per_col - o->inner : 0;
    if (t->help_top > maxtop) t->help_top = maxtop;
    if (t->help_top < 0) t->help_top = 0;
    o->top = t->help_top;
}

void help_draw(tui *t, const tui_screen *s, const tui_key *global)
{
    help_line *L = lines;
    help_layout o;
    layout(t, s, global, L, &o);
    char title[64];
    snprintf(title, sizeof title, " Keys: %s screen ", s->name);
    tui_box(t, o.y, o.x, o.h, o.w, title);
    int per_col = o.cols == 2 ? (o.n + 1) / 2 : o.n;
    for (int c = 0; c < o.cols; c++) {
        int cx = o.x + 2 + c * (o.colw + 3);
        for (int r = 0; r < o.inner; r++) {
            int i = c * per_col + o.top + r;
            if (i >= (c + 1) * per_col || i >= o.n) break;
            int y = o.y + 1 + r;
            if (L[i].title) {
                crt_put(y, cx, o.colw, L[i].text, crt_attr(&t->crt, CRT_TITLE), 0);
                continue;
            }
            if (L[i].name)
                crt_put(y, cx + 1, NAME_W - 1, L[i].name, crt_attr(&t->crt, CRT_FIELD), 0);
            crt_put(y, cx + NAME_W, o.colw - NAME_W, L[i].text, 0, 0);
        }
    }
    char last[160];
    if (o.more)
        snprintf(last, sizeof last,
                 "lines %d-%d of %d; Down/Space: more, Up: back, other keys close", o.top + 1,
                 o.top + o.inner < o.n ? o.top + o.inner : o.n, o.n);
    else
        snprintf(last, sizeof last, "any key closes this help");
    char fitted[FIT_LINE];
    fit_text(last, o.w - 4, t->crt.utf8, fitted, sizeof fitted);
    crt_put(o.y + o.h - 2, o.x + 2, o.w - 4, fitted, crt_attr(&t->crt, CRT_DIM), 0);
}

int help_key(tui *t, const tui_screen *s, const tui_key *global, int key)
{
    help_layout o;
    layout(t, s, global, lines, &o);
    if (!o.more) return 0;
    switch (key) {
    case KEY_DOWN:
    case 'j':
        t->help_top++;
        return 1;
    case KEY_UP:
    case 'k':
        t->help_top--;
        return 1;
    case KEY_NPAGE:
    case ' ':
        t->help_top += o.inner - 1;
        return 1;
    case KEY_PPAGE:
        t->help_top -= o.inner - 1;
        return 1;
    case KEY_HOME:
    case 'g':
        t->help_top = 0;
        return 1;
    default:
        return 0;
    }
}

/* panel.c: the list widget (see panel.h). */
#include "panel.h"

#include <curses.h>

void panel_place(panel *p, int y, int x, int h, int w)
{
    p->y = y, p->x = x, p->h = h < 0 ? 0 : h, p->w = w < 0 ? 0 : w;
    panel_scroll(p);
}

void panel_set_count(panel *p, int n)
{
    p->n = n < 0 ? 0 : n;
    if (p->sel >= p->n) p->sel = p->n - 1;
    if (p->sel < 0) p->sel = 0;
    panel_scroll(p);
}

int panel_visible(const panel *p)
{
    int v = p->h - p->header;
    return v < 0 ? 0 : v;
}

void panel_scroll(panel *p)
{
    int v = panel_visible(p);
    if (v <= 0) return;
    if (p->sel < p->top) p->top = p->sel;
    if (p->sel >= p->top + v) p->top = p->sel - v + 1;
    if (p->top > p->n - v) p->top = p->n - v;
    if (p->top < 0) p->top = 0;
}

void panel_move(panel *p, int how)
{
    int v = panel_visible(p);
    if (v < 1) v = 1;
    switch (how) {
    case PANEL_UP:
        p->sel--;
        break;
    case PANEL_DOWN:
        p->sel++;
        break;
    case PANEL_PGUP:
        p->sel -= v;
        break;
    case PANEL_PGDN:
        p->sel += v;
        break;
    case PANEL_HOME:
        p->sel = 0;
        break;
    case PANEL_END:
        p->sel = p->n - 1;
        break;
    default:
        break;
    }
    if (p->sel >= p->n) p->sel = p->n - 1;
    if (p->sel < 0) p->sel = 0;
    panel_scroll(p);
}

int panel_hit(const panel *p, int y, int x)
{
    if (x < p->x || x >= p->x + p->w) return -1;
    int r = y - p->y - p->header;
    if (r < 0 || r >= panel_visible(p)) return -1;
    int i = p->top + r;
    return i < p->n ? i : -1;
}

void panel_draw(panel *p, panel_row_fn row, void *ctx)
{
    panel_scroll(p);
    int v = panel_visible(p);
    for (int r = 0; r < v; r++) {
        int i = p->top + r, y = p->y + p->header + r;
        if (i < p->n) {
            row(ctx, i, y, p->x, p->w, i == p->sel);
        } else {
            move(y, p->x);
            for (int k = 0; k < p->w; k++) addch(' ');
        }
    }
}

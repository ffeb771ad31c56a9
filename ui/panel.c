/* panel.c: the list widget and the table columns (see panel.h). */
#include "panel.h"

#include "crt.h"
#include "fit.h"

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

int panel_columns(const panel_col *cols, int n, int x0, int width, int *x, int *w)
{
    int maxprio = 0, used = 0, shown = 0, nflex = 0, full = 0;
    for (int c = 0; c < n; c++) {
        w[c] = 0, x[c] = x0;
        if (cols[c].prio > maxprio) maxprio = cols[c].prio;
        if (cols[c].grow > maxprio) maxprio = cols[c].grow;
    }
    for (int p = 0; p <= maxprio && !full; p++) {
        for (int c = 0; c < n; c++) {
            int extra = cols[c].max - w[c];
            if (p && cols[c].grow == p && w[c] && extra > 0 && used + extra <= width)
                w[c] += extra, used += extra;
        }
        for (int c = 0; c < n && !full; c++) {
            if (cols[c].prio != p || cols[c].min <= 0) continue;
            int need = cols[c].min + (shown ? 1 : 0);
            if (used + need > width) {
                full = 1;
                break;
            }
            w[c] = cols[c].min, used += need, shown++;
            nflex += cols[c].flex != 0;
        }
    }
    for (int p = 0; p <= maxprio; p++)
        for (int c = 0; c < n; c++) {
            if (cols[c].prio != p || !w[c] || cols[c].flex) continue;
            int extra = cols[c].max - w[c];
            if (extra > width - used) extra = width - used;
            if (extra > 0) w[c] += extra, used += extra;
        }
    for (int c = 0, k = 0; c < n && nflex; c++) {
        if (!w[c] || !cols[c].flex) continue;
        int extra = (width - used) / (nflex - k++);
        w[c] += extra, used += extra;
    }
    for (int c = 0, xx = x0; c < n; c++) {
        x[c] = xx;
        if (w[c]) xx += w[c] + 1;
    }
    return used;
}

void panel_cell(int y, int x, int w, const char *s, int right, int utf8, attr_t attr)
{
    if (w <= 0) return;
    char f[FIT_LINE];
    int fw = fit_text(s, w, utf8, f, sizeof f);
    if (right && fw < w) {
        crt_put(y, x, w - fw, "", attr, 1);
        crt_put(y, x + w - fw, fw, f, attr, 0);
    } else {
        crt_put(y, x, w, f, attr, 1);
    }
}

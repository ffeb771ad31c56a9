/* chart.c: line and scatter charts on a canvas (see chart.h).
 *
 * Layout in three steps: the plot box's height is known from the top and bottom margins; the
 * y ticks follow from it and the y range, and their label widths fix the left margin; then the
 * width and the x ticks. Series are mapped to pixels in double precision and clipped to the
 * plot box (Cohen-Sutherland) before they become integer lines, so fixed ranges and wild
 * values never draw over the margins. */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const canvas_color class_colors[CHART_N_CLASS_COLORS] = {
    0x4e9af1, /* blue */
    0xf5a623, /* orange */
    0x59c75a, /* green */
    0xef5350, /* red */
    0xb084f5, /* purple */
    0xc08a5b, /* brown */
    0xf27ec6, /* pink */
    0xa0a0a0, /* grey */
    0xd4d43a, /* olive */
    0x3fd1e0, /* cyan */
    0xffd8a8, /* peach */
    0x1f9e89, /* teal */
};

canvas_color chart_class_color(int i)
{
    if (i < 0) i = -i;
    return class_colors[i % CHART_N_CLASS_COLORS];
}

void chart_init(chart *ch, int x, int y, int w, int h)
{
    memset(ch, 0, sizeof *ch);
    ch->x = x;
    ch->y = y;
    ch->w = w;
    ch->h = h;
    ch->labels = 1;
    ch->legend = 1;
    ch->grid = 1;
    ch->bg = 0x101418;
    ch->fg = 0xc8c8c8;
    ch->grid_color = 0x2a3038;
    ch->best_color = 0xe0e060;
}

static double series_x(const chart_series *s, int i)
{
    if (s->x) return s->x[i];
    return s->x0 + (double)i * (s->x_step != 0 ? s->x_step : 1.0);
}

/* The y value as plotted: log10 on a log axis, NaN when it cannot be shown. */
static double plot_y(const chart *ch, double y)
{
    if (!isfinite(y)) return NAN;
    if (ch->log_y) return y > 0 ? log10(y) : NAN;
    return y;
}

static void widen(double *lo, double *hi, double pad_frac)
{
    if (*lo > *hi) {
        *lo = 0;
        *hi = 1;
        return;
    }
    if (*lo == *hi) {
        double d = fabs(*lo) > 1e-12 ? fabs(*lo) * 0.5 : 0.5;
        *lo -= d;
        *hi += d;
        return;
    }
    double d = (*hi - *lo) * pad_frac;
    *lo -= d;
    *hi += d;
}

/* Ticks for one axis. Linear: nice numbers. Log (lo, hi in log10): whole decades when the
 * range spans at least one, else nice numbers of the linear values. */
static int axis_ticks(double lo, double hi, int is_log, int whole, int max_ticks, double *vals,
                      double *step_out)
{
    double step = 0;
    int n = 0;
    if (!is_log) {
        n = canvas_nice_ticks(lo, hi, max_ticks, vals, CHART_MAX_TICKS, &step);
        if (whole && step < 1) {
            /* whole numbers only: step 1 */
            n = 0;
            for (double t = ceil(lo - 1e-9); t <= hi + 1e-9 && n < CHART_MAX_TICKS; t += 1)
                vals[n++] = t;
            step = 1;
        }
    } else {
        int d0 = (int)ceil(lo - 1e-9), d1 = (int)floor(hi + 1e-9);
        if (d1 - d0 >= 1) {
            int every = 1;
            while ((d1 - d0) / every + 1 > max_ticks) every++;
            /* with few decades, 2x and 5x ticks too (0.01 0.02 0.05 0.1 ...) */
            int fine = every == 1 && 3 * (d1 - d0 + 2) <= max_ticks + 2;
            for (int d = fine ? d0 - 1 : d0; d <= d1 && n < CHART_MAX_TICKS; d += every) {
                static const double m[3] = {1, 2, 5};
                for (int k = 0; k < (fine ? 3 : 1) && n < CHART_MAX_TICKS; k++) {
                    double v = m[k] * pow(10, d);
                    if (log10(v) >= lo - 1e-9 && log10(v) <= hi + 1e-9) vals[n++] = v;
                }
            }
            step = 0; /* each decade formats on its own: 0.01, 0.1, 1, 1e-4 */
        } else {
            n = canvas_nice_ticks(pow(10, lo), pow(10, hi), max_ticks, vals, CHART_MAX_TICKS,
                                  &step);
        }
    }
    *step_out = step;
    return n;
}

/* Cohen-Sutherland clipping of a segment to [x0, x1] x [y0, y1]; 0 when nothing is left. */
static int outcode(double x, double y, double x0, double y0, double x1, double y1)
{
    return (x < x0) | ((x > x1) << 1) | ((y < y0) << 2) | ((y > y1) << 3);
}

static int clip_segment(double *ax, double *ay, double *bx, double *by, double x0, double y0,
                        double x1, double y1)
{
    int ca = outcode(*ax, *ay, x0, y0, x1, y1), cb = outcode(*bx, *by, x0, y0, x1, y1);
    for (int iter = 0; iter < 8; iter++) {
        if (!(ca | cb)) return 1;
        if (ca & cb) return 0;
        int co = ca ? ca : cb;
        double x, y;
        if (co & 8) {
            x = *ax + (*bx - *ax) * (y1 - *ay) / (*by - *ay);
            y = y1;
        } else if (co & 4) {
            x = *ax + (*bx - *ax) * (y0 - *ay) / (*by - *ay);
            y = y0;
        } else if (co & 2) {
            y = *ay + (*by - *ay) * (x1 - *ax) / (*bx - *ax);
            x = x1;
        } else {
            y = *ay + (*by - *ay) * (x0 - *ax) / (*bx - *ax);
            x = x0;
        }
        if (co == ca) {
            *ax = x;
            *ay = y;
            ca = outcode(x, y, x0, y0, x1, y1);
        } else {
            *bx = x;
            *by = y;
            cb = outcode(x, y, x0, y0, x1, y1);
        }
    }
    return 0;
}

/* Data (y already plotted: logged when log_y) to fractional pixels. */
static void to_px(const chart *ch, double x, double y, double *fx, double *fy)
{
    *fx = ch->px + (x - ch->x0) / (ch->x1 - ch->x0) * (ch->pw - 1);
    *fy = ch->py + (ch->ph - 1) - (y - ch->y0) / (ch->y1 - ch->y0) * (ch->ph - 1);
}

int chart_map(const chart *ch, double x, double y, int *px, int *py)
{
    double yy = plot_y(ch, y);
    if (!isfinite(x) || isnan(yy) || ch->x1 == ch->x0 || ch->y1 == ch->y0) return -1;
    double fx, fy;
    to_px(ch, x, yy, &fx, &fy);
    if (fabs(fx) > 1e8 || fabs(fy) > 1e8) return -1;
    *px = (int)lround(fx);
    *py = (int)lround(fy);
    return 0;
}

void chart_unmap(const chart *ch, int px, int py, double *x, double *y)
{
    double fx = ch->pw > 1 ? (double)(px - ch->px) / (ch->pw - 1) : 0;
    double fy = ch->ph > 1 ? (double)(ch->py + ch->ph - 1 - py) / (ch->ph - 1) : 0;
    *x = ch->x0 + fx * (ch->x1 - ch->x0);
    double yy = ch->y0 + fy * (ch->y1 - ch->y0);
    *y = ch->log_y ? pow(10, yy) : yy;
}

int chart_nearest(const chart *ch, const chart_series *s, int px, int py)
{
    int best = -1;
    double bd = 0;
    for (int i = 0; i < s->n; i++) {
        int qx, qy;
        if (chart_map(ch, series_x(s, i), s->y[i], &qx, &qy)) continue;
        double d = (double)(qx - px) * (qx - px) + (double)(qy - py) * (qy - py);
        if (best < 0 || d < bd) {
            best = i;
            bd = d;
        }
    }
    return best;
}

static canvas_color series_color(const chart *ch, const chart_series *s)
{
    return (s->style & CHART_FAINT) ? canvas_mix(s->color, ch->bg, 0.45) : s->color;
}

static void draw_series(canvas *c, const chart *ch, const chart_series *s)
{
    int style = s->style ? s->style : CHART_LINE;
    canvas_color col = series_color(ch, s);
    double bx0 = ch->px, by0 = ch->py, bx1 = ch->px + ch->pw - 1, by1 = ch->py + ch->ph - 1;
    if (style & CHART_LINE) {
        int width = (style & CHART_BOLD) ? 2 : 1;
        int have = 0;
        double lx = 0, ly = 0;
        for (int i = 0; i < s->n; i++) {
            double x = series_x(s, i), y = plot_y(ch, s->y[i]);
            if (!isfinite(x) || isnan(y)) {
                have = 0;
                continue;
            }
            double fx, fy;
            to_px(ch, x, y, &fx, &fy);
            if (have) {
                double ax = lx, ay = ly, bx = fx, by = fy;
                if (clip_segment(&ax, &ay, &bx, &by, bx0, by0, bx1, by1))
                    canvas_line_w(c, (int)lround(ax), (int)lround(ay), (int)lround(bx),
                                  (int)lround(by), width, col);
            } else if (fx >= bx0 && fx <= bx1 && fy >= by0 && fy <= by1) {
                canvas_pixel(c, (int)lround(fx), (int)lround(fy), col);
            }
            lx = fx;
            ly = fy;
            have = 1;
        }
    }
    if (style & (CHART_SCATTER | CHART_MARKERS)) {
        for (int i = 0; i < s->n; i++) {
            double x = series_x(s, i), y = plot_y(ch, s->y[i]);
            if (!isfinite(x) || isnan(y)) continue;
            double fx, fy;
            to_px(ch, x, y, &fx, &fy);
            if (fx < bx0 - 0.5 || fx > bx1 + 0.5 || fy < by0 - 0.5 || fy > by1 + 0.5) continue;
            int ix = (int)lround(fx), iy = (int)lround(fy);
            if (style & CHART_SCATTER) {
                canvas_color pc = s->cls ? chart_class_color(s->cls[i]) : col;
                canvas_point(c, ix, iy, s->radius, pc);
            }
            if (style & CHART_MARKERS) canvas_square(c, ix, iy, s->radius + 1, col);
        }
    }
}

static int max_label_width(const double *vals, int n, double step)
{
    int w = 0;
    char buf[32];
    for (int i = 0; i < n; i++) {
        int tw = canvas_text_width(canvas_format_tick(vals[i], step, buf, sizeof buf), 1);
        if (tw > w) w = tw;
    }
    return w;
}

int chart_draw(canvas *c, chart *ch, const chart_series *s, int ns, ae_err *err)
{
    for (int k = 0; k < ns; k++)
        if (s[k].n < 0 || (s[k].n > 0 && !s[k].y))
            return ae_fail(err, "chart: series %d: %s", k,
                           s[k].n < 0 ? "negative length" : "no y values");

    /* ranges from the data */
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    int scatter = 0;
    for (int k = 0; k < ns; k++) {
        if (s[k].style & CHART_SCATTER) scatter = 1;
        for (int i = 0; i < s[k].n; i++) {
            double x = series_x(&s[k], i), y = plot_y(ch, s[k].y[i]);
            if (!isfinite(x) || isnan(y)) continue;
            if (x < xlo) xlo = x;
            if (x > xhi) xhi = x;
            if (y < ylo) ylo = y;
            if (y > yhi) yhi = y;
        }
    }
    if (ch->has_best && isfinite(ch->best_x)) {
        if (ch->best_x < xlo) xlo = ch->best_x;
        if (ch->best_x > xhi) xhi = ch->best_x;
    }
    if (ch->fixed_x && ch->xmin < ch->xmax) {
        xlo = ch->xmin;
        xhi = ch->xmax;
    } else {
        widen(&xlo, &xhi, scatter ? 0.05 : 0.0);
    }
    if (ch->fixed_y && ch->ymin < ch->ymax && (!ch->log_y || (ch->ymin > 0 && ch->ymax > 0))) {
        ylo = plot_y(ch, ch->ymin);
        yhi = plot_y(ch, ch->ymax);
    } else {
        widen(&ylo, &yhi, 0.05);
    }

    /* layout: top and bottom margins first */
    int lab = ch->labels;
    int top = lab && ch->title ? CANVAS_FONT_H + 4 : 2;
    int bottom = lab ? 1 + 4 + 1 + CANVAS_FONT_H + (ch->x_label ? CANVAS_FONT_H + 2 : 0) + 1 : 3;
    int right = lab ? 10 : 2;
    ch->ph = ch->h - top - bottom;
    if (ch->ph < 8) return ae_fail(err, "chart: area %dx%d too small", ch->w, ch->h);

    double ystep, xstep;
    int max_y = ch->ph / (lab ? 28 : 16);
    if (max_y < 2) max_y = 2;
    ch->nyticks = axis_ticks(ylo, yhi, ch->log_y, 0, max_y, ch->yticks, &ystep);
    int left = lab ? max_label_width(ch->yticks, ch->nyticks, ystep) + 4 + 2 + 2 +
                         (ch->y_label ? CANVAS_FONT_H + 2 : 0)
                   : 3;
    ch->pw = ch->w - left - right;
    if (ch->pw < 8) return ae_fail(err, "chart: area %dx%d too small", ch->w, ch->h);
    ch->px = ch->x + left;
    ch->py = ch->y + top;

    if (ch->square && !ch->log_y) {
        /* equal units per pixel: widen the tighter axis around its centre */
        double ux = (xhi - xlo) / ch->pw, uy = (yhi - ylo) / ch->ph;
        if (ux > uy) {
            double m = (ylo + yhi) / 2, half = ux * ch->ph / 2;
            ylo = m - half;
            yhi = m + half;
        } else if (uy > ux) {
            double m = (xlo + xhi) / 2, half = uy * ch->pw / 2;
            xlo = m - half;
            xhi = m + half;
        }
        ch->nyticks = axis_ticks(ylo, yhi, 0, 0, max_y, ch->yticks, &ystep);
    }
    int max_x = ch->pw / (lab ? 8 * CANVAS_FONT_W : 16);
    if (max_x < 2) max_x = 2;
    ch->nxticks = axis_ticks(xlo, xhi, 0, ch->x_int, max_x, ch->xticks, &xstep);
    ch->x0 = xlo;
    ch->x1 = xhi;
    ch->y0 = ylo;
    ch->y1 = yhi;

    canvas_fill_rect(c, ch->x, ch->y, ch->w, ch->h, ch->bg);

    /* axes */
    canvas_tick xt[CHART_MAX_TICKS], yt[CHART_MAX_TICKS];
    for (int i = 0; i < ch->nxticks; i++) {
        double fx, fy;
        to_px(ch, ch->xticks[i], ch->y0, &fx, &fy);
        xt[i].pos = (int)lround(fx);
        canvas_format_tick(ch->xticks[i], xstep, xt[i].label, sizeof xt[i].label);
    }
    for (int i = 0; i < ch->nyticks; i++) {
        double fx, fy;
        to_px(ch, ch->x0, plot_y(ch, ch->yticks[i]), &fx, &fy);
        yt[i].pos = (int)lround(fy);
        canvas_format_tick(ch->yticks[i], ystep, yt[i].label, sizeof yt[i].label);
    }
    canvas_axes ax = {.x = ch->px,
                      .y = ch->py,
                      .w = ch->pw,
                      .h = ch->ph,
                      .xt = xt,
                      .yt = yt,
                      .nxt = ch->nxticks,
                      .nyt = ch->nyticks,
                      .x_label = ch->x_label,
                      .y_label = ch->y_label,
                      .labels = lab,
                      .fg = ch->fg,
                      .grid = ch->grid ? ch->grid_color : ch->fg};
    canvas_draw_axes(c, &ax);
    if (lab && ch->title) {
        int tw = canvas_text_width(ch->title, 1);
        canvas_text(c, ch->x + (ch->w - tw) / 2, ch->y + 1, ch->title, 1, ch->fg);
    }

    /* best-epoch marker under the series */
    if (ch->has_best && isfinite(ch->best_x)) {
        double fx, fy;
        to_px(ch, ch->best_x, ch->y0, &fx, &fy);
        int bx = (int)lround(fx);
        if (bx >= ch->px && bx < ch->px + ch->pw) {
            canvas_vline_dashed(c, bx, ch->py, ch->py + ch->ph - 1, 3, ch->best_color);
            if (lab) {
                const char *t = "best";
                int tw = canvas_text_width(t, 1);
                int tx = bx + 3 + tw <= ch->px + ch->pw ? bx + 3 : bx - 3 - tw;
                canvas_text(c, tx, ch->py + 1, t, 1, ch->best_color);
            }
        }
    }

    for (int k = 0; k < ns; k++) draw_series(c, ch, &s[k]);

    /* legend */
    if (lab && ch->legend) {
        canvas_legend_entry e[CHART_N_CLASS_COLORS * 2 + 16];
        int n = 0, cap = (int)(sizeof e / sizeof e[0]);
        for (int k = 0; k < ns && n < cap; k++)
            if (s[k].name) e[n++] = (canvas_legend_entry){s[k].name, series_color(ch, &s[k])};
        for (int i = 0; i < ch->n_classes && ch->class_names && n < cap; i++)
            e[n++] = (canvas_legend_entry){ch->class_names[i], chart_class_color(i)};
        int lw, lh;
        canvas_legend_size(e, n, &lw, &lh);
        if (n > 0 && lw + 8 <= ch->pw && lh + 8 <= ch->ph) {
            int lx = ch->legend == 2 ? ch->px + 4 : ch->px + ch->pw - lw - 4;
            int ly = ch->legend == 3 ? ch->py + ch->ph - lh - 4 : ch->py + 4;
            canvas_draw_legend(c, lx, ly, e, n, ch->fg, ch->bg);
        }
    }
    return 0;
}

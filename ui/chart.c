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

/* The x value as plotted: log2 on a log2 axis, NaN when it cannot be shown. */
static double plot_x(const chart *ch, double x)
{
    if (!isfinite(x)) return NAN;
    if (ch->log2_x) return x > 0 ? log2(x) : NAN;
    return x;
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

void chart_tick_labels(const double *vals, int n, double step, char (*out)[16])
{
    if (n > CHART_MAX_TICKS) n = CHART_MAX_TICKS;
    /* a finer step gives a digit more; six more are plenty for any two distinct doubles a
     * chart would tick (and the loop ends whatever happens) */
    for (int extra = 0; extra <= 6; extra++) {
        double scale = pow(10, -extra);
        for (int i = 0; i < n; i++) {
            double st = step > 0 ? step : extra ? fabs(vals[i]) : 0; /* 0: its own digits */
            canvas_format_tick(vals[i], st * scale, out[i], sizeof out[i]);
        }
        int dup = 0;
        for (int i = 0; i < n && !dup; i++)
            for (int j = i + 1; j < n && !dup; j++) dup = !strcmp(out[i], out[j]);
        if (!dup) return;
    }
}

/* Whole steps of `step` from lo to hi into vals (at most CHART_MAX_TICKS). */
static int ticks_by_step(double lo, double hi, double step, double *vals)
{
    int n = 0;
    double k0 = ceil(lo / step - 1e-9), k1 = floor(hi / step + 1e-9);
    for (double k = k0; k <= k1 && n < CHART_MAX_TICKS; k += 1) {
        double t = k * step;
        vals[n++] = fabs(t) < step * 1e-9 ? 0 : t;
    }
    return n;
}

/* Linear ticks; with `extend`, [*lo, *hi] grows to the ticks just outside it, so both ends of
 * the data are labelled. */
static int linear_ticks(double *lo, double *hi, int max_ticks, int extend, double *vals,
                        double *step)
{
    int n = canvas_nice_ticks(*lo, *hi, max_ticks, vals, CHART_MAX_TICKS, step);
    if (!extend || !(*step > 0)) return n;
    *lo = floor(*lo / *step + 1e-9) * *step;
    *hi = ceil(*hi / *step - 1e-9) * *step;
    return ticks_by_step(*lo, *hi, *step, vals);
}

/* Ticks for the y axis (lo, hi plotted: log10 when log_y; widened when extend). Log: 1, 2 and
 * 5 times the decades when at least two of them fall in the range (only the decades, or every
 * few, when those are too many), else nice numbers of the linear values. *step is 0 when the
 * ticks are not evenly spaced. */
static int y_ticks(const chart *ch, double *lo, double *hi, int max_ticks, int extend, double *vals,
                   double *step)
{
    if (!ch->log_y) return linear_ticks(lo, hi, max_ticks, extend, vals, step);
    *step = 0;
    static const double m[3] = {1, 2, 5};
    double cand[64];
    int nc = 0, inside = 0;
    for (int d = (int)floor(*lo) - 1; d <= (int)ceil(*hi) + 1 && nc < 61; d++)
        for (int k = 0; k < 3; k++) {
            cand[nc] = log10(m[k]) + d;
            inside += cand[nc] >= *lo - 1e-9 && cand[nc] <= *hi + 1e-9;
            nc++;
        }
    if (inside < 2) {
        /* a narrow range: linear ticks of the values; the bottom stays above 0 */
        double vlo = pow(10, *lo), vhi = pow(10, *hi), olo = vlo;
        int n = linear_ticks(&vlo, &vhi, max_ticks, extend, vals, step);
        if (!(vlo > 0)) { /* no 0 on a log axis: down to the 1, 2 or 5 under the data */
            vlo = olo;
            for (int i = 0; i < nc; i++)
                if (cand[i] <= *lo + 1e-9) vlo = pow(10, cand[i]);
            int k = 0;
            for (int i = 0; i < n; i++)
                if (vals[i] > vlo * (1 + 1e-9)) vals[k++] = vals[i];
            if (k > CHART_MAX_TICKS - 1) k = CHART_MAX_TICKS - 1;
            memmove(vals + 1, vals, (size_t)k * sizeof *vals);
            vals[0] = vlo;
            n = k + 1;
            *step = 0;
        }
        *lo = log10(vlo);
        *hi = log10(vhi);
        return n;
    }
    if (inside > max_ticks) {
        /* decades, every few of them when even those crowd */
        int d0 = (int)ceil(*lo - 1e-9), d1 = (int)floor(*hi + 1e-9), every = 1;
        while ((d1 - d0) / every + 1 > max_ticks) every++;
        if (extend) {
            int e0 = (int)floor(*lo + 1e-9), e1 = (int)ceil(*hi - 1e-9);
            e1 = e0 + (e1 - e0 + every - 1) / every * every;
            *lo = e0, *hi = e1;
        }
        int n = 0;
        for (int d = (int)ceil(*lo - 1e-9); d <= *hi + 1e-9 && n < CHART_MAX_TICKS; d += every)
            vals[n++] = pow(10, d);
        return n;
    }
    if (extend) { /* to the nearest of them outside the data */
        double nlo = *lo, nhi = *hi;
        for (int i = 0; i < nc; i++)
            if (cand[i] <= *lo + 1e-9) nlo = cand[i];
        for (int i = nc - 1; i >= 0; i--)
            if (cand[i] >= *hi - 1e-9) nhi = cand[i];
        *lo = nlo, *hi = nhi;
    }
    int n = 0;
    for (int i = 0; i < nc && n < CHART_MAX_TICKS; i++)
        if (cand[i] >= *lo - 1e-9 && cand[i] <= *hi + 1e-9) vals[n++] = pow(10, cand[i]);
    return n;
}

/* Ticks for the x axis (lo, hi plotted). Log2: powers of two (every other one, or fewer,
 * when they would crowd), or nice numbers when the range holds fewer than two of them. */
static int x_ticks(const chart *ch, double lo, double hi, int max_ticks, double *vals, double *step)
{
    int n = 0;
    *step = 0;
    if (ch->log2_x) {
        int p0 = (int)ceil(lo - 1e-9), p1 = (int)floor(hi + 1e-9);
        if (p1 - p0 >= 1) {
            int every = 1;
            while ((p1 - p0) / every + 1 > max_ticks) every++;
            for (int p = p0; p <= p1 && n < CHART_MAX_TICKS; p += every) vals[n++] = pow(2, p);
            return n;
        }
        return canvas_nice_ticks(pow(2, lo), pow(2, hi), max_ticks, vals, CHART_MAX_TICKS, step);
    }
    n = canvas_nice_ticks(lo, hi, max_ticks, vals, CHART_MAX_TICKS, step);
    if (ch->x_int && *step < 1) { /* whole numbers only (epochs): step 1 */
        *step = 1;
        n = ticks_by_step(lo, hi, 1, vals);
    }
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

/* Plotted values (x logged when log2_x, y when log_y) to fractional pixels. */
static void to_px(const chart *ch, double x, double y, double *fx, double *fy)
{
    int in = ch->inset;
    *fx = ch->px + in + (x - ch->x0) / (ch->x1 - ch->x0) * (ch->pw - 1 - 2 * in);
    *fy = ch->py + in + (ch->ph - 1 - 2 * in) -
          (y - ch->y0) / (ch->y1 - ch->y0) * (ch->ph - 1 - 2 * in);
}

int chart_map(const chart *ch, double x, double y, int *px, int *py)
{
    double xx = plot_x(ch, x), yy = plot_y(ch, y);
    if (isnan(xx) || isnan(yy) || ch->x1 == ch->x0 || ch->y1 == ch->y0) return -1;
    double fx, fy;
    to_px(ch, xx, yy, &fx, &fy);
    if (fabs(fx) > 1e8 || fabs(fy) > 1e8) return -1;
    *px = (int)lround(fx);
    *py = (int)lround(fy);
    return 0;
}

void chart_unmap(const chart *ch, int px, int py, double *x, double *y)
{
    int in = ch->inset, w = ch->pw - 1 - 2 * in, h = ch->ph - 1 - 2 * in;
    double fx = w > 0 ? (double)(px - ch->px - in) / w : 0;
    double fy = h > 0 ? (double)(ch->py + in + h - py) / h : 0;
    double xx = ch->x0 + fx * (ch->x1 - ch->x0);
    *x = ch->log2_x ? pow(2, xx) : xx;
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

/* The radius of CHART_MARKERS dots: visible at a glance at any size (3 pixels across in a
 * braille chart, up to 7 in a sixel one). */
static int marker_radius(const chart *ch, const chart_series *s)
{
    int r = ch->marker > 0 ? ch->marker : ch->ph / 70;
    if (r < 1) r = 1;
    if (r > 3 && ch->marker <= 0) r = 3;
    return r > s->radius + 1 ? r : s->radius + 1;
}

/* A segment between plotted points, clipped to the plot box. */
static void clipped_line(canvas *c, const chart *ch, double ax, double ay, double bx, double by,
                         int width, canvas_color col)
{
    double bx0 = ch->px, by0 = ch->py, bx1 = ch->px + ch->pw - 1, by1 = ch->py + ch->ph - 1;
    if (clip_segment(&ax, &ay, &bx, &by, bx0, by0, bx1, by1))
        canvas_line_w(c, (int)lround(ax), (int)lround(ay), (int)lround(bx), (int)lround(by), width,
                      col);
}

static void draw_series(canvas *c, const chart *ch, const chart_series *s)
{
    int style = s->style ? s->style : CHART_LINE;
    canvas_color col = series_color(ch, s);
    double bx0 = ch->px, by0 = ch->py, bx1 = ch->px + ch->pw - 1, by1 = ch->py + ch->ph - 1;
    int mr = marker_radius(ch, s);
    if (s->lo && s->hi) { /* spreads: a vertical bar with caps at each point */
        for (int i = 0; i < s->n; i++) {
            double x = plot_x(ch, series_x(s, i)), y0 = plot_y(ch, s->lo[i]),
                   y1 = plot_y(ch, s->hi[i]);
            if (isnan(x) || isnan(y0) || isnan(y1) || y0 == y1) continue;
            double fx, fy0, fy1, dummy;
            to_px(ch, x, y0, &fx, &fy0);
            to_px(ch, x, y1, &dummy, &fy1);
            clipped_line(c, ch, fx, fy0, fx, fy1, 1, col);
            clipped_line(c, ch, fx - mr - 1, fy0, fx + mr + 1, fy0, 1, col);
            clipped_line(c, ch, fx - mr - 1, fy1, fx + mr + 1, fy1, 1, col);
        }
    }
    if (style & CHART_LINE) {
        int width = (style & CHART_BOLD) ? 2 : 1;
        int have = 0;
        double lx = 0, ly = 0;
        for (int i = 0; i < s->n; i++) {
            double x = plot_x(ch, series_x(s, i)), y = plot_y(ch, s->y[i]);
            if (isnan(x) || isnan(y)) {
                have = 0;
                continue;
            }
            double fx, fy;
            to_px(ch, x, y, &fx, &fy);
            if (have)
                clipped_line(c, ch, lx, ly, fx, fy, width, col);
            else if (fx >= bx0 && fx <= bx1 && fy >= by0 && fy <= by1)
                canvas_pixel(c, (int)lround(fx), (int)lround(fy), col);
            lx = fx;
            ly = fy;
            have = 1;
        }
    }
    if (style & (CHART_SCATTER | CHART_MARKERS)) {
        for (int i = 0; i < s->n; i++) {
            double x = plot_x(ch, series_x(s, i)), y = plot_y(ch, s->y[i]);
            if (isnan(x) || isnan(y)) continue;
            double fx, fy;
            to_px(ch, x, y, &fx, &fy);
            if (fx < bx0 - 0.5 || fx > bx1 + 0.5 || fy < by0 - 0.5 || fy > by1 + 0.5) continue;
            int ix = (int)lround(fx), iy = (int)lround(fy);
            if (style & CHART_SCATTER) {
                canvas_color pc = s->cls ? chart_class_color(s->cls[i]) : col;
                canvas_point(c, ix, iy, s->radius, pc);
            }
            if (style & CHART_MARKERS) canvas_point(c, ix, iy, mr, col);
        }
    }
}

static int max_label_width(char (*labels)[16], int n)
{
    int w = 0;
    for (int i = 0; i < n; i++) {
        int tw = canvas_text_width(labels[i], 1);
        if (tw > w) w = tw;
    }
    return w;
}

/* Grows [lo, hi] by the plotted values of one series' points (and spreads). */
static void extent(const chart *ch, const chart_series *s, double *xlo, double *xhi, double *ylo,
                   double *yhi)
{
    for (int i = 0; i < s->n; i++) {
        double x = plot_x(ch, series_x(s, i));
        double ys[3] = {plot_y(ch, s->y[i]), NAN, NAN};
        if (s->lo && s->hi) ys[1] = plot_y(ch, s->lo[i]), ys[2] = plot_y(ch, s->hi[i]);
        if (isnan(x) || isnan(ys[0])) continue;
        if (x < *xlo) *xlo = x;
        if (x > *xhi) *xhi = x;
        for (int k = 0; k < 3; k++) {
            if (isnan(ys[k])) continue;
            if (ys[k] < *ylo) *ylo = ys[k];
            if (ys[k] > *yhi) *yhi = ys[k];
        }
    }
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
        extent(ch, &s[k], &xlo, &xhi, &ylo, &yhi);
    }
    double bestx = ch->has_best ? plot_x(ch, ch->best_x) : NAN;
    if (!isnan(bestx)) {
        if (bestx < xlo) xlo = bestx;
        if (bestx > xhi) xhi = bestx;
    }
    if (ch->fixed_x && ch->xmin < ch->xmax && (!ch->log2_x || ch->xmin > 0)) {
        xlo = plot_x(ch, ch->xmin);
        xhi = plot_x(ch, ch->xmax);
    } else if (ch->log2_x) {
        /* a third of an octave beyond the ends, so their markers stand clear of the frame */
        if (xlo > xhi)
            xlo = 3, xhi = 6;
        else if (xlo == xhi)
            xlo -= 1, xhi += 1;
        else
            xlo -= 1.0 / 3, xhi += 1.0 / 3;
    } else {
        widen(&xlo, &xhi, scatter ? 0.05 : 0.0);
    }
    int extend = 0;
    if (ch->fixed_y && ch->ymin < ch->ymax && (!ch->log_y || (ch->ymin > 0 && ch->ymax > 0))) {
        ylo = plot_y(ch, ch->ymin);
        yhi = plot_y(ch, ch->ymax);
    } else if (ch->square) {
        widen(&ylo, &yhi, 0.05);
    } else {
        widen(&ylo, &yhi, 0.0); /* only an empty or flat range; the ticks extend it */
        extend = 1;
    }

    /* layout: top and bottom margins first; the top tick's label is centred on the frame's
     * top edge, so the top margin holds half a label */
    int lab = ch->labels;
    int top = lab && ch->title ? CANVAS_FONT_H + 4 : lab ? CANVAS_FONT_H / 2 + 2 : 2;
    int bottom = lab ? 1 + 4 + 1 + CANVAS_FONT_H + (ch->x_label ? CANVAS_FONT_H + 2 : 0) + 1 : 3;
    int right = lab ? 10 : 2;
    ch->ph = ch->h - top - bottom;
    if (ch->ph < 8) return ae_fail(err, "chart: area %dx%d too small", ch->w, ch->h);

    double ystep, xstep;
    int max_y = ch->ph / (lab ? 28 : 8); /* unlabelled (braille): a tick every other row */
    if (max_y < 2) max_y = 2;
    if (max_y > CHART_MAX_TICKS - 2) max_y = CHART_MAX_TICKS - 2; /* + 2 when extended */
    ch->nyticks = y_ticks(ch, &ylo, &yhi, max_y, extend, ch->yticks, &ystep);
    chart_tick_labels(ch->yticks, ch->nyticks, ystep, ch->ylabels);
    int left = lab ? max_label_width(ch->ylabels, ch->nyticks) + 4 + 2 + 2 +
                         (ch->y_label ? CANVAS_FONT_H + 2 : 0)
                   : 3;
    ch->pw = ch->w - left - right;
    if (ch->pw < 8) return ae_fail(err, "chart: area %dx%d too small", ch->w, ch->h);
    ch->px = ch->x + left;
    ch->py = ch->y + top;
    ch->inset = 0;
    for (int k = 0; k < ns; k++) {
        int r = (s[k].style & CHART_MARKERS)   ? marker_radius(ch, &s[k])
                : (s[k].style & CHART_SCATTER) ? s[k].radius
                                               : 0;
        if (r > ch->inset) ch->inset = r;
    }
    if (ch->inset > ch->pw / 8) ch->inset = ch->pw / 8;
    if (ch->inset > ch->ph / 8) ch->inset = ch->ph / 8;

    if (ch->square && !ch->log_y && !ch->log2_x) {
        /* equal units per pixel: widen the tighter axis around its centre */
        int ew = ch->pw - 1 - 2 * ch->inset, eh = ch->ph - 1 - 2 * ch->inset;
        double ux = (xhi - xlo) / ew, uy = (yhi - ylo) / eh;
        if (ux > uy) {
            double m = (ylo + yhi) / 2, half = ux * eh / 2;
            ylo = m - half;
            yhi = m + half;
        } else if (uy > ux) {
            double m = (xlo + xhi) / 2, half = uy * ew / 2;
            xlo = m - half;
            xhi = m + half;
        }
        ch->nyticks = y_ticks(ch, &ylo, &yhi, max_y, 0, ch->yticks, &ystep);
        chart_tick_labels(ch->yticks, ch->nyticks, ystep, ch->ylabels);
    }
    int max_x = ch->pw / (lab ? 8 * CANVAS_FONT_W : 16);
    if (max_x < 2) max_x = 2;
    if (max_x > CHART_MAX_TICKS) max_x = CHART_MAX_TICKS;
    ch->nxticks = x_ticks(ch, xlo, xhi, max_x, ch->xticks, &xstep);
    chart_tick_labels(ch->xticks, ch->nxticks, xstep, ch->xlabels);
    ch->x0 = xlo;
    ch->x1 = xhi;
    ch->y0 = ylo;
    ch->y1 = yhi;

    canvas_fill_rect(c, ch->x, ch->y, ch->w, ch->h, ch->bg);

    /* axes */
    canvas_tick xt[CHART_MAX_TICKS], yt[CHART_MAX_TICKS];
    for (int i = 0; i < ch->nxticks; i++) {
        double fx, fy;
        to_px(ch, plot_x(ch, ch->xticks[i]), ch->y0, &fx, &fy);
        xt[i].pos = (int)lround(fx);
        snprintf(xt[i].label, sizeof xt[i].label, "%s", ch->xlabels[i]);
    }
    for (int i = 0; i < ch->nyticks; i++) {
        double fx, fy;
        to_px(ch, ch->x0, plot_y(ch, ch->yticks[i]), &fx, &fy);
        yt[i].pos = (int)lround(fy);
        snprintf(yt[i].label, sizeof yt[i].label, "%s", ch->ylabels[i]);
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
    if (!isnan(bestx)) {
        double fx, fy;
        to_px(ch, bestx, ch->y0, &fx, &fy);
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

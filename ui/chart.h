/* chart.h: line charts (loss curves) and scatter plots (latent space) drawn into a canvas.
 *
 * A chart is a rectangle of a canvas plus its settings; chart_draw() lays out the margins,
 * picks the ranges (from the data, or as given), draws axes with nice ticks, the series, an
 * optional best-epoch marker and a legend. After drawing, the chart holds the mapping from
 * data to pixels (chart_map / chart_unmap), so a screen can put a cursor on a point or find
 * the point nearest a mouse click, and the ticks it chose, so a text back end that draws no
 * labels itself (chart.labels = 0, e.g. braille) can print them as terminal text.
 *
 * Memory: the chart borrows every pointer it is given (series arrays, names, class names)
 * for the duration of chart_draw() only. Threads: any, one chart per thread. */
#ifndef AE_CHART_H
#define AE_CHART_H

#include "canvas.h"

/* Series styles (or-ed). */
enum {
    CHART_LINE = 1,    /* connect the points */
    CHART_SCATTER = 2, /* a dot at each point (class colours when `cls` is given) */
    CHART_MARKERS = 4, /* a filled dot at each point, sized to the chart (per-epoch values) */
    CHART_FAINT = 8,   /* blended towards the background (per-batch loss, older runs) */
    CHART_BOLD = 16,   /* two pixels wide */
};

typedef struct chart_series {
    const float *x; /* n values, or NULL for x = 0, 1, ..., n-1 (scaled by x_step) */
    const float *y; /* n values; non-finite values break a line and are not plotted */
    int n;
    double x0, x_step;        /* when x is NULL: x[i] = x0 + i * x_step (x_step 0 means 1) */
    canvas_color color;       /* line colour, or the dot colour when cls is NULL */
    int style;                /* CHART_* flags; 0 means CHART_LINE */
    int radius;               /* scatter dot radius, 0 = one pixel; markers at least radius + 1 */
    const unsigned char *cls; /* scatter: class index per point (colour chart_class_color) */
    const float *lo, *hi;     /* NULL, or a bar from lo[i] to hi[i] at each point (a spread) */
    const char *name;         /* legend entry; NULL keeps the series out of the legend */
} chart_series;

enum { CHART_MAX_TICKS = 16 };

typedef struct chart {
    /* settings (chart_init gives defaults) */
    int x, y, w, h; /* the area of the canvas the chart owns */
    const char *title, *x_label, *y_label;
    int log_y;            /* log10 y axis; values <= 0 are skipped */
    int log2_x;           /* log2 x axis, ticks at powers of two (8 16 32 64); x <= 0 skipped */
    int fixed_x, fixed_y; /* use xmin..xmax / ymin..ymax as given */
    int x_int;            /* x ticks on whole numbers only (epochs) */
    double xmin, xmax, ymin, ymax;
    int square;    /* same data units per pixel on both axes (scatter) */
    double best_x; /* a dashed vertical line here when has_best */
    int has_best;
    int labels;                     /* draw text (ticks, labels, title, legend) */
    int legend;                     /* 0 none, 1 top right, 2 top left, 3 bottom right */
    const char *const *class_names; /* legend for class-coloured scatter series */
    int n_classes;
    int grid;   /* dashed grid lines at the ticks */
    int marker; /* CHART_MARKERS dot radius in pixels; 0: from the chart's height */
    canvas_color bg, fg, grid_color, best_color;
    /* results of chart_draw */
    int px, py, pw, ph;    /* the plot box in canvas pixels */
    int inset;             /* data ends this far inside the box (markers stay in it) */
    double x0, x1, y0, y1; /* the ranges shown (x in log2 when log2_x, y in log10 when log_y) */
    double xticks[CHART_MAX_TICKS], yticks[CHART_MAX_TICKS]; /* data values (not logged) */
    int nxticks, nyticks;
    char xlabels[CHART_MAX_TICKS][16], ylabels[CHART_MAX_TICKS][16]; /* distinct tick labels */
} chart;

/* Axes: the y range (unless fixed_y or square) is widened to the ticks just below and above the
 * data, so the top of the data always has a labelled tick at or above it; tick labels are
 * formatted with as many digits as it takes for no two to be equal.
 *
 * Defaults: the whole area, dark background, labels and grid on, legend top right. */
void chart_init(chart *ch, int x, int y, int w, int h);

/* Clears the chart's area to ch->bg and draws everything. Returns -1 with err when the area
 * is too small for a plot box or a series is malformed (n < 0, NULL y with n > 0). Series
 * with no finite points are fine (an empty plot with default ranges). */
int chart_draw(canvas *c, chart *ch, const chart_series *s, int ns, ae_err *err);

/* Data to canvas pixels for the last chart_draw (y as a data value, logged here when log_y).
 * Returns 0, or -1 when the value is not finite (or <= 0 on a log axis). */
int chart_map(const chart *ch, double x, double y, int *px, int *py);
/* Canvas pixels back to data values. */
void chart_unmap(const chart *ch, int px, int py, double *x, double *y);

/* The index of the point of series s nearest to pixel (px, py), or -1 when none is finite. */
int chart_nearest(const chart *ch, const chart_series *s, int px, int py);

/* Labels for ticks vals[0..n-1] that are `step` apart (0: unevenly spaced, e.g. log decades):
 * each as short as the step allows, with more digits for all of them while any two would read
 * the same ("0.0350 0.0355", never "3.5e-2 3.5e-2"). n <= CHART_MAX_TICKS. */
void chart_tick_labels(const double *vals, int n, double step, char (*out)[16]);

/* The class palette: 12 colours that stay apart on a dark background; i wraps around. */
enum { CHART_N_CLASS_COLORS = 12 };
canvas_color chart_class_color(int i);

#endif

/* screen_runs.c: screen 3, every run in the store as a table, and one run's page.
 *
 * The table is t->rows_v (re-read when the store's data_version moves, so runs that another
 * process adds or updates appear within a second or two), filtered (model, status, tag, text)
 * and sorted (any column, either way) here, in memory. Marks live on the rows by id; tagging,
 * notes and deleting act on the marked runs, or on the selected one when none is marked.
 * Enter opens a run's page: hyperparameters, environment, summary, its curves, and `l` loads
 * its settings into the Train form with the run as the next run's parent. Everything that
 * comes from the store is shown through text_visible(). */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fit.h"
#include "model.h"
#include "text.h"
#include "tui.h"

/* The table's columns in their order on screen; which of them show depends on the width
 * (panel_columns): at 80 columns id, model, dataset, latent, epochs, status, test MSE, the PCA
 * baseline's MSE and training time; wider windows add the parent, the sample sizes, test MAE,
 * tags, start time, name, best MSE, wall time and samples/s, in that order. */
enum {
    C_ID,
    C_MODEL,
    C_DATASET,
    C_LATENT,
    C_EPOCHS,
    C_TRAIN_N,
    C_TEST_N,
    C_STATUS,
    C_MSE,
    C_PCA,
    C_MAE,
    C_BEST,
    C_TRAIN_TIME,
    C_WALL,
    C_SPS,
    C_STARTED,
    C_PARENT,
    C_TAGS,
    C_NAME,
    C_NCOLS
};
_Static_assert((int)C_NCOLS == (int)RUNS_NCOLS, "tui.h's RUNS_NCOLS is the number of columns");

/* title, min, max, right, prio, flex, grow */
static const panel_col cols_def[RUNS_NCOLS] = {
    [C_ID] = {"id", 2, 0, 1, 0, 0, 0},
    [C_MODEL] = {"model", 8, 8, 0, 0, 0, 0},
    [C_DATASET] = {"dataset", 7, 13, 0, 0, 0, 1},
    [C_LATENT] = {"lat", 3, 0, 1, 0, 0, 0},
    [C_EPOCHS] = {"ep", 3, 0, 1, 1, 0, 0},
    [C_TRAIN_N] = {"train N", 7, 0, 1, 5, 0, 0},
    [C_TEST_N] = {"test N", 6, 0, 1, 5, 0, 0},
    [C_STATUS] = {"status", 8, 11, 0, 0, 0, 1},
    [C_MSE] = {"test MSE", 8, 9, 1, 0, 0, 0},
    [C_PCA] = {"PCA MSE", 8, 9, 1, 2, 0, 0},
    [C_MAE] = {"test MAE", 8, 9, 1, 6, 0, 0},
    [C_BEST] = {"best MSE", 8, 9, 1, 10, 0, 0},
    [C_TRAIN_TIME] = {"train time", 10, 0, 1, 3, 0, 0},
    [C_WALL] = {"wall time", 9, 0, 1, 11, 0, 0},
    [C_SPS] = {"smp/s", 6, 0, 1, 12, 0, 0},
    [C_STARTED] = {"started", 11, 0, 0, 8, 0, 0},
    [C_PARENT] = {"parent", 6, 0, 1, 4, 0, 0},
    [C_TAGS] = {"tags", 10, 0, 0, 7, 1, 0},
    [C_NAME] = {"name", 12, 0, 0, 9, 1, 0},
};

static const char *const statuses[] = {"running", "finished",    "stopped", "diverged",
                                       "failed",  "interrupted", NULL};

enum {
    R_UP = 1,
    R_DOWN,
    R_PGUP,
    R_PGDN,
    R_HOME,
    R_END,
    R_OPEN,
    R_BACK,
    R_MARK,
    R_UNMARK_ALL,
    R_SORT_NEXT,
    R_SORT_PREV,
    R_SORT_REV,
    R_FILTER_TEXT,
    R_FILTER_MODEL,
    R_FILTER_STATUS,
    R_FILTER_SWEEP,
    R_FILTER_TAG,
    R_FILTER_CLEAR,
    R_TAG,
    R_NOTE,
    R_DELETE,
    R_LOAD,
    R_PICS_RECON,
    R_PICS_LATENT,
};

/* Screens 5 and 6 show run `id` (its checkpoint and latent vectors, issue 5). */
static void show_pictures(tui *t, int64_t id, int screen)
{
    if (t->pics.run != id) {
        tui_pics_select(t, id);
        tui_latent_free(t);
    }
    tui_switch(t, screen);
}

static const tui_key runs_keys[] = {
    {KEY_UP, "Up/k", "previous run (scroll up in a run's page)", R_UP, 0},
    {'k', NULL, NULL, R_UP, 0},
    {KEY_DOWN, "Down/j", "next run (scroll down in a run's page)", R_DOWN, 0},
    {'j', NULL, NULL, R_DOWN, 0},
    {KEY_PPAGE, "PgUp", "page up", R_PGUP, 0},
    {KEY_NPAGE, "PgDn", "page down", R_PGDN, 0},
    {KEY_HOME, "Home/g", "first run", R_HOME, 0},
    {'g', NULL, NULL, R_HOME, 0},
    {KEY_END, "End/G", "last run", R_END, 0},
    {'G', NULL, NULL, R_END, 0},
    {'\n', "Enter", "open the run's page", R_OPEN, ACTION_HINT},
    {'\r', NULL, NULL, R_OPEN, 0},
    {KEY_ENTER, NULL, NULL, R_OPEN, 0},
    {27, "Esc/h/Left", "back from a run's page to the table", R_BACK, 0},
    {'h', NULL, NULL, R_BACK, 0},
    {KEY_LEFT, NULL, NULL, R_BACK, 0},
    {KEY_BACKSPACE, NULL, NULL, R_BACK, 0},
    {' ', "Space", "mark / unmark the run (Compare overlays the marked runs)", R_MARK, ACTION_HINT},
    {'u', "u", "unmark all", R_UNMARK_ALL, 0},
    {'o', "o/O", "sort by the next / previous column", R_SORT_NEXT, ACTION_HINT},
    {'O', NULL, NULL, R_SORT_PREV, 0},
    {'r', "r", "reverse the sort order", R_SORT_REV, 0},
    {'/', "/", "filter by text (id, name, model, dataset, status, tags)", R_FILTER_TEXT,
     ACTION_HINT},
    {'M', "M", "filter by model (cycles)", R_FILTER_MODEL, 0},
    {'S', "S", "filter by status (cycles)", R_FILTER_STATUS, 0},
    {'W', "W", "filter by sweep (cycles; Compare's elbow follows it)", R_FILTER_SWEEP, 0},
    {'T', "T", "filter by tag", R_FILTER_TAG, 0},
    {'c', "c", "clear the filters", R_FILTER_CLEAR, 0},
    {'t', "t", "add a tag to the marked (or selected) runs; -tag removes it", R_TAG, ACTION_HINT},
    {'n', "n", "edit the run's notes", R_NOTE, 0},
    {'d', "d/Del", "delete the marked (or selected) runs, after asking", R_DELETE, 0},
    {KEY_DC, NULL, NULL, R_DELETE, 0},
    {'l', "l", "load the run's settings into the Train form (it becomes the parent)", R_LOAD, 0},
    {'v', "v", "the run's reconstructions (screen 6, from its checkpoint)", R_PICS_RECON,
     ACTION_HINT},
    {'L', "L", "the run's latent space (screen 5)", R_PICS_LATENT, 0},
    {0, NULL, NULL, 0, 0}};

/* ---- filter and sort ------------------------------------------------------------------- */

/* From creation to the end (or to now while running): loading the data, training, testing
 * and the PCA baseline. The training time alone is the summary's seconds. */
static double row_wall(const tui_row *v)
{
    if (v->r.finished > 0 && v->r.created > 0) return v->r.finished - v->r.created;
    if (!strcmp(v->r.status, "running") && v->r.created > 0)
        return (double)time(NULL) - v->r.created;
    return NAN;
}

static double row_train_time(const tui_row *v)
{
    return v->r.sum.has ? v->r.sum.seconds : NAN;
}

static int icontains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (!n) return 1;
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n) return 1;
    }
    return 0;
}

static int has_tag(const char *tags, const char *tag)
{
    size_t n = strlen(tag);
    const char *p = tags;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncmp(p, tag, n)) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

static int keep(const tui *t, const tui_row *v)
{
    const tui_runs_state *s = &t->runs;
    if (s->f_model > 0 && strcmp(v->r.model, model_presets[s->f_model - 1].name)) return 0;
    if (s->f_status > 0 && strcmp(v->r.status, statuses[s->f_status - 1])) return 0;
    if (s->f_tag[0] && !has_tag(v->r.tags, s->f_tag)) return 0;
    if (s->f_sweep > 0 && v->r.sweep != s->f_sweep) return 0;
    if (s->f_text[0]) {
        char id[24];
        snprintf(id, sizeof id, "#%lld", (long long)v->r.id);
        if (!icontains(id, s->f_text) && !icontains(v->r.name, s->f_text) &&
            !icontains(v->r.model, s->f_text) && !icontains(v->r.dataset, s->f_text) &&
            !icontains(v->r.status, s->f_text) && !icontains(v->r.tags, s->f_text))
            return 0;
    }
    return 1;
}

static int cmp_num(double a, double b)
{
    if (isnan(a)) return isnan(b) ? 0 : 1; /* unknown last */
    if (isnan(b)) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
}

static double sum_or_nan(const tui_row *v, double x)
{
    return v->r.sum.has ? x : NAN;
}
static double known(int n)
{
    return n > 0 ? n : NAN;
}

static int compare_rows(const tui *t, const tui_row *a, const tui_row *b)
{
    int c = 0;
    switch (t->runs.sort_col) {
    case C_ID:
        c = cmp_num((double)a->r.id, (double)b->r.id);
        break;
    case C_MODEL:
        c = strcmp(a->r.model, b->r.model);
        break;
    case C_DATASET:
        c = strcmp(a->r.dataset, b->r.dataset);
        break;
    case C_LATENT:
        c = cmp_num(known(a->latent), known(b->latent));
        break;
    case C_EPOCHS:
        c = cmp_num(a->r.sum.has ? a->r.sum.epochs : 0, b->r.sum.has ? b->r.sum.epochs : 0);
        break;
    case C_TRAIN_N:
        c = cmp_num(known(a->train_n), known(b->train_n));
        break;
    case C_TEST_N:
        c = cmp_num(known(a->test_n), known(b->test_n));
        break;
    case C_STATUS:
        c = strcmp(a->r.status, b->r.status);
        break;
    case C_MSE:
        c = cmp_num(sum_or_nan(a, a->r.sum.test_mse), sum_or_nan(b, b->r.sum.test_mse));
        break;
    case C_PCA:
        c = cmp_num(a->pca > 0 ? a->pca_mse : NAN, b->pca > 0 ? b->pca_mse : NAN);
        break;
    case C_MAE:
        c = cmp_num(sum_or_nan(a, a->r.sum.test_mae), sum_or_nan(b, b->r.sum.test_mae));
        break;
    case C_BEST:
        c = cmp_num(sum_or_nan(a, a->r.sum.best_test_loss), sum_or_nan(b, b->r.sum.best_test_loss));
        break;
    case C_TRAIN_TIME:
        c = cmp_num(row_train_time(a), row_train_time(b));
        break;
    case C_WALL:
        c = cmp_num(row_wall(a), row_wall(b));
        break;
    case C_SPS:
        c = cmp_num(sum_or_nan(a, a->r.sum.samples_per_sec),
                    sum_or_nan(b, b->r.sum.samples_per_sec));
        break;
    case C_STARTED:
        c = cmp_num(a->r.created, b->r.created);
        break;
    case C_PARENT:
        c = cmp_num(a->r.parent > 0 ? (double)a->r.parent : NAN,
                    b->r.parent > 0 ? (double)b->r.parent : NAN);
        break;
    case C_TAGS:
        c = strcmp(a->r.tags, b->r.tags);
        break;
    case C_NAME:
        c = strcmp(a->r.name, b->r.name);
        break;
    default:
        break;
    }
    if (!c) c = cmp_num((double)a->r.id, (double)b->r.id);
    return c;
}

static void rebuild_view(tui *t)
{
    tui_runs_state *s = &t->runs;
    int64_t sel_id =
        s->nview > 0 && s->list.sel < s->nview ? t->rows_v[s->view[s->list.sel]].r.id : -1;
    free(s->view);
    s->view = malloc((size_t)(t->nrows > 0 ? t->nrows : 1) * sizeof *s->view);
    s->nview = 0;
    if (!s->view) return;
    for (int i = 0; i < t->nrows; i++)
        if (keep(t, &t->rows_v[i])) s->view[s->nview++] = i;
    if (s->sort_col == C_PCA) /* every baseline is needed to sort by it */
        for (int i = 0; i < s->nview; i++) tui_row_baseline(t, &t->rows_v[s->view[i]]);
    /* insertion sort keeps it simple and stable; the table is small (hundreds of rows) */
    for (int i = 1; i < s->nview; i++) {
        int v = s->view[i], j = i - 1;
        while (j >= 0) {
            int c = compare_rows(t, &t->rows_v[s->view[j]], &t->rows_v[v]);
            if (s->sort_desc) c = -c;
            if (c <= 0) break;
            s->view[j + 1] = s->view[j];
            j--;
        }
        s->view[j + 1] = v;
    }
    panel_set_count(&s->list, s->nview);
    for (int i = 0; i < s->nview; i++) /* keep the selection on the same run */
        if (t->rows_v[s->view[i]].r.id == sel_id) s->list.sel = i;
    panel_scroll(&s->list);
}

static tui_row *selected(tui *t)
{
    tui_runs_state *s = &t->runs;
    if (s->nview <= 0 || s->list.sel < 0 || s->list.sel >= s->nview) return NULL;
    return &t->rows_v[s->view[s->list.sel]];
}

/* ---- the table ------------------------------------------------------------------------- */

typedef struct layout {
    int x[RUNS_NCOLS], w[RUNS_NCOLS];
} layout;

static int digits(long long v)
{
    int n = 1;
    while (v >= 10) v /= 10, n++;
    return n;
}

/* The columns for a table width cells wide (the mark takes the first two). Number columns are
 * as wide as their widest value, the sorted column one more for its arrow. */
static void make_layout(const tui *t, int width, layout *L)
{
    panel_col c[RUNS_NCOLS];
    memcpy(c, cols_def, sizeof c);
    long long id = 0, lat = 0, trn = 0, tst = 0;
    for (int i = 0; i < t->nrows; i++) {
        const tui_row *v = &t->rows_v[i];
        if (v->r.id > id) id = v->r.id;
        if (v->latent > lat) lat = v->latent;
        if (v->train_n > trn) trn = v->train_n;
        if (v->test_n > tst) tst = v->test_n;
    }
#define AT_LEAST(col, n) (c[col].min = c[col].min > (n) ? c[col].min : (n))
    AT_LEAST(C_ID, digits(id));
    AT_LEAST(C_LATENT, digits(lat));
    AT_LEAST(C_TRAIN_N, digits(trn));
    AT_LEAST(C_TEST_N, digits(tst));
    AT_LEAST(C_PARENT, digits(id) + 1);
#undef AT_LEAST
    int sc = t->runs.sort_col;
    if (sc >= 0 && sc < RUNS_NCOLS) {
        c[sc].min++;
        if (c[sc].max >= c[sc].min - 1) c[sc].max++;
    }
    panel_columns(c, RUNS_NCOLS, 2, width - 2, L->x, L->w);
}

/* A measured number in a cell of w columns, as many digits as fit, never cut. */
static void num_cell(const tui *t, int y, int x, int w, double v, attr_t a)
{
    char b[32];
    fit_num(v, w, b, sizeof b);
    panel_cell(y, x, w, b, 1, t->crt.utf8, a);
}

static void draw_row(void *ctx, int i, int y, int x, int w, int sel)
{
    tui *t = ctx;
    tui_row *v = &t->rows_v[t->runs.view[i]];
    layout L;
    make_layout(t, w, &L);
    attr_t a = sel         ? crt_attr(&t->crt, CRT_SELECTED)
               : v->marked ? crt_attr(&t->crt, CRT_MARKED)
                           : 0;
    attr_t st = a;
    if (!sel) {
        if (!strcmp(v->r.status, "running"))
            st = crt_attr(&t->crt, CRT_GOOD);
        else if (!strcmp(v->r.status, "failed") || !strcmp(v->r.status, "diverged"))
            st = crt_attr(&t->crt, CRT_BAD);
        else if (!strcmp(v->r.status, "stopped") || !strcmp(v->r.status, "interrupted"))
            st = crt_attr(&t->crt, CRT_WARN);
    }
    int u = t->crt.utf8;
    crt_put(y, x, w, "", a, 1);
    crt_put(y, x, 2, v->marked ? "*" : " ", a | A_BOLD, 0);
    char b[64];
    const store_summary *s = &v->r.sum;
#define CELL(col, text, right, attr) panel_cell(y, x + L.x[col], L.w[col], text, right, u, attr)
#define NUM(col, value)              num_cell(t, y, x + L.x[col], L.w[col], value, a)
    snprintf(b, sizeof b, "%lld", (long long)v->r.id);
    CELL(C_ID, b, 1, a);
    CELL(C_MODEL, v->r.model, 0, a);
    CELL(C_DATASET, v->r.dataset, 0, a);
    snprintf(b, sizeof b, "%d", v->latent);
    CELL(C_LATENT, v->latent ? b : "-", 1, a);
    snprintf(b, sizeof b, "%d", s->has ? s->epochs : 0);
    CELL(C_EPOCHS, b, 1, a);
    snprintf(b, sizeof b, "%d", v->train_n);
    CELL(C_TRAIN_N, v->train_n ? b : "-", 1, a);
    snprintf(b, sizeof b, "%d", v->test_n);
    CELL(C_TEST_N, v->test_n ? b : "-", 1, a);
    CELL(C_STATUS, v->r.status, 0, st);
    NUM(C_MSE, s->has ? s->test_mse : NAN);
    if (L.w[C_PCA] && tui_row_baseline(t, v))
        NUM(C_PCA, v->pca_mse);
    else
        CELL(C_PCA, "n/a", 1, a); /* not computed yet (as on Compare) */
    NUM(C_MAE, s->has ? s->test_mae : NAN);
    NUM(C_BEST, s->has ? s->best_test_loss : NAN);
    tui_fmt_duration(row_train_time(v), b, sizeof b);
    CELL(C_TRAIN_TIME, b, 1, a);
    tui_fmt_duration(row_wall(v), b, sizeof b);
    CELL(C_WALL, b, 1, a);
    if (s->has && isfinite(s->samples_per_sec))
        snprintf(b, sizeof b, "%.0f", s->samples_per_sec);
    else
        snprintf(b, sizeof b, "-");
    CELL(C_SPS, b, 1, a);
    tui_fmt_time(v->r.created, b, sizeof b);
    CELL(C_STARTED, b, 0, a);
    snprintf(b, sizeof b, "#%lld", (long long)v->r.parent);
    CELL(C_PARENT, v->r.parent > 0 ? b : "-", 1, a);
    CELL(C_TAGS, v->r.tags, 0, a);
    CELL(C_NAME, v->r.name, 0, a);
#undef CELL
#undef NUM
}

/* The title of column c in the header: its name, and the sort order's arrow when sorted
 * (▼ descending, ▲ ascending; v and ^ without UTF-8). */
static void header_title(const tui_runs_state *s, int c, int utf8, char *out, size_t len)
{
    const char *arrow =
        s->sort_desc ? (utf8 ? "\xe2\x96\xbc" : "v") : (utf8 ? "\xe2\x96\xb2" : "^");
    snprintf(out, len, "%s%s", cols_def[c].title, c == s->sort_col ? arrow : "");
}

static void draw_table(tui *t, int y, int x, int h, int w)
{
    tui_runs_state *s = &t->runs;
    int u = t->crt.utf8;
    rebuild_view(t);
    /* the line above the table: how many runs, the sort, the filters; the marks on the right */
    int marked = 0;
    for (int i = 0; i < t->nrows; i++) marked += t->rows_v[i].marked;
    char m[32] = "";
    if (marked) snprintf(m, sizeof m, " %d marked", marked);
    int mw = (int)strlen(m), fw = w - 1 - mw;
    if (marked) crt_put(y, x + w - mw, mw, m, crt_attr(&t->crt, CRT_MARKED), 0);
    char total[32], f[256];
    fit_plural(t->nrows, "run", total, sizeof total);
    snprintf(f, sizeof f, "%d of %s  sort: %s %s", s->nview, total, cols_def[s->sort_col].title,
             s->sort_desc ? "desc" : "asc");
    int used = crt_put(y, x + 1, fw, f, crt_attr(&t->crt, CRT_TITLE), 0);
    char flt[256] = "";
    if (s->f_model > 0)
        snprintf(flt + strlen(flt), sizeof flt - strlen(flt), "  model=%s",
                 model_presets[s->f_model - 1].name);
    if (s->f_status > 0)
        snprintf(flt + strlen(flt), sizeof flt - strlen(flt), "  status=%s",
                 statuses[s->f_status - 1]);
    if (s->f_tag[0]) snprintf(flt + strlen(flt), sizeof flt - strlen(flt), "  tag=%s", s->f_tag);
    if (s->f_sweep > 0)
        snprintf(flt + strlen(flt), sizeof flt - strlen(flt), "  sweep=%lld",
                 (long long)s->f_sweep);
    if (s->f_text[0]) snprintf(flt + strlen(flt), sizeof flt - strlen(flt), "  text=%s", s->f_text);
    if (flt[0]) {
        char vis[300];
        fit_text(flt, fw - used, u, vis, sizeof vis);
        crt_put(y, x + 1 + used, fw - used, vis, crt_attr(&t->crt, CRT_WARN), 0);
    }
    /* header */
    layout L;
    make_layout(t, w, &L);
    attr_t ha = crt_attr(&t->crt, CRT_HEADER);
    crt_put(y + 1, x, w, "", ha, 1);
    for (int c = 0; c < RUNS_NCOLS; c++) {
        if (!L.w[c]) continue;
        char title[32];
        header_title(s, c, u, title, sizeof title);
        panel_cell(y + 1, x + L.x[c], L.w[c], title, cols_def[c].right, u,
                   ha | (c == s->sort_col ? A_BOLD : 0));
    }
    s->list.header = 1;
    panel_place(&s->list, y + 1, x, h - 1, w);
    panel_set_count(&s->list, s->nview);
    if (!s->nview) {
        tui_clear(y + 2, x, h - 2, w);
        crt_put(y + 3, x + 2, w - 4,
                t->nrows ? "No run matches the filters (c clears them)."
                         : "No runs yet: 2 trains one.",
                crt_attr(&t->crt, CRT_DIM), 0);
        return;
    }
    panel_draw(&s->list, draw_row, t);
}

/* ---- a run's page ---------------------------------------------------------------------- */

static void detail_free(tui_runs_state *s)
{
    free(s->dparams), free(s->depochs), free(s->dbl);
    s->dparams = NULL, s->depochs = NULL, s->dbl = NULL;
    s->ndparams = s->ndepochs = s->ndbl = 0;
}

static void detail_load(tui *t)
{
    tui_runs_state *s = &t->runs;
    ae_err err;
    detail_free(s);
    s->detail_stale = 0;
    if (store_run_get(t->st, s->detail_id, &s->drun, &err)) {
        tui_message(t, "%s", err.msg);
        s->detail = 0;
        return;
    }
    store_params_get(t->st, s->detail_id, &s->dparams, &s->ndparams, &err);
    if (store_epochs_get(t->st, s->detail_id, &s->depochs, &s->ndepochs, &err)) return;
    int total = 0;
    for (int i = 0; i < s->ndepochs; i++) total += s->depochs[i].nbatches;
    if (total > 0 && (s->dbl = malloc((size_t)total * sizeof(float)))) {
        for (int i = 0; i < s->ndepochs; i++) {
            float *v = NULL;
            int n = 0;
            if (store_batch_losses_get(t->st, s->detail_id, s->depochs[i].epoch, &v, &n, &err) ==
                    0 &&
                v) {
                if (s->ndbl + n > total) n = total - s->ndbl;
                memcpy(s->dbl + s->ndbl, v, (size_t)n * sizeof(float));
                s->ndbl += n;
            }
            free(v);
        }
    }
}

static const store_param *param(const tui_runs_state *s, const char *name)
{
    for (int i = 0; i < s->ndparams; i++)
        if (!strcmp(s->dparams[i].name, name)) return &s->dparams[i];
    return NULL;
}

/* The text of a run's page: lines laid out for w cells (values from outside fitted or wrapped,
 * numbers whole), kept in a growing array. */
typedef struct page_line {
    char text[FIT_LINE];
    attr_t a;
} page_line;

typedef struct page {
    page_line *l;
    int n, cap, w, utf8;
} page;

enum { LABEL_W = 13 }; /* "  best MSE   " */

static page_line *pg_new(page *p, attr_t a)
{
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 64;
        page_line *l = realloc(p->l, (size_t)cap * sizeof *l);
        if (!l) return NULL;
        p->l = l, p->cap = cap;
    }
    page_line *l = &p->l[p->n++];
    l->text[0] = 0, l->a = a;
    return l;
}

/* A line of our own text (labels and numbers, made to fit by its format). */
static void pg_add(page *p, attr_t a, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pg_add(page *p, attr_t a, const char *fmt, ...)
{
    page_line *l = pg_new(p, a);
    if (!l) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->text, sizeof l->text, fmt, ap);
    va_end(ap);
}

/* "  label      value" with a value from outside, cut to the line (path: keeps its end) or
 * wrapped onto up to `wrap` lines under itself. */
static void pg_kv(page *p, const char *label, const char *value, int path, int wrap)
{
    int vw = p->w - LABEL_W;
    char lines[8][FIT_LINE];
    int n = 1;
    if (wrap > 1)
        n = fit_wrap(value, vw, p->utf8, lines, wrap > 8 ? 8 : wrap);
    else if (path)
        fit_path(value, vw, p->utf8, lines[0], sizeof lines[0]);
    else
        fit_text(value, vw, p->utf8, lines[0], sizeof lines[0]);
    for (int i = 0; i < (n ? n : 1); i++)
        pg_add(p, 0, "  %-*s%s", LABEL_W - 2, i ? "" : label, n ? lines[i] : "");
}

static void pg_num(page *p, const char *label, double v, const char *after)
{
    char b[32];
    fit_num(v, 10, b, sizeof b);
    pg_add(p, 0, "  %-*s%s%s", LABEL_W - 2, label, b, after ? after : "");
}

static void draw_detail(tui *t, int y, int x, int h, int w)
{
    tui_runs_state *s = &t->runs;
    if (s->detail_stale) detail_load(t);
    if (!s->detail) return;
    tui_clear(y, x, h, w);
    const store_run *r = &s->drun;
    int lw = w / 2 - 1 < 52 ? w / 2 - 1 : 52;
    page pg = {.w = lw, .utf8 = t->crt.utf8};
    attr_t ti = crt_attr(&t->crt, CRT_TITLE);
    char a[64], b[64], vis[FIT_LINE];
    tui_row *row = NULL;
    for (int i = 0; i < t->nrows; i++)
        if (t->rows_v[i].r.id == r->id) row = &t->rows_v[i];

    snprintf(a, sizeof a, "Run #%lld ", (long long)r->id);
    fit_text(r->name, lw - (int)strlen(a), pg.utf8, vis, sizeof vis);
    pg_add(&pg, ti, "%s%s", a, vis);
    pg_kv(&pg, "status", r->status, 0, 1);
    if (r->message[0]) pg_kv(&pg, "", r->message, 0, 4);
    if (r->parent) pg_add(&pg, 0, "  %-*s#%lld", LABEL_W - 2, "parent", (long long)r->parent);
    tui_fmt_time(r->created, a, sizeof a);
    pg_add(&pg, 0, "  %-*s%s", LABEL_W - 2, "started", a);
    tui_fmt_time(r->finished, b, sizeof b);
    pg_add(&pg, 0, "  %-*s%s", LABEL_W - 2, "ended", b);
    if (row && row->r.tags[0]) pg_kv(&pg, "tags", row->r.tags, 0, 3);
    if (r->notes[0]) pg_kv(&pg, "notes", r->notes, 0, 6);

    pg_add(&pg, 0, "%s", "");
    pg_add(&pg, ti, "Results");
    if (row && row->r.sum.has) {
        const store_summary *m = &row->r.sum;
        pg_num(&pg, "test MSE", m->test_mse, NULL);
        pg_num(&pg, "test MAE", m->test_mae, NULL);
        snprintf(a, sizeof a, " (epoch %d of %d)", m->best_epoch, m->epochs);
        pg_num(&pg, "best MSE", m->best_test_loss, a);
        if (tui_row_baseline(t, row)) {
            char mae[16];
            fit_num(row->pca_mae, 8, mae, sizeof mae);
            snprintf(a, sizeof a, ", MAE %s", mae);
            pg_num(&pg, "PCA MSE", row->pca_mse, a);
        } else {
            pg_add(&pg, 0, "  %-*snot computed", LABEL_W - 2, "PCA MSE");
        }
        tui_fmt_duration(m->seconds, a, sizeof a);
        pg_add(&pg, 0, "  %-*s%s", LABEL_W - 2, "train time", a);
        tui_fmt_duration(row_wall(row), a, sizeof a);
        /* the wall time includes what the training time does not; said when it fits */
        const char *incl = " (with loading, tests, PCA)";
        if (LABEL_W + (int)strlen(a) + (int)strlen(incl) > lw) incl = "";
        pg_add(&pg, 0, "  %-*s%s%s", LABEL_W - 2, "wall time", a, incl);
        pg_add(&pg, 0, "  %-*s%.0f", LABEL_W - 2, "samples/s", m->samples_per_sec);
    } else {
        pg_add(&pg, crt_attr(&t->crt, CRT_DIM), "  no epoch recorded yet");
    }

    pg_add(&pg, 0, "%s", "");
    pg_add(&pg, ti, "Hyperparameters");
    for (int i = 0; i < s->ndparams; i++) {
        const store_param *p = &s->dparams[i];
        char name[LABEL_W];
        fit_text(p->name, LABEL_W - 3, pg.utf8, name, sizeof name);
        if (p->is_text) {
            pg_kv(&pg, name, p->text, strchr(p->text, '/') != NULL, 1);
        } else {
            /* whole numbers (sizes, epochs, seeds) as integers */
            if (p->num == floor(p->num) && fabs(p->num) < 1e15)
                snprintf(b, sizeof b, "%.0f", p->num);
            else
                snprintf(b, sizeof b, "%.6g", p->num);
            pg_add(&pg, 0, "  %-*s%s", LABEL_W - 2, name, b);
        }
    }

    pg_add(&pg, 0, "%s", "");
    pg_add(&pg, ti, "Environment");
    pg_kv(&pg, "host", r->host, 0, 1);
    pg_add(&pg, 0, "  %-*s%lld", LABEL_W - 2, "pid", (long long)r->pid);
    pg_kv(&pg, "aetui", r->version, 0, 1);
    pg_kv(&pg, "BLAS core", r->blas_core, 0, 1);
    pg_add(&pg, 0, "  %-*s%d", LABEL_W - 2, "threads", r->threads);
    pg_add(&pg, 0, "  %-*s%llu", LABEL_W - 2, "seed", (unsigned long long)r->seed);
    text_visible(r->data_sha256, vis, sizeof vis);
    pg_add(&pg, 0, "  %-*s%.16s", LABEL_W - 2, "data hash", vis);

    pg_add(&pg, 0, "%s", "");
    pg_add(&pg, ti, "epoch  train loss  test loss  test MAE");
    for (int i = 0; i < s->ndepochs; i++) {
        char tl[16], te2[16], tm[16];
        fit_num(s->depochs[i].train_loss, 9, tl, sizeof tl);
        fit_num(s->depochs[i].test_loss, 9, te2, sizeof te2);
        fit_num(s->depochs[i].test_mae, 8, tm, sizeof tm);
        pg_add(&pg, 0, "%5d  %10s  %9s  %8s", s->depochs[i].epoch, tl, te2, tm);
    }
    int n = pg.n;
    if (s->detail_scroll > n - 1) s->detail_scroll = n > 0 ? n - 1 : 0;
    for (int i = s->detail_scroll, r2 = y; i < n && r2 < y + h; i++, r2++)
        crt_put(r2, x + 1, lw, pg.l[i].text, pg.l[i].a, 0);
    free(pg.l);
    /* curves on the right */
    tui_live l;
    tui_live_init(&l);
    const store_param *nb = param(s, "batches");
    l.nbatches = nb && !nb->is_text ? (int)nb->num : 0;
    if (l.nbatches <= 0 && s->ndepochs) l.nbatches = s->depochs[0].nbatches;
    float *sm = NULL, *tr = malloc((size_t)(s->ndepochs + 1) * sizeof(float)),
          *te = malloc((size_t)(s->ndepochs + 1) * sizeof(float));
    chart_series ser[4];
    int ns = 0, nbt = l.nbatches > 0 ? l.nbatches : 1;
    if (s->ndbl > 0) {
        ser[ns++] = (chart_series){.y = s->dbl,
                                   .n = s->ndbl,
                                   .x0 = 1.0 / nbt,
                                   .x_step = 1.0 / nbt,
                                   .color = tui_plot_faint(TUI_COL_TRAIN),
                                   .style = CHART_LINE};
        sm = malloc((size_t)s->ndbl * sizeof(float));
        if (sm) {
            double al = 2.0 / ((nbt > 4 ? nbt / 2 : 2) + 1.0), m = s->dbl[0];
            for (int i = 0; i < s->ndbl; i++)
                sm[i] = (float)(m = i ? m + al * (s->dbl[i] - m) : s->dbl[i]);
            ser[ns++] = (chart_series){.y = sm,
                                       .n = s->ndbl,
                                       .x0 = 1.0 / nbt,
                                       .x_step = 1.0 / nbt,
                                       .color = TUI_COL_TRAIN,
                                       .style = CHART_LINE | CHART_BOLD};
        }
    }
    if (tr && te && s->ndepochs) {
        for (int i = 0; i < s->ndepochs; i++)
            tr[i] = (float)s->depochs[i].train_loss, te[i] = (float)s->depochs[i].test_loss;
        ser[ns++] = (chart_series){.y = tr,
                                   .n = s->ndepochs,
                                   .x0 = 1,
                                   .x_step = 1,
                                   .color = TUI_COL_TRAIN,
                                   .style = CHART_MARKERS};
        ser[ns++] = (chart_series){.y = te,
                                   .n = s->ndepochs,
                                   .x0 = 1,
                                   .x_step = 1,
                                   .color = TUI_COL_TEST,
                                   .style = CHART_LINE | CHART_MARKERS | CHART_BOLD};
    }
    int rx = x + lw + 2, rw = w - lw - 2;
    if (ns) {
        tui_legend leg[2] = {{"train", TUI_COL_TRAIN}, {"test", TUI_COL_TEST}};
        t->runs.dplot.log_y = 1;
        if (row && row->r.sum.has && row->r.sum.best_epoch > 0) {
            t->runs.dplot.has_best = 1;
            t->runs.dplot.best_x = row->r.sum.best_epoch;
        }
        t->runs.dplot.x_label = "epoch";
        ae_err err;
        if (tui_plot_draw(&t->runs.dplot, &t->crt, y, rx, h - 2, rw, "Loss (log)", ser, ns, leg, 2,
                          &err))
            crt_put(y + 1, rx, rw, err.msg, crt_attr(&t->crt, CRT_BAD), 0);
    } else {
        crt_put(y + 1, rx, rw, "no epochs recorded", crt_attr(&t->crt, CRT_DIM), 0);
    }
    crt_put(y + h - 1, rx, rw, "l: load into the Train form   Esc: back",
            crt_attr(&t->crt, CRT_DIM), 0);
    free(sm), free(tr), free(te);
}

static void runs_draw(tui *t, int y, int x, int h, int w)
{
    if (t->runs.detail)
        draw_detail(t, y, x, h, w);
    else
        draw_table(t, y, x, h, w);
}

/* ---- actions --------------------------------------------------------------------------- */

static int targets(tui *t, int64_t *ids, int cap)
{
    int n = 0;
    if (t->runs.detail) {
        ids[0] = t->runs.detail_id;
        return 1;
    }
    for (int i = 0; i < t->nrows && n < cap; i++)
        if (t->rows_v[i].marked) ids[n++] = t->rows_v[i].r.id;
    if (!n) {
        tui_row *v = selected(t);
        if (v) ids[n++] = v->r.id;
    }
    return n;
}

static void after_edit(tui *t)
{
    ae_err err;
    store_changed(t->st, &err); /* our own write: read it now */
    if (tui_reload_rows(t, &err)) tui_message(t, "store: %s", err.msg);
}

static void do_tag(tui *t, const char *text)
{
    int64_t ids[512];
    int n = targets(t, ids, 512);
    if (!*text || !n) return;
    int rm = text[0] == '-';
    const char *tag = rm ? text + 1 : text;
    if (!*tag || strlen(tag) > STORE_TAG_MAX) {
        tui_message(t, "a tag is 1 to %d bytes", STORE_TAG_MAX);
        return;
    }
    ae_err err;
    for (int i = 0; i < n; i++) {
        int rc = rm ? store_tag_remove(t->st, ids[i], tag, &err)
                    : store_tag_add(t->st, ids[i], tag, &err);
        if (rc) {
            tui_message(t, "%s", err.msg);
            return;
        }
    }
    tui_message(t, "%s '%s' %s %d run%s", rm ? "removed" : "added", tag, rm ? "from" : "to", n,
                n > 1 ? "s" : "");
    after_edit(t);
}

static void do_note(tui *t, const char *text)
{
    int64_t ids[1];
    if (targets(t, ids, 1) != 1) return;
    ae_err err;
    if (store_run_set_notes(t->st, ids[0], text, &err))
        tui_message(t, "%s", err.msg);
    else
        tui_message(t, "notes of run #%lld saved", (long long)ids[0]);
    after_edit(t);
    t->runs.detail_stale = 1;
}

static void do_delete(tui *t)
{
    int64_t ids[512];
    int n = targets(t, ids, 512), done = 0;
    ae_err err;
    for (int i = 0; i < n; i++) {
        if (t->app->busy(t->app->ctx) && ids[i] == t->live.run) {
            tui_message(t, "run #%lld is training: stop it first", (long long)ids[i]);
            continue;
        }
        if (store_run_delete(t->st, ids[i], &err)) {
            tui_message(t, "%s", err.msg);
            break;
        }
        if (t->app->run_files_rm) t->app->run_files_rm(t->app->ctx, ids[i], &err);
        if (t->form_parent == ids[i]) t->form_parent = 0;
        done++;
    }
    if (done) tui_message(t, "deleted %d run%s", done, done > 1 ? "s" : "");
    t->runs.detail = 0;
    after_edit(t);
}

static void set_text_filter(tui *t, const char *s)
{
    snprintf(t->runs.f_text, sizeof t->runs.f_text, "%s", s);
    t->runs.list.sel = 0;
}

static void set_tag_filter(tui *t, const char *s)
{
    snprintf(t->runs.f_tag, sizeof t->runs.f_tag, "%s", s);
    t->runs.list.sel = 0;
}

static void load_form(tui *t)
{
    tui_runs_state *s = &t->runs;
    if (s->detail_stale) detail_load(t);
    const store_param *p;
    tui_form f;
    const char *model = s->drun.model;
    if (tui_form_defaults(&f, model, t->app->data_dir)) {
        tui_message(t, "unknown model '%s'", model);
        return;
    }
    snprintf(f.dataset, sizeof f.dataset, "%s", s->drun.dataset);
    if ((p = param(s, "latent")) && !p->is_text) f.latent = (int)p->num;
    if ((p = param(s, "epochs")) && !p->is_text) f.epochs = (int)p->num;
    if ((p = param(s, "batch")) && !p->is_text) f.batch = (int)p->num;
    if ((p = param(s, "lr")) && !p->is_text) f.lr = p->num;
    if ((p = param(s, "train")) && !p->is_text) f.train_n = (int)p->num;
    if ((p = param(s, "test")) && !p->is_text) f.test_n = (int)p->num;
    f.seed = s->drun.seed;
    f.user_set = TUI_SET_ALL; /* the run's settings are the ones chosen */
    t->form = f;
    t->form_parent = s->drun.id;
    tui_message(t, "run #%lld loaded: s trains a child of it", (long long)s->drun.id);
    tui_switch(t, 1);
}

static int runs_action(tui *t, int action, int key)
{
    tui_runs_state *s = &t->runs;
    (void)key;
    if (s->detail) {
        switch (action) {
        case R_UP:
            s->detail_scroll = s->detail_scroll > 0 ? s->detail_scroll - 1 : 0;
            return 1;
        case R_DOWN:
            s->detail_scroll++;
            return 1;
        case R_PGUP:
            s->detail_scroll = s->detail_scroll > 10 ? s->detail_scroll - 10 : 0;
            return 1;
        case R_PGDN:
            s->detail_scroll += 10;
            return 1;
        case R_HOME:
            s->detail_scroll = 0;
            return 1;
        case R_BACK:
            s->detail = 0;
            return 1;
        case R_LOAD:
            load_form(t);
            return 1;
        case R_PICS_RECON:
        case R_PICS_LATENT:
            show_pictures(t, s->detail_id, action == R_PICS_RECON ? 5 : 4);
            return 1;
        case R_TAG:
            tui_prompt_open(t, "Tag (-tag removes): ", "", do_tag);
            return 1;
        case R_NOTE:
            tui_prompt_open(t, "Notes: ", s->drun.notes, do_note);
            return 1;
        case R_DELETE: {
            char q[128];
            snprintf(q, sizeof q, "Delete run #%lld and its files?", (long long)s->detail_id);
            tui_ask(t, q, do_delete);
            return 1;
        }
        default:
            return 0;
        }
    }
    switch (action) {
    case R_UP:
        panel_move(&s->list, PANEL_UP);
        return 1;
    case R_DOWN:
        panel_move(&s->list, PANEL_DOWN);
        return 1;
    case R_PGUP:
        panel_move(&s->list, PANEL_PGUP);
        return 1;
    case R_PGDN:
        panel_move(&s->list, PANEL_PGDN);
        return 1;
    case R_HOME:
        panel_move(&s->list, PANEL_HOME);
        return 1;
    case R_END:
        panel_move(&s->list, PANEL_END);
        return 1;
    case R_OPEN: {
        tui_row *v = selected(t);
        if (!v) return 1;
        s->detail = 1;
        s->detail_id = v->r.id;
        s->detail_scroll = 0;
        s->detail_stale = 1;
        return 1;
    }
    case R_PICS_RECON:
    case R_PICS_LATENT: {
        tui_row *v = selected(t);
        if (v) show_pictures(t, v->r.id, action == R_PICS_RECON ? 5 : 4);
        return 1;
    }
    case R_LOAD: {
        tui_row *v = selected(t);
        if (!v) return 1;
        s->detail_id = v->r.id;
        s->detail_stale = 1;
        load_form(t);
        return 1;
    }
    case R_MARK: {
        tui_row *v = selected(t);
        if (v) v->marked = !v->marked;
        panel_move(&s->list, PANEL_DOWN);
        t->cmp.stale = 1;
        return 1;
    }
    case R_UNMARK_ALL:
        for (int i = 0; i < t->nrows; i++) t->rows_v[i].marked = 0;
        t->cmp.stale = 1;
        return 1;
    case R_SORT_NEXT:
    case R_SORT_PREV: { /* to the next column shown at this width */
        layout L;
        make_layout(t, s->list.w > 0 ? s->list.w : t->cols, &L);
        int step = action == R_SORT_NEXT ? 1 : RUNS_NCOLS - 1, c = s->sort_col;
        for (int k = 0; k < RUNS_NCOLS; k++) {
            c = (c + step) % RUNS_NCOLS;
            if (L.w[c]) break;
        }
        s->sort_col = c;
        return 1;
    }
    case R_SORT_REV:
        s->sort_desc = !s->sort_desc;
        return 1;
    case R_FILTER_TEXT:
        tui_prompt_open(t, "Filter: ", s->f_text, set_text_filter);
        return 1;
    case R_FILTER_TAG:
        tui_prompt_open(t, "Tag filter: ", s->f_tag, set_tag_filter);
        return 1;
    case R_FILTER_MODEL: {
        int n = 0;
        while (model_presets[n].name) n++;
        s->f_model = (s->f_model + 1) % (n + 1);
        s->list.sel = 0;
        return 1;
    }
    case R_FILTER_STATUS: {
        int n = 0;
        while (statuses[n]) n++;
        s->f_status = (s->f_status + 1) % (n + 1);
        s->list.sel = 0;
        return 1;
    }
    case R_FILTER_SWEEP: { /* the next sweep (by id, newest first) that has runs, then none */
        int64_t next = 0;
        for (int i = 0; i < t->nrows; i++) {
            int64_t w = t->rows_v[i].r.sweep;
            if (w > 0 && (s->f_sweep == 0 || w < s->f_sweep) && w > next) next = w;
        }
        s->f_sweep = next;
        s->list.sel = 0;
        t->cmp.stale = 1;
        return 1;
    }
    case R_FILTER_CLEAR:
        s->f_sweep = 0;
        t->cmp.stale = 1;
        s->f_model = s->f_status = 0;
        s->f_text[0] = s->f_tag[0] = 0;
        return 1;
    case R_TAG:
        tui_prompt_open(t, "Tag (-tag removes): ", "", do_tag);
        return 1;
    case R_NOTE: {
        tui_row *v = selected(t);
        if (!v) return 1;
        store_run r;
        ae_err err;
        if (store_run_get(t->st, v->r.id, &r, &err)) {
            tui_message(t, "%s", err.msg);
            return 1;
        }
        tui_prompt_open(t, "Notes: ", r.notes, do_note);
        return 1;
    }
    case R_DELETE: {
        int64_t ids[512];
        int n = targets(t, ids, 512);
        if (!n) return 1;
        char q[160];
        if (n == 1)
            snprintf(q, sizeof q, "Delete run #%lld and its files?", (long long)ids[0]);
        else
            snprintf(q, sizeof q, "Delete %d marked runs and their files?", n);
        tui_ask(t, q, do_delete);
        return 1;
    }
    case R_BACK:
        return 1;
    default:
        return 0;
    }
}

static int runs_click(tui *t, int y, int x)
{
    tui_runs_state *s = &t->runs;
    if (s->detail) return 0;
    if (y == s->list.y) { /* the header: sort by the column clicked */
        layout L;
        make_layout(t, s->list.w, &L);
        for (int c = 0; c < RUNS_NCOLS; c++)
            if (L.w[c] && x >= L.x[c] && x < L.x[c] + L.w[c]) {
                if (s->sort_col == c)
                    s->sort_desc = !s->sort_desc;
                else
                    s->sort_col = c;
                return 1;
            }
        return 0;
    }
    int i = panel_hit(&s->list, y, x);
    if (i < 0) return 0;
    if (i == s->list.sel && x < 2) {
        t->rows_v[s->view[i]].marked ^= 1;
        t->cmp.stale = 1;
    }
    s->list.sel = i;
    return 1;
}

static void runs_show(tui *t)
{
    t->runs.detail_stale = 1;
}

const tui_screen screen_runs = {"Runs",     runs_keys, runs_draw, runs_action,
                                runs_click, runs_show, NULL,      NULL};

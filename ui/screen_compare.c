/* screen_compare.c: screen 4: runs side by side.
 *
 * Top left: the test loss per epoch of the marked runs (the best finished CNN and LSTM runs
 * when none is marked). Top right: the elbow chart of one model and dataset (g picks which,
 * and the choice is remembered): one point per latent size on a log2 axis, the mean test MSE
 * of the finished runs at that size with a bar from the lowest to the highest when several
 * seeds ran, and PCA with the same number of components beside it. Runs still training,
 * stopped, failed or diverged are left out (and counted). Below: a table of the same runs as
 * the curves, their colour swatch first (model, dataset, latent, epochs, test MSE, PCA MSE,
 * MAE, parameters, time, and as the window widens: MSE against PCA, compression, samples/s,
 * status, training samples, seed); the run queue with its key; findings in a few sentences
 * computed from those numbers.
 *
 * Laid out for 80x24 first: the table and findings take the rows they need and the charts
 * the rest, wider and taller in a larger window; table columns are dropped (least useful
 * first) rather than cut, and no number is ever cut.
 *
 * The PCA baseline of a run is looked up in the store's baseline cache
 * (store_baseline_for_run), which `aetui train` fills after training and `aetui baseline` on
 * demand. Everything read from the store is re-read only when the store changed, the marks
 * did, or another group was picked (cmp.stale). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "model.h"
#include "noise.h"
#include "text.h"
#include "fit.h"
#include "tui.h"

enum { K_SWEEP = 1, K_GROUP, K_CANCEL, K_UP, K_DOWN };

static const tui_key cmp_keys[] = {
    {'w', "w", "queue a latent sweep (8, 16, 32, 64) with the Train form's settings; asks first",
     K_SWEEP, ACTION_HINT},
    {'g', "g", "elbow chart: next model and dataset (remembered)", K_GROUP, ACTION_HINT},
    {'C', "C", "cancel the queued runs (the one training goes on)", K_CANCEL, 0},
    {KEY_UP, "Up/k", "scroll the findings up", K_UP, 0},
    {'k', NULL, NULL, K_UP, 0},
    {KEY_DOWN, "Down/j", "scroll the findings down", K_DOWN, 0},
    {'j', NULL, NULL, K_DOWN, 0},
    {0, NULL, NULL, 0, 0}};

enum { MAX_ROWS = 8 };

static const canvas_color overlay_cols[MAX_ROWS] = {0x4fc3f7, 0xffb74d, 0x81c784, 0xe57373,
                                                    0xba68c8, 0xfff176, 0x4db6ac, 0xf06292};

/* ---- reading the store ------------------------------------------------------------------ */

static int row_kind(const tui_row *r)
{
    int k = ds_kind_of(r->r.dataset);
    if (k == DS_IMAGES) return 0;
    if (k == DS_SEQUENCES) return 1;
    return strncmp(r->r.model, "cnn", 3) ? 1 : 0;
}

/* A run that belongs on the elbow: finished, with a test MSE and a latent size. */
static int finished(const tui_row *v)
{
    return !strcmp(v->r.status, "finished") && v->r.sum.has && isfinite(v->r.sum.test_mse) &&
           v->latent > 0;
}

static int in_group(const tui_row *v, const char *model, const char *dataset)
{
    return !strcmp(v->r.model, model) && !strcmp(v->r.dataset, dataset);
}

static double pca_of(tui *t, int64_t id)
{
    store_baseline b;
    ae_err err;
    return store_baseline_for_run(t->st, id, &b, &err) == 1 ? b.mse : NAN;
}

static const tui_row *find_row(const tui *t, int64_t id)
{
    for (int i = 0; i < t->nrows; i++)
        if (t->rows_v[i].r.id == id) return &t->rows_v[i];
    return NULL;
}

static void free_runs(tui_compare_state *c)
{
    for (int i = 0; i < c->nruns; i++) free(c->runs[i].test);
    free(c->runs);
    c->runs = NULL;
    c->nruns = 0;
}

/* A table row: the run's curve, parameters and PCA baseline. */
static void load_run(tui *t, tui_cmp_run *r, int64_t id)
{
    ae_err err;
    memset(r, 0, sizeof *r);
    r->id = id;
    r->pca = pca_of(t, id);
    r->noisy_mse = NAN;
    store_epoch *ep = NULL;
    int ne = 0;
    if (store_epochs_get(t->st, id, &ep, &ne, &err) == 0 && ne > 0) {
        r->test = malloc((size_t)ne * sizeof(float));
        if (r->test) {
            for (int k = 0; k < ne; k++) r->test[k] = (float)ep[k].test_loss;
            r->n = ne;
        }
    }
    free(ep);
    store_param *p = NULL;
    int np = 0;
    if (store_params_get(t->st, id, &p, &np, &err) == 0)
        for (int k = 0; k < np; k++) {
            if (p[k].is_text) continue;
            if (!strcmp(p[k].name, "params")) r->params = (long)p[k].num;
            if (!strcmp(p[k].name, "train")) r->train_n = (int)p[k].num;
            if (!strcmp(p[k].name, "seed")) r->seed = (int)p[k].num;
            if (!strcmp(p[k].name, "noisy_mse")) r->noisy_mse = p[k].num;
        }
    free(p);
}

/* The model+dataset groups of finished runs, newest first; returns their count (at most cap)
 * with a representative row of each. */
static int groups(const tui *t, const tui_row **g, int cap)
{
    int ng = 0;
    for (int i = 0; i < t->nrows; i++) {
        const tui_row *v = &t->rows_v[i];
        if (!finished(v)) continue;
        int k = 0;
        while (k < ng && !in_group(v, g[k]->r.model, g[k]->r.dataset)) k++;
        if (k == ng && ng < cap) g[ng++] = v;
    }
    return ng;
}

/* The group the elbow shows: the user's pick, else the first marked run's, else the newest. */
static void pick_group(tui *t)
{
    tui_compare_state *c = &t->cmp;
    const tui_row *g[64];
    int ng = groups(t, g, 64), k = -1;
    c->ngroups = ng;
    c->model[0] = c->dataset[0] = 0;
    for (int i = 0; i < ng && k < 0; i++)
        if (in_group(g[i], c->pick_model, c->pick_dataset)) k = i;
    for (int r = 0; r < c->nruns && c->marked && k < 0; r++) {
        const tui_row *v = find_row(t, c->runs[r].id);
        for (int i = 0; v && i < ng && k < 0; i++)
            if (in_group(g[i], v->r.model, v->r.dataset)) k = i;
    }
    if (k < 0 && ng) k = 0;
    if (k < 0) return;
    snprintf(c->model, sizeof c->model, "%s", g[k]->r.model);
    snprintf(c->dataset, sizeof c->dataset, "%s", g[k]->r.dataset);
}

static void elbow_refresh(tui *t)
{
    tui_compare_state *c = &t->cmp;
    c->npts = c->left_out = 0;
    if (!c->model[0]) return;
    for (int i = 0; i < t->nrows; i++) {
        const tui_row *v = &t->rows_v[i];
        if (!in_group(v, c->model, c->dataset)) continue;
        if (t->runs.f_sweep > 0 && v->r.sweep != t->runs.f_sweep) continue; /* Runs' W */
        if (!finished(v)) {
            c->left_out++;
            continue;
        }
        double mse = v->r.sum.test_mse;
        int k = 0;
        while (k < c->npts && c->pts[k].latent != v->latent) k++;
        if (k == c->npts) {
            if (k == TUI_ELBOW_MAX) continue;
            c->pts[c->npts++] = (tui_elbow_pt){v->latent, 0, 0, mse, mse, NAN};
        }
        tui_elbow_pt *p = &c->pts[k];
        p->mean += mse; /* a sum until the end */
        p->n++;
        if (mse < p->lo) p->lo = mse;
        if (mse > p->hi) p->hi = mse;
        if (isnan(p->pca)) p->pca = pca_of(t, v->r.id);
    }
    for (int k = 0; k < c->npts; k++) c->pts[k].mean /= c->pts[k].n;
    for (int i = 1; i < c->npts; i++)
        for (int j = i; j > 0 && c->pts[j - 1].latent > c->pts[j].latent; j--) {
            tui_elbow_pt x = c->pts[j];
            c->pts[j] = c->pts[j - 1], c->pts[j - 1] = x;
        }
}

static void cmp_refresh(tui *t)
{
    tui_compare_state *c = &t->cmp;
    c->stale = 0;
    free_runs(c);
    for (int kind = 0; kind < 2; kind++) {
        const tui_row *best = NULL;
        for (int i = 0; i < t->nrows; i++) {
            const tui_row *v = &t->rows_v[i];
            if (row_kind(v) != kind || !finished(v)) continue;
            if (!best || v->r.sum.test_mse < best->r.sum.test_mse) best = v;
        }
        c->best_id[kind] = best ? best->r.id : 0;
        c->pca[kind] = best ? pca_of(t, best->r.id) : NAN;
    }
    int64_t ids[MAX_ROWS];
    int n = 0;
    for (int i = t->nrows - 1; i >= 0 && n < MAX_ROWS; i--) /* oldest first, as marked */
        if (t->rows_v[i].marked) ids[n++] = t->rows_v[i].r.id;
    c->marked = n > 0;
    if (!n)
        for (int kind = 0; kind < 2; kind++)
            if (c->best_id[kind]) ids[n++] = c->best_id[kind];
    c->runs = calloc((size_t)(n ? n : 1), sizeof *c->runs);
    for (int i = 0; c->runs && i < n; i++) load_run(t, &c->runs[c->nruns++], ids[i]);
    pick_group(t);
    elbow_refresh(t);
}

/* ---- the charts ------------------------------------------------------------------------- */

static void draw_overlay(tui *t, int y, int x, int h, int w)
{
    tui_compare_state *c = &t->cmp;
    if (!c->nruns) {
        crt_put(y, x, w, "Test loss", crt_attr(&t->crt, CRT_TITLE), 0);
        crt_put(y + 2, x + 1, w - 2, "No runs with a test loss yet.", crt_attr(&t->crt, CRT_DIM),
                0);
        return;
    }
    chart_series s[MAX_ROWS];
    for (int i = 0; i < c->nruns; i++)
        s[i] = (chart_series){.y = c->runs[i].test,
                              .n = c->runs[i].n,
                              .x0 = 1,
                              .x_step = 1,
                              .color = overlay_cols[i],
                              .style = CHART_LINE | CHART_MARKERS};
    c->plot.log_y = 1;
    c->plot.x_label = "epoch";
    const char *title = c->marked ? "Test loss (log), marked runs" : "Test loss (log), best runs";
    if (crt_width(title) > w) title = "Test loss";
    ae_err err;
    if (tui_plot_draw(&c->plot, &t->crt, y, x, h, w, title, s, c->nruns, NULL, 0, &err))
        crt_put(y + 1, x, w, err.msg, crt_attr(&t->crt, CRT_BAD), 0);
}

static void draw_elbow(tui *t, int y, int x, int h, int w)
{
    tui_compare_state *c = &t->cmp;
    if (!c->npts) {
        crt_put(y, x, w, "Test MSE by latent size", crt_attr(&t->crt, CRT_TITLE), 0);
        crt_put(y + 2, x + 1, w - 2, "No finished runs yet; w queues a sweep.",
                crt_attr(&t->crt, CRT_DIM), 0);
        return;
    }
    float xs[TUI_ELBOW_MAX], ys[TUI_ELBOW_MAX], lo[TUI_ELBOW_MAX], hi[TUI_ELBOW_MAX];
    float px[TUI_ELBOW_MAX], py[TUI_ELBOW_MAX];
    int npca = 0, spread = 0;
    for (int i = 0; i < c->npts; i++) {
        const tui_elbow_pt *p = &c->pts[i];
        xs[i] = (float)p->latent, ys[i] = (float)p->mean;
        lo[i] = (float)p->lo, hi[i] = (float)p->hi;
        spread |= p->n > 1;
        if (isfinite(p->pca)) px[npca] = (float)p->latent, py[npca++] = (float)p->pca;
    }
    chart_series s[2] = {
        {.x = xs,
         .y = ys,
         .n = c->npts,
         .color = TUI_COL_TEST,
         .style = CHART_LINE | CHART_MARKERS | CHART_BOLD,
         .lo = lo,
         .hi = hi},
        {.x = px, .y = py, .n = npca, .color = TUI_COL_TRAIN, .style = CHART_LINE | CHART_MARKERS}};
    tui_legend leg[2] = {{spread ? "AE (mean, range)" : "AE", TUI_COL_TEST},
                         {"PCA", TUI_COL_TRAIN}};
    char m[24], d[32], title[128], hint[32] = "";
    text_visible(c->model, m, sizeof m);
    text_visible(c->dataset, d, sizeof d);
    if (c->ngroups > 1) snprintf(hint, sizeof hint, " (g: %d groups)", c->ngroups);
    if (t->runs.f_sweep > 0) /* the Runs screen's sweep filter narrows the elbow */
        snprintf(hint, sizeof hint, " (sweep %lld)", (long long)t->runs.f_sweep);
    /* the longest title and legend that fit: the group's name always stays */
    for (int k = 0; k < 4; k++) {
        if (k == 3) leg[0].name = "AE";
        snprintf(title, sizeof title, "%s%s/%s%s", k == 0 ? "Test MSE by latent: " : "", m, d,
                 k < 2 ? hint : "");
        int legw = 6 + crt_width(leg[0].name) + (npca ? 7 : 0);
        if (crt_width(title) + legw <= w) break;
    }
    c->elbow.x_label = "latent";
    c->elbow.log2_x = 1;
    ae_err err;
    if (tui_plot_draw(&c->elbow, &t->crt, y, x, h, w, title, s, npca ? 2 : 1, leg, npca ? 2 : 1,
                      &err))
        crt_put(y + 1, x, w, err.msg, crt_attr(&t->crt, CRT_BAD), 0);
}

/* ---- the table -------------------------------------------------------------------------- */

enum {
    C_RUN,
    C_MODEL,
    C_DATASET,
    C_LATENT,
    C_EPOCHS,
    C_TRAIN,
    C_MSE,
    C_PCA,
    C_VSPCA,
    C_MAE,
    C_PSNR,
    C_RATIO,
    C_PARAMS,
    C_TIME,
    C_SPS,
    C_STATUS,
    C_SEED,
    NCOLS
};

typedef struct column {
    const char *head;
    int drop; /* the order in which columns go when the width is short (0: never) */
    int left; /* left-aligned text (else numbers, right-aligned) */
} column;

static const column cols[NCOLS] = {
    [C_RUN] = {"run", 0, 1},       [C_MODEL] = {"model", 0, 1},  [C_DATASET] = {"dataset", 0, 1},
    [C_LATENT] = {"lat", 0, 0},    [C_EPOCHS] = {"ep", 0, 0},    [C_TRAIN] = {"train", 3, 0},
    [C_MSE] = {"test MSE", 0, 0},  [C_PCA] = {"PCA MSE", 0, 0},  [C_VSPCA] = {"vs PCA", 7, 0},
    [C_MAE] = {"MAE", 0, 0},       [C_PSNR] = {"PSNR dB", 8, 0}, [C_RATIO] = {"ratio", 6, 0},
    [C_PARAMS] = {"params", 0, 0}, [C_TIME] = {"time", 0, 0},    [C_SPS] = {"samples/s", 4, 0},
    [C_STATUS] = {"status", 5, 1}, [C_SEED] = {"seed", 2, 0},
};

static void fmt_g(double v, char *out, size_t len)
{
    if (isfinite(v))
        snprintf(out, len, "%.4g", v);
    else
        snprintf(out, len, "n/a");
}

static void fmt_params(long p, int full, char *out, size_t len)
{
    if (p <= 0)
        snprintf(out, len, "-");
    else if (full || p < 1000)
        snprintf(out, len, "%ld", p);
    else if (p < 1000000)
        snprintf(out, len, "%.1fk", p / 1e3);
    else
        snprintf(out, len, "%.2fM", p / 1e6);
}

static void cell(const tui_row *v, const tui_cmp_run *r, int col, int wide, char *out, size_t len)
{
    int dim = tui_dataset_dim(v->r.dataset);
    double mse = v->r.sum.has ? v->r.sum.test_mse : NAN;
    switch (col) {
    case C_RUN: /* two cells first for the colour swatch */
        snprintf(out, len, "  #%lld", (long long)v->r.id);
        break;
    case C_MODEL:
        text_visible(v->r.model, out, len);
        break;
    case C_DATASET:
        text_visible(v->r.dataset, out, len);
        break;
    case C_LATENT:
        snprintf(out, len, v->latent > 0 ? "%d" : "-", v->latent);
        break;
    case C_EPOCHS:
        snprintf(out, len, "%d", v->r.sum.has ? v->r.sum.epochs : 0);
        break;
    case C_TRAIN:
        snprintf(out, len, r->train_n > 0 ? "%d" : "-", r->train_n);
        break;
    case C_MSE:
        fmt_g(mse, out, len);
        break;
    case C_PCA:
        fmt_g(r->pca, out, len);
        break;
    case C_VSPCA:
        if (isfinite(mse) && isfinite(r->pca) && r->pca > 0)
            snprintf(out, len, "%+.0f%%", (mse - r->pca) / r->pca * 100);
        else
            snprintf(out, len, "-");
        break;
    case C_MAE:
        fmt_g(v->r.sum.has ? v->r.sum.test_mae : NAN, out, len);
        break;
    case C_PSNR: /* denoising image runs: the noisy input's PSNR, then the output's */
        if (isfinite(r->noisy_mse) && isfinite(mse) && mse > 0 && model_preset_find(v->r.model) &&
            model_preset_find(v->r.model)->kind == DS_IMAGES)
            snprintf(out, len, "%.1f>%.1f", noise_psnr(r->noisy_mse), noise_psnr(mse));
        else
            snprintf(out, len, "-");
        break;
    case C_RATIO:
        if (dim > 0 && v->latent > 0)
            snprintf(out, len, "%.0f:1", (double)dim / v->latent);
        else
            snprintf(out, len, "-");
        break;
    case C_PARAMS:
        fmt_params(r->params, wide, out, len);
        break;
    case C_TIME:
        tui_fmt_duration(v->r.sum.has ? v->r.sum.seconds : NAN, out, len);
        break;
    case C_SPS:
        if (v->r.sum.has && isfinite(v->r.sum.samples_per_sec))
            snprintf(out, len, "%.0f", v->r.sum.samples_per_sec);
        else
            snprintf(out, len, "-");
        break;
    case C_STATUS:
        text_visible(v->r.status, out, len);
        break;
    case C_SEED:
        snprintf(out, len, "%d", r->seed);
        break;
    default:
        out[0] = 0;
    }
}

/* The table's cells and which columns fit in w. */
typedef struct table {
    char txt[MAX_ROWS][NCOLS][40];
    int width[NCOLS], on[NCOLS];
    const tui_row *rows[MAX_ROWS];
} table;

static void table_layout(tui *t, int w, table *L)
{
    tui_compare_state *c = &t->cmp;
    int wide = w >= 130; /* full parameter counts */
    for (int k = 0; k < NCOLS; k++) {
        L->width[k] = crt_width(cols[k].head);
        L->on[k] = 1;
    }
    for (int i = 0; i < c->nruns; i++) {
        L->rows[i] = find_row(t, c->runs[i].id);
        for (int k = 0; k < NCOLS; k++) {
            L->txt[i][k][0] = 0;
            if (L->rows[i])
                cell(L->rows[i], &c->runs[i], k, wide, L->txt[i][k], sizeof L->txt[i][k]);
            int cw = crt_width(L->txt[i][k]);
            if (cw > L->width[k]) L->width[k] = cw;
        }
    }
    /* the PSNR column only when a row is a denoising run */
    L->on[C_PSNR] = 0;
    for (int i = 0; i < c->nruns; i++)
        if (L->rows[i] && strcmp(L->txt[i][C_PSNR], "-")) L->on[C_PSNR] = 1;
    /* a run that did not finish says so in its time cell when there is no status column:
     * room for that first */
    for (int i = 0; i < c->nruns; i++)
        if (L->rows[i] && strcmp(L->rows[i]->r.status, "finished") &&
            crt_width(L->txt[i][C_STATUS]) > L->width[C_TIME])
            L->width[C_TIME] = crt_width(L->txt[i][C_STATUS]);
    /* drop optional columns until the rest fits; then the dataset names are shortened */
    const int min_ds = 7;
    for (;;) {
        int total = 0;
        for (int k = 0; k < NCOLS; k++)
            if (L->on[k]) total += L->width[k] + 1;
        if (total - 1 <= w) break;
        int worst = -1;
        for (int k = 0; k < NCOLS; k++)
            if (L->on[k] && cols[k].drop && (worst < 0 || cols[k].drop > cols[worst].drop))
                worst = k;
        if (worst < 0) break;
        L->on[worst] = 0;
    }
    int rest = w + 1;
    for (int k = 0; k < NCOLS; k++)
        if (L->on[k] && k != C_DATASET) rest -= L->width[k] + 1;
    if (L->width[C_DATASET] > rest - 1) L->width[C_DATASET] = rest - 1 > min_ds ? rest - 1 : min_ds;
    for (int i = 0; i < c->nruns && !L->on[C_STATUS]; i++)
        if (L->rows[i] && strcmp(L->rows[i]->r.status, "finished"))
            memcpy(L->txt[i][C_TIME], L->txt[i][C_STATUS], sizeof L->txt[i][C_TIME]);
}

/* Draws the table laid out for w columns from row y; returns the rows used. */
static int draw_table(tui *t, const table *L, int y, int x, int w)
{
    tui_compare_state *c = &t->cmp;
    attr_t dim = crt_attr(&t->crt, CRT_DIM);
    const char *title = c->marked ? "Marked runs (colour: their curve)"
                                  : "Best CNN and best LSTM runs (mark runs on Runs, 3, to "
                                    "compare those instead)";
    crt_put(y, x, w, title, crt_attr(&t->crt, CRT_TITLE), 0);
    if (!c->nruns) {
        crt_put(y + 1, x, w, "No runs yet: train one on screen 2.", dim, 0);
        return 2;
    }
    attr_t ha = crt_attr(&t->crt, CRT_HEADER);
    crt_put(y + 1, x, w, "", ha, 1);
    for (int r = -1; r < c->nruns; r++) {
        int cx = x;
        int unfinished = r >= 0 && L->rows[r] && strcmp(L->rows[r]->r.status, "finished");
        for (int k = 0; k < NCOLS; k++) {
            if (!L->on[k]) continue;
            const char *s = r < 0 ? cols[k].head : L->txt[r][k];
            char buf[64];
            int sw = crt_width(s), cw = L->width[k];
            if (k == C_DATASET && sw > cw) { /* a name, not a number: shortened with '~' */
                snprintf(buf, sizeof buf, "%.*s~", cw - 1 > 0 ? cw - 1 : 0, s);
                s = buf, sw = cw;
            }
            int pad = cols[k].left ? 0 : cw - sw;
            attr_t a = r < 0 ? ha : unfinished ? dim : 0;
            crt_put(y + 2 + r, cx + pad, cw - pad, s, a, 0);
            if (r >= 0 && k == C_RUN) /* the curve's colour */
                crt_put(
                    y + 2 + r, cx, 1, t->crt.utf8 ? "\u2501" : "-",
                    crt_plot_attr(&t->crt, overlay_cols[r], textgfx_rgb_to_256(overlay_cols[r])) |
                        A_BOLD,
                    0);
            cx += cw + 1;
        }
    }
    return 2 + c->nruns;
}

/* ---- findings --------------------------------------------------------------------------- */

/* The elbow: the first latent after which a doubling gains less than 10% MSE; -1 if none. */
static int elbow_at(const tui_elbow_pt *p, int n)
{
    for (int i = 0; i + 1 < n; i++) {
        double gain = (p[i].mean - p[i + 1].mean) / p[i].mean;
        double ratio = (double)p[i + 1].latent / p[i].latent;
        if (gain / (log2(ratio) > 0 ? log2(ratio) : 1) < 0.10) return i;
    }
    return -1;
}

/* The findings in sentences; the runs' MSE against PCA only when the table has no column
 * for it (pca_shown). */
static int findings(tui *t, char f[][320], int cap, int pca_shown)
{
    tui_compare_state *c = &t->cmp;
    int nf = 0;
    const tui_row *b[2] = {find_row(t, c->best_id[0]), find_row(t, c->best_id[1])};
    if (b[0] && b[1]) {
        int better = b[0]->r.sum.test_mse <= b[1]->r.sum.test_mse ? 0 : 1;
        const tui_row *bb = b[better], *ww = b[1 - better];
        int dim = tui_dataset_dim(bb->r.dataset);
        snprintf(f[nf++], sizeof f[0],
                 "Best CNN against best LSTM: the %s (#%lld) reconstructs with the lower test "
                 "MSE, %.3g against %.3g, at %.0f:1 compression (latent %d of %d values); the "
                 "datasets differ, so read this as a ratio, not a contest.",
                 better ? "LSTM" : "CNN", (long long)bb->r.id, bb->r.sum.test_mse,
                 ww->r.sum.test_mse, dim && bb->latent ? (double)dim / bb->latent : 0.0, bb->latent,
                 dim);
    } else if (nf < cap) {
        snprintf(f[nf++], sizeof f[0], "Train at least one CNN and one LSTM run to compare them.");
    }
    char m[24], d[32];
    text_visible(c->model, m, sizeof m);
    text_visible(c->dataset, d, sizeof d);
    if (c->npts >= 2 && nf < cap) {
        const tui_elbow_pt *p = c->pts;
        int e = elbow_at(p, c->npts);
        if (e >= 0)
            snprintf(f[nf++], sizeof f[0],
                     "For %s the elbow lies at latent %d: beyond it the test MSE improves by less "
                     "than 10%% per doubling (%.3g at %d, %.3g at %d).",
                     m, p[e].latent, p[e].mean, p[e].latent, p[e + 1].mean, p[e + 1].latent);
        else
            snprintf(f[nf++], sizeof f[0],
                     "For %s every doubling of the latent size up to %d still improves the test "
                     "MSE by 10%% or more: no elbow yet.",
                     m, p[c->npts - 1].latent);
    } else if (c->npts == 1 && nf < cap) {
        snprintf(f[nf++], sizeof f[0],
                 "One latent size so far for %s: w queues a sweep (8, 16, 32, 64).", m);
    }
    if (c->left_out && nf < cap)
        snprintf(f[nf++], sizeof f[0],
                 "The elbow chart shows finished runs only: %d %s run%s on %s left out (still "
                 "training, stopped, failed or interrupted).",
                 c->left_out, m, c->left_out > 1 ? "s" : "", d);
    int havepca = 0;
    for (int i = 0; i < c->nruns && nf < cap; i++) {
        const tui_row *v = find_row(t, c->runs[i].id);
        double pca = c->runs[i].pca;
        if (!v || !v->r.sum.has || !isfinite(pca) || !(pca > 0)) continue;
        havepca = 1;
        if (pca_shown) continue;
        double rel = (v->r.sum.test_mse - pca) / pca * 100;
        snprintf(f[nf++], sizeof f[0], "Run #%lld's test MSE is %.0f%% %s than PCA's at latent %d.",
                 (long long)v->r.id, fabs(rel), rel < 0 ? "lower" : "higher", v->latent);
    }
    if (!havepca && c->nruns && nf < cap)
        snprintf(f[nf++], sizeof f[0],
                 "PCA baselines: n/a for these runs (aetui baseline --dataset D --latent K "
                 "computes one; aetui train does after training).");
    return nf;
}

/* Lines the findings take when wrapped to w columns. */
static int wrapped_lines(char f[][320], int nf, int w)
{
    static char lines[16][FIT_LINE];
    int n = 0;
    for (int i = 0; i < nf; i++) n += fit_wrap(f[i], w, 1, lines, 16);
    return n;
}

static void draw_findings(tui *t, char f[][320], int nf, int y, int x, int h, int w)
{
    int total = wrapped_lines(f, nf, w);
    if (t->cmp.scroll > total - (h - 1)) t->cmp.scroll = total - (h - 1) > 0 ? total - (h - 1) : 0;
    char title[96];
    if (total > h - 1)
        snprintf(title, sizeof title, "Findings (j/k scroll, %d-%d of %d lines)", t->cmp.scroll + 1,
                 t->cmp.scroll + h - 1 < total ? t->cmp.scroll + h - 1 : total, total);
    else
        snprintf(title, sizeof title, "Findings");
    crt_put(y, x, w, title, crt_attr(&t->crt, CRT_TITLE), 0);
    int r = y + 1, skip = t->cmp.scroll;
    static char lines[16][FIT_LINE];
    for (int i = 0; i < nf && r < y + h; i++) {
        int n = fit_wrap(f[i], w, t->crt.utf8, lines, 16);
        for (int k = 0; k < n && r < y + h; k++) {
            if (skip > 0) {
                skip--;
                continue;
            }
            crt_put(r++, x, w, lines[k], 0, 0);
        }
    }
}

/* ---- the screen ------------------------------------------------------------------------- */

static void compare_draw(tui *t, int y, int x, int h, int w)
{
    tui_compare_state *c = &t->cmp;
    if (c->stale) cmp_refresh(t);
    tui_clear(y, x, h, w);
    char f[8][320], q[256];
    int tw = w - 2;
    table L;
    table_layout(t, tw, &L);
    int nf = findings(t, f, 8, c->nruns && L.on[C_VSPCA]);
    int th = 2 + (c->nruns ? c->nruns : 1), qh = tui_queue_text(t, q, sizeof q, 1) ? 1 : 0;
    int fl = 1 + wrapped_lines(f, nf, tw);
    /* the charts get what the table and findings leave, but at least half of it */
    int avail = h - th - qh;
    int chart_h = avail - fl, least = avail / 2 > 9 ? avail / 2 : 9;
    if (chart_h < least) chart_h = least;
    if (chart_h > avail - 2) chart_h = avail - 2;
    draw_overlay(t, y, x, chart_h, w / 2 - 1);
    draw_elbow(t, y, x + w / 2, chart_h, w - w / 2);
    int r = y + chart_h;
    r += draw_table(t, &L, r, x + 1, tw);
    if (qh) {
        char line[300];
        snprintf(line, sizeof line, "%s; C cancels", q);
        if (crt_width(line) > tw) snprintf(line, sizeof line, "%s", q);
        crt_put(r++, x + 1, tw, line, crt_attr(&t->crt, CRT_WARN), 0);
    }
    if (r < y + h) draw_findings(t, f, nf, r, x + 1, y + h - r, tw);
}

static void next_group(tui *t)
{
    const tui_row *g[64];
    int ng = groups(t, g, 64), k = 0;
    if (!ng) {
        tui_message(t, "no finished runs: nothing to plot");
        return;
    }
    while (k < ng && !in_group(g[k], t->cmp.model, t->cmp.dataset)) k++;
    const tui_row *n = g[(k + 1) % ng];
    snprintf(t->cmp.pick_model, sizeof t->cmp.pick_model, "%s", n->r.model);
    snprintf(t->cmp.pick_dataset, sizeof t->cmp.pick_dataset, "%s", n->r.dataset);
    t->cmp.stale = 1;
    char m[24], d[32];
    text_visible(n->r.model, m, sizeof m);
    text_visible(n->r.dataset, d, sizeof d);
    tui_message(t, "elbow chart: %s on %s", m, d);
}

static int compare_action(tui *t, int action, int key)
{
    (void)key;
    switch (action) {
    case K_SWEEP: {
        static const int lat[4] = {8, 16, 32, 64};
        tui_queue_sweep(t, lat, 4);
        return 1;
    }
    case K_GROUP:
        next_group(t);
        return 1;
    case K_CANCEL:
        tui_cancel_queue(t);
        return 1;
    case K_UP:
        t->cmp.scroll = t->cmp.scroll > 0 ? t->cmp.scroll - 1 : 0;
        return 1;
    case K_DOWN:
        t->cmp.scroll++;
        return 1;
    default:
        return 0;
    }
}

static void compare_show(tui *t)
{
    t->cmp.stale = 1;
}

const tui_screen screen_compare = {"Compare", cmp_keys,     compare_draw, compare_action,
                                   NULL,      compare_show, NULL,         NULL};

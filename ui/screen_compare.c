/* screen_compare.c: screen 4: the marked runs' test curves overlaid, the seed's comparison
 * table (best CNN run against best LSTM run), test MSE against latent dimension for one model
 * and dataset (the elbow), a key that queues a latent sweep, and findings in a few sentences
 * computed from those numbers.
 *
 * The PCA baseline of a run (PCA with the run's latent size on the run's samples) is looked up
 * in the store's baseline cache (store_baseline_for_run), which `aetui train` fills after
 * training and `aetui baseline` on demand; it is shown beside the run's MSE in the table and as
 * a second series on the elbow chart, and "n/a" with the command to compute it otherwise.
 * Everything read from the store is re-read only when the store changed or the marks did
 * (cmp.stale). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "text.h"
#include "tui.h"

enum { K_SWEEP = 1, K_GROUP, K_UP, K_DOWN };

static const tui_key cmp_keys[] = {
    {'w', "w", "queue a latent sweep (8, 16, 32, 64) with the Train form's settings", K_SWEEP,
     ACTION_HINT},
    {'g', "g", "elbow plot: next model and dataset", K_GROUP, ACTION_HINT},
    {KEY_UP, "Up/k", "scroll the findings up", K_UP, 0},
    {'k', NULL, NULL, K_UP, 0},
    {KEY_DOWN, "Down/j", "scroll the findings down", K_DOWN, 0},
    {'j', NULL, NULL, K_DOWN, 0},
    {0, NULL, NULL, 0, 0}};

static const canvas_color overlay_cols[8] = {0x4fc3f7, 0xffb74d, 0x81c784, 0xe57373,
                                             0xba68c8, 0xfff176, 0x4db6ac, 0xf06292};

static int row_kind(const tui_row *r)
{
    int k = ds_kind_of(r->r.dataset);
    if (k == DS_IMAGES) return 0;
    if (k == DS_SEQUENCES) return 1;
    return strncmp(r->r.model, "cnn", 3) ? 1 : 0;
}

static double pca_of(tui *t, int64_t id)
{
    store_baseline b;
    ae_err err;
    return store_baseline_for_run(t->st, id, &b, &err) == 1 ? b.mse : NAN;
}

static void cmp_refresh(tui *t)
{
    tui_compare_state *c = &t->cmp;
    c->stale = 0;
    for (int i = 0; i < c->nruns; i++) free(c->runs[i].test);
    free(c->runs);
    c->runs = NULL;
    c->nruns = 0;
    int n = 0;
    for (int i = 0; i < t->nrows; i++) n += t->rows_v[i].marked;
    if (n > 8) n = 8;
    c->runs = calloc((size_t)(n ? n : 1), sizeof *c->runs);
    ae_err err;
    for (int i = 0; i < t->nrows && c->runs && c->nruns < n; i++) {
        const tui_row *v = &t->rows_v[i];
        if (!v->marked) continue;
        tui_cmp_run *r = &c->runs[c->nruns++];
        r->id = v->r.id;
        char m[24];
        text_visible(v->r.model, m, sizeof m);
        snprintf(r->label, sizeof r->label, "#%lld %s/%d", (long long)v->r.id, m, v->latent);
        store_epoch *ep = NULL;
        int ne = 0;
        if (store_epochs_get(t->st, v->r.id, &ep, &ne, &err) == 0 && ne > 0) {
            r->test = malloc((size_t)ne * sizeof(float));
            if (r->test) {
                for (int k = 0; k < ne; k++) r->test[k] = (float)ep[k].test_loss;
                r->n = ne;
            }
        }
        free(ep);
    }
    for (int kind = 0; kind < 2; kind++) {
        const tui_row *best = NULL;
        for (int i = 0; i < t->nrows; i++) {
            const tui_row *v = &t->rows_v[i];
            if (row_kind(v) != kind || !v->r.sum.has || !isfinite(v->r.sum.test_mse)) continue;
            if (!best || v->r.sum.test_mse < best->r.sum.test_mse) best = v;
        }
        c->best_id[kind] = best ? best->r.id : 0;
        c->params[kind] = 0;
        c->pca[kind] = NAN;
        if (!best) continue;
        store_param *p = NULL;
        int np = 0;
        if (store_params_get(t->st, best->r.id, &p, &np, &err) == 0)
            for (int k = 0; k < np; k++)
                if (!strcmp(p[k].name, "params") && !p[k].is_text) c->params[kind] = (long)p[k].num;
        free(p);
        c->pca[kind] = pca_of(t, best->r.id);
    }
}

static const tui_row *find_row(const tui *t, int64_t id)
{
    for (int i = 0; i < t->nrows; i++)
        if (t->rows_v[i].r.id == id) return &t->rows_v[i];
    return NULL;
}

/* The model+dataset groups that have finished runs with a test MSE; returns their count and
 * the representative row of group `pick` in *rep. */
static int groups(const tui *t, int pick, const tui_row **rep)
{
    const tui_row *g[64];
    int ng = 0;
    for (int i = 0; i < t->nrows; i++) {
        const tui_row *v = &t->rows_v[i];
        if (!v->r.sum.has || !isfinite(v->r.sum.test_mse) || v->latent <= 0) continue;
        int k = 0;
        while (k < ng &&
               (strcmp(g[k]->r.model, v->r.model) || strcmp(g[k]->r.dataset, v->r.dataset)))
            k++;
        if (k == ng && ng < 64) g[ng++] = v;
    }
    *rep = ng ? g[(pick % ng + ng) % ng] : NULL;
    return ng;
}

typedef struct elbow_pt {
    int latent;
    double mse;
    int64_t id;
    double pca; /* PCA baseline MSE at this latent size, NaN when not computed */
} elbow_pt;

/* The best test MSE per latent size of the group, sorted by latent. */
static int elbow_points(const tui *t, const tui_row *rep, elbow_pt *pts, int cap)
{
    int n = 0;
    for (int i = 0; i < t->nrows; i++) {
        const tui_row *v = &t->rows_v[i];
        if (!v->r.sum.has || !isfinite(v->r.sum.test_mse) || v->latent <= 0) continue;
        if (strcmp(v->r.model, rep->r.model) || strcmp(v->r.dataset, rep->r.dataset)) continue;
        int k = 0;
        while (k < n && pts[k].latent != v->latent) k++;
        if (k == n) {
            if (n == cap) continue;
            pts[n++] = (elbow_pt){v->latent, v->r.sum.test_mse, v->r.id, NAN};
        } else if (v->r.sum.test_mse < pts[k].mse) {
            pts[k].mse = v->r.sum.test_mse, pts[k].id = v->r.id;
        }
    }
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && pts[j - 1].latent > pts[j].latent; j--) {
            elbow_pt x = pts[j];
            pts[j] = pts[j - 1], pts[j - 1] = x;
        }
    return n;
}

/* The elbow: the first latent after which a doubling gains less than 10% MSE; -1 if none. */
static int elbow_at(const elbow_pt *p, int n)
{
    for (int i = 0; i + 1 < n; i++) {
        double gain = (p[i].mse - p[i + 1].mse) / p[i].mse;
        double ratio = (double)p[i + 1].latent / p[i].latent;
        if (gain / (log2(ratio) > 0 ? log2(ratio) : 1) < 0.10) return i;
    }
    return -1;
}

static void draw_overlay(tui *t, int y, int x, int h, int w)
{
    tui_compare_state *c = &t->cmp;
    if (!c->nruns) {
        crt_put(y, x, w, "Marked runs' test loss", crt_attr(&t->crt, CRT_TITLE), 0);
        crt_put(y + 2, x + 1, w - 2, "Mark runs with Space on the Runs screen (3)",
                crt_attr(&t->crt, CRT_DIM), 0);
        crt_put(y + 3, x + 1, w - 2, "to overlay their test loss here.", crt_attr(&t->crt, CRT_DIM),
                0);
        return;
    }
    chart_series s[8];
    tui_legend leg[8];
    for (int i = 0; i < c->nruns; i++) {
        s[i] = (chart_series){.y = c->runs[i].test,
                              .n = c->runs[i].n,
                              .x0 = 1,
                              .x_step = 1,
                              .color = overlay_cols[i],
                              .style = CHART_LINE | CHART_MARKERS};
        leg[i] = (tui_legend){c->runs[i].label, overlay_cols[i]};
    }
    c->plot.log_y = 1;
    c->plot.x_label = "epoch";
    ae_err err;
    if (tui_plot_draw(&c->plot, &t->crt, y, x, h, w, "Test loss", s, c->nruns, leg, c->nruns, &err))
        crt_put(y + 1, x, w, err.msg, crt_attr(&t->crt, CRT_BAD), 0);
}

static void draw_elbow(tui *t, int y, int x, int h, int w, const tui_row *rep, const elbow_pt *pts,
                       int n)
{
    char title[96], m[24], d[32];
    if (!rep || n == 0) {
        crt_put(y, x, w, "Test MSE vs latent", crt_attr(&t->crt, CRT_TITLE), 0);
        crt_put(y + 2, x + 1, w - 2, "No finished runs yet; w queues a sweep.",
                crt_attr(&t->crt, CRT_DIM), 0);
        return;
    }
    text_visible(rep->r.model, m, sizeof m);
    text_visible(rep->r.dataset, d, sizeof d);
    snprintf(title, sizeof title, "MSE vs latent: %s/%s", m, d);
    float xs[32], ys[32], px[32], py[32];
    int npca = 0;
    for (int i = 0; i < n; i++) {
        xs[i] = (float)pts[i].latent, ys[i] = (float)pts[i].mse;
        double b = pca_of(t, pts[i].id);
        if (isfinite(b)) px[npca] = (float)pts[i].latent, py[npca++] = (float)b;
    }
    chart_series s[2] = {
        {.x = xs,
         .y = ys,
         .n = n,
         .color = TUI_COL_TEST,
         .style = CHART_LINE | CHART_MARKERS | CHART_BOLD},
        {.x = px, .y = py, .n = npca, .color = TUI_COL_TRAIN, .style = CHART_LINE | CHART_MARKERS}};
    tui_legend leg[2] = {{"AE", TUI_COL_TEST}, {"PCA", TUI_COL_TRAIN}};
    t->cmp.elbow.x_label = "latent";
    ae_err err;
    if (tui_plot_draw(&t->cmp.elbow, &t->crt, y, x, h, w, title, s, npca ? 2 : 1, leg, npca ? 2 : 1,
                      &err))
        crt_put(y + 1, x, w, err.msg, crt_attr(&t->crt, CRT_BAD), 0);
}

static void fmt_or_na(double v, const char *fmt, char *out, size_t len)
{
    if (isfinite(v))
        snprintf(out, len, fmt, v);
    else
        snprintf(out, len, "n/a");
}

static void compare_draw(tui *t, int y, int x, int h, int w)
{
    tui_compare_state *c = &t->cmp;
    if (c->stale) cmp_refresh(t);
    tui_clear(y, x, h, w);
    int top = h / 2 - 1;
    if (top < 8) top = 8;
    const tui_row *rep = NULL;
    int ng = groups(t, c->elbow_pick, &rep);
    elbow_pt pts[32];
    int np = rep ? elbow_points(t, rep, pts, 32) : 0;
    draw_overlay(t, y, x, top, w / 2 - 1);
    draw_elbow(t, y, x + w / 2, top, w - w / 2, rep, pts, np);
    if (ng > 1) {
        char gi[32];
        snprintf(gi, sizeof gi, "g: %d groups", ng);
        crt_put(y + top, x + w - 14, 14, gi, crt_attr(&t->crt, CRT_DIM), 0);
    }
    /* the table */
    int r = y + top;
    attr_t ha = crt_attr(&t->crt, CRT_HEADER);
    const tui_row *b[2] = {find_row(t, c->best_id[0]), find_row(t, c->best_id[1])};
    int tw = w - 2 < 78 ? w - 2 : 78;
    char line[256];
    snprintf(line, sizeof line, "%-24s %-18s %-18s", "best CNN vs best LSTM", "CNN", "LSTM");
    crt_put(r++, x + 1, tw, line, ha, 1);
    const char *names[] = {"run",           "model / dataset", "test MSE",      "PCA baseline MSE",
                           "test MAE",      "latent",          "input values",  "compression ratio",
                           "compression %", "parameters",      "training time", "samples/s"};
    int nrow = 12;
    for (int k = 0; k < nrow && r < y + h; k++) {
        char v[2][72];
        for (int j = 0; j < 2; j++) {
            const tui_row *q = b[j];
            if (!q) {
                snprintf(v[j], sizeof v[j], "-");
                continue;
            }
            int dim = tui_dataset_dim(q->r.dataset);
            double ratio = dim && q->latent ? (double)dim / q->latent : NAN;
            char m[24], d[32];
            switch (k) {
            case 0:
                snprintf(v[j], sizeof v[j], "#%lld", (long long)q->r.id);
                break;
            case 1:
                text_visible(q->r.model, m, sizeof m);
                text_visible(q->r.dataset, d, sizeof d);
                snprintf(v[j], sizeof v[j], "%s / %s", m, d);
                break;
            case 2:
                fmt_or_na(q->r.sum.test_mse, "%.5g", v[j], sizeof v[j]);
                break;
            case 3:
                if (isfinite(c->pca[j]))
                    snprintf(v[j], sizeof v[j], "%.5g", c->pca[j]);
                else
                    snprintf(v[j], sizeof v[j], "n/a (not computed)");
                break;
            case 4:
                fmt_or_na(q->r.sum.test_mae, "%.5g", v[j], sizeof v[j]);
                break;
            case 5:
                snprintf(v[j], sizeof v[j], "%d", q->latent);
                break;
            case 6:
                snprintf(v[j], sizeof v[j], "%d", dim);
                break;
            case 7:
                fmt_or_na(ratio, "%.1f : 1", v[j], sizeof v[j]);
                break;
            case 8:
                fmt_or_na(isfinite(ratio) ? 100.0 * (1 - 1 / ratio) : NAN, "%.1f%% smaller", v[j],
                          sizeof v[j]);
                break;
            case 9:
                snprintf(v[j], sizeof v[j], "%ld", c->params[j]);
                break;
            case 10:
                tui_fmt_duration(q->r.sum.seconds, v[j], sizeof v[j]);
                break;
            case 11:
                fmt_or_na(q->r.sum.samples_per_sec, "%.0f", v[j], sizeof v[j]);
                break;
            default:
                v[j][0] = 0;
            }
        }
        snprintf(line, sizeof line, "%-24s %-18s %-18s", names[k], v[0], v[1]);
        crt_put(r++, x + 1, tw, line, 0, 0);
    }
    /* findings, right of the table when there is room, else below it */
    int fx = x + tw + 3, fw = w - tw - 4, fy = y + top;
    if (fw < 30) fx = x + 1, fw = w - 2, fy = r + 1;
    char f[8][320];
    int nf = 0;
    if (b[0] && b[1]) {
        int better = b[0]->r.sum.test_mse <= b[1]->r.sum.test_mse ? 0 : 1;
        const tui_row *bb = b[better], *ww = b[1 - better];
        int dim = tui_dataset_dim(bb->r.dataset);
        snprintf(f[nf++], sizeof f[0],
                 "The %s (#%lld) reconstructs with the lower test MSE, %.3g against %.3g, at "
                 "%.0f:1 compression (latent %d of %d values); the datasets differ, so read this "
                 "as a ratio, not a contest.",
                 better ? "LSTM" : "CNN", (long long)bb->r.id, bb->r.sum.test_mse,
                 ww->r.sum.test_mse, dim && bb->latent ? (double)dim / bb->latent : 0.0, bb->latent,
                 dim);
    } else {
        snprintf(f[nf++], sizeof f[0], "Train at least one CNN and one LSTM run to compare them.");
    }
    if (rep && np >= 2) {
        int e = elbow_at(pts, np);
        char m[24];
        text_visible(rep->r.model, m, sizeof m);
        if (e >= 0)
            snprintf(f[nf++], sizeof f[0],
                     "For %s the elbow lies at latent %d: beyond it the test MSE improves by less "
                     "than 10%% per doubling (%.3g at %d, %.3g at %d).",
                     m, pts[e].latent, pts[e].mse, pts[e].latent, pts[e + 1].mse,
                     pts[e + 1].latent);
        else
            snprintf(f[nf++], sizeof f[0],
                     "For %s every doubling of the latent size up to %d still improves the test "
                     "MSE by 10%% or more: no elbow yet.",
                     m, pts[np - 1].latent);
    } else if (rep) {
        snprintf(
            f[nf++], sizeof f[0],
            "One latent size so far for this model and dataset: w runs a sweep (8, 16, 32, 64).");
    }
    int havepca = 0;
    for (int j = 0; j < 2; j++)
        if (b[j] && isfinite(c->pca[j])) {
            havepca = 1;
            double rel = (b[j]->r.sum.test_mse - c->pca[j]) / c->pca[j] * 100;
            snprintf(f[nf++], sizeof f[0],
                     "Run #%lld is %.0f%% %s than PCA with the same latent size.",
                     (long long)b[j]->r.id, fabs(rel), rel < 0 ? "better" : "worse");
        }
    if (!havepca)
        snprintf(f[nf++], sizeof f[0],
                 "PCA baselines: n/a for these runs (aetui baseline --dataset D --latent K "
                 "computes one; aetui train does after training).");
    crt_put(fy, fx, fw, "Findings", crt_attr(&t->crt, CRT_TITLE), 0);
    int fr = fy + 1, skip = c->scroll;
    for (int i = 0; i < nf && fr < y + h; i++) { /* wrap at spaces */
        const char *s = f[i];
        while (*s && fr < y + h) {
            int len = (int)strlen(s), cut = len;
            if (len > fw - 1) {
                cut = fw - 1;
                while (cut > 0 && s[cut] != ' ') cut--;
                if (cut == 0) cut = fw - 1;
            }
            char buf[320];
            snprintf(buf, sizeof buf, "%.*s", cut, s);
            if (skip > 0)
                skip--;
            else
                crt_put(fr++, fx, fw, buf, 0, 0);
            s += cut;
            while (*s == ' ') s++;
        }
    }
}

static int compare_action(tui *t, int action, int key)
{
    (void)key;
    switch (action) {
    case K_SWEEP: {
        if (t->app->busy(t->app->ctx)) {
            tui_message(t, "a run is training: stop it (2, x) before a sweep");
            return 1;
        }
        static const int lat[4] = {8, 16, 32, 64};
        tui_start_training(t, lat, 4);
        return 1;
    }
    case K_GROUP:
        t->cmp.elbow_pick++;
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

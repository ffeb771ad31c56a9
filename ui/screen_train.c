/* screen_train.c: screen 2, the training form, the progress of the run and its live curves.
 *
 * Left: the form (model, dataset, latent, epochs, batch, learning rate, train and test
 * samples, seed; defaults from the model's preset) and the progress (epoch and batch bars,
 * elapsed, ETA, samples/s, last and best epoch). Right: two curve widgets, loss (log scale)
 * and MAE: the per-batch loss faint, its moving average bold, per-epoch points marked, the
 * test curve bold with markers, the best epoch as a dashed line; the parent's own curves
 * (the run retrained from, of the same model kind: ui/tui_parent.c) drawn behind in grey.
 *
 * Changing fields never touches the run in progress: `s` starts a new run from the form, with
 * the previous run (trained here, or loaded from the Runs screen) recorded as its parent. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "model.h"
#include "fit.h"
#include "tui.h"

enum { F_MODEL, F_DATASET, F_LATENT, F_EPOCHS, F_BATCH, F_LR, F_TRAIN, F_TEST, F_SEED, NFIELDS };
static const char *const field_names[NFIELDS] = {"Model", "Dataset", "Latent", "Epochs", "Batch",
                                                 "LR",    "Train",   "Test",   "Seed"};

enum {
    T_UP = 1,
    T_DOWN,
    T_LESS,
    T_MORE,
    T_EDIT,
    T_START,
    T_PAUSE,
    T_STOP,
    T_FRESH,
    T_DEFAULTS,
    T_CANCEL_QUEUE,
};

static const tui_key train_keys[] = {
    {KEY_UP, "Up/k", "previous field", T_UP, 0},
    {'k', NULL, NULL, T_UP, 0},
    {KEY_DOWN, "Down/j", "next field", T_DOWN, 0},
    {'j', NULL, NULL, T_DOWN, 0},
    {KEY_LEFT, "Left/h/-", "smaller value, previous model or dataset", T_LESS, 0},
    {'h', NULL, NULL, T_LESS, 0},
    {'-', NULL, NULL, T_LESS, 0},
    {KEY_RIGHT, "Right/l/+", "larger value, next model or dataset", T_MORE, 0},
    {'l', NULL, NULL, T_MORE, 0},
    {'+', NULL, NULL, T_MORE, 0},
    {'\n', "Enter", "edit the field: type the value, Enter sets it, Esc cancels", T_EDIT,
     ACTION_HINT},
    {'\r', NULL, NULL, T_EDIT, 0},
    {KEY_ENTER, NULL, NULL, T_EDIT, 0},
    {'e', "e", "edit the field (as Enter)", T_EDIT, 0},
    {'s', "s", "start a run from the form (the previous run becomes its parent)", T_START,
     ACTION_HINT},
    {'p', "p", "pause / resume", T_PAUSE, ACTION_HINT},
    {'x', "x", "stop the run (status stopped, epochs kept); asks whether to drop the queue", T_STOP,
     ACTION_HINT},
    {'C', "C", "cancel the queued runs (the one training goes on)", T_CANCEL_QUEUE, 0},
    {'N', "N", "next run without a parent", T_FRESH, 0},
    {'D', "D", "reset the form to the model's defaults", T_DEFAULTS, 0},
    {0, NULL, NULL, 0, 0}};

static void field_value(const tui_form *f, int i, char *out, size_t len)
{
    switch (i) {
    case F_MODEL:
        snprintf(out, len, "%s", f->model);
        break;
    case F_DATASET:
        snprintf(out, len, "%s", f->dataset);
        break;
    case F_LATENT:
        snprintf(out, len, "%d", f->latent);
        break;
    case F_EPOCHS:
        snprintf(out, len, "%d", f->epochs);
        break;
    case F_BATCH:
        snprintf(out, len, "%d", f->batch);
        break;
    case F_LR:
        snprintf(out, len, "%g", f->lr);
        break;
    case F_TRAIN:
        snprintf(out, len, "%d", f->train_n);
        break;
    case F_TEST:
        snprintf(out, len, "%d", f->test_n);
        break;
    case F_SEED:
        snprintf(out, len, "%llu", f->seed);
        break;
    default:
        out[0] = 0;
    }
}

/* The TUI_SET_* bit of a field (0 for the model and the dataset). */
static unsigned field_bit(int i)
{
    static const unsigned bit[NFIELDS] = {0,
                                          0,
                                          TUI_SET_LATENT,
                                          TUI_SET_EPOCHS,
                                          TUI_SET_BATCH,
                                          TUI_SET_LR,
                                          TUI_SET_TRAIN,
                                          TUI_SET_TEST,
                                          TUI_SET_SEED};
    return i >= 0 && i < NFIELDS ? bit[i] : 0;
}

/* The kind of a dataset registered in the store (aetui data add), 0 when there is none; note
 * (when not NULL) gets what it holds, for the form: the run takes at most that many samples. */
static int registered_kind(tui *t, const char *name, char *note, size_t len)
{
    static store_dataset d; /* 6 KB: the UI thread's */
    ae_err err;
    if (note) note[0] = 0;
    if (!t->st || store_dataset_get(t->st, name, &d, &err) != 1) return 0;
    if (note) /* longest first: train_draw shows the first that fits, never a cut number */
        snprintf(note, len, "%d train, %d test|%d/%d", d.train, d.test, d.train, d.test);
    return !strcmp(d.kind, "images") ? DS_IMAGES : DS_SEQUENCES;
}

/* Sets a field from text; -1 with a message when the value is bad. */
static int field_set(tui *t, int i, const char *s)
{
    tui_form *f = &t->form;
    char *end;
    if (i == F_MODEL) {
        if (tui_form_change_model(f, s, t->app->data_dir)) {
            tui_message(t, "unknown model '%s'", s);
            return -1;
        }
        return 0;
    }
    if (i == F_DATASET) {
        const model_preset *p = model_preset_find(f->model);
        int kind = ds_known(s) ? ds_kind_of(s) : registered_kind(t, s, NULL, 0);
        if (!kind || (p && kind != p->kind)) {
            tui_message(t, "dataset '%s' does not suit %s", s, f->model);
            return -1;
        }
        snprintf(f->dataset, sizeof f->dataset, "%.31s", s);
        return 0;
    }
    if (i == F_LR) {
        double v = strtod(s, &end);
        if (end == s || *end || !(v > 0) || v > 10) {
            tui_message(t, "learning rate: a number above 0 and at most 10");
            return -1;
        }
        f->lr = v;
        f->user_set |= TUI_SET_LR;
        return 0;
    }
    if (i == F_SEED) {
        unsigned long long v = strtoull(s, &end, 10);
        if (end == s || *end) {
            tui_message(t, "seed: a whole number");
            return -1;
        }
        f->seed = v;
        f->user_set |= TUI_SET_SEED;
        return 0;
    }
    long v = strtol(s, &end, 10);
    static const long lo[NFIELDS] = {0, 0, 1, 1, 1, 0, 1, 1, 0};
    static const long hi[NFIELDS] = {0, 0, 65536, 1000000, 65536, 0, 100000000, 100000000, 0};
    if (end == s || *end || v < lo[i] || v > hi[i]) {
        tui_message(t, "%s: a whole number from %ld to %ld", field_names[i], lo[i], hi[i]);
        return -1;
    }
    int *dst[NFIELDS] = {0, 0, &f->latent, &f->epochs, &f->batch, 0, &f->train_n, &f->test_n, 0};
    *dst[i] = (int)v;
    f->user_set |= field_bit(i);
    return 0;
}

static void cycle_model(tui *t, int dir)
{
    int n = 0, cur = 0;
    while (model_presets[n].name) {
        if (!strcmp(model_presets[n].name, t->form.model)) cur = n;
        n++;
    }
    if (!n) return;
    tui_form_change_model(&t->form, model_presets[(cur + dir + n) % n].name, t->app->data_dir);
}

/* The datasets of the model's kind whose files are found (all of them when none is, so that
 * the form can still show which one is missing), then the datasets registered in the store
 * (aetui data add) that suit it. */
static void cycle_dataset(tui *t, int dir)
{
    const model_preset *p = model_preset_find(t->form.model);
    char list[64][32];
    int n = 0, cur = -1;
    for (int pass = 0; pass < 2 && !n; pass++)
        for (int i = 0; ds_names[i] && n < 16; i++) {
            if (p && ds_kind_of(ds_names[i]) != p->kind) continue;
            if (!pass && !tui_dataset_found(ds_names[i], t->app->data_dir)) continue;
            snprintf(list[n++], sizeof list[0], "%s", ds_names[i]);
        }
    store_dataset *reg = NULL;
    int nreg = 0;
    ae_err err;
    if (t->st && store_dataset_list(t->st, &reg, &nreg, &err) == 0)
        for (int i = 0; i < nreg && n < 64; i++)
            if (!p || !strcmp(reg[i].kind, p->kind == DS_IMAGES ? "images" : "sequences"))
                snprintf(list[n++], sizeof list[0], "%s", reg[i].name);
    free(reg);
    for (int i = 0; i < n; i++)
        if (!strcmp(list[i], t->form.dataset)) cur = i;
    if (cur < 0) cur = dir > 0 ? -1 : 0; /* from a missing one: the first (or last) found */
    if (n) snprintf(t->form.dataset, sizeof t->form.dataset, "%s", list[(cur + dir + n) % n]);
}

static void step_field(tui *t, int dir)
{
    tui_form *f = &t->form;
    int up = dir > 0;
    switch (t->train.field) {
    case F_MODEL:
        cycle_model(t, dir);
        break;
    case F_DATASET:
        cycle_dataset(t, dir);
        break;
    case F_LATENT:
        f->latent = up ? f->latent * 2 : (f->latent > 1 ? f->latent / 2 : 1);
        break;
    case F_EPOCHS:
        f->epochs = up ? f->epochs + 1 : (f->epochs > 1 ? f->epochs - 1 : 1);
        break;
    case F_BATCH:
        f->batch = up ? f->batch * 2 : (f->batch > 1 ? f->batch / 2 : 1);
        break;
    case F_LR:
        f->lr = up ? f->lr * 2 : f->lr / 2;
        break;
    case F_TRAIN:
        f->train_n = up ? f->train_n * 2 : (f->train_n > 1 ? f->train_n / 2 : 1);
        break;
    case F_TEST:
        f->test_n = up ? f->test_n * 2 : (f->test_n > 1 ? f->test_n / 2 : 1);
        break;
    case F_SEED:
        f->seed = up ? f->seed + 1 : (f->seed > 0 ? f->seed - 1 : 0);
        break;
    default:
        break;
    }
    f->user_set |= field_bit(t->train.field);
    if (f->latent > 65536) f->latent = 65536;
    if (f->batch > 65536) f->batch = 65536;
}

/* ---- drawing --------------------------------------------------------------------------- */

static void bar(char *out, int width, double frac)
{
    if (!(frac >= 0)) frac = 0;
    if (frac > 1) frac = 1;
    int fill = (int)(frac * width + 0.5);
    for (int i = 0; i < width; i++) out[i] = i < fill ? '#' : '.';
    out[width] = 0;
}

/* The ended run's PCA baseline at its latent size: the number once the background thread
 * has stored it, "computing" before, why not when it failed. */
static void draw_baseline(tui *t, int r, int x, int w)
{
    const tui_live *l = &t->live;
    char line[160], why[256] = "";
    tui_row *row = NULL;
    for (int i = 0; i < t->nrows && !row; i++)
        if (t->rows_v[i].r.id == l->run) row = &t->rows_v[i];
    if (row && tui_row_baseline(t, row)) {
        snprintf(line, sizeof line, "PCA k=%d: test MSE %.5g", l->form.latent, row->pca_mse);
        crt_put(r, x, w, line, 0, 0);
    } else if (t->app->baseline_busy && t->app->baseline_busy(t->app->ctx)) {
        crt_put(r, x, w, "PCA baseline: computing...", crt_attr(&t->crt, CRT_DIM), 0);
    } else if (t->app->baseline_failed &&
               t->app->baseline_failed(t->app->ctx, why, sizeof why) == l->run) {
        snprintf(line, sizeof line, "PCA baseline: none (%s)", why);
        tui_put_visible(t, r, x, w, line, crt_attr(&t->crt, CRT_DIM));
    }
}

static void draw_progress(tui *t, int y, int x, int h, int w)
{
    const tui_live *l = &t->live;
    attr_t ti = crt_attr(&t->crt, CRT_TITLE), dim = crt_attr(&t->crt, CRT_DIM);
    int r = y;
    char line[256], b[64];
    double now = t->app->now(t->app->ctx);
    /* a start that failed before the run had an id (the trainer refused the form, the data
     * was not found or is too small): the reason, whole, where the eye is */
    const char *why = t->train.err[0]                                         ? t->train.err
                      : !l->active && !l->run && !strcmp(l->status, "failed") ? l->message
                                                                              : NULL;
    if (why) {
        crt_put(r++, x, w, "Could not start (nothing recorded):", crt_attr(&t->crt, CRT_BAD), 0);
        r += tui_pics_wrap(t, r, x, w, y + h - r, why[0] ? why : "no reason given",
                           crt_attr(&t->crt, CRT_BAD));
        return;
    }
    if (!l->active && !l->run && !l->nep) {
        crt_put(r++, x, w, "No run yet.", ti, 0);
        crt_put(r++, x, w, "Set the fields, then s starts.", dim, 0);
        if (tui_next_parent(t)) {
            snprintf(line, sizeof line, "Parent: run #%lld", (long long)tui_next_parent(t));
            crt_put(r++, x, w, line, dim, 0);
        }
        return;
    }
    const char *state = l->active ? (l->stopping  ? "stopping"
                                     : l->paused  ? "paused"
                                     : l->started ? "training"
                                                  : "loading")
                                  : l->status;
    attr_t sa =
        !strcmp(state, "finished") || !strcmp(state, "training") ? crt_attr(&t->crt, CRT_GOOD)
        : !strcmp(state, "failed") || !strcmp(state, "diverged") ? crt_attr(&t->crt, CRT_BAD)
                                                                 : crt_attr(&t->crt, CRT_WARN);
    snprintf(line, sizeof line, "Run #%lld ", (long long)l->run);
    int used = crt_put(r, x, w, line, ti, 0);
    crt_put(r++, x + used, w - used, state, sa, 0);
    char q[160]; /* the queue, high up so that it shows at 80x24 too, wrapped: nothing cut */
    if (tui_queue_text(t, q, sizeof q, 0)) {
        snprintf(line, sizeof line, "%s; C cancels", q);
        static char part[4][FIT_LINE];
        int n = fit_wrap(line, w, t->crt.utf8, part, 4);
        for (int k = 0; k < n && r < y + h; k++)
            crt_put(r++, x, w, part[k], crt_attr(&t->crt, CRT_WARN), 0);
    }
    if (l->parent) {
        snprintf(line, sizeof line, "parent #%lld%s", (long long)l->parent,
                 t->parent.run == l->parent && (t->parent.nep || t->parent.nbl) ? " (grey curves)"
                                                                                : "");
        crt_put(r++, x, w, line, dim, 0);
    }
    if (l->message[0] && r < y + h) { /* a failure's reason whole (wrapped), a note cut */
        int bad = !strcmp(state, "failed") || !strcmp(state, "diverged");
        if (bad)
            r += tui_pics_wrap(t, r, x, w, y + h - r - 4 > 1 ? y + h - r - 4 : 1, l->message,
                               crt_attr(&t->crt, CRT_BAD));
        else
            tui_put_visible(t, r++, x, w, l->message, crt_attr(&t->crt, CRT_BAD));
    }
    int epochs = l->form.epochs > 0 ? l->form.epochs : 1, nb = l->nbatches > 0 ? l->nbatches : 1;
    int ep = l->epoch > 0 ? l->epoch : 0;
    int bw = w - 16 > 30 ? 30 : w - 16;
    if (bw < 4) bw = 4;
    double done = l->started ? (ep > 0 ? ep - 1 : 0) + (double)l->batch / nb : 0;
    if (!l->active && l->nep) done = l->nep;
    bar(b, bw, done / epochs);
    snprintf(line, sizeof line, "epoch %3d/%-3d %s", ep, epochs, b);
    crt_put(r++, x, w, line, 0, 0);
    /* After the end the counter is reset for an epoch that never comes: the last epoch ran
     * all its batches ("batch 0/63" under a finished run read as nothing done). */
    int shown = !l->active && l->batch == 0 && l->nep > 0 ? nb : l->batch;
    bar(b, bw, l->active ? (double)l->batch / nb : 1);
    snprintf(line, sizeof line, "batch %4d/%-4d", shown, nb);
    int u2 = crt_put(r, x, w, line, 0, 0);
    if (w - u2 > 1 && w > 40) crt_put(r, x + u2 + 1, w - u2 - 1, b, dim, 0);
    r++;
    double el = (l->active ? now : (l->t_end > 0 ? l->t_end : now)) - l->t_start;
    char els[32], eta[32] = "-";
    tui_fmt_duration(el, els, sizeof els);
    if (l->active && l->started && done > 0.02)
        tui_fmt_duration(el / done * (epochs - done), eta, sizeof eta);
    snprintf(line, sizeof line, "elapsed %s  ETA %s", els, l->active ? eta : "-");
    crt_put(r++, x, w, line, 0, 0);
    double sps = l->nep ? l->ep[l->nep - 1].sps : NAN;
    if (l->active && l->started && l->batch > 0 && now > l->t_epoch)
        sps = l->batch * (double)l->form.batch / (now - l->t_epoch);
    snprintf(line, sizeof line, "samples/s %.0f  params %ld", isfinite(sps) ? sps : 0.0, l->params);
    crt_put(r++, x, w, line, 0, 0);
    if (r < y + h && l->nep) {
        const tui_epoch_pt *e = &l->ep[l->nep - 1];
        snprintf(line, sizeof line, "ep %d: train %.4g test %.4g", e->epoch, e->train_loss,
                 e->test_loss);
        crt_put(r++, x, w, line, 0, 0);
        snprintf(line, sizeof line, "       MAE %.4g / %.4g", e->train_mae, e->test_mae);
        if (r < y + h) crt_put(r++, x, w, line, 0, 0);
    }
    if (r < y + h && l->best_epoch) {
        snprintf(line, sizeof line, "best epoch %d: test loss %.5g", l->best_epoch, l->best_test);
        crt_put(r++, x, w, line, crt_attr(&t->crt, CRT_GOOD), 0);
    }
    if (r < y + h && !l->active && l->run) draw_baseline(t, r++, x, w);
}

/* Moving average of the batch losses (what the eye reads through the noise). */
static float *smooth(const float *v, int n, int nb)
{
    float *s = malloc((size_t)(n > 0 ? n : 1) * sizeof *s);
    if (!s) return NULL;
    double a = 2.0 / ((nb > 4 ? nb / 2 : 2) + 1.0), m = n ? v[0] : 0;
    for (int i = 0; i < n; i++) {
        m = i ? m + a * (v[i] - m) : v[i];
        s[i] = (float)m;
    }
    return s;
}

typedef struct curve_set {
    float *tr_ep, *te_ep, *trm, *tem, *sm;
} curve_set;

/* Adds a run's series: which = 0 loss, 1 MAE. grey: the parent's, drawn behind. */
static int add_series(const tui_live *l, int which, int grey, chart_series *s, int ns,
                      curve_set *cs)
{
    int n = l->nep;
    if (n > 0) {
        cs->tr_ep = malloc((size_t)n * sizeof(float));
        cs->te_ep = malloc((size_t)n * sizeof(float));
        if (!cs->tr_ep || !cs->te_ep) return ns;
        for (int i = 0; i < n; i++) {
            cs->tr_ep[i] = (float)(which ? l->ep[i].train_mae : l->ep[i].train_loss);
            cs->te_ep[i] = (float)(which ? l->ep[i].test_mae : l->ep[i].test_loss);
        }
    }
    int nb = l->nbatches > 0 ? l->nbatches : 1;
    canvas_color ctr = grey ? tui_plot_faint(TUI_COL_PARENT) : TUI_COL_TRAIN;
    canvas_color cte = grey ? TUI_COL_PARENT : TUI_COL_TEST;
    if (!which && l->nbl > 0) {
        if (!grey)
            s[ns++] = (chart_series){.y = l->bl,
                                     .n = l->nbl,
                                     .x0 = 1.0 / nb,
                                     .x_step = 1.0 / nb,
                                     .color = tui_plot_faint(TUI_COL_TRAIN),
                                     .style = CHART_LINE};
        cs->sm = smooth(l->bl, l->nbl, nb);
        if (cs->sm)
            s[ns++] = (chart_series){.y = cs->sm,
                                     .n = l->nbl,
                                     .x0 = 1.0 / nb,
                                     .x_step = 1.0 / nb,
                                     .color = ctr,
                                     .style = grey ? CHART_LINE : CHART_LINE | CHART_BOLD};
    }
    if (n > 0 && cs->tr_ep && cs->te_ep) {
        int st = which ? CHART_LINE | CHART_MARKERS : CHART_MARKERS;
        s[ns++] = (chart_series){.y = cs->tr_ep,
                                 .n = n,
                                 .x0 = 1,
                                 .x_step = 1,
                                 .color = ctr,
                                 .style = grey ? CHART_LINE : st};
        s[ns++] =
            (chart_series){.y = cs->te_ep,
                           .n = n,
                           .x0 = 1,
                           .x_step = 1,
                           .color = cte,
                           .style = grey ? CHART_LINE : CHART_LINE | CHART_MARKERS | CHART_BOLD};
    }
    return ns;
}

static void free_set(curve_set *c)
{
    free(c->tr_ep), free(c->te_ep), free(c->trm), free(c->tem), free(c->sm);
    memset(c, 0, sizeof *c);
}

static void draw_curves(tui *t, int y, int x, int h, int w)
{
    const tui_live *l = &t->live;
    /* grey curves only when they are the shown run's parent's own */
    int has_parent =
        l->parent && t->parent.run == l->parent && (t->parent.nep > 0 || t->parent.nbl > 0);
    if (!l->nbl && !l->nep && !has_parent) {
        tui_clear(y, x, h, w);
        crt_put(y + h / 2, x + 2, w - 4, "Curves appear here once a run trains.",
                crt_attr(&t->crt, CRT_DIM), 0);
        return;
    }
    int h1 = h * 3 / 5;
    for (int which = 0; which < 2; which++) {
        chart_series s[12];
        int ns = 0;
        curve_set cp = {0}, cl = {0};
        if (has_parent) ns = add_series(&t->parent, which, 1, s, ns, &cp);
        ns = add_series(l, which, 0, s, ns, &cl);
        tui_legend leg[3] = {
            {"train", TUI_COL_TRAIN}, {"test", TUI_COL_TEST}, {"parent", TUI_COL_PARENT}};
        tui_plot *p = which ? &t->train.mae : &t->train.loss;
        p->has_best = l->best_epoch > 0;
        p->best_x = l->best_epoch;
        p->log_y = !which;
        p->x_label = "epoch";
        char title[96];
        if (which)
            snprintf(title, sizeof title, "MAE per epoch");
        else if (l->run)
            snprintf(title, sizeof title, "Loss (MSE, log) run #%lld", (long long)l->run);
        else
            snprintf(title, sizeof title, "Loss (MSE, log)");
        ae_err err;
        int py = which ? y + h1 : y, ph = which ? h - h1 : h1;
        if (tui_plot_draw(p, &t->crt, py, x, ph, w, title, s, ns, leg, has_parent ? 3 : 2, &err))
            crt_put(py + 1, x + 1, w - 2, err.msg, crt_attr(&t->crt, CRT_BAD), 0);
        free_set(&cp);
        free_set(&cl);
    }
}

static char reg_note[128]; /* what the form's registered dataset holds ("" for built-ins) */

/* Whether the form's dataset is found (looked up again only when the name changes). */
static int dataset_found(tui *t)
{
    tui_train_state *s = &t->train;
    if (strcmp(s->found_name, t->form.dataset)) {
        snprintf(s->found_name, sizeof s->found_name, "%s", t->form.dataset);
        reg_note[0] = 0;
        s->found = tui_dataset_found(t->form.dataset, t->app->data_dir) ||
                   registered_kind(t, t->form.dataset, reg_note, sizeof reg_note);
    }
    return s->found;
}

static void train_draw(tui *t, int y, int x, int h, int w)
{
    tui_clear(y, x, h, w);
    int lw = 36;
    attr_t ti = crt_attr(&t->crt, CRT_TITLE);
    crt_put(y, x + 1, lw, "Form (Enter edits, s starts)", ti, 0);
    for (int i = 0; i < NFIELDS; i++) {
        char val[80], line[128];
        int sel = i == t->train.field;
        if (sel && t->train.editing)
            snprintf(val, sizeof val, "%s_", t->train.buf);
        else
            field_value(&t->form, i, val, sizeof val);
        snprintf(line, sizeof line, "%-8s", field_names[i]);
        crt_put(y + 1 + i, x + 1, 9, line, sel ? crt_attr(&t->crt, CRT_SELECTED) : 0, 1);
        const char *arrows =
            (i == F_MODEL || i == F_DATASET) && sel && !t->train.editing ? " <>" : "";
        char v2[96];
        snprintf(v2, sizeof v2, "%s%s", val, arrows);
        int u = crt_put(y + 1 + i, x + 11, lw - 12, v2,
                        sel && t->train.editing ? crt_attr(&t->crt, CRT_FIELD_EDIT)
                                                : crt_attr(&t->crt, CRT_FIELD),
                        sel && t->train.editing);
        if (i == F_DATASET && !(sel && t->train.editing) && !dataset_found(t))
            crt_put(y + 1 + i, x + 12 + u, lw - 13 - u, "not found", crt_attr(&t->crt, CRT_BAD), 0);
        else if (i == F_DATASET && !(sel && t->train.editing) && reg_note[0]) {
            const char *p = reg_note, *bar; /* the forms of the note, longest first */
            int room = lw - 13 - u;
            while ((bar = strchr(p, '|')) && bar - p > room) p = bar + 1;
            int n = bar ? (int)(bar - p) : (int)strlen(p);
            char part[64];
            snprintf(part, sizeof part, "%.*s", n < 63 ? n : 63, p);
            if (n <= room)
                crt_put(y + 1 + i, x + 12 + u, room, part, crt_attr(&t->crt, CRT_DIM), 0);
        }
    }
    char pl[64];
    const char *pm = tui_parent_model(t);
    if (tui_next_parent(t))
        snprintf(pl, sizeof pl, "next run's parent: #%lld (N: none)", (long long)t->form_parent);
    else if (t->form_parent && pm)
        snprintf(pl, sizeof pl, "next run: no parent (#%lld: %.12s)", (long long)t->form_parent,
                 pm);
    else
        snprintf(pl, sizeof pl, "next run: no parent");
    crt_put(y + 1 + NFIELDS, x + 1, lw - 1, pl, crt_attr(&t->crt, CRT_DIM), 0);
    int py = y + NFIELDS + 3;
    draw_progress(t, py, x + 1, h - (py - y), lw - 1);
    draw_curves(t, y, x + lw + 1, h, w - lw - 1);
}

/* ---- keys ------------------------------------------------------------------------------ */

static void start(tui *t)
{
    if (t->app->busy(t->app->ctx)) {
        tui_message(t, "run #%lld is training: x stops it first", (long long)t->live.run);
        return;
    }
    tui_start_training(t);
}

static int edit_key(tui *t, int key)
{
    tui_train_state *s = &t->train;
    if (key == 27) {
        s->editing = 0;
        return 1;
    }
    if (key == '\n' || key == '\r' || key == KEY_ENTER) {
        s->editing = 0;
        if (s->blen && field_set(t, s->field, s->buf) == 0) {
            char v[64];
            field_value(&t->form, s->field, v, sizeof v);
            tui_message(t, "%s = %s", field_names[s->field], v);
        }
        return 1;
    }
    if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        if (s->blen) s->buf[--s->blen] = 0;
        return 1;
    }
    if (key >= 32 && key < 127 && s->blen < (int)sizeof s->buf - 1) {
        s->buf[s->blen++] = (char)key;
        s->buf[s->blen] = 0;
    }
    return 1;
}

static int train_action(tui *t, int action, int key)
{
    tui_train_state *s = &t->train;
    if (s->editing) return edit_key(t, key);
    switch (action) {
    case T_UP:
        s->field = (s->field + NFIELDS - 1) % NFIELDS;
        return 1;
    case T_DOWN:
        s->field = (s->field + 1) % NFIELDS;
        return 1;
    case T_LESS:
        step_field(t, -1);
        return 1;
    case T_MORE:
        step_field(t, +1);
        return 1;
    case T_EDIT:
        s->editing = 1;
        s->blen = 0;
        s->buf[0] = 0;
        return 1;
    case T_START:
        start(t);
        return 1;
    case T_PAUSE:
        if (!t->app->busy(t->app->ctx)) {
            tui_message(t, "nothing is training");
            return 1;
        }
        t->live.paused = !t->live.paused;
        t->app->pause(t->app->ctx, t->live.paused);
        tui_message(t, t->live.paused ? "paused (p resumes)" : "resumed");
        return 1;
    case T_STOP:
        tui_stop_run(t);
        return 1;
    case T_CANCEL_QUEUE:
        tui_cancel_queue(t);
        return 1;
    case T_FRESH:
        t->form_parent = 0;
        tui_message(t, "the next run has no parent");
        return 1;
    case T_DEFAULTS: {
        char m[24];
        snprintf(m, sizeof m, "%s", t->form.model);
        tui_form_defaults(&t->form, m, t->app->data_dir);
        tui_message(t, "%s defaults", m);
        return 1;
    }
    default:
        return 0;
    }
}

static int train_click(tui *t, int y, int x)
{
    int f = y - 2; /* the form starts on the second row of the screen area */
    if (x < 37 && f >= 0 && f < NFIELDS) {
        t->train.field = f;
        return 1;
    }
    return 0;
}

static int train_editing(tui *t)
{
    return t->train.editing;
}

const tui_screen screen_train = {"Train",     train_keys, train_draw, train_action,
                                 train_click, NULL,       NULL,       train_editing};

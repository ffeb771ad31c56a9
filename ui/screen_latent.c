/* screen_latent.c: screen 5, Latent space (issue 5).
 *
 * The test set's latent vectors as a 2-D scatter coloured by class, with a legend: PCA by
 * default (the explained variance of both axes shown), the raw latent when it has two
 * dimensions, t-SNE on a key. t-SNE runs in a worker thread (core/tsne.h); each frame takes
 * its latest published layout, so the plot moves as it converges; leaving the screen or a
 * change of the points cancels it. A cursor (arrows, or a mouse click) selects the point
 * nearest to it and the side panel shows that sample's input and reconstruction.
 *
 * Points: the run being trained (its samples of the last epoch, ui/samples.h), or a finished
 * run chosen on the Runs screen ('L'): its latent vectors as the store keeps them
 * (store_latents_get), with the samples loaded in the background for the side panel. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "pca.h"
#include "tsne.h"
#include "tui.h"

enum { LT_PCA = 1, LT_TSNE, LT_LEFT, LT_RIGHT, LT_UP, LT_DOWN, LT_NEXT, LT_PREV, LT_LIVE };
enum { TSNE_MAX = 2000 }; /* points given to t-SNE (the first ones) */

static const tui_key latent_keys[] = {
    {'p', "p", "PCA projection (the default)", LT_PCA, ACTION_HINT},
    {'t', "t", "t-SNE (computed in the background, drawn as it converges)", LT_TSNE, ACTION_HINT},
    {KEY_LEFT, "arrows/hjkl", "move the cursor: selects the nearest point", LT_LEFT, ACTION_HINT},
    {'h', NULL, NULL, LT_LEFT, 0},
    {KEY_RIGHT, NULL, NULL, LT_RIGHT, 0},
    {'l', NULL, NULL, LT_RIGHT, 0},
    {KEY_UP, NULL, NULL, LT_UP, 0},
    {'k', NULL, NULL, LT_UP, 0},
    {KEY_DOWN, NULL, NULL, LT_DOWN, 0},
    {'j', NULL, NULL, LT_DOWN, 0},
    {'n', "n/N", "select the next / previous point", LT_NEXT, 0},
    {'N', NULL, NULL, LT_PREV, 0},
    {'b', "b", "back to the run being trained (after 'L' on the Runs screen)", LT_LIVE, 0},
    {0, NULL, NULL, 0, 0}};

#define COL_BG     0x101010u
#define COL_CURSOR 0xffffffu

/* ---- t-SNE worker ---------------------------------------------------------------------- */

typedef struct tsne_job {
    pthread_t th;
    tsne *ts;
    atomic_int done;
    int rc;
    ae_err err;
    uint64_t seen;
} tsne_job;

static void *tsne_main(void *arg)
{
    tsne_job *j = arg;
    j->rc = tsne_run(j->ts, &j->err);
    atomic_store(&j->done, 1);
    return NULL;
}

static void tsne_stop(tui *t)
{
    tsne_job *j = t->lat.tsne;
    if (!j) return;
    tsne_cancel(j->ts);
    pthread_join(j->th, NULL);
    tsne_free(j->ts);
    free(j);
    t->lat.tsne = NULL;
    t->animating = 0;
}

static void tsne_start(tui *t)
{
    tui_latent_state *L = &t->lat;
    tsne_stop(t);
    int n = L->n < TSNE_MAX ? L->n : TSNE_MAX;
    if (n < 8) {
        snprintf(L->status, sizeof L->status, "t-SNE needs at least 8 points");
        return;
    }
    tsne_job *j = calloc(1, sizeof *j);
    if (!j) return;
    tsne_params p = {.threads = 1, .seed = 1};
    ae_err err;
    j->ts = tsne_create(L->z, n, L->L, &p, &err);
    if (!j->ts) {
        snprintf(L->status, sizeof L->status, "t-SNE: %.140s", err.msg);
        free(j);
        return;
    }
    atomic_init(&j->done, 0);
    if (pthread_create(&j->th, NULL, tsne_main, j)) {
        tsne_free(j->ts);
        free(j);
        snprintf(L->status, sizeof L->status, "t-SNE: cannot start a thread");
        return;
    }
    L->tsne = j;
    L->tsne_n = n;
    t->animating = 1;
    snprintf(L->status, sizeof L->status, "t-SNE of %d points: starting", n);
}

/* Takes the latest layout; 1 when the points moved. */
static int tsne_poll(tui *t)
{
    tui_latent_state *L = &t->lat;
    tsne_job *j = L->tsne;
    if (!j) return 0;
    tsne_status st;
    uint64_t v = tsne_snapshot(j->ts, NULL, &st);
    int moved = 0;
    if (v != j->seen && st.phase >= TSNE_OPTIMISING) {
        float *xy = malloc(sizeof(float) * 2 * (size_t)L->tsne_n);
        if (xy) {
            tsne_snapshot(j->ts, xy, &st);
            memcpy(L->xy, xy, sizeof(float) * 2 * (size_t)L->tsne_n);
            free(xy);
            moved = 1;
            L->method = 1; /* the points drawn are t-SNE's from now on */
        }
        j->seen = v;
    }
    static const char *const phases[] = {
        "starting", "nearest neighbours", "affinities", "optimising",
        "done",     "cancelled",          "failed"};
    int ph = st.phase >= 0 && st.phase <= 6 ? st.phase : 0;
    if (isfinite(st.kl))
        snprintf(L->status, sizeof L->status, "t-SNE of %d points: %s, iteration %d/%d, KL %.3f",
                 L->tsne_n, phases[ph], st.iteration, st.iterations, st.kl);
    else
        snprintf(L->status, sizeof L->status, "t-SNE of %d points: %s, iteration %d/%d", L->tsne_n,
                 phases[ph], st.iteration, st.iterations);
    if (atomic_load(&j->done)) {
        if (j->rc < 0) snprintf(L->status, sizeof L->status, "t-SNE failed: %.140s", j->err.msg);
        pthread_join(j->th, NULL);
        tsne_free(j->ts);
        free(j);
        L->tsne = NULL;
        t->animating = 0;
    }
    return moved;
}

/* ---- points ---------------------------------------------------------------------------- */

void tui_latent_free(tui *t)
{
    tsne_stop(t);
    tui_latent_state *L = &t->lat;
    free(L->z), free(L->labels), free(L->xy);
    L->z = L->xy = NULL, L->labels = NULL;
    L->n = 0, L->tsne_n = 0, L->method = 0; /* a key before the next points find none */
    L->src_run = 0;
}

/* Computes the PCA (or raw) positions of every point. */
static void project(tui *t)
{
    tui_latent_state *L = &t->lat;
    L->explained[0] = L->explained[1] = NAN;
    if (L->L == 2) {
        memcpy(L->xy, L->z, sizeof(float) * 2 * (size_t)L->n);
        L->method = 2;
        snprintf(L->status, sizeof L->status, "latent dimension 2: the raw latent vectors");
        return;
    }
    if (L->L == 1 || L->n < 3) {
        for (int i = 0; i < L->n; i++) L->xy[2 * i] = L->z[i * L->L], L->xy[2 * i + 1] = 0;
        L->method = 0;
        snprintf(L->status, sizeof L->status, "latent dimension %d: first value only", L->L);
        return;
    }
    pca p;
    ae_err err;
    if (pca_fit(&p, L->z, L->n, L->L, 2, &err) || pca_project(&p, L->z, L->n, L->xy, &err)) {
        snprintf(L->status, sizeof L->status, "PCA: %.140s", err.msg);
        memset(L->xy, 0, sizeof(float) * 2 * (size_t)L->n);
        return;
    }
    L->explained[0] = p.ratio[0], L->explained[1] = p.ratio[1];
    pca_free(&p);
    L->method = 0;
    snprintf(L->status, sizeof L->status,
             "PCA of %d latent vectors (dim %d): PC1 %.1f%%, PC2 %.1f%% of the variance", L->n,
             L->L, 100 * L->explained[0], 100 * L->explained[1]);
}

static int take_points(tui *t, const float *z, const uint8_t *labels, int n, int dim)
{
    tui_latent_state *L = &t->lat;
    tsne_stop(t);
    free(L->z), free(L->labels), free(L->xy);
    L->z = malloc(sizeof(float) * (size_t)n * dim);
    L->labels = malloc((size_t)n);
    L->xy = malloc(sizeof(float) * 2 * (size_t)n);
    if (!L->z || !L->labels || !L->xy) {
        free(L->z), free(L->labels), free(L->xy);
        L->z = L->xy = NULL, L->labels = NULL, L->n = 0;
        return -1;
    }
    memcpy(L->z, z, sizeof(float) * (size_t)n * dim);
    memcpy(L->labels, labels, (size_t)n);
    L->n = n, L->L = dim;
    if (L->cursor >= n) L->cursor = -1;
    project(t);
    if (L->want_tsne && dim != 2) tsne_start(t);
    return 0;
}

/* Makes the points those of the run shown; 1 when they changed. */
static int refresh_points(tui *t)
{
    tui_latent_state *L = &t->lat;
    const samples *s = tui_pics_current(t);
    if (t->pics.run) { /* a finished run: the store's latents */
        if (L->src_run != t->pics.run) {
            float *z = NULL;
            uint8_t *lab = NULL;
            int n = 0, dim = 0;
            ae_err err;
            L->src_run = t->pics.run;
            L->src_gen = 0;
            L->n = 0;
            if (store_latents_get(t->st, t->pics.run, &z, &lab, &n, &dim, &err)) {
                snprintf(L->status, sizeof L->status, "%.150s", err.msg);
            } else if (n < 1) {
                snprintf(L->status, sizeof L->status,
                         "run %lld has no latent vectors in the store (it ended before an epoch "
                         "completed)",
                         (long long)t->pics.run);
            } else {
                take_points(t, z, lab, n, dim);
                const char *ds = NULL;
                for (int i = 0; i < t->nrows; i++)
                    if (t->rows_v[i].r.id == t->pics.run) ds = t->rows_v[i].r.dataset;
                L->nclasses = samples_class_names(ds, NULL, L->class_names);
            }
            free(z), free(lab);
            return 1;
        }
        if (s && L->src_gen != (uint64_t)(uintptr_t)s) { /* class names from the loaded data */
            L->src_gen = (uint64_t)(uintptr_t)s;
            L->nclasses = s->nclasses;
            memcpy(L->class_names, s->class_names, sizeof L->class_names);
            return 1;
        }
        return 0;
    }
    if (!s) {
        if (L->src_run || L->n) tui_latent_free(t);
        return 0;
    }
    if (L->src_run == s->run && L->src_gen == (uint64_t)s->epoch && L->n) return 0;
    L->src_run = s->run;
    L->src_gen = (uint64_t)s->epoch;
    L->nclasses = s->nclasses;
    memcpy(L->class_names, s->class_names, sizeof L->class_names);
    take_points(t, s->z, s->labels, s->n, s->latent);
    return 1;
}

/* ---- drawing --------------------------------------------------------------------------- */

/* The legend as text: one class a line, in two columns when the rows are short. Returns the
 * rows it takes (drawn only when draw). */
static int legend_text(tui *t, int y, int x, int w, int rows, int draw)
{
    tui_latent_state *L = &t->lat;
    int longest = 0;
    for (int k = 0; k < L->nclasses; k++) {
        int cw = crt_width(L->class_names[k]);
        if (cw > longest) longest = cw;
    }
    /* two columns when the names fit in half the width (or the rows are too few) */
    int n = L->nclasses, cols = n > rows || w / 2 >= longest + 3 ? 2 : 1;
    int per = (n + cols - 1) / cols;
    if (per > rows) per = rows; /* what does not fit is left out */
    int cw = w / cols;
    for (int k = 0; draw && k < n && k < per * cols; k++) {
        int ly = y + k % per, lx = x + (k / per) * cw;
        canvas_color col = chart_class_color(k);
        attr_t a = crt_plot_attr(&t->crt, col, textgfx_rgb_to_256(col)) | A_BOLD;
        crt_put(ly, lx, 2, t->crt.utf8 ? "\u25cf " : "* ", a, 0);
        tui_put_visible(t, ly, lx + 2, cw - 3, L->class_names[k], 0);
    }
    return per;
}

/* The picked point: its class and error, then its input beside its reconstruction (images:
 * as large as the panel allows, square pixels in both back ends; sequences: feature 1 as two
 * lines). Rows below are left free. */
static void draw_side(tui *t, int i, int y, int x, int h, int w)
{
    tui_latent_state *L = &t->lat;
    const samples *s = tui_pics_current(t);
    attr_t dim = crt_attr(&t->crt, CRT_DIM);
    int sixel = gfx_sixel(&t->gfx);
    /* the legend (text back end: the sixel scatter has its own) at the bottom */
    int leg = sixel ? 0 : legend_text(t, 0, 0, w, h / 2, 0);
    if (leg) legend_text(t, y + h - leg, x, w, leg, 1);
    int row = y, bottom = y + h - leg - (leg ? 1 : 0);
    if (i < 0 || i >= L->n) {
        tui_pics_wrap(t, row, x, w, 2, "arrows or a click pick a point", dim);
        return;
    }
    char line[160];
    int c = L->labels[i];
    snprintf(line, sizeof line, "#%d %s", i, c < L->nclasses ? L->class_names[c] : "?");
    tui_put_visible(t, row++, x, w, line, crt_attr(&t->crt, CRT_TITLE));
    if (!s || i >= s->n) {
        if (t->pics.note[0]) crt_put(row, x, w, "loading the pictures...", dim, 0);
        return;
    }
    snprintf(line, sizeof line, "MSE %.5f", s->mse[i]);
    crt_put(row++, x, w, line, 0, 0);
    int gap = sixel ? 1 : 2; /* columns between input and reconstruction */
    int iw = (w - gap) / 2, rows = bottom - row - 1;
    if (iw < 2 || rows < 2) return;
    const float *xo = s->x + (size_t)i * s->dim, *yo = s->y + (size_t)i * s->dim;
    if (s->kind == DS_IMAGES) {
        int ph, pw, cols, prow;
        if (sixel) { /* the largest whole scale (or a shrink) that fits both */
            int cw = t->gfx.cell_w, chh = t->gfx.cell_h;
            double sc = (double)(iw * cw) / s->w, sy = (double)(rows * chh) / s->h;
            if (sy < sc) sc = sy;
            if (sc > 8) sc = 8;
            if (sc >= 1) sc = (int)sc;
            pw = (int)(s->w * sc), ph = (int)(s->h * sc);
            cols = (pw + cw - 1) / cw, prow = (ph + chh - 1) / chh;
        } else if (!textgfx_image_fit(s->w, s->h, iw, rows, 8, &pw, &ph, &cols, &prow)) {
            return;
        }
        crt_put(row, x, cols + gap, "input", dim, 0);
        crt_put(row++, x + cols + gap, w - cols - gap,
                w - cols - gap >= 14 ? "reconstruction" : "output", dim, 0);
        ae_err err;
        canvas *cv = gfx_canvas(&t->gfx, 6, row, x, prow, 2 * cols + gap, 0, &err);
        if (!cv) return;
        if (sixel)
            canvas_clear(cv, COL_BG);
        else
            canvas_clear_keyed(cv, SAMPLES_KEY);
        int off = sixel ? (cols + gap) * t->gfx.cell_w : cols + gap;
        canvas_blit_float(cv, 0, 0, pw, ph, xo, s->w, s->h, s->c, &err);
        canvas_blit_float(cv, off, 0, pw, ph, yo, s->w, s->h, s->c, &err);
        gfx_show(&t->gfx, 6);
        return;
    }
    /* sequences: feature 1's original and reconstruction */
    crt_put(row, x, w, "feature 1:", dim, 0);
    crt_put(row, x + 11, w - 11, "input",
            crt_plot_attr(&t->crt, 0x4fc3f7, textgfx_rgb_to_256(0x4fc3f7)), 0);
    crt_put(row++, x + 17, w - 17, w >= 31 ? "reconstruction" : "output",
            crt_plot_attr(&t->crt, 0xffb74d, textgfx_rgb_to_256(0xffb74d)), 0);
    int prow = rows - 1 < 8 ? rows - 1 : 8;
    ae_err err;
    canvas *cv = gfx_canvas(&t->gfx, 6, row, x, prow, w - 1, 1, &err);
    if (!cv) return;
    float *a = malloc(sizeof(float) * 2 * (size_t)s->t);
    if (!a) return;
    for (int k = 0; k < s->t; k++) a[k] = xo[k * s->f], a[s->t + k] = yo[k * s->f];
    chart ch;
    chart_init(&ch, 0, 0, cv->w, cv->h);
    ch.labels = sixel;
    ch.legend = 0;
    ch.bg = COL_BG;
    chart_series ser[2] = {{.y = a, .n = s->t, .color = 0x4fc3f7, .style = CHART_LINE},
                           {.y = a + s->t, .n = s->t, .color = 0xffb74d, .style = CHART_LINE}};
    chart_draw(cv, &ch, ser, 2, &err);
    free(a);
    gfx_show(&t->gfx, 6);
}

static void latent_draw(tui *t, int y, int x, int h, int w)
{
    tui_latent_state *L = &t->lat;
    tui_clear(y, x, h, w);
    refresh_points(t);
    tsne_poll(t);
    attr_t ti = crt_attr(&t->crt, CRT_TITLE), dim = crt_attr(&t->crt, CRT_DIM);
    int64_t run = t->pics.run ? t->pics.run : L->src_run;
    char runs[32];
    snprintf(runs, sizeof runs, "run #%lld", (long long)run);
    /* the title names what is drawn: PCA until t-SNE's first layout arrives */
    const char *method = L->method == 1   ? "t-SNE"
                         : L->method == 2 ? "raw latent"
                         : L->tsne        ? "PCA (t-SNE starting)"
                                          : "PCA";
    const char *head[] = {"Latent space", runs, L->n ? method : ""};
    const int keep[] = {1, 2, 3};
    tui_pics_line(t, y, x + 1, w - 2, head, keep, 3, ti);
    if (!L->n) {
        const char *note = L->status[0] && t->pics.run ? L->status
                           : t->live.active
                               ? "Training: the latent vectors come at the end of epoch 1."
                               : "No run to show: train one (screen 2), or choose a finished run "
                                 "on the Runs screen (3) and press L.";
        tui_pics_wrap(t, y + 2, x + 2, w - 4, h - 3, note, dim);
        return;
    }
    tui_put_visible(t, y + 1, x + 1, w - 2, L->status, dim);
    /* the scatter on the left, the picked point on the right (rows under it stay free) */
    int side = w / 3 < 26 ? 26 : w / 3 > 56 ? 56 : w / 3;
    int pw = w - side - 1, ph = h - 2;
    ae_err err;
    canvas *cv = gfx_canvas(&t->gfx, 5, y + 2, x, ph, pw, 1, &err);
    if (!cv) return;
    L->plot_y = y + 2, L->plot_x = x, L->plot_rows = ph, L->plot_cols = pw;
    int n = L->method == 1 && L->tsne_n > 0 ? L->tsne_n : L->n;
    float *xs = malloc(sizeof(float) * 2 * (size_t)n);
    if (!xs) return;
    float *ys = xs + n;
    for (int i = 0; i < n; i++) xs[i] = L->xy[2 * i], ys[i] = L->xy[2 * i + 1];
    const char *names[DS_MAX_CLASSES];
    for (int k = 0; k < L->nclasses; k++) names[k] = L->class_names[k];
    chart_init(&L->ch, 0, 0, cv->w, cv->h);
    int sixel = gfx_sixel(&t->gfx);
    L->ch.labels = sixel;
    L->ch.grid = 0;
    L->ch.bg = COL_BG;
    L->ch.class_names = names;
    L->ch.n_classes = L->nclasses;
    L->ch.legend = sixel; /* text: the legend is text beside the plot */
    L->ch.x_label = L->method == 0 ? "PC1" : L->method == 2 ? "z1" : NULL;
    L->ch.y_label = L->method == 0 ? "PC2" : L->method == 2 ? "z2" : NULL;
    chart_series ser = {.x = xs,
                        .y = ys,
                        .n = n,
                        .style = CHART_SCATTER,
                        .radius = sixel ? 1 : 0,
                        .cls = L->labels,
                        .color = 0xffffff};
    if (chart_draw(cv, &L->ch, &ser, 1, &err) == 0) {
        if (L->cursor >= n) L->cursor = -1;
        if (L->cursor >= 0) {
            int px, py;
            if (chart_map(&L->ch, xs[L->cursor], ys[L->cursor], &px, &py) == 0) {
                canvas_square(cv, px, py, sixel ? 5 : 2, COL_CURSOR);
                L->cur_px = px, L->cur_py = py;
            }
        }
        gfx_show(&t->gfx, 5);
    }
    L->ch.class_names = NULL; /* names[] goes out of scope */
    free(xs);
    draw_side(t, L->cursor, y + 2, x + pw + 1, ph, side - 1);
}

/* Selects the point nearest to canvas pixel (px, py) of the last plot. */
static void select_near(tui *t, int px, int py)
{
    tui_latent_state *L = &t->lat;
    int n = L->method == 1 && L->tsne_n > 0 ? L->tsne_n : L->n;
    if (n < 1 || !L->xy || L->ch.pw < 1) return;
    float *xs = malloc(sizeof(float) * 2 * (size_t)n);
    if (!xs) return;
    for (int i = 0; i < n; i++) xs[i] = L->xy[2 * i], xs[n + i] = L->xy[2 * i + 1];
    chart_series ser = {.x = xs, .y = xs + n, .n = n, .style = CHART_SCATTER};
    int k = chart_nearest(&L->ch, &ser, px, py);
    if (k >= 0) L->cursor = k;
    L->cur_px = px, L->cur_py = py;
    free(xs);
}

static int latent_action(tui *t, int action, int key)
{
    tui_latent_state *L = &t->lat;
    (void)key;
    int step = L->ch.pw / 30 > 1 ? L->ch.pw / 30 : 1, vstep = L->ch.ph / 20 > 1 ? L->ch.ph / 20 : 1;
    if (L->cursor < 0 && action >= LT_LEFT && action <= LT_DOWN) {
        L->cur_px = L->ch.px + L->ch.pw / 2, L->cur_py = L->ch.py + L->ch.ph / 2;
    }
    switch (action) {
    case LT_PCA:
        L->want_tsne = 0;
        tsne_stop(t);
        if (L->n) project(t);
        return 1;
    case LT_TSNE:
        if (!L->n) return 1;
        if (L->L == 2) {
            tui_message(t, "latent dimension 2: the raw latent is shown");
            return 1;
        }
        L->want_tsne = 1;
        tsne_start(t); /* the title says t-SNE once its first layout is drawn */
        return 1;
    case LT_LEFT:
        select_near(t, L->cur_px - step, L->cur_py);
        return 1;
    case LT_RIGHT:
        select_near(t, L->cur_px + step, L->cur_py);
        return 1;
    case LT_UP:
        select_near(t, L->cur_px, L->cur_py - vstep);
        return 1;
    case LT_DOWN:
        select_near(t, L->cur_px, L->cur_py + vstep);
        return 1;
    case LT_NEXT:
        if (L->n) L->cursor = (L->cursor + 1) % L->n;
        return 1;
    case LT_PREV:
        if (L->n) L->cursor = L->cursor > 0 ? L->cursor - 1 : L->n - 1;
        return 1;
    case LT_LIVE:
        if (t->pics.run) {
            tui_pics_select(t, 0);
            tui_latent_free(t);
        }
        return 1;
    default:
        return 0;
    }
}

static int latent_click(tui *t, int y, int x)
{
    tui_latent_state *L = &t->lat;
    const canvas *cv = &t->gfx.slot[5].cv;
    if (y < L->plot_y || y >= L->plot_y + L->plot_rows || x < L->plot_x ||
        x >= L->plot_x + L->plot_cols || cv->w < 1)
        return 0;
    int px = (int)(((x - L->plot_x) + 0.5) * cv->w / L->plot_cols);
    int py = (int)(((y - L->plot_y) + 0.5) * cv->h / L->plot_rows);
    select_near(t, px, py);
    return 1;
}

/* Leaving the screen: t-SNE stops (a key brings it back). */
void tui_latent_leave(tui *t)
{
    if (t->lat.tsne) {
        tsne_stop(t);
        t->lat.want_tsne = 0;
        if (t->lat.n) project(t);
    }
}

const tui_screen screen_latent = {"Latent",     latent_keys, latent_draw, latent_action,
                                  latent_click, NULL,        NULL,        NULL};

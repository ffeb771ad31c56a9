/* screen_recon.c: screen 6, Reconstructions (issue 5).
 *
 * CNN runs: a grid of test images, each reconstruction under its original, as many pairs as
 * fit (at least 8), refreshed whenever new samples arrive (every epoch while training); pages
 * through the test set, or through it ordered by per-image error (the worst first), each pair
 * labelled with its index and MSE. LSTM runs: one test sequence at a time, the chosen
 * feature's original and reconstruction as two lines of a chart (tui_plot: sixel or braille);
 * keys choose the sequence (also in worst-first order) and the feature.
 *
 * The samples come from tui_pics_current(): the run being trained (or the last one), or a
 * finished run chosen on the Runs screen ('v'). The picture is drawn into a canvas from the
 * compositor (ui/gfx.h), so sixel and text show the same layout. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

enum { RC_NEXT = 1, RC_PREV, RC_FIRST, RC_WORST, RC_FEAT_NEXT, RC_FEAT_PREV, RC_LIVE };

static const tui_key recon_keys[] = {
    {'n', "n/PgDn/Right", "next page (CNN) or sequence (LSTM)", RC_NEXT, ACTION_HINT},
    {KEY_NPAGE, NULL, NULL, RC_NEXT, 0},
    {KEY_RIGHT, NULL, NULL, RC_NEXT, 0},
    {'p', "p/PgUp/Left", "previous page or sequence", RC_PREV, ACTION_HINT},
    {KEY_PPAGE, NULL, NULL, RC_PREV, 0},
    {KEY_LEFT, NULL, NULL, RC_PREV, 0},
    {'g', "g/Home", "first page", RC_FIRST, 0},
    {KEY_HOME, NULL, NULL, RC_FIRST, 0},
    {'w', "w", "worst first: order by per-sample MSE (toggle)", RC_WORST, ACTION_HINT},
    {'f', "f/Down", "LSTM: next feature", RC_FEAT_NEXT, ACTION_HINT},
    {KEY_DOWN, NULL, NULL, RC_FEAT_NEXT, 0},
    {'F', "F/Up", "LSTM: previous feature", RC_FEAT_PREV, 0},
    {KEY_UP, NULL, NULL, RC_FEAT_PREV, 0},
    {'b', "b", "back to the run being trained (after 'v' on the Runs screen)", RC_LIVE, 0},
    {0, NULL, NULL, 0, 0}};

#define COL_ORIG 0x4fc3f7u
#define COL_REC  0xffb74du

void tui_recon_free(tui *t)
{
    free(t->recon.order);
    t->recon.order = NULL;
    t->recon.order_of = NULL;
    canvas_free(&t->recon.wide);
    if (t->recon.plot_ready) tui_plot_free(&t->recon.plot);
    t->recon.plot_ready = 0;
}

/* The index of the k-th sample in the current order. */
static int sample_at(tui *t, const samples *s, int k)
{
    tui_recon_state *r = &t->recon;
    if (k < 0 || k >= s->n) return -1;
    if (r->worst && r->order && r->order_of == s) return r->order[k];
    return k;
}

static void ensure_order(tui *t, const samples *s)
{
    tui_recon_state *r = &t->recon;
    if (r->order_of == s && r->order) return;
    free(r->order);
    r->order = NULL;
    r->order_of = NULL;
    ae_err err;
    if (samples_worst(s, &r->order, &err) == 0) r->order_of = s;
}

enum { GRID_SLOT = 5, GRID_BANDS = 3 }; /* pictures 5, 6, 7 (the Latent screen's when shown) */

/* The grid of pairs in the rectangle; returns how many pairs it shows (0: none fit).
 * Sixel: a terminal wider than GFX_MAX_PX pixels (xterm drops larger pictures) gets the grid
 * as up to three pictures side by side, cut on cell boundaries so that they join exactly;
 * the grid is laid out over the whole width. */
static int draw_grid(tui *t, const samples *s, int y, int x, int h, int w)
{
    tui_recon_state *r = &t->recon;
    ae_err err;
    int text = !gfx_sixel(&t->gfx), cw = t->gfx.cell_w;
    int bands = text ? 1 : (w * cw + GFX_MAX_PX - 1) / GFX_MAX_PX;
    if (bands > GRID_BANDS) bands = GRID_BANDS;
    if (bands < 1) bands = 1;
    int bcols = (w + bands - 1) / bands;
    canvas *band[GRID_BANDS] = {NULL};
    int W = 0, H = 0;
    for (int b = 0; b < bands; b++) {
        int bw = b == bands - 1 ? w - b * bcols : bcols;
        band[b] = gfx_canvas(&t->gfx, GRID_SLOT + b, y, x + b * bcols, h, bw, 0, &err);
        if (!band[b]) {
            crt_put(y, x + 1, w - 2, err.msg, crt_attr(&t->crt, CRT_WARN), 0);
            return 0;
        }
        W += band[b]->w;
        H = band[b]->h;
    }
    canvas *cv = band[0];
    if (bands > 1) { /* drawn whole, then cut */
        if ((r->wide.w != W || r->wide.h != H) && canvas_resize(&r->wide, W, H, &err)) {
            crt_put(y, x + 1, w - 2, err.msg, crt_attr(&t->crt, CRT_WARN), 0);
            return 0;
        }
        cv = &r->wide;
    }
    samples_grid g;
    int per = samples_grid_layout(s, cv->w, cv->h, text, &g);
    if (per < 1) {
        crt_put(y, x + 1, w - 2, "the window is too small for the pictures",
                crt_attr(&t->crt, CRT_WARN), 0);
        return 0;
    }
    r->per_page = per;
    if (r->page >= s->n) r->page = (s->n - 1) / per * per;
    const int *order = r->worst && r->order_of == s ? r->order : NULL;
    int drawn = samples_draw_grid(cv, s, order, r->page, &g);
    for (int b = 0, bx = 0; b < bands; bx += band[b]->w, b++) {
        if (bands > 1) canvas_copy(band[b], 0, 0, cv, bx, 0, band[b]->w, band[b]->h);
        gfx_show(&t->gfx, GRID_SLOT + b);
    }
    if (text) { /* the labels as text, on the rows the layout keeps for them */
        attr_t dim = crt_attr(&t->crt, CRT_DIM);
        for (int k = 0; k < drawn; k++) {
            int i = sample_at(t, s, r->page + k);
            char name[64], e[64];
            samples_label(s, i, g.lab_chars, name, e);
            int cx = x + g.ox + (k % g.nx) * g.step_x;
            int cy = y + (g.oy + (k / g.nx) * g.step_y + g.lab_y) / 2;
            tui_put_visible(t, cy, cx, g.tw, name, 0);
            crt_put(cy + 1, cx, g.tw, e, dim, 0);
        }
    }
    return drawn;
}

static void draw_seq(tui *t, const samples *s, int y, int x, int h, int w)
{
    tui_recon_state *r = &t->recon;
    if (!r->plot_ready) {
        tui_plot_init(&r->plot, &t->crt);
        tui_plot_use_gfx(&r->plot, &t->gfx, 5);
        r->plot_ready = 1;
    }
    if (r->seq >= s->n) r->seq = s->n - 1;
    if (r->seq < 0) r->seq = 0;
    if (r->feature >= s->f) r->feature = s->f - 1;
    if (r->feature < 0) r->feature = 0;
    int i = sample_at(t, s, r->seq);
    if (i < 0) return;
    float *a = malloc(sizeof(float) * (size_t)s->t * 2);
    if (!a) return;
    float *b = a + s->t;
    for (int k = 0; k < s->t; k++) {
        a[k] = s->x[(size_t)i * s->dim + (size_t)k * s->f + r->feature];
        b[k] = s->y[(size_t)i * s->dim + (size_t)k * s->f + r->feature];
    }
    chart_series ser[2] = {
        {.y = a, .n = s->t, .color = COL_ORIG, .style = CHART_LINE | CHART_BOLD, .name = "orig"},
        {.y = b, .n = s->t, .color = COL_REC, .style = CHART_LINE | CHART_BOLD, .name = "recon"}};
    tui_legend leg[2] = {{"original", COL_ORIG}, {"reconstruction", COL_REC}};
    char title[160];
    snprintf(title, sizeof title, "sequence #%d  feature %d/%d  MSE %.5f", i, r->feature + 1, s->f,
             s->mse[i]);
    r->plot.x_label = "time step";
    ae_err err;
    if (tui_plot_draw(&r->plot, &t->crt, y, x, h, w, title, ser, 2, leg, 2, &err))
        crt_put(y, x + 2, w - 4, err.msg, crt_attr(&t->crt, CRT_WARN), 0);
    free(a);
}

static void recon_draw(tui *t, int y, int x, int h, int w)
{
    tui_clear(y, x, h, w);
    tui_recon_state *r = &t->recon;
    const samples *s = tui_pics_current(t);
    attr_t ti = crt_attr(&t->crt, CRT_TITLE), dim = crt_attr(&t->crt, CRT_DIM);
    if (!s) {
        crt_put(y + 1, x + 2, w - 4, "Reconstructions", ti, 0);
        const char *note = t->pics.note[0] ? t->pics.note
                           : t->live.active
                               ? "Training: the first reconstructions come at the end of epoch 1."
                               : "No run to show: train one (screen 2), or choose a finished "
                                 "run on the Runs screen (3) and press v.";
        tui_pics_wrap(t, y + 3, x + 2, w - 4, h - 4, note, dim);
        return;
    }
    ensure_order(t, s);
    if (s->kind == DS_IMAGES) {
        int drawn = draw_grid(t, s, y + 2, x + 1, h - 2, w - 2);
        char run[200], range[96];
        snprintf(run, sizeof run, "run #%lld %s on %s, epoch %d", (long long)s->run, s->model,
                 s->dataset, s->epoch);
        if (drawn > 0)
            snprintf(range, sizeof range, "samples %d-%d of %d%s", r->page + 1, r->page + drawn,
                     s->n, r->worst ? ", worst first" : "");
        else
            snprintf(range, sizeof range, "%d samples", s->n);
        const char *head[] = {"Reconstructions", run, range};
        const int head_keep[] = {1, 3, 2}; /* what goes last when the line is too short */
        const char *sub[] = {"top: original, below: reconstruction",
                             t->pics.run ? "(b: back to the live run)" : ""};
        const int sub_keep[] = {2, 1};
        tui_pics_line(t, y, x + 1, w - 2, head, head_keep, 3, ti);
        tui_pics_line(t, y + 1, x + 1, w - 2, sub, sub_keep, 2, dim);
    } else {
        char run[200], which[96];
        snprintf(run, sizeof run, "run #%lld %s on %s, epoch %d", (long long)s->run, s->model,
                 s->dataset, s->epoch);
        snprintf(which, sizeof which, "sequence %d of %d%s", r->seq + 1, s->n,
                 r->worst ? ", worst first" : "");
        const char *head[] = {"Reconstructions", run, which};
        const int keep[] = {1, 3, 2};
        tui_pics_line(t, y, x + 1, w - 2, head, keep, 3, ti);
        draw_seq(t, s, y + 1, x + 1, h - 1, w - 2);
    }
}

static int recon_action(tui *t, int action, int key)
{
    tui_recon_state *r = &t->recon;
    const samples *s = tui_pics_current(t);
    int seq = s && s->kind == DS_SEQUENCES, n = s ? s->n : 0;
    int per = r->per_page > 0 ? r->per_page : 8;
    (void)key;
    switch (action) {
    case RC_NEXT:
        if (seq)
            r->seq = r->seq + 1 < n ? r->seq + 1 : r->seq;
        else if (r->page + per < n)
            r->page += per;
        return 1;
    case RC_PREV:
        if (seq)
            r->seq = r->seq > 0 ? r->seq - 1 : 0;
        else
            r->page = r->page >= per ? r->page - per : 0;
        return 1;
    case RC_FIRST:
        r->page = 0, r->seq = 0;
        return 1;
    case RC_WORST:
        r->worst = !r->worst;
        r->page = 0, r->seq = 0;
        tui_message(t, r->worst ? "worst reconstructions first (by per-sample MSE)"
                                : "test set order");
        return 1;
    case RC_FEAT_NEXT:
        if (seq && r->feature + 1 < s->f) r->feature++;
        return 1;
    case RC_FEAT_PREV:
        if (seq && r->feature > 0) r->feature--;
        return 1;
    case RC_LIVE:
        if (t->pics.run) tui_pics_select(t, 0);
        return 1;
    default:
        return 0;
    }
}

const tui_screen screen_recon = {
    "Reconstructions", recon_keys, recon_draw, recon_action, NULL, NULL, NULL, NULL};

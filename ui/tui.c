/* tui.c: the interface's loop: poll, keys, events, frames (see tui.h).
 *
 * One loop iteration: compute how long we may sleep (a deferred frame, the once-a-second tick
 * while training, the store check, a message expiring), poll() the keyboard and the wake
 * descriptor, then handle what came: keys at once (a key's frame is drawn before the next
 * poll, so a key is answered within one frame), trainer events and signals through tui_app,
 * and the store when its data_version moved. A frame is drawn when something is dirty; frames
 * caused only by training events are spaced at least 50 ms apart. With AETUI_TRACE every
 * frame writes one line: its cause, how long drawing took, and for key frames the time from
 * the key's arrival (poll's return) to the end of doupdate(). */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fit.h"
#include "funcbar.h"
#include "help.h"
#include "run_queue.h"
#include "text.h"
#include "tui.h"

static const tui_screen *const screens[TUI_NSCREENS] = {
    &screen_home,   &screen_train, &screen_runs, &screen_compare,
    &screen_latent, &screen_recon, &screen_model};

enum { G_SCREEN = 1, G_NEXT, G_PREV, G_HELP, G_QUIT, G_REDRAW };

static const tui_key global_keys[] = {
    {'1', "1..7", "switch screen: 1 Home 2 Train 3 Runs 4 Compare 5 Latent 6 Recon 7 Model",
     G_SCREEN, 0},
    {'2', NULL, NULL, G_SCREEN, 0},
    {'3', NULL, NULL, G_SCREEN, 0},
    {'4', NULL, NULL, G_SCREEN, 0},
    {'5', NULL, NULL, G_SCREEN, 0},
    {'6', NULL, NULL, G_SCREEN, 0},
    {'7', NULL, NULL, G_SCREEN, 0},
    {'\t', "Tab", "next screen", G_NEXT, 0},
    {KEY_BTAB, "S-Tab", "previous screen", G_PREV, 0},
    {'?', "?", "this help (any key closes it)", G_HELP, 0},
    {'q', "q", "quit (asks first while training or with runs queued)", G_QUIT, ACTION_HINT},
    {12, "^L", "redraw the screen", G_REDRAW, 0},
    {0, NULL, NULL, 0, 0}};

static const char *const tab_names[TUI_NSCREENS] = {"Home",   "Train", "Runs", "Compare",
                                                    "Latent", "Recon", "Model"};

/* ---- helpers for the screens ----------------------------------------------------------- */

void tui_message(tui *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char raw[256];
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    text_visible(raw, t->msg, sizeof t->msg);
    t->msg_until = t->app->now(t->app->ctx) + 4.0;
}

void tui_ask(tui *t, const char *question, tui_yes_cb yes)
{
    t->asking = 1;
    snprintf(t->question, sizeof t->question, "%s", question);
    t->yes_cb = yes;
    t->no_cb = NULL;
}

void tui_ask_yn(tui *t, const char *question, tui_yes_cb yes, tui_yes_cb no)
{
    tui_ask(t, question, yes);
    t->no_cb = no;
}

void tui_prompt_open(tui *t, const char *prompt, const char *initial, tui_text_cb cb)
{
    t->prompting = 1;
    snprintf(t->prompt, sizeof t->prompt, "%s", prompt);
    snprintf(t->pbuf, sizeof t->pbuf, "%s", initial ? initial : "");
    t->plen = (int)strlen(t->pbuf);
    t->prompt_cb = cb;
}

void tui_switch(tui *t, int screen)
{
    if (screen < 0 || screen >= TUI_NSCREENS) return;
    if (t->screen == 4 && screen != 4) tui_latent_leave(t);
    t->screen = screen;
    t->help = 0;
    if (screens[screen]->show) screens[screen]->show(t);
}

void tui_clear(int y, int x, int h, int w)
{
    for (int r = 0; r < h; r++) {
        move(y + r, x);
        for (int k = 0; k < w; k++) addch(' ');
    }
}

int tui_put_visible(tui *t, int y, int x, int w, const char *s, attr_t a)
{
    char vis[1024];
    text_visible(s ? s : "", vis, sizeof vis);
    (void)t;
    return crt_put(y, x, w, vis, a, 0);
}

void tui_fmt_duration(double s, char *out, size_t len)
{
    if (!isfinite(s) || s < 0) {
        snprintf(out, len, "-");
        return;
    }
    long t = (long)(s + 0.5);
    if (s < 60)
        snprintf(out, len, "%.1fs", s);
    else if (t < 3600)
        snprintf(out, len, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(out, len, "%ldh%02ldm", t / 3600, t / 60 % 60);
}

void tui_fmt_time(double t, char *out, size_t len)
{
    if (!(t > 0)) {
        snprintf(out, len, "-");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, len, "%m-%d %H:%M", &tm);
}

void tui_fmt_num(double v, char *out, size_t len)
{
    if (!isfinite(v))
        snprintf(out, len, "-");
    else
        snprintf(out, len, "%.4g", v);
}

static int row_cmp_id_desc(const void *a, const void *b)
{
    const tui_row *x = a, *y = b;
    return x->r.id < y->r.id ? 1 : x->r.id > y->r.id ? -1 : 0;
}

/* The numeric parameter `name` of each of the n rows into the int at byte offset off of its
 * tui_row (0 when the run lacks it), from one listing sorted by that parameter. */
static void fill_param(tui *t, tui_row *v, int n, const char *name, size_t off)
{
    store_filter f = {.sort = name};
    store_row *rows = NULL;
    int nr = 0;
    ae_err err; /* fails while no run has the parameter: the values stay unknown */
    if (n <= 0 || store_runs_list(t->st, &f, &rows, &nr, &err)) return;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < nr; k++)
            if (rows[k].id == v[i].r.id) {
                double x = rows[k].sort_num;
                *(int *)((char *)&v[i] + off) =
                    !rows[k].sort_is_text && isfinite(x) && x > 0 && x < 1e9 ? (int)x : 0;
                break;
            }
    free(rows);
}

int tui_reload_rows(tui *t, ae_err *err)
{
    store_filter f = {0};
    store_row *rows = NULL;
    int n = 0;
    if (store_runs_list(t->st, &f, &rows, &n, err)) return -1;
    tui_row *v = calloc((size_t)(n > 0 ? n : 1), sizeof *v);
    if (!v) {
        free(rows);
        return ae_fail(err, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        v[i].r = rows[i];
        for (int k = 0; k < t->nrows; k++) /* keep the marks and the baselines found */
            if (t->rows_v[k].r.id == rows[i].id) {
                v[i].marked = t->rows_v[k].marked;
                if (t->rows_v[k].pca > 0) {
                    v[i].pca = 1;
                    v[i].pca_mse = t->rows_v[k].pca_mse, v[i].pca_mae = t->rows_v[k].pca_mae;
                }
            }
    }
    free(rows);
    fill_param(t, v, n, "latent", offsetof(tui_row, latent));
    fill_param(t, v, n, "train", offsetof(tui_row, train_n));
    fill_param(t, v, n, "test", offsetof(tui_row, test_n));
    qsort(v, (size_t)n, sizeof *v, row_cmp_id_desc);
    free(t->rows_v);
    t->rows_v = v;
    t->nrows = n;
    t->runs.detail_stale = 1;
    t->cmp.stale = 1;
    return 0;
}

int tui_row_baseline(tui *t, tui_row *v)
{
    if (v->pca) return v->pca > 0;
    store_baseline b;
    ae_err err;
    if (store_baseline_for_run(t->st, v->r.id, &b, &err) == 1 && isfinite(b.mse)) {
        v->pca = 1;
        v->pca_mse = b.mse, v->pca_mae = b.mae;
    } else {
        v->pca = -1;
    }
    return v->pca > 0;
}

/* Hands a form to the trainer and shows it as the live run (the previous run's curves stay
 * drawn behind it). -1 with err when the trainer refuses it. */
static int begin_run(tui *t, const tui_form *form, int64_t parent, ae_err *err)
{
    if (t->app->start(t->app->ctx, form, parent, err)) return -1;
    tui_parent_load(t, parent); /* before the live snapshot is reset: it may be the parent */
    tui_live_reset(&t->live);
    t->live.active = 1;
    t->live.form = *form;
    t->live.parent = parent;
    t->live.t_start = t->app->now(t->app->ctx);
    snprintf(t->live.status, sizeof t->live.status, "loading");
    return 0;
}

void tui_start_training(tui *t)
{
    tui_form f = t->form;
    f.tag[0] = 0;
    ae_err err;
    int64_t parent = tui_next_parent(t);
    if (begin_run(t, &f, parent, &err)) {
        text_visible(err.msg, t->train.err, sizeof t->train.err);
        tui_message(t, "cannot start: %s", err.msg);
        return;
    }
    t->train.err[0] = 0;
    tui_message(t, "training %s (latent %d)%s", f.model, f.latent, parent ? " as a child run" : "");
}

/* "latent 16, 32, 64" for the forms of a queue. */
static void latents_text(const run_queue *q, char *out, size_t len)
{
    size_t u = (size_t)snprintf(out, len, "latent");
    for (int i = 0; runq_form(q, i) && u < len; i++)
        u += (size_t)snprintf(out + u, len - u, "%s %d", i ? "," : "", runq_form(q, i)->latent);
}

/* "about 12m" / "about 1h05m" / "time unknown" */
static void about_text(double s, char *out, size_t len)
{
    if (!isfinite(s)) {
        snprintf(out, len, "time unknown");
        return;
    }
    char d[32];
    tui_fmt_duration(s < 1 ? 1 : s, d, sizeof d);
    snprintf(out, len, "about %s", d);
}

int tui_queue_text(tui *t, char *out, size_t len, int latents)
{
    int n = runq_count(t->queue);
    if (len) out[0] = 0;
    if (!n) return 0;
    char lat[160], about[48];
    latents_text(t->queue, lat, sizeof lat);
    about_text(runq_seconds(t->queue), about, sizeof about);
    if (latents)
        snprintf(out, len, "%d queued (%s), %s", n, lat, about);
    else
        snprintf(out, len, "%d queued, %s", n, about);
    return n;
}

/* The next queued run, when the trainer is idle and no question is open. 1 when one started. */
static int queue_next(tui *t)
{
    if (!runq_count(t->queue) || t->asking || t->quit || t->app->busy(t->app->ctx)) return 0;
    tui_form f;
    int64_t parent;
    runq_take(t->queue, &f, &parent);
    ae_err err;
    if (begin_run(t, &f, parent, &err)) {
        int n = runq_count(t->queue);
        runq_clear(t->queue);
        text_visible(err.msg, t->train.err, sizeof t->train.err);
        tui_message(t, "queued run (latent %d) cannot start: %s; %d more dropped", f.latent,
                    err.msg, n);
        return 0;
    }
    t->train.err[0] = 0;
    return 1; /* the status bar says "+N queued" */
}

static void sweep_yes(tui *t)
{
    int n = runq_count(t->pending);
    ae_err err;
    if (runq_move(t->queue, t->pending, &err)) {
        runq_clear(t->pending);
        tui_message(t, "%s", err.msg);
        return;
    }
    tui_message(t, "%d runs queued; C cancels them", n);
}

static void sweep_no(tui *t)
{
    runq_clear(t->pending);
    tui_message(t, "nothing queued");
}

void tui_queue_sweep(tui *t, const int *latents, int n)
{
    if (n < 1) return;
    if (runq_count(t->queue) + n > RUNQ_MAX) {
        tui_message(t, "the queue holds %d runs already: C cancels them", runq_count(t->queue));
        return;
    }
    runq_clear(t->pending);
    tui_form f = t->form;
    snprintf(f.tag, sizeof f.tag, "sweep");
    double total = 0;
    int basis = 0;
    ae_err err;
    for (int i = 0; i < n; i++) {
        f.latent = latents[i];
        int b;
        double s = runq_estimate(t->st, &f, &b);
        total += s;
        if (b > basis) basis = b;
        if (runq_add(t->pending, &f, tui_next_parent(t), s, &err)) {
            tui_message(t, "%s", err.msg);
            return;
        }
    }
    char m[24], d[32], lat[112], about[48], after[48] = "", q[512];
    text_visible(f.model, m, sizeof m);
    text_visible(f.dataset, d, sizeof d);
    latents_text(t->pending, lat, sizeof lat);
    about_text(total, about, sizeof about);
    if (t->app->busy(t->app->ctx))
        snprintf(after, sizeof after, " after run #%lld", (long long)t->live.run);
    if (basis)
        snprintf(q, sizeof q,
                 "Train %d runs of %s on %s%s, %s, %d epochs of %d samples each: %s in all "
                 "(from %d finished run%s)?",
                 n, m, d, after, lat, f.epochs, f.train_n, about, basis, basis > 1 ? "s" : "");
    else
        snprintf(q, sizeof q,
                 "Train %d runs of %s on %s%s, %s, %d epochs of %d samples each? Time unknown: no "
                 "finished %s run on %s yet.",
                 n, m, d, after, lat, f.epochs, f.train_n, m, d);
    tui_ask_yn(t, q, sweep_yes, sweep_no);
}

static void drop_yes(tui *t)
{
    int n = runq_count(t->queue);
    runq_clear(t->queue);
    tui_message(t, "dropped the %d queued run%s", n, n > 1 ? "s" : "");
}

static void drop_no(tui *t)
{
    tui_message(t, "the %d queued run%s train next", runq_count(t->queue),
                runq_count(t->queue) > 1 ? "s" : "");
}

void tui_stop_run(tui *t)
{
    if (!t->app->busy(t->app->ctx)) {
        tui_message(t, "nothing is training");
        return;
    }
    t->app->stop(t->app->ctx);
    t->live.stopping = 1;
    int n = runq_count(t->queue);
    if (!n) {
        tui_message(t, "stopping after this batch");
        return;
    }
    char lat[112], q[512];
    latents_text(t->queue, lat, sizeof lat);
    snprintf(q, sizeof q,
             "Run #%lld stops after this batch. Drop the %d queued run%s (%s) too? n trains "
             "them next.",
             (long long)t->live.run, n, n > 1 ? "s" : "", lat);
    tui_ask_yn(t, q, drop_yes, drop_no);
}

void tui_cancel_queue(tui *t)
{
    if (!runq_count(t->queue)) {
        tui_message(t, "nothing is queued");
        return;
    }
    drop_yes(t);
}

/* ---- drawing --------------------------------------------------------------------------- */

static void draw_tabs(tui *t)
{
    attr_t bar = crt_attr(&t->crt, CRT_TAB), act = crt_attr(&t->crt, CRT_TAB_ACTIVE);
    move(0, 0);
    attron(bar);
    for (int i = 0; i < t->cols; i++) addch(' ');
    attroff(bar);
    int x = 0;
    for (int i = 0; i < TUI_NSCREENS; i++) {
        char s[32];
        snprintf(s, sizeof s, " %d %s ", i + 1, tab_names[i]);
        x += crt_put(0, x, t->cols - x, s, i == t->screen ? act : bar, 0);
    }
    const char *name = " aetui ";
    int w = (int)strlen(name);
    if (x + w < t->cols) crt_put(0, t->cols - w, w, name, bar | A_BOLD, 0);
}

static int tab_at(tui *t, int x)
{
    int pos = 0;
    for (int i = 0; i < TUI_NSCREENS; i++) {
        int w = 4 + (int)strlen(tab_names[i]);
        if (x >= pos && x < pos + w) return i;
        pos += w;
    }
    return -1;
}

static void status_text(tui *t, char *mode, size_t mlen, char *out, size_t len)
{
    const tui_live *l = &t->live;
    double now = t->app->now(t->app->ctx);
    if (!l->active) {
        snprintf(mode, mlen, "IDLE");
        char runs[32];
        fit_plural(t->nrows, "run", runs, sizeof runs);
        if (!l->run && !strcmp(l->status, "failed")) /* never an older run's number */
            snprintf(out, len, "%s | the last start failed", runs);
        else if (l->last_run)
            snprintf(out, len, "%s | last run #%lld %s", runs, (long long)l->last_run, l->status);
        else
            snprintf(out, len, "%s in the store", runs);
        return;
    }
    snprintf(mode, mlen, "%s",
             l->stopping  ? "STOPPING"
             : l->paused  ? "PAUSED"
             : l->started ? "TRAINING"
                          : "LOADING");
    if (!l->started) {
        snprintf(out, len, "%s latent %d: loading data, building the model (%.0fs)", l->form.model,
                 l->form.latent, now - l->t_start);
        return;
    }
    char eta[32] = "-";
    int ep = l->epoch > 0 ? l->epoch : 1, nb = l->nbatches > 0 ? l->nbatches : 1;
    double done = (ep - 1) + (double)l->batch / nb, el = now - l->t_start;
    if (done > 0.02 && !l->paused)
        tui_fmt_duration(el / done * (l->form.epochs - done), eta, sizeof eta);
    char more[32] = "";
    if (runq_count(t->queue)) snprintf(more, sizeof more, " +%d queued", runq_count(t->queue));
    snprintf(out, len, "run #%lld %s ep %d/%d batch %d/%d loss %.4g ETA %s%s", (long long)l->run,
             l->form.model, ep, l->form.epochs, l->batch, nb, l->running, eta, more);
}

void tui_box(tui *t, int y, int x, int h, int w, const char *title)
{
    int u = t->crt.utf8;
    const char *hz = u ? "\xe2\x94\x80" : "-", *vt = u ? "\xe2\x94\x82" : "|";
    const char *c[4] = {u ? "\xe2\x94\x8c" : "+", u ? "\xe2\x94\x90" : "+",
                        u ? "\xe2\x94\x94" : "+", u ? "\xe2\x94\x98" : "+"};
    attr_t a = crt_attr(&t->crt, CRT_NORMAL) | A_BOLD;
    int bottom = y + h - 1, right = x + w - 1;
    tui_clear(y, x, h, w);
    for (int i = x + 1; i < right; i++) {
        crt_put(y, i, 1, hz, a, 0);
        crt_put(bottom, i, 1, hz, a, 0);
    }
    for (int r = y + 1; r < bottom; r++) {
        crt_put(r, x, 1, vt, a, 0);
        crt_put(r, right, 1, vt, a, 0);
    }
    crt_put(y, x, 1, c[0], a, 0);
    crt_put(y, right, 1, c[1], a, 0);
    crt_put(bottom, x, 1, c[2], a, 0);
    crt_put(bottom, right, 1, c[3], a, 0);
    crt_put(y, x + 2, w - 4, title, crt_attr(&t->crt, CRT_TITLE), 0);
}

/* A question too long for the status bar, wrapped in a box in the middle of the screen. */
static void draw_question(tui *t)
{
    int w = t->cols - 8 < 72 ? t->cols - 8 : 72, tw = w - 4;
    static char lines[12][FIT_LINE];
    int n = fit_wrap(t->question, tw, t->crt.utf8, lines, 12);
    int h = n + 4, y = (t->rows - h) / 2, x = (t->cols - w) / 2;
    tui_box(t, y, x, h, w, " Question ");
    for (int i = 0; i < n; i++) crt_put(y + 1 + i, x + 2, tw, lines[i], 0, 0);
    crt_put(y + h - 2, x + 2, tw, "y: yes    any other key: no", crt_attr(&t->crt, CRT_DIM), 0);
}

static void draw_frame(tui *t)
{
    erase();
    getmaxyx(stdscr, t->rows, t->cols);
    gfx_begin(&t->gfx, t->rows, t->app->now(t->app->ctx), t->frame_urgent);
    if (t->rows < TUI_MIN_ROWS || t->cols < TUI_MIN_COLS) {
        char a[128], b[128];
        snprintf(a, sizeof a, "aetui needs a window of at least %dx%d; this one is %dx%d.",
                 TUI_MIN_COLS, TUI_MIN_ROWS, t->cols, t->rows);
        snprintf(b, sizeof b, "Enlarge the window (q quits).");
        int y = t->rows / 2 - 1;
        crt_put(y < 0 ? 0 : y, 0, t->cols, a, crt_attr(&t->crt, CRT_WARN), 0);
        crt_put(y + 1, 0, t->cols, b, 0, 0);
        if (t->asking) crt_put(y + 2, 0, t->cols, t->question, A_BOLD, 0);
        return;
    }
    const tui_screen *s = screens[t->screen];
    draw_tabs(t);
    s->draw(t, 1, 0, t->rows - 2, t->cols);
    if (t->help) {
        help_draw(t, s, global_keys);
        t->gfx.suppress = 1; /* the overlay's text is never covered by a picture */
    }
    char mode[24], st[256];
    status_text(t, mode, sizeof mode, st, sizeof st);
    double now = t->app->now(t->app->ctx);
    if (t->asking) {
        char q[sizeof t->question + 8];
        snprintf(q, sizeof q, "%s (y/n)", t->question);
        if (crt_width(q) + 4 > t->cols) { /* too long for the status bar: a box */
            draw_question(t);
            t->gfx.suppress = 1;
            snprintf(q, sizeof q, "y: yes, any other key: no");
        }
        funcbar_draw(&t->crt, t->rows - 1, t->cols, "?", q, NULL, NULL);
    } else if (t->prompting) {
        move(t->rows - 1, 0);
        attr_t a = crt_attr(&t->crt, CRT_FIELD_EDIT);
        int x = crt_put(t->rows - 1, 0, t->cols, t->prompt, crt_attr(&t->crt, CRT_STATUS_KEY), 0);
        char vis[512];
        text_visible(t->pbuf, vis, sizeof vis);
        int vw = crt_width(vis), room = t->cols - x - 2;
        const char *shown = vis;
        while (vw > room && *shown) { /* keep the end in view */
            shown++;
            while ((*shown & 0xc0) == 0x80) shown++;
            vw = crt_width(shown);
        }
        crt_put(t->rows - 1, x, t->cols - x, shown, a, 1);
        crt_put(t->rows - 1, x + vw, 1, "_", a | A_BLINK, 0);
    } else {
        funcbar_draw(&t->crt, t->rows - 1, t->cols, mode, st, s->keys,
                     now < t->msg_until ? t->msg : NULL);
    }
}

/* ---- input ----------------------------------------------------------------------------- */

static void quit_yes(tui *t)
{
    runq_clear(t->queue);
    if (!t->app->busy(t->app->ctx)) {
        t->quit = 1;
        return;
    }
    t->app->stop(t->app->ctx);
    t->live.stopping = 1;
    t->quit = 2; /* quit once the trainer is done */
    tui_message(t, "stopping the run, then quitting");
}

static void request_quit(tui *t)
{
    int busy = t->app->busy(t->app->ctx), nq = runq_count(t->queue);
    if (!busy && !nq) {
        t->quit = 1;
        return;
    }
    if (t->asking && t->yes_cb == quit_yes) { /* asked already: a second request is yes */
        t->asking = 0;
        quit_yes(t);
        return;
    }
    char q[200], more[64] = "";
    if (nq) snprintf(more, sizeof more, " and drop the %d queued run%s", nq, nq > 1 ? "s" : "");
    if (busy)
        snprintf(q, sizeof q,
                 "Run #%lld is training. Stop it (epochs kept, status stopped)%s and quit?",
                 (long long)t->live.run, more);
    else
        snprintf(q, sizeof q, "%d run%s queued. Drop %s and quit?", nq, nq > 1 ? "s are" : " is",
                 nq > 1 ? "them" : "it");
    tui_ask(t, q, quit_yes);
}

static void prompt_key(tui *t, int key)
{
    if (key == 27) {
        t->prompting = 0;
        return;
    }
    if (key == '\n' || key == '\r' || key == KEY_ENTER) {
        t->prompting = 0;
        if (t->prompt_cb) t->prompt_cb(t, t->pbuf);
        return;
    }
    if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        while (t->plen > 0) {
            unsigned char c = (unsigned char)t->pbuf[--t->plen];
            if ((c & 0xc0) != 0x80) break;
        }
        t->pbuf[t->plen] = 0;
        return;
    }
    if (key == 21) { /* ^U */
        t->plen = 0;
        t->pbuf[0] = 0;
        return;
    }
    if (key >= 32 && key < 256 && key != 127 && t->plen < (int)sizeof t->pbuf - 1) {
        t->pbuf[t->plen++] = (char)key;
        t->pbuf[t->plen] = 0;
    }
}

static void handle_key(tui *t, int key)
{
    if (t->asking) {
        t->asking = 0;
        tui_yes_cb yes = t->yes_cb, no = t->no_cb;
        t->no_cb = NULL;
        if (key == 'y' || key == 'Y') {
            if (yes) yes(t);
        } else if (no) {
            no(t);
        } else {
            tui_message(t, "cancelled");
        }
        return;
    }
    if (t->prompting) {
        prompt_key(t, key);
        return;
    }
    if (t->help) {
        if (!help_key(t, screens[t->screen], global_keys, key)) t->help = 0;
        return;
    }
    if (key == KEY_RESIZE) return;
    const tui_screen *s = screens[t->screen];
    if (t->rows < TUI_MIN_ROWS ||
        t->cols < TUI_MIN_COLS) { /* only quitting works on a tiny window */
        if (key == 'q' || key == 3) request_quit(t);
        return;
    }
    if (key == KEY_MOUSE) {
        MEVENT ev;
        if (getmouse(&ev) != OK) return;
        if (ev.bstate & BUTTON4_PRESSED) {
            if (s->action) s->action(t, 0, KEY_UP);
            return;
        }
#ifdef BUTTON5_PRESSED
        if (ev.bstate & BUTTON5_PRESSED) {
            if (s->action) s->action(t, 0, KEY_DOWN);
            return;
        }
#endif
        if (ev.y == 0) {
            int i = tab_at(t, ev.x);
            if (i >= 0) tui_switch(t, i);
            return;
        }
        if (s->click) s->click(t, ev.y, ev.x);
        return;
    }
    if (s->editing && s->editing(t)) {
        s->action(t, 0, key);
        return;
    }
    int a = action_find(s->keys, key);
    if (a && s->action(t, a, key)) return;
    switch (action_find(global_keys, key)) {
    case G_SCREEN:
        tui_switch(t, key - '1');
        return;
    case G_NEXT:
        tui_switch(t, (t->screen + 1) % TUI_NSCREENS);
        return;
    case G_PREV:
        tui_switch(t, (t->screen + TUI_NSCREENS - 1) % TUI_NSCREENS);
        return;
    case G_HELP:
        t->help = 1;
        t->help_top = 0;
        return;
    case G_QUIT:
        request_quit(t);
        return;
    case G_REDRAW:
        clearok(curscr, TRUE);
        gfx_invalidate(&t->gfx);
        return;
    default:
        break;
    }
    if (s->action) s->action(t, 0, key); /* unbound: the screen may still want it */
}

/* ---- the loop -------------------------------------------------------------------------- */

enum cause {
    C_NONE = 0,
    C_KEY = 1,
    C_EVENT = 2,
    C_TICK = 4,
    C_STORE = 8,
    C_RESIZE = 16,
    C_SIG = 32,
    C_END = 64 /* a run ended: its last pictures go out now, not after the pacing's wait */
};

static void cause_name(int c, char *out, size_t len)
{
    static const char *const names[] = {"key", "event", "tick", "store", "resize", "signal", "end"};
    out[0] = 0;
    for (int i = 0; i < 7; i++)
        if (c & (1 << i)) {
            size_t u = strlen(out);
            snprintf(out + u, len - u, "%s%s", u ? "+" : "", names[i]);
        }
    if (!out[0]) snprintf(out, len, "first");
}

/* Picture bytes per second over the five whole seconds before this one, for AETUI_TRACE: the bytes
 * written in each whole second (by the frame clock), in a ring of eight seconds. */
typedef struct rate_ring {
    long sec[8], bytes[8];
    long last_total;
} rate_ring;

static double bytes_rate(rate_ring *r, double now, long total)
{
    long cur = (long)now, add = total - r->last_total;
    r->last_total = total;
    int i = (int)(cur % 8);
    if (r->sec[i] != cur) r->sec[i] = cur, r->bytes[i] = 0;
    r->bytes[i] += add;
    long sum = 0;
    for (int k = 0; k < 8; k++)
        if (r->sec[k] >= cur - 5 && r->sec[k] < cur) sum += r->bytes[k]; /* whole seconds */
    return sum / 5.0;
}

static void check_store(tui *t, int *dirty)
{
    ae_err err;
    if (t->app->store_fresh) {
        store *fresh = t->app->store_fresh(t->app->ctx, t->st, t->app->busy(t->app->ctx));
        if (!fresh) { /* the store could not be reopened: nothing left to show */
            t->st = NULL;
            t->quit = 3;
            return;
        }
        if (fresh != t->st) {
            t->st = fresh;
            *dirty |= C_STORE;
        }
    }
    int ch = store_changed(t->st, &err);
    if (ch > 0) {
        if (tui_reload_rows(t, &err)) tui_message(t, "store: %s", err.msg);
        *dirty |= C_STORE;
    } else if (ch < 0) {
        tui_message(t, "store: %s", err.msg);
    }
}

static void handle_signals(tui *t, int sig, int *dirty)
{
    if (sig & TUI_SIG_WINCH) {
        crt_resize(&t->crt);
        gfx_invalidate(&t->gfx);
        *dirty |= C_RESIZE;
    }
    if (sig & (TUI_SIG_TERM | TUI_SIG_HUP)) {
        t->exit_code = (sig & TUI_SIG_HUP) ? TUI_EXIT_HUP : TUI_EXIT_TERM;
        t->quit = 3; /* stop, join, leave at once */
    } else if (sig & TUI_SIG_INT) {
        *dirty |= C_SIG;
        request_quit(t);
        if (t->quit == 1) t->exit_code = TUI_EXIT_INT;
    }
}

int tui_run(const tui_app *app, ae_err *err)
{
    tui *t = calloc(1, sizeof *t);
    if (!t) return ae_fail(err, "out of memory");
    t->app = app;
    t->st = app->st;
    crt_opts co = {.no_color = app->no_color};
    if (crt_init(&t->crt, &co, err)) {
        free(t);
        return -1;
    }
    getmaxyx(stdscr, t->rows, t->cols);
    if (runq_new(&t->queue, err) || runq_new(&t->pending, err)) {
        runq_free(t->queue);
        crt_done(&t->crt);
        free(t);
        return -1;
    }
    tui_live_init(&t->live);
    tui_live_init(&t->parent);
    /* the seed's CNN on a dataset that is found; the LSTM (its data is made) when no image
     * dataset is, so that the first run is never set up to fail */
    if (tui_form_defaults(&t->form, "cnn", app->data_dir) ||
        !tui_dataset_found(t->form.dataset, app->data_dir))
        tui_form_defaults(&t->form, "lstm", app->data_dir);
    tui_plot_init(&t->train.loss, &t->crt);
    tui_plot_init(&t->train.mae, &t->crt);
    tui_plot_init(&t->runs.dplot, &t->crt);
    tui_plot_init(&t->cmp.plot, &t->crt);
    tui_plot_init(&t->cmp.elbow, &t->crt);
    gfx_init(&t->gfx, &t->crt, app->gfx_mode, app->cell_w, app->cell_h, app->in_tmux,
             STDOUT_FILENO);
    if (t->crt.colors) gfx_text_truecolor(t->gfx.text, app->truecolor);
    tui_plot_use_gfx(&t->train.loss, &t->gfx, 0);
    tui_plot_use_gfx(&t->train.mae, &t->gfx, 1);
    tui_plot_use_gfx(&t->runs.dplot, &t->gfx, 2);
    tui_plot_use_gfx(&t->cmp.plot, &t->gfx, 3);
    tui_plot_use_gfx(&t->cmp.elbow, &t->gfx, 4);
    t->lat.cursor = -1;
    t->runs.sort_col = 0;
    t->runs.sort_desc = 1;
    t->cmp.stale = 1;
    ae_err e2;
    if (store_changed(t->st, &e2) < 0 || tui_reload_rows(t, &e2))
        tui_message(t, "store: %s", e2.msg);
    tui_switch(t,
               app->first_screen >= 0 && app->first_screen < TUI_NSCREENS ? app->first_screen : 0);

    int dirty = C_NONE;
    double last_frame = 0, key_time = 0, last_tick = 0;
    int ev_acc = 0; /* events since the last frame (for the trace) */
    rate_ring rate[1] = {{{0}, {0}, 0}};
    t->last_store_check = app->now(app->ctx);
    draw_frame(t);
    gfx_before_update(&t->gfx);
    doupdate();
    refresh();
    gfx_after_update(&t->gfx, &e2);
    while (!t->quit || t->quit == 2) {
        double now = app->now(app->ctx);
        if (t->quit == 2 && !app->busy(app->ctx)) break;
        /* how long may we sleep? */
        double wait = 1.0 - (now - t->last_store_check);
        if (t->live.active) {
            double tick = 1.0 - (now - last_tick);
            if (tick < wait) wait = tick;
        }
        if (dirty) {
            double d = 0.05 - (now - last_frame);
            if (d < wait) wait = d;
        }
        if ((t->animating || t->pics.loader) && wait > 0.1) wait = 0.1;
        double held = gfx_pending(&t->gfx, now); /* a picture waits for its next write */
        if (held >= 0 && held < wait) wait = held;
        if (t->msg_until > now && t->msg_until - now < wait) wait = t->msg_until - now + 0.01;
        if (wait < 0) wait = 0;
        struct pollfd pfd[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
                                {.fd = app->wake_fd, .events = POLLIN}};
        int pr = poll(pfd, 2, (int)(wait * 1000 + 0.999));
        now = app->now(app->ctx);
        if (pr < 0 && errno != EINTR) {
            ae_fail(err, "poll: %s", strerror(errno));
            break;
        }
        int keyed = 0;
        if (pr > 0 && (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            if (pfd[0].revents & (POLLHUP | POLLERR) && !(pfd[0].revents & POLLIN)) {
                t->exit_code = TUI_EXIT_HUP; /* the terminal went away */
                t->quit = 3;
            }
            int key;
            while ((key = getch()) != ERR) {
                if (!keyed) key_time = now;
                keyed = 1;
                if (key == KEY_RESIZE) {
                    crt_resize(&t->crt);
                    gfx_invalidate(&t->gfx);
                    dirty |= C_RESIZE;
                }
                handle_key(t, key);
                if (t->quit == 1 || t->quit == 3) break;
            }
            if (keyed) dirty |= C_KEY;
        }
        /* signals and trainer events (also after EINTR: a signal may have woken us) */
        int sig = app->signals(app->ctx);
        if (sig) handle_signals(t, sig, &dirty);
        int ev = app->drain(app->ctx, &t->live);
        ev_acc |= ev;
        if (ev) {
            dirty |= C_EVENT;
            if (ev & TUI_EV_ENDED) {
                dirty |= C_END;
                t->form_parent = t->live.last_run; /* the next run retrains this one */
                /* its PCA baseline, as `aetui train` computes it, in the background */
                if (t->app->baseline && t->live.run && t->live.nep > 0 &&
                    (!strcmp(t->live.status, "finished") || !strcmp(t->live.status, "stopped")))
                    t->app->baseline(t->app->ctx, t->live.run);
                t->store_dirty = 1;
                int nq = runq_count(t->queue), failed = !strcmp(t->live.status, "failed");
                if (nq && failed) { /* the rest would fail alike */
                    runq_clear(t->queue);
                    tui_message(t, "run failed: %.160s; the %d queued runs are dropped",
                                t->live.message, nq);
                } else if (failed && !t->live.run) {
                    tui_message(t, "could not start: %.200s", t->live.message);
                } else if (failed) {
                    tui_message(t, "run #%lld failed: %.200s", (long long)t->live.run,
                                t->live.message);
                }
            }
            if (ev & (TUI_EV_STARTED | TUI_EV_EPOCH)) t->cmp.stale = 1;
        }
        if (t->quit == 3) break;
        if (queue_next(t)) dirty |= C_EVENT;
        /* a finished run's pictures, loaded because the user asked ('v', 'L'), answer that
         * key: shown at once, not held back like pictures that training changes */
        if (tui_pics_poll(t)) dirty |= C_KEY;
        if (t->animating) dirty |= C_TICK;
        if (now - t->last_store_check >= 1.0 || t->store_dirty) {
            t->last_store_check = now;
            t->store_dirty = 0;
            check_store(t, &dirty);
        }
        if (t->live.active && now - last_tick >= 1.0) {
            last_tick = now;
            dirty |= C_TICK;
        }
        if (t->msg_until > 0 && now >= t->msg_until) {
            t->msg_until = 0;
            dirty |= C_TICK;
        }
        /* a frame: keys and resizes at once, the rest at most every 50 ms */
        int urgent = dirty & (C_KEY | C_RESIZE | C_SIG | C_END);
        if (gfx_pending(&t->gfx, now) == 0) dirty |= C_TICK;
        if (dirty && (urgent || now - last_frame >= 0.05)) {
            double t0 = app->now(app->ctx);
            t->frame_urgent = urgent != 0;
            draw_frame(t);
            wnoutrefresh(stdscr);
            gfx_before_update(&t->gfx);
            doupdate();
            long gb = t->gfx.bytes;
            ae_err ge;
            if (gfx_after_update(&t->gfx, &ge)) tui_message(t, "%s", ge.msg);
            const tui_screen *s = screens[t->screen];
            if (s->after_update && t->rows >= TUI_MIN_ROWS && t->cols >= TUI_MIN_COLS)
                s->after_update(t);
            double t1 = app->now(app->ctx);
            if (app->trace) {
                char cn[64];
                cause_name(dirty, cn, sizeof cn);
                fprintf(app->trace, "frame t=%.4f cause=%s screen=%d draw_ms=%.3f", t1, cn,
                        t->screen + 1, (t1 - t0) * 1e3);
                if (dirty & C_KEY) fprintf(app->trace, " key_ms=%.3f", (t1 - key_time) * 1e3);
                fprintf(app->trace, " training=%d sixel_bytes=%ld sixel_Bps_5s=%.0f",
                        t->live.active, t->gfx.bytes - gb, bytes_rate(rate, t1, t->gfx.bytes));
                if (ev_acc & TUI_EV_SAMPLES)
                    fprintf(app->trace, " samples_epoch=%d",
                            t->live.pics ? t->live.pics->epoch : 0);
                fputc('\n', app->trace);
                fflush(app->trace);
            }
            last_frame = t1;
            dirty = C_NONE;
            ev_acc = 0;
        }
    }
    if (app->busy(app->ctx)) {
        app->stop(app->ctx);
        if (t->quit == 3 || t->quit == 1) { /* show that we wait for the run to end */
            t->live.stopping = 1;
            if (t->exit_code != TUI_EXIT_HUP) {
                draw_frame(t);
                refresh();
            }
        }
    }
    app->join(app->ctx);
    app->drain(app->ctx, &t->live);
    int code = t->exit_code;
    crt_done(&t->crt);
    gfx_free(&t->gfx);
    tui_pics_free(t);
    tui_recon_free(t);
    tui_latent_free(t);
    tui_plot_free(&t->train.loss);
    tui_plot_free(&t->train.mae);
    tui_plot_free(&t->runs.dplot);
    tui_plot_free(&t->cmp.plot);
    tui_plot_free(&t->cmp.elbow);
    tui_live_free(&t->live);
    tui_live_free(&t->parent);
    runq_free(t->queue);
    runq_free(t->pending);
    free(t->rows_v);
    free(t->model_text);
    free(t->runs.view);
    free(t->runs.dparams);
    free(t->runs.depochs);
    free(t->runs.dbl);
    for (int i = 0; i < t->cmp.nruns; i++) free(t->cmp.runs[i].test);
    free(t->cmp.runs);
    free(t);
    return code;
}

/* screen_home.c: screen 1, the overview.
 *
 * Laid out for 80x24 first, growing with the window (as htop and btop do): on the left the
 * runs (how many per model), the best run of each model and dataset with its numbers beside
 * the PCA baseline's, and the most recent runs; on the right the datasets and where they were
 * found, the run store (path, size), how pictures are drawn (in plain words) and the BLAS
 * engine. Tables show more columns as the width allows and more rows as the height does;
 * sections lower in a column give way first when the window is short. Dataset lookups touch
 * the file system, so they happen when the screen is shown (and on R), not per frame. Text
 * from outside (names, paths) goes through fit.h: made visible, cut at a word boundary. */
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "dataset.h"
#include "fit.h"
#include "tui.h"

enum { H_TRAIN = 1, H_RUNS, H_RESCAN };

static const tui_key home_keys[] = {{'t', "t", "go to the Train screen", H_TRAIN, ACTION_HINT},
                                    {'r', "r", "go to the Runs screen", H_RUNS, ACTION_HINT},
                                    {'R', "R", "look for the datasets again", H_RESCAN, 0},
                                    {0, NULL, NULL, 0, 0}};

static void scan_datasets(tui *t)
{
    t->nhome_ds = 0;
    const char *dd = t->app->data_dir && *t->app->data_dir ? t->app->data_dir : NULL;
    for (int i = 0; ds_names[i] && t->nhome_ds < 8; i++) {
        tui_home_ds *d = &t->home_ds[t->nhome_ds++];
        ae_err err;
        snprintf(d->name, sizeof d->name, "%s", ds_names[i]);
        d->found = ds_locate(ds_names[i], dd, d->dir, sizeof d->dir, &err) == 0;
        if (!d->found) {
            d->dir[0] = 0;
            snprintf(d->why, sizeof d->why, "%s", err.msg);
        }
    }
}

static void home_show(tui *t)
{
    if (!t->nhome_ds) scan_datasets(t);
}

/* ---- a column of sections -------------------------------------------------------------- */

typedef struct column {
    int y, x, w, end; /* the next row, the left edge, the width, the first row not ours */
} column;

static int room(const column *c)
{
    return c->end - c->y;
}

/* One line of our own text (or text already fitted) at indent, when a row is left. */
static void put_line(column *c, int indent, const char *s, attr_t a)
{
    if (c->y < c->end) crt_put(c->y++, c->x + indent, c->w - indent, s, a, 0);
}

/* Text from outside wrapped at word boundaries onto at most max lines. */
static void put_wrapped(tui *t, column *c, int indent, const char *s, int max, attr_t a)
{
    char lines[6][FIT_LINE];
    if (max > room(c)) max = room(c);
    if (max > 6) max = 6;
    int n = fit_wrap(s, c->w - indent, t->crt.utf8, lines, max);
    for (int i = 0; i < n; i++) put_line(c, indent, lines[i], a);
}

static void title(tui *t, column *c, const char *s)
{
    char f[FIT_LINE];
    fit_text(s, c->w, t->crt.utf8, f, sizeof f);
    put_line(c, 0, f, crt_attr(&t->crt, CRT_TITLE));
}

/* A blank line between sections, when the column has room to spare. */
static void gap(column *c, int spare)
{
    if (room(c) > spare) c->y++;
}

/* ---- runs: counts, best per model and dataset, recent ---------------------------------- */

static void runs_counts(tui *t, column *c)
{
    char head[64];
    int fin = 0;
    for (int i = 0; i < t->nrows; i++) fin += !strcmp(t->rows_v[i].r.status, "finished");
    snprintf(head, sizeof head, "Runs: %d in the store, %d finished", t->nrows, fin);
    title(t, c, head);
    if (!t->nrows) {
        put_line(c, 2, "none yet: press 2 (or t) to train one", crt_attr(&t->crt, CRT_DIM));
        return;
    }
    char models[16][24], line[FIT_LINE] = "";
    int cnt[16] = {0}, nm = 0;
    for (int i = 0; i < t->nrows; i++) {
        int k = 0;
        while (k < nm && strcmp(models[k], t->rows_v[i].r.model)) k++;
        if (k == nm) {
            if (nm == 16) continue;
            snprintf(models[nm++], sizeof models[0], "%s", t->rows_v[i].r.model);
        }
        cnt[k]++;
    }
    for (int i = 1; i < nm; i++) /* by name */
        for (int j = i; j > 0 && strcmp(models[j - 1], models[j]) > 0; j--) {
            char m[24];
            int cn = cnt[j];
            memcpy(m, models[j], sizeof m);
            memcpy(models[j], models[j - 1], sizeof m);
            memcpy(models[j - 1], m, sizeof m);
            cnt[j] = cnt[j - 1], cnt[j - 1] = cn;
        }
    for (int k = 0; k < nm; k++) {
        size_t u = strlen(line);
        snprintf(line + u, sizeof line - u, "%s%s %d", k ? ", " : "", models[k], cnt[k]);
    }
    put_wrapped(t, c, 2, line, 2, 0); /* model names come from the store: made visible */
}

/* The columns the two run tables share; title, min, max, right, prio, flex. */
enum {
    K_RUN,
    K_MODEL,
    K_DATASET,
    K_LATENT,
    K_STATUS,
    K_MSE,
    K_PCA,
    K_MAE,
    K_EPOCHS,
    K_TIME,
    K_STARTED,
    K_TAGS,
    K_N
};

static int digits(long long v)
{
    int n = 1;
    while (v >= 10) v /= 10, n++;
    return n;
}

/* Draws rows[0..n-1] as a table with the columns of `cols` that fit c's width. */
static void run_table(tui *t, column *c, tui_row **rows, int n, const panel_col *def)
{
    panel_col cols[K_N];
    memcpy(cols, def, sizeof cols);
    long long maxid = 0;
    for (int i = 0; i < n; i++)
        if (rows[i]->r.id > maxid) maxid = rows[i]->r.id;
    if (cols[K_RUN].min < digits(maxid) + 1) cols[K_RUN].min = digits(maxid) + 1;
    int x[K_N], w[K_N], u = t->crt.utf8;
    panel_columns(cols, K_N, c->x, c->w, x, w);
    attr_t ha = crt_attr(&t->crt, CRT_HEADER);
    if (room(c) < 2) return;
    crt_put(c->y, c->x, c->w, "", ha, 1);
    for (int k = 0; k < K_N; k++)
        if (w[k]) panel_cell(c->y, x[k], w[k], cols[k].title, cols[k].right, u, ha);
    c->y++;
    for (int i = 0; i < n && c->y < c->end; i++, c->y++) {
        tui_row *v = rows[i];
        const store_summary *s = &v->r.sum;
        char b[64];
        int y = c->y;
        snprintf(b, sizeof b, "#%lld", (long long)v->r.id);
        panel_cell(y, x[K_RUN], w[K_RUN], b, 1, u, 0);
        panel_cell(y, x[K_MODEL], w[K_MODEL], v->r.model, 0, u, 0);
        panel_cell(y, x[K_DATASET], w[K_DATASET], v->r.dataset, 0, u, 0);
        snprintf(b, sizeof b, "%d", v->latent);
        panel_cell(y, x[K_LATENT], w[K_LATENT], v->latent ? b : "-", 1, u, 0);
        panel_cell(y, x[K_STATUS], w[K_STATUS], v->r.status, 0, u, 0);
        double num[3] = {s->has ? s->test_mse : NAN, NAN, s->has ? s->test_mae : NAN};
        if (w[K_PCA] && tui_row_baseline(t, v)) num[1] = v->pca_mse;
        for (int k = 0; k < 3; k++) {
            fit_num(num[k], w[K_MSE + k], b, sizeof b);
            if (k == 1 && isnan(num[k])) snprintf(b, sizeof b, "n/a"); /* as on Compare */
            panel_cell(y, x[K_MSE + k], w[K_MSE + k], b, 1, u, 0);
        }
        snprintf(b, sizeof b, "%d", s->has ? s->epochs : 0);
        panel_cell(y, x[K_EPOCHS], w[K_EPOCHS], b, 1, u, 0);
        tui_fmt_duration(s->has ? s->seconds : NAN, b, sizeof b);
        panel_cell(y, x[K_TIME], w[K_TIME], b, 1, u, 0);
        tui_fmt_time(v->r.created, b, sizeof b);
        panel_cell(y, x[K_STARTED], w[K_STARTED], b, 0, u, 0);
        panel_cell(y, x[K_TAGS], w[K_TAGS], v->r.tags[0] ? v->r.tags : v->r.name, 0, u, 0);
    }
}

/* The best run (lowest test MSE) of each model and dataset, best first. */
static void best_runs(tui *t, column *c, int max_rows)
{
    /* title, min, max, right, prio, flex, grow */
    static const panel_col def[K_N] = {
        [K_RUN] = {"run", 3, 0, 1, 0, 0, 0},          [K_MODEL] = {"model", 8, 8, 0, 0, 0, 0},
        [K_DATASET] = {"dataset", 7, 13, 0, 0, 0, 2}, [K_LATENT] = {"lat", 3, 0, 1, 2, 0, 0},
        [K_MSE] = {"test MSE", 8, 9, 1, 0, 0, 0},     [K_PCA] = {"PCA MSE", 8, 9, 1, 1, 0, 0},
        [K_MAE] = {"test MAE", 8, 9, 1, 3, 0, 0},     [K_EPOCHS] = {"ep", 3, 0, 1, 4, 0, 0},
        [K_TIME] = {"train time", 10, 0, 1, 5, 0, 0}, [K_TAGS] = {"tags / name", 11, 0, 0, 6, 1, 0},
    };
    tui_row *best[64];
    int n = 0;
    for (int i = 0; i < t->nrows; i++) {
        tui_row *v = &t->rows_v[i];
        if (!v->r.sum.has || !isfinite(v->r.sum.test_mse)) continue;
        int k = 0;
        while (k < n &&
               (strcmp(best[k]->r.model, v->r.model) || strcmp(best[k]->r.dataset, v->r.dataset)))
            k++;
        if (k == n) {
            if (n == 64) continue;
            best[n++] = v;
        } else if (v->r.sum.test_mse < best[k]->r.sum.test_mse) {
            best[k] = v;
        }
    }
    for (int i = 1; i < n; i++) /* by model, then by test MSE */
        for (int j = i; j > 0; j--) {
            int m = strcmp(best[j - 1]->r.model, best[j]->r.model);
            if (m < 0 || (m == 0 && best[j - 1]->r.sum.test_mse <= best[j]->r.sum.test_mse)) break;
            tui_row *s = best[j];
            best[j] = best[j - 1], best[j - 1] = s;
        }
    const char *head = "Best runs (lowest test MSE of each model and dataset)";
    if (crt_width(head) > c->w) head = "Best run of each model and dataset";
    title(t, c, head);
    if (!n) {
        put_line(c, 2, "no run with a test MSE yet", crt_attr(&t->crt, CRT_DIM));
        return;
    }
    column sub = *c;
    if (sub.end > sub.y + 1 + max_rows) sub.end = sub.y + 1 + max_rows;
    run_table(t, &sub, best, n, def);
    c->y = sub.y;
}

static void recent_runs(tui *t, column *c)
{
    static const panel_col def[K_N] = {
        [K_RUN] = {"run", 3, 0, 1, 0, 0, 0},           [K_MODEL] = {"model", 8, 8, 0, 0, 0, 0},
        [K_DATASET] = {"dataset", 7, 13, 0, 0, 0, 2},  [K_LATENT] = {"lat", 3, 0, 1, 4, 0, 0},
        [K_STATUS] = {"status", 8, 11, 0, 0, 0, 2},    [K_MSE] = {"test MSE", 8, 9, 1, 1, 0, 0},
        [K_STARTED] = {"started", 11, 0, 0, 2, 0, 0},  [K_TIME] = {"train time", 10, 0, 1, 5, 0, 0},
        [K_TAGS] = {"tags / name", 11, 0, 0, 3, 1, 0},
    };
    title(t, c, "Recent runs");
    tui_row *rows[64];
    int n = 0;
    for (int i = 0; i < t->nrows && n < 64; i++) rows[n++] = &t->rows_v[i]; /* newest first */
    if (!n) {
        put_line(c, 2, "none yet", crt_attr(&t->crt, CRT_DIM));
        return;
    }
    run_table(t, c, rows, n, def);
}

/* ---- the terminal, the engine, the store, the datasets --------------------------------- */

/* The probe's reason (termprobe.c) in plain words. */
static void graphics_plain(const char *why, char *out, size_t len)
{
    static const struct {
        const char *starts, *plain;
    } words[] = {
        {"AETUI_GRAPHICS=", "chosen with AETUI_GRAPHICS"},
        {"inside GNU screen", "inside GNU screen: text only"},
        {"inside tmux: client_termfeatures lists sixel", "inside tmux, with sixel"},
        {"inside tmux: client_termfeatures lacks sixel", "inside tmux, without sixel"},
        {"DA1 lists 4", "the terminal says it shows sixel"},
        {"DA1 lacks 4", "the terminal says it has no sixel"},
        {"no DA1 reply", "no answer from the terminal"},
        {"terminal not asked", "the terminal was not asked"},
    };
    out[0] = 0;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strncmp(why, words[i].starts, strlen(words[i].starts))) {
            snprintf(out, len, "%s", words[i].plain);
            break;
        }
    if (!out[0]) snprintf(out, len, "%s", why); /* made visible when drawn */
    size_t u = strlen(out);
    if (strstr(why, "plain console"))
        snprintf(out + u, len - u, "; a plain console, so ASCII only");
    else if (strstr(why, "locale not UTF-8"))
        snprintf(out + u, len - u, "; the locale is not UTF-8, so ASCII only");
}

static void terminal_section(tui *t, column *c)
{
    title(t, c, "Pictures and terminal");
    const char *g = t->app->graphics ? t->app->graphics : "";
    const char *mode = !strcmp(g, "sixel")    ? "sixel (pictures in pixels)"
                       : !strcmp(g, "blocks") ? "text (Unicode blocks and braille)"
                       : !strcmp(g, "ascii")  ? "ASCII characters only"
                                              : g;
    char f[FIT_LINE];
    fit_text(mode, c->w - 2, t->crt.utf8, f, sizeof f);
    put_line(c, 2, f, 0);
    if (t->app->graphics_why && *t->app->graphics_why) {
        char plain[400];
        graphics_plain(t->app->graphics_why, plain, sizeof plain);
        /* two lines when what follows (colours, Engine) still fits */
        put_wrapped(t, c, 4, plain, room(c) >= 8 ? 2 : 1, crt_attr(&t->crt, CRT_DIM));
    }
    char line[128];
    snprintf(line, sizeof line, "%s colours, mouse %s",
             t->crt.colors == 256 ? "256"
             : t->crt.colors == 8 ? "8"
                                  : "no",
             t->crt.mouse ? "on" : "off");
    put_line(c, 2, line, 0);
}

static void engine_section(tui *t, column *c)
{
    title(t, c, "Engine");
    char line[FIT_LINE];
    const char *core = t->app->blas_core ? t->app->blas_core : "unknown";
    snprintf(line, sizeof line, "OpenBLAS %s kernels, %d threads", core, t->app->threads);
    put_wrapped(t, c, 2, line, 2, 0);
    /* why these kernels: the report says "CORE (why)" (blas_setup.c); the core is said above */
    const char *why = t->app->blas_report ? t->app->blas_report : "";
    char because[FIT_LINE];
    snprintf(because, sizeof because, "%s", why);
    const char *open = strchr(because, '(');
    size_t bl = strlen(because);
    if (open && !strncmp(because, core, strlen(core)) && bl && because[bl - 1] == ')') {
        because[bl - 1] = 0;
        memmove(because, open + 1, strlen(open + 1) + 1);
    }
    if (because[0]) put_wrapped(t, c, 4, because, 2, crt_attr(&t->crt, CRT_DIM));
}

/* "1.2 MB": the store's file with its write-ahead log. */
static void store_size(const char *path, char *out, size_t len)
{
    struct stat st;
    double bytes = 0;
    char wal[1100];
    if (path && stat(path, &st) == 0) bytes += (double)st.st_size;
    snprintf(wal, sizeof wal, "%s-wal", path ? path : "");
    if (path && stat(wal, &st) == 0) bytes += (double)st.st_size;
    if (bytes < 1024)
        snprintf(out, len, "%.0f bytes", bytes);
    else if (bytes < 1024 * 1024)
        snprintf(out, len, "%.0f KB", bytes / 1024);
    else if (bytes < 1024.0 * 1024 * 1024)
        snprintf(out, len, "%.1f MB", bytes / (1024 * 1024));
    else
        snprintf(out, len, "%.1f GB", bytes / (1024.0 * 1024 * 1024));
}

static void store_section(tui *t, column *c)
{
    title(t, c, "Run store");
    const char *path = store_path(t->st);
    if (!path) path = t->app->db_path ? t->app->db_path : "";
    char f[FIT_LINE], size[32], runs[32], line[160];
    fit_path(path, c->w - 2, t->crt.utf8, f, sizeof f);
    put_line(c, 2, f, 0);
    store_size(path, size, sizeof size);
    fit_plural(t->nrows, "run", runs, sizeof runs);
    snprintf(line, sizeof line, "%s, %s%s", runs, size, store_readonly(t->st) ? ", read-only" : "");
    put_line(c, 2, line, store_readonly(t->st) ? crt_attr(&t->crt, CRT_WARN) : 0);
    const char *notice = store_notice(t->st);
    if (notice && *notice) put_wrapped(t, c, 4, notice, 2, crt_attr(&t->crt, CRT_DIM));
}

static void datasets_section(tui *t, column *c)
{
    title(t, c, "Datasets");
    int u = t->crt.utf8, nw = 15;
    attr_t dim = crt_attr(&t->crt, CRT_DIM);
    for (int i = 0; i < t->nhome_ds && c->y < c->end; i++) {
        const tui_home_ds *d = &t->home_ds[i];
        char name[32], f[FIT_LINE], line[FIT_LINE + 40];
        fit_text(d->name, nw - 1, u, name, sizeof name);
        if (!d->found) {
            snprintf(line, sizeof line, "%-*s not found", nw - 1, name);
            put_line(c, 2, line, dim);
            continue;
        }
        if (!d->dir[0]) { /* sines */
            snprintf(line, sizeof line, "%-*s %s", nw - 1, name,
                     c->w - 2 - nw >= 23 ? "synthetic, always there" : "synthetic");
            put_line(c, 2, line, 0);
            continue;
        }
        int pw = c->w - 2 - nw;
        if (crt_width(d->dir) <= pw || room(c) < 2) { /* the path beside the name */
            fit_path(d->dir, pw, u, f, sizeof f);
            snprintf(line, sizeof line, "%-*s %s", nw - 1, name, f);
            put_line(c, 2, line, 0);
        } else { /* under it, as much of its end as fits */
            put_line(c, 2, name, 0);
            fit_path(d->dir, c->w - 4, u, f, sizeof f);
            put_line(c, 4, f, 0);
        }
    }
}

static void home_draw(tui *t, int y, int x, int h, int w)
{
    tui_clear(y, x, h, w);
    /* two columns; the runs' side gets more of a wide window, for its tables' columns */
    int lw = w >= 120 ? w * 11 / 20 : w / 2 + 1;
    int bottom = y + h - 1; /* the last row holds the hints */
    column L = {y + 1, x + 1, lw - 2, bottom}, R = {y + 1, x + lw + 1, w - lw - 2, bottom};
    if (h > 30) L.end = R.end = bottom - 1; /* a blank line above the hints */

    runs_counts(t, &L);
    gap(&L, 4);
    /* best runs: up to half of what is left, the recent runs below get the rest */
    best_runs(t, &L, room(&L) / 2 - 2 > 2 ? room(&L) / 2 - 2 : 2);
    gap(&L, 3);
    recent_runs(t, &L);

    /* a blank line before a section when the rows the sections below need are left */
    datasets_section(t, &R);
    gap(&R, 11);
    store_section(t, &R);
    gap(&R, 8);
    terminal_section(t, &R);
    gap(&R, 4);
    engine_section(t, &R);
    /* where the missing datasets were looked for, when the window has room for it */
    int missing = 0;
    for (int i = 0; i < t->nhome_ds; i++) missing += !t->home_ds[i].found;
    if (missing && room(&R) >= 3 * missing + 2) {
        gap(&R, 2);
        title(t, &R, "Where the missing datasets were looked for");
        int each = (room(&R) - 1) / missing;
        for (int i = 0; i < t->nhome_ds; i++)
            if (!t->home_ds[i].found)
                put_wrapped(t, &R, 2, t->home_ds[i].why, each < 6 ? each : 6,
                            crt_attr(&t->crt, CRT_DIM));
    }
    crt_put(bottom, x + 2, w - 4,
            "2 Train a model  3 browse Runs  4 Compare  7 Model summary  ? keys  q quit",
            crt_attr(&t->crt, CRT_DIM), 0);
}

static int home_action(tui *t, int action, int key)
{
    (void)key;
    switch (action) {
    case H_TRAIN:
        tui_switch(t, 1);
        return 1;
    case H_RUNS:
        tui_switch(t, 2);
        return 1;
    case H_RESCAN:
        scan_datasets(t);
        tui_message(t, "datasets looked up again");
        return 1;
    default:
        return 0;
    }
}

const tui_screen screen_home = {"Home", home_keys, home_draw, home_action,
                                NULL,   home_show, NULL,      NULL};

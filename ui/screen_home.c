/* screen_home.c: screen 1, the overview: runs so far by model, the best CNN and LSTM runs,
 * the datasets found, the graphics mode, the BLAS core type and threads, the store's path.
 * Dataset lookups touch the file system, so they happen when the screen is shown, not per
 * frame. */
#include <math.h>
#include <string.h>

#include "dataset.h"
#include "text.h"
#include "tui.h"

enum { H_TRAIN = 1, H_RUNS, H_RESCAN };

static const tui_key home_keys[] = {{'t', "t", "go to the Train screen", H_TRAIN, ACTION_HINT},
                                    {'r', "r", "go to the Runs screen", H_RUNS, ACTION_HINT},
                                    {'R', "R", "look for the datasets again", H_RESCAN, 0},
                                    {0, NULL, NULL, 0, 0}};

static void scan_datasets(tui *t)
{
    t->nhome_ds = 0;
    for (int i = 0; ds_names[i] && t->nhome_ds < 8; i++) {
        char dir[1024], vis[128];
        ae_err err;
        const char *dd = t->app->data_dir && *t->app->data_dir ? t->app->data_dir : NULL;
        if (ds_locate(ds_names[i], dd, dir, sizeof dir, &err) == 0)
            text_visible(!strcmp(ds_names[i], "sines") ? "(synthetic, always available)" : dir, vis,
                         sizeof vis);
        else
            snprintf(vis, sizeof vis, "not found");
        snprintf(t->home_ds[t->nhome_ds++], sizeof t->home_ds[0], "%-14s %s", ds_names[i], vis);
    }
}

static void home_show(tui *t)
{
    if (!t->nhome_ds) scan_datasets(t);
}

/* kind 0: images (CNN presets), 1: sequences (LSTM) */
static int row_kind(const tui_row *r)
{
    int k = ds_kind_of(r->r.dataset);
    if (k == DS_IMAGES) return 0;
    if (k == DS_SEQUENCES) return 1;
    return strncmp(r->r.model, "cnn", 3) ? 1 : 0;
}

static void home_draw(tui *t, int y, int x, int h, int w)
{
    tui_clear(y, x, h, w);
    attr_t ti = crt_attr(&t->crt, CRT_TITLE), dim = crt_attr(&t->crt, CRT_DIM);
    int r = y + 1, cx = x + 2, cw = w / 2 - 3;
    crt_put(r++, cx, cw, "Runs so far", ti, 0);
    /* count per model */
    char models[16][24];
    int cnt[16] = {0}, fin[16] = {0}, nm = 0;
    for (int i = 0; i < t->nrows; i++) {
        int k = 0;
        while (k < nm && strcmp(models[k], t->rows_v[i].r.model)) k++;
        if (k == nm) {
            if (nm == 16) continue;
            snprintf(models[nm++], sizeof models[0], "%s", t->rows_v[i].r.model);
        }
        cnt[k]++;
        fin[k] += !strcmp(t->rows_v[i].r.status, "finished");
    }
    if (!nm) crt_put(r++, cx + 2, cw - 2, "none yet: press 2 (or t) to train one", dim, 0);
    for (int k = 0; k < nm && r < y + h - 1; k++) {
        char line[128], vis[64];
        text_visible(models[k], vis, sizeof vis);
        snprintf(line, sizeof line, "%-10s %4d runs, %d finished", vis, cnt[k], fin[k]);
        crt_put(r++, cx + 2, cw - 2, line, 0, 0);
    }
    r++;
    crt_put(r++, cx, cw, "Best runs (lowest test MSE)", ti, 0);
    for (int kind = 0; kind < 2; kind++) {
        const tui_row *best = NULL;
        for (int i = 0; i < t->nrows; i++) {
            const tui_row *v = &t->rows_v[i];
            if (row_kind(v) != kind || !v->r.sum.has || !isfinite(v->r.sum.test_mse)) continue;
            if (!best || v->r.sum.test_mse < best->r.sum.test_mse) best = v;
        }
        char line[200];
        if (best) {
            char m[32], d[40];
            text_visible(best->r.model, m, sizeof m);
            text_visible(best->r.dataset, d, sizeof d);
            snprintf(line, sizeof line, "%s  #%lld %s on %s, latent %d: test MSE %.5g",
                     kind ? "LSTM" : "CNN ", (long long)best->r.id, m, d, best->latent,
                     best->r.sum.test_mse);
        } else {
            snprintf(line, sizeof line, "%s  no run with a test MSE yet", kind ? "LSTM" : "CNN ");
        }
        crt_put(r++, cx + 2, cw - 2, line, best ? crt_attr(&t->crt, CRT_GOOD) : dim, 0);
    }
    /* right column */
    int rx = x + w / 2 + 1, rw = w - w / 2 - 3, rr = y + 1;
    crt_put(rr++, rx, rw, "Datasets", ti, 0);
    for (int i = 0; i < t->nhome_ds; i++)
        crt_put(rr++, rx + 2, rw - 2, t->home_ds[i], strstr(t->home_ds[i], "not found") ? dim : 0,
                0);
    rr++;
    crt_put(rr++, rx, rw, "Terminal and engine", ti, 0);
    char line[512];
    snprintf(line, sizeof line, "graphics  %s", t->app->graphics ? t->app->graphics : "?");
    crt_put(rr++, rx + 2, rw - 2, line, 0, 0);
    if (t->app->graphics_why && *t->app->graphics_why)
        crt_put(rr++, rx + 12, rw - 12, t->app->graphics_why, dim, 0);
    snprintf(line, sizeof line, "colours   %s, mouse %s",
             t->crt.colors == 256 ? "256"
             : t->crt.colors == 8 ? "8"
                                  : "none",
             t->crt.mouse ? "on" : "off");
    crt_put(rr++, rx + 2, rw - 2, line, 0, 0);
    snprintf(line, sizeof line, "BLAS core %s, %d threads",
             t->app->blas_core ? t->app->blas_core : "?", t->app->threads);
    crt_put(rr++, rx + 2, rw - 2, line, 0, 0);
    if (t->app->blas_report) crt_put(rr++, rx + 12, rw - 12, t->app->blas_report, dim, 0);
    rr++;
    crt_put(rr++, rx, rw, "Run store", ti, 0);
    char vis[512];
    text_visible(t->app->db_path ? t->app->db_path : "", vis, sizeof vis);
    crt_put(rr++, rx + 2, rw - 2, vis, 0, 0);
    snprintf(line, sizeof line, "%d runs%s", t->nrows, store_readonly(t->st) ? ", read-only" : "");
    crt_put(rr++, rx + 2, rw - 2, line, 0, 0);
    int by = y + h - 2;
    if (by > r && by > rr)
        crt_put(by, cx, w - 4,
                "2 Train a model  3 browse Runs  4 Compare  7 Model summary  ? keys  q quit", dim,
                0);
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

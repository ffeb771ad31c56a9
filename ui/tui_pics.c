/* tui_pics.c: which run the picture screens (5 Latent, 6 Reconstructions) show, the
 * background loading of a finished run's samples (see tui.h, "Pictures"), and the two ways
 * those screens fit text to the width: a line of parts that drops whole parts (a number is
 * never cut), and a note wrapped at spaces.
 *
 * The live run's samples arrive with its epochs (t->live.pics). A finished run chosen on the
 * Runs screen is read from the store here (the UI thread's handle), then a loader thread
 * builds its model from the checkpoint, loads its test split and computes the samples; the
 * UI takes the result in tui_pics_poll() (each frame while loading). A new choice while one
 * is loading detaches the old loader, which frees its own result when it ends. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "fit.h"
#include "text.h"
#include "tui.h"

typedef struct loader {
    pthread_t th;
    samples_src src;
    samples *result;
    ae_err err;
    int rc;
    atomic_int done; /* the thread finished */
    atomic_int refs; /* 2 while both the UI and the thread hold it; the last one frees */
} loader;

static void *loader_main(void *arg)
{
    loader *l = arg;
    l->rc = samples_load_run(&l->src, SAMPLES_MAX, &l->result, &l->err);
    atomic_store(&l->done, 1);
    if (atomic_fetch_sub(&l->refs, 1) == 1) { /* the UI dropped it: nobody will take this */
        samples_free(l->result);
        free(l);
    }
    return NULL;
}

/* Drops the current loader: joined when done, else left to free itself. */
static void loader_drop(tui *t)
{
    loader *l = t->pics.loader;
    if (!l) return;
    t->pics.loader = NULL;
    pthread_detach(l->th);
    if (atomic_fetch_sub(&l->refs, 1) == 1) { /* the thread is done already */
        samples_free(l->result);
        free(l);
    }
}

void tui_pics_select(tui *t, int64_t run)
{
    loader_drop(t);
    samples_free(t->pics.loaded);
    t->pics.loaded = NULL;
    t->pics.run = run;
    t->pics.gen++;
    t->pics.note[0] = 0;
    if (!run) return;
    loader *l = calloc(1, sizeof *l);
    ae_err err;
    if (!l) {
        tui_message(t, "out of memory");
        return;
    }
    if (samples_src_get(t->st, t->app->db_path, run, &l->src, &err)) {
        snprintf(t->pics.note, sizeof t->pics.note, "%.250s", err.msg);
        free(l);
        return;
    }
    atomic_init(&l->done, 0);
    atomic_init(&l->refs, 2);
    if (pthread_create(&l->th, NULL, loader_main, l)) {
        snprintf(t->pics.note, sizeof t->pics.note, "cannot start a thread to load run %lld",
                 (long long)run);
        free(l);
        return;
    }
    t->pics.loader = l;
    snprintf(t->pics.note, sizeof t->pics.note,
             "loading run %lld: its checkpoint, its test data, a forward pass...", (long long)run);
}

int tui_pics_poll(tui *t)
{
    loader *l = t->pics.loader;
    if (!l || !atomic_load(&l->done)) return 0;
    pthread_join(l->th, NULL); /* refs is 1 now: ours */
    t->pics.loader = NULL;
    if (l->rc == 0) {
        t->pics.loaded = l->result;
        t->pics.note[0] = 0;
    } else {
        snprintf(t->pics.note, sizeof t->pics.note, "run %lld: %.220s", (long long)l->src.run,
                 l->err.msg);
    }
    free(l);
    t->pics.gen++;
    return 1;
}

const samples *tui_pics_current(tui *t)
{
    /* nothing trained in this session: the newest run of the store (rows are newest first) */
    if (!t->pics.run && !t->live.pics && !t->live.active && !t->live.last_run && t->nrows > 0 &&
        !t->pics.auto_tried) {
        t->pics.auto_tried = 1;
        tui_pics_select(t, t->rows_v[0].r.id);
    }
    const samples *s = t->pics.run ? t->pics.loaded : t->live.pics;
    if (s != t->pics.last_seen) {
        t->pics.last_seen = s;
        t->pics.gen++;
    }
    return s;
}

int64_t tui_pics_run(tui *t)
{
    if (t->pics.run) return t->pics.run;
    if (t->live.run) return t->live.run;
    return t->live.last_run;
}

void tui_pics_free(tui *t)
{
    loader *l = t->pics.loader;
    if (l) { /* wait: the thread must not outlive the program's data */
        pthread_join(l->th, NULL);
        samples_free(l->result);
        free(l);
        t->pics.loader = NULL;
    }
    samples_free(t->pics.loaded);
    t->pics.loaded = NULL;
}

void tui_pics_line(tui *t, int y, int x, int w, const char *const parts[], const int keep[], int n,
                   attr_t a)
{
    enum { MAXP = 8 };
    char vis[MAXP][256];
    int on[MAXP], width[MAXP], total = 0, count = 0;
    if (n > MAXP) n = MAXP;
    for (int i = 0; i < n; i++) {
        text_visible(parts[i] ? parts[i] : "", vis[i], sizeof vis[i]);
        width[i] = crt_width(vis[i]);
        on[i] = width[i] > 0;
        if (on[i]) total += width[i] + (count++ ? 2 : 0);
    }
    while (total > w && count > 1) { /* drop the part kept least */
        int d = -1;
        for (int i = 0; i < n; i++)
            if (on[i] && (d < 0 || keep[i] < keep[d])) d = i;
        on[d] = 0;
        total -= width[d] + 2;
        count--;
    }
    char line[1200];
    size_t len = 0;
    line[0] = 0;
    for (int i = 0; i < n; i++)
        if (on[i])
            len += (size_t)snprintf(line + len, sizeof line - len, "%s%s", len ? "  " : "", vis[i]);
    (void)t;
    crt_put(y, x, w, line, a, 0);
}

int tui_pics_wrap(tui *t, int y, int x, int w, int rows, const char *s, attr_t a)
{
    if (rows < 1 || w < 1) return 0;
    if (rows > 16) rows = 16;
    char lines[16][FIT_LINE];
    int n = fit_wrap(s, w, t->crt.utf8, lines, rows);
    for (int i = 0; i < n; i++) crt_put(y + i, x, w, lines[i], a, 0);
    return n;
}

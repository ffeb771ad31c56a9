/* baseline_thread.c: the TUI's background PCA baselines (see baseline_thread.h). */
#include "baseline_thread.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "store.h"

enum { BQ = 16 };

struct bthread {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t th;
    int has_thread, working, ending, orphan;
    int64_t q[BQ];
    int nq;
    int64_t failed;
    char why[256];
    char db_path[4096], data_dir[1024];
};

/* The run's dataset and sizes from the store, then the baseline (cached by baseline_get). */
static void compute(bthread *b, int64_t run)
{
    store *st = NULL;
    ae_err err = {""};
    static _Thread_local store_run r; /* large (notes): off the thread's stack */
    store_param *ps = NULL;
    int np = 0, tr = 0, te = 0, k = 0, rc = -1;
    if (store_open(&st, b->db_path, STORE_CREATE, &err) == 0 &&
        store_run_get(st, run, &r, &err) == 0 && store_params_get(st, run, &ps, &np, &err) == 0) {
        for (int i = 0; i < np; i++)
            if (!ps[i].is_text) {
                int v = (int)ps[i].num;
                if (!strcmp(ps[i].name, "train")) tr = v;
                if (!strcmp(ps[i].name, "test")) te = v;
                if (!strcmp(ps[i].name, "latent")) k = v;
            }
        baseline_req rq = {.dataset = r.dataset,
                           .data_dir = b->data_dir[0] ? b->data_dir : NULL,
                           .train = tr,
                           .test = te,
                           .latent = k};
        baseline_res res;
        if (tr < 1 || te < 1 || k < 1)
            ae_fail(&err, "run %lld lacks its train, test or latent size", (long long)run);
        else
            rc = baseline_get(&rq, st, &res, &err);
        if (rc == 0 && res.warning[0])
            rc = -1, snprintf(err.msg, sizeof err.msg, "%s", res.warning);
    }
    free(ps);
    if (st) store_close(st);
    pthread_mutex_lock(&b->mu);
    if (rc) {
        b->failed = run;
        snprintf(b->why, sizeof b->why, "%s", err.msg);
    } else if (b->failed == run) {
        b->failed = 0;
    }
    pthread_mutex_unlock(&b->mu);
}

static void *worker(void *arg)
{
    bthread *b = arg;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        while (!b->nq && !b->ending) pthread_cond_wait(&b->cv, &b->mu);
        if (b->ending) break;
        int64_t run = b->q[0];
        memmove(b->q, b->q + 1, (size_t)(b->nq - 1) * sizeof b->q[0]);
        b->nq--;
        b->working = 1;
        pthread_mutex_unlock(&b->mu);
        compute(b, run);
        pthread_mutex_lock(&b->mu);
        b->working = 0;
    }
    int orphan = b->orphan;
    pthread_mutex_unlock(&b->mu);
    if (orphan) { /* bthread_end left while this one computed: the state is this thread's */
        pthread_mutex_destroy(&b->mu);
        pthread_cond_destroy(&b->cv);
        free(b);
    }
    return NULL;
}

int bthread_new(bthread **out, const char *db_path, const char *data_dir, ae_err *err)
{
    bthread *b = calloc(1, sizeof *b);
    if (!b) return ae_fail(err, "out of memory");
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->cv, NULL);
    snprintf(b->db_path, sizeof b->db_path, "%s", db_path);
    snprintf(b->data_dir, sizeof b->data_dir, "%s", data_dir ? data_dir : "");
    *out = b;
    return 0;
}

void bthread_request(bthread *b, int64_t run)
{
    if (!b || run <= 0) return;
    pthread_mutex_lock(&b->mu);
    if (!b->has_thread && pthread_create(&b->th, NULL, worker, b) == 0) b->has_thread = 1;
    if (b->has_thread && b->nq < BQ && !b->ending) {
        b->q[b->nq++] = run;
        pthread_cond_signal(&b->cv);
    }
    pthread_mutex_unlock(&b->mu);
}

int bthread_busy(bthread *b)
{
    if (!b) return 0;
    pthread_mutex_lock(&b->mu);
    int busy = b->working || b->nq > 0;
    pthread_mutex_unlock(&b->mu);
    return busy;
}

int64_t bthread_failed(bthread *b, char *why, int len)
{
    if (!b) return 0;
    pthread_mutex_lock(&b->mu);
    int64_t r = b->failed;
    if (why && len > 0) snprintf(why, (size_t)len, "%s", r ? b->why : "");
    pthread_mutex_unlock(&b->mu);
    return r;
}

void bthread_end(bthread *b)
{
    if (!b) return;
    pthread_mutex_lock(&b->mu);
    b->ending = 1;
    b->nq = 0;
    int working = b->working, has = b->has_thread;
    if (working) b->orphan = 1;
    pthread_cond_signal(&b->cv);
    pthread_mutex_unlock(&b->mu);
    if (working) {
        pthread_detach(b->th);
        return;
    }
    if (has) pthread_join(b->th, NULL);
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->cv);
    free(b);
}

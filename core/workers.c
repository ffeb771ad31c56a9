/* workers.c: fork-join thread pool (see workers.h). A generation counter under one mutex
 * starts a round; a countdown under the same mutex ends it. A round costs two condition
 * variable hand-offs per worker, negligible next to a training batch. */
#include "workers.h"

#include <pthread.h>
#include <stdlib.h>

struct workers {
    int n;
    pthread_t *threads;
    pthread_mutex_t mu;
    pthread_cond_t start, done;
    unsigned long generation;
    int pending, quit;
    workers_fn fn;
    void *ctx;
};

typedef struct worker_arg {
    workers *w;
    int index;
} worker_arg;

static void *worker_main(void *p)
{
    worker_arg *a = p;
    workers *w = a->w;
    int index = a->index;
    free(a);
    unsigned long seen = 0;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->generation == seen && !w->quit) pthread_cond_wait(&w->start, &w->mu);
        if (w->quit) break;
        seen = w->generation;
        workers_fn fn = w->fn;
        void *ctx = w->ctx;
        pthread_mutex_unlock(&w->mu);
        fn(ctx, index);
        pthread_mutex_lock(&w->mu);
        if (--w->pending == 0) pthread_cond_signal(&w->done);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

workers *workers_start(int n, ae_err *err)
{
    if (n < 1) n = 1;
    workers *w = calloc(1, sizeof *w);
    if (!w) return ae_fail(err, "workers: out of memory"), NULL;
    w->n = n;
    w->threads = calloc((size_t)n, sizeof(pthread_t));
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->start, NULL);
    pthread_cond_init(&w->done, NULL);
    if (!w->threads) goto fail;
    for (int i = 1; i < n; i++) {
        worker_arg *a = malloc(sizeof *a);
        if (!a) goto fail;
        a->w = w, a->index = i;
        if (pthread_create(&w->threads[i], NULL, worker_main, a)) {
            free(a);
            w->n = i; /* join the ones started */
            goto fail;
        }
    }
    return w;
fail:
    ae_fail(err, "workers: cannot start %d threads", n);
    workers_stop(w);
    return NULL;
}

int workers_count(const workers *w) { return w->n; }

void workers_run(workers *w, workers_fn fn, void *ctx)
{
    if (w->n > 1) {
        pthread_mutex_lock(&w->mu);
        w->fn = fn, w->ctx = ctx;
        w->pending = w->n - 1;
        w->generation++;
        pthread_cond_broadcast(&w->start);
        pthread_mutex_unlock(&w->mu);
    }
    fn(ctx, 0);
    if (w->n > 1) {
        pthread_mutex_lock(&w->mu);
        while (w->pending > 0) pthread_cond_wait(&w->done, &w->mu);
        pthread_mutex_unlock(&w->mu);
    }
}

void workers_stop(workers *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->mu);
    w->quit = 1;
    pthread_cond_broadcast(&w->start);
    pthread_mutex_unlock(&w->mu);
    for (int i = 1; i < w->n; i++)
        if (w->threads) pthread_join(w->threads[i], NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->start);
    pthread_cond_destroy(&w->done);
    free(w->threads);
    free(w);
}

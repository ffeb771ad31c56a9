/* workers.h: a fork-join pool of threads for data-parallel work.
 *
 * workers_run(w, fn, ctx) calls fn(ctx, i) for i = 0..n-1, part i on worker i (worker 0 is the
 * calling thread), and returns when all parts are done. The split is by index, never by
 * timing, so results reduced in index order are the same from run to run.
 * One thread drives a pool (calls workers_run / workers_stop). */
#ifndef AE_WORKERS_H
#define AE_WORKERS_H

#include "err.h"

typedef struct workers workers;
typedef void (*workers_fn)(void *ctx, int part);

/* n >= 1 workers; n-1 threads are started. */
workers *workers_start(int n, ae_err *err);
int workers_count(const workers *w);
void workers_run(workers *w, workers_fn fn, void *ctx);
/* Joins the threads and frees the pool; NULL is allowed. */
void workers_stop(workers *w);

#endif

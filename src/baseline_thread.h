/* baseline_thread.h: the TUI's PCA baselines, computed in the background after a run.
 *
 * `aetui train` computes the run's PCA baseline after training (src/baseline.h); the interface
 * hands the finished run's id to this thread instead, which opens its own store handle, reads
 * the run's dataset and its params train, test and latent, and calls baseline_get: one
 * computation per (dataset, data, sizes, latent), cached in the store, where the Runs table,
 * Home and the Train summary find it (store_baseline_for_run) when the UI re-reads the store.
 * Nothing is sent through the event channel: the UI sees the store change.
 *
 * Memory: bthread_new allocates the state; bthread_end frees it when the thread is idle and
 * otherwise leaves it to the computation in progress (the process is ending: a baseline is
 * derived data, computed again next time). Threads: request, busy and end from the UI
 * thread; the worker touches only its own store handle and the state under its lock. */
#ifndef AE_BASELINE_THREAD_H
#define AE_BASELINE_THREAD_H

#include <stdint.h>

#include "err.h"

typedef struct bthread bthread;

int bthread_new(bthread **out, const char *db_path, const char *data_dir, ae_err *err);
/* Queues run's baseline (at most 16 wait; more are dropped: a later request or `aetui
 * baseline` computes them). */
void bthread_request(bthread *b, int64_t run);
/* 1 while a baseline is being computed or waits. */
int bthread_busy(bthread *b);
/* The run whose baseline failed last and why ("" none), for the Train screen. */
int64_t bthread_failed(bthread *b, char *why, int len);
/* Stops taking requests; frees everything when idle (see above). */
void bthread_end(bthread *b);

#endif

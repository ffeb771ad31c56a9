/* run_queue.h: the runs the interface trains after the one in progress (a latent sweep).
 *
 * A small list owned by the UI thread: the user confirms a set of runs, they are added here
 * with the time each should take, and tui.c takes the next whenever the trainer is idle and
 * no question about the queue is open. The user sees it (Train, Compare) and can drop it. It
 * knows nothing of the trainer or the screens, so a queue kept elsewhere (issue 15's `aetui
 * sweep`, in the store) can replace this file behind the same functions.
 *
 * The estimate: one run's seconds = the form's epochs x training samples x the median of
 * seconds / (epochs x training samples) over the store's latest finished runs of the same
 * model and dataset (their own recorded time, evaluation included); NaN without any.
 *
 * Memory: runq_new allocates, runq_free frees. Threads: the UI thread only. */
#ifndef AE_RUN_QUEUE_H
#define AE_RUN_QUEUE_H

#include "tui.h"

enum { RUNQ_MAX = 16 };

int runq_new(run_queue **out, ae_err *err);
void runq_free(run_queue *q);
/* Appends a run (recorded with `parent`, 0 none) expected to take `seconds` (NaN: unknown).
 * -1 with err when the queue already holds RUNQ_MAX. */
int runq_add(run_queue *q, const tui_form *form, int64_t parent, double seconds, ae_err *err);
int runq_count(const run_queue *q);
/* The i-th waiting run's form (0: the next), NULL past the end. */
const tui_form *runq_form(const run_queue *q, int i);
/* The waiting runs' estimated seconds in all; NaN when one of them is unknown. */
double runq_seconds(const run_queue *q);
/* Moves every run of src to the end of dst (src is left empty); -1 with err, and nothing
 * moved, when dst has no room for them. */
int runq_move(run_queue *dst, run_queue *src, ae_err *err);
/* Takes the next run out; 1 when there was one, 0 when the queue is empty. */
int runq_take(run_queue *q, tui_form *form, int64_t *parent);
void runq_clear(run_queue *q);
/* Seconds one run of the form should take (see above); *basis gets the number of past runs
 * it rests on (0 and NaN when none, or when the store cannot be read). */
double runq_estimate(store *st, const tui_form *f, int *basis);

#endif

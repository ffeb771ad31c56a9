/* train_record.h: a train_observer that records a run in the run store.
 *
 * on_start inserts the run (status running, pid, host, version, BLAS core, threads, seed,
 * dataset and its SHA-256) with every hyperparameter of the train_config as a typed parameter;
 * on_epoch writes the epoch, its batch losses and the summary in one transaction; on_end
 * stores the test set's latent vectors and labels, then the final status and message. Each
 * hook then hands the same call to `next` (the CLI's progress printer, the TUI's channel), so
 * one observer does both.
 *
 * Threads: everything runs in the thread that runs train_run (the trainer's); the store handle
 * must be that thread's own. The recorder does not own the store. A metric that is NaN or
 * infinite is never stored: on_epoch then refuses (the trainer aborts) and the run is recorded
 * as diverged. A failed store write in on_epoch aborts the run too (a run that cannot be
 * recorded should not go on unseen); on_end cannot fail, so its problem is kept for
 * train_record_error(). */
#ifndef AE_TRAIN_RECORD_H
#define AE_TRAIN_RECORD_H

#include <stdint.h>

#include "store.h"
#include "trainer.h"

typedef struct train_record {
    store *st;
    int64_t parent; /* the run this one retrains, 0 for none */
    int64_t reopen; /* a run to take up again (--resume) instead of inserting one, 0 for none */
    int64_t run;    /* the new run's id once on_start succeeded, else 0 */
    char uuid[37];  /* and its UUID */
    const train_observer *next;
    int diverged;  /* a non-finite metric arrived */
    int end_error; /* on_end could not record everything: see err */
    ae_err err;
} train_record;

/* Prepares rec to record into st (which must be writable). Nothing is written until on_start. */
int train_record_open(train_record *rec, store *st, int64_t parent_run, ae_err *err);

/* Makes rec continue run `run` (train --resume): on_start reopens it (store_run_reopen from the
 * trainer's first epoch) instead of inserting a new run. */
void train_record_reopen(train_record *rec, int64_t run);

/* The observer to pass to train_run; next (may be NULL) gets every call after the store. */
train_observer train_record_observer(train_record *rec, const train_observer *next);

/* The run's id (0 before on_start or when it failed). */
int64_t train_record_run(const train_record *rec);
/* The run's UUID ("" before on_start). */
const char *train_record_uuid(const train_record *rec);

/* The problem on_end met (storing latents or the status), or NULL when none. */
const char *train_record_error(const train_record *rec);

#endif

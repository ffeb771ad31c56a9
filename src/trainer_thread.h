/* trainer_thread.h: the TUI's trainer thread: runs train_run for one form, or for a queue of
 * them (a latent sweep), one after another, recording each run in the store through its own
 * store handle (train_record) and telling the UI through the event channel.
 *
 * Commands are train_control's atomics: pause and resume between batches; stop ends the
 * current run as "stopped" (its epochs kept) and drops the rest of the queue. tthread_join
 * returns once the thread has finished its store writes and closed its handle, so a SIGHUP can
 * stop, join and exit without losing the run.
 *
 * Memory: the caller's struct; the thread copies the forms it is given. Threads: start, pause,
 * stop, busy and join from the UI thread; the thread itself only touches the store handle it
 * opened and the channel. */
#ifndef AE_TRAINER_THREAD_H
#define AE_TRAINER_THREAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "channel.h"
#include "trainer.h"

enum { TTHREAD_MAX_QUEUE = 16 };

typedef struct tthread {
    pthread_t th;
    int has_thread;
    atomic_int busy, cancel;
    train_control ctl;
    channel *ch;
    char db_path[4096], data_dir[1024];
    tui_form forms[TTHREAD_MAX_QUEUE];
    int nforms;
    int64_t parent;
} tthread;

void tthread_init(tthread *t, channel *ch, const char *db_path, const char *data_dir);
/* Starts the thread on forms[0..n-1] (each recorded with `parent` as its parent, 0: none).
 * -1 with err when a run is in progress or the thread cannot start. */
int tthread_start(tthread *t, const tui_form *forms, int n, int64_t parent, ae_err *err);
void tthread_pause(tthread *t, int on);
void tthread_stop(tthread *t);
int tthread_busy(tthread *t);
void tthread_join(tthread *t);

/* The train_config for a form (the preset's defaults, then the form's values). */
int tthread_config(const tui_form *f, const char *data_dir, train_config *cfg, ae_err *err);

#endif

/* trainer_thread.h: the TUI's trainer thread: runs train_run for one form, recording the run
 * in the store through its own store handle (train_record, tagged with the form's tag) and
 * telling the UI through the event channel. Runs waiting their turn (a latent sweep) are the
 * UI's queue (ui/run_queue.h), which starts the next one here when this one has ended.
 *
 * Commands are train_control's atomics: pause and resume between batches; stop ends the
 * run as "stopped" (its epochs kept). tthread_join
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

typedef struct tthread {
    pthread_t th;
    int has_thread;
    atomic_int busy;
    train_control ctl;
    channel *ch;
    char db_path[4096], data_dir[1024];
    tui_form form;
    int64_t parent;
} tthread;

void tthread_init(tthread *t, channel *ch, const char *db_path, const char *data_dir);
/* Starts the thread on the form (recorded with `parent` as its parent, 0: none). -1 with err
 * when a run is in progress, the form is bad or the thread cannot start. */
int tthread_start(tthread *t, const tui_form *form, int64_t parent, ae_err *err);
void tthread_pause(tthread *t, int on);
void tthread_stop(tthread *t);
int tthread_busy(tthread *t);
void tthread_join(tthread *t);

/* The train_config for a form (the preset's defaults, then the form's values); a dataset
 * registered in the store at db_path (NULL: none looked up) gives its spec. */
int tthread_config(const tui_form *f, const char *data_dir, const char *db_path, train_config *cfg,
                   ae_err *err);

#endif

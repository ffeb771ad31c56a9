/* channel.c: the trainer -> UI event channel (see channel.h).
 *
 * Order is kept across the two paths: every structural event records how many batch losses
 * were pending when it was pushed, and the drain moves exactly those batches into the
 * snapshot before applying the event (so a new run's first batches never land on the curve of
 * the run before it). */
#include "channel.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

enum { EV_LOADING = 1, EV_STARTED, EV_EPOCH, EV_ENDED };
enum { RING = 256, BATCH_CAP = 1 << 16 };

typedef struct ev {
    int type;
    int nbl_mark; /* pending batch losses that come before this event */
    channel_start_info start;
    tui_epoch_pt ep;
    int64_t run;
    char status[16], message[256];
} ev;

struct channel {
    int fd;
    pthread_mutex_t mu;
    ev ring[RING];
    int head, count;
    float *bl; /* pending batch losses */
    int nbl;
    int have_progress;
    int epoch, batch, nbatches;
    double running;
    double last_wake;
    long dropped;
    samples *pics; /* the latest pictures' copy, not yet drained */
};

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int channel_open(channel **out, ae_err *err)
{
    channel *ch = calloc(1, sizeof *ch);
    if (!ch) return ae_fail(err, "channel: out of memory");
    ch->bl = malloc(BATCH_CAP * sizeof *ch->bl);
    ch->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (!ch->bl || ch->fd < 0) {
        free(ch->bl);
        if (ch->fd >= 0) close(ch->fd);
        free(ch);
        return ae_fail(err, "channel: cannot create the event descriptor");
    }
    pthread_mutex_init(&ch->mu, NULL);
    *out = ch;
    return 0;
}

void channel_close(channel *ch)
{
    if (!ch) return;
    close(ch->fd);
    pthread_mutex_destroy(&ch->mu);
    samples_free(ch->pics);
    free(ch->bl);
    free(ch);
}

int channel_fd(const channel *ch)
{
    return ch->fd;
}

void channel_wake(channel *ch)
{
    uint64_t one = 1;
    if (write(ch->fd, &one, sizeof one) < 0) { /* full counter: already readable */
    }
}

/* Pushes e (type and payload filled) under the lock and wakes the UI. */
static void push(channel *ch, ev *e)
{
    pthread_mutex_lock(&ch->mu);
    if (ch->count == RING) {
        ch->dropped++;
    } else {
        e->nbl_mark = ch->nbl;
        ch->ring[(ch->head + ch->count) % RING] = *e;
        ch->count++;
    }
    ch->last_wake = mono();
    pthread_mutex_unlock(&ch->mu);
    channel_wake(ch);
}

void channel_loading(channel *ch, const tui_form *form, int64_t parent)
{
    ev e = {.type = EV_LOADING};
    e.start.form = *form;
    e.start.parent = parent;
    push(ch, &e);
}

void channel_started(channel *ch, const channel_start_info *info)
{
    ev e = {.type = EV_STARTED, .start = *info};
    push(ch, &e);
}

void channel_epoch(channel *ch, const tui_epoch_pt *p)
{
    ev e = {.type = EV_EPOCH, .ep = *p};
    push(ch, &e);
}

void channel_ended(channel *ch, int64_t run, const char *status, const char *message)
{
    ev e = {.type = EV_ENDED, .run = run};
    snprintf(e.status, sizeof e.status, "%s", status ? status : "failed");
    snprintf(e.message, sizeof e.message, "%s", message ? message : "");
    push(ch, &e);
}

void channel_samples(channel *ch, samples *s)
{
    pthread_mutex_lock(&ch->mu);
    samples_free(ch->pics);
    ch->pics = s;
    pthread_mutex_unlock(&ch->mu);
    channel_wake(ch);
}

void channel_batch(channel *ch, int epoch, int batch, int nbatches, float loss, double running)
{
    int wake = 0;
    double now = mono();
    pthread_mutex_lock(&ch->mu);
    if (ch->nbl < BATCH_CAP)
        ch->bl[ch->nbl++] = loss;
    else
        ch->dropped++;
    ch->have_progress = 1;
    ch->epoch = epoch, ch->batch = batch, ch->nbatches = nbatches, ch->running = running;
    if (now - ch->last_wake >= 0.05) {
        ch->last_wake = now;
        wake = 1;
    }
    pthread_mutex_unlock(&ch->mu);
    if (wake) channel_wake(ch);
}

static void apply(const ev *e, tui_live *l, double now)
{
    switch (e->type) {
    case EV_LOADING:
        tui_live_reset(l);
        l->active = 1;
        l->form = e->start.form;
        l->parent = e->start.parent;
        l->t_start = now;
        snprintf(l->status, sizeof l->status, "loading");
        break;
    case EV_STARTED:
        l->active = 1;
        l->started = 1;
        l->run = e->start.run;
        l->parent = e->start.parent;
        l->form = e->start.form;
        snprintf(l->dataset, sizeof l->dataset, "%s", e->start.dataset);
        l->params = e->start.params;
        l->input_dim = e->start.input_dim;
        l->nbatches = e->start.nbatches;
        l->t_start = l->t_epoch = now;
        snprintf(l->status, sizeof l->status, "running");
        break;
    case EV_EPOCH:
        tui_live_add_epoch(l, &e->ep);
        l->t_epoch = now;
        l->batch = 0;
        break;
    case EV_ENDED:
        l->active = 0;
        l->paused = l->stopping = 0;
        l->t_end = now;
        if (e->run) l->run = e->run;
        if (l->run) l->last_run = l->run;
        snprintf(l->status, sizeof l->status, "%s", e->status);
        snprintf(l->message, sizeof l->message, "%s", e->message);
        break;
    default:
        break;
    }
}

int channel_drain(channel *ch, tui_live *live, double now)
{
    uint64_t v;
    while (read(ch->fd, &v, sizeof v) > 0) { /* clear the eventfd */
    }
    int flags = 0, moved = 0;
    pthread_mutex_lock(&ch->mu);
    while (ch->count > 0) {
        ev *e = &ch->ring[ch->head];
        if (e->nbl_mark > moved) {
            tui_live_add_batches(live, ch->bl + moved, e->nbl_mark - moved);
            moved = e->nbl_mark;
            flags |= TUI_EV_PROGRESS;
        }
        apply(e, live, now);
        flags |= e->type == EV_STARTED || e->type == EV_LOADING ? TUI_EV_STARTED
                 : e->type == EV_EPOCH                          ? TUI_EV_EPOCH
                                                                : TUI_EV_ENDED;
        ch->head = (ch->head + 1) % RING;
        ch->count--;
    }
    if (ch->nbl > moved) {
        tui_live_add_batches(live, ch->bl + moved, ch->nbl - moved);
        flags |= TUI_EV_PROGRESS;
    }
    ch->nbl = 0;
    if (ch->have_progress && live->active) {
        if (ch->epoch != live->epoch) live->t_epoch = live->t_epoch > 0 ? live->t_epoch : now;
        live->epoch = ch->epoch;
        live->batch = ch->batch;
        live->nbatches = ch->nbatches;
        live->running = ch->running;
        flags |= TUI_EV_PROGRESS;
    }
    ch->have_progress = 0;
    if (ch->pics) {
        samples_free(live->pics);
        live->pics = ch->pics;
        ch->pics = NULL;
        flags |= TUI_EV_SAMPLES;
    }
    pthread_mutex_unlock(&ch->mu);
    return flags;
}

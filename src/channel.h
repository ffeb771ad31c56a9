/* channel.h: the event channel from the trainer thread to the UI thread.
 *
 * The trainer thread pushes what happens (a run started, batch losses, an epoch's metrics, the
 * end of a run) and the UI thread, woken through an eventfd it polls, drains them into its
 * tui_live snapshot. Structural events (start, epoch, end) go through a bounded ring; batch
 * losses are coalesced into one pending buffer and the latest progress (epoch, batch, running
 * loss) simply overwrites the previous one, so a fast trainer never floods the UI: the
 * eventfd is written for every structural event and for batches at most every 50 ms. Nothing
 * here blocks the trainer: a full ring or buffer drops (and counts) what does not fit.
 *
 * Signal handlers may call channel_wake (it only write()s to the eventfd).
 * Memory: the channel owns its buffers; channel_close frees them. Threads: push functions from
 * the trainer thread, drain from the UI thread, wake from anywhere. */
#ifndef AE_CHANNEL_H
#define AE_CHANNEL_H

#include <stdint.h>

#include "err.h"
#include "tui.h"

typedef struct channel channel;

int channel_open(channel **out, ae_err *err);
void channel_close(channel *ch);
/* The descriptor the UI polls (readable when something waits). */
int channel_fd(const channel *ch);
/* Async-signal-safe wake-up. */
void channel_wake(channel *ch);

/* Producer side (the trainer thread). */
typedef struct channel_start_info {
    tui_form form;
    int64_t run, parent;
    char dataset[32];
    long params;
    int input_dim, nbatches;
} channel_start_info;

void channel_loading(channel *ch, const tui_form *form, int64_t parent);
void channel_started(channel *ch, const channel_start_info *info);
void channel_batch(channel *ch, int epoch, int batch, int nbatches, float loss, double running);
void channel_epoch(channel *ch, const tui_epoch_pt *e);
void channel_ended(channel *ch, int64_t run, const char *status, const char *message);
/* The pictures' copy of an epoch (ui/samples.h): the channel takes ownership; a newer copy
 * replaces one not yet drained (the UI only ever wants the latest). */
void channel_samples(channel *ch, samples *s);

/* Consumer side (the UI thread): applies everything queued to live; returns TUI_EV_* flags
 * (TUI_EV_SAMPLES when live->pics was replaced by a newer copy). A parent's curves are not the
 * channel's business: the UI loads them by the parent's id (tui_parent_load). */
int channel_drain(channel *ch, tui_live *live, double now);

#endif

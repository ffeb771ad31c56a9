/* trainer_thread.c: the TUI's trainer thread (see trainer_thread.h).
 *
 * For the form: open the store (this thread's own handle), chain the checkpoint writer, the
 * recorder and an observer that forwards to the event channel, run, tag the run with the
 * form's tag ("sweep"), close the store, then report the end (after the store is written, so
 * the UI re-reads a finished run).
 *
 * Pictures (issue 5): the forwarding observer loads the run's test split once (on_start) and
 * at every epoch end runs its first samples through the trainer's net on workspace 0 (free
 * between steps): reconstructions, errors and latent vectors go to the UI as a copy
 * (ui/samples.h) through the channel. */
#include "trainer_thread.h"

#include <stdio.h>
#include <string.h>

#include "dspec.h"
#include "samples.h"
#include "store.h"
#include "train_checkpoint.h"
#include "train_record.h"

typedef struct fwd {
    channel *ch;
    train_record *rec;
    const tui_form *form;
    int64_t parent;
    dataset test; /* the run's test split, for the pictures (n == 0: none) */
    char model[24];
} fwd;

static int f_start(void *ctx, const train_info *info, ae_err *err)
{
    fwd *f = ctx;
    channel_start_info s = {.form = *f->form,
                            .run = train_record_run(f->rec),
                            .parent = f->parent,
                            .params = info->params,
                            .input_dim = info->input_dim,
                            .nbatches = info->nbatches};
    snprintf(s.dataset, sizeof s.dataset, "%s", info->dataset ? info->dataset : "");
    snprintf(s.form.dataset, sizeof s.form.dataset, "%s", s.dataset);
    channel_started(f->ch, &s);
    /* the test split again, for the pictures; without it the run trains all the same */
    const train_config *cfg = info->cfg;
    ds_options o = {.data_dir = cfg && cfg->data_dir[0] ? cfg->data_dir : NULL,
                    .n = cfg && cfg->test_n < SAMPLES_MAX ? cfg->test_n : SAMPLES_MAX};
    ae_err e2;
    ds_spec spec; /* your own data: its test split as the run scaled it */
    ds_load_req rq = {.ntrain = -1, .ntest = o.n, .fixed = info->scaling, .threads = 1};
    if (cfg && cfg->data_spec[0]) {
        ds_spec_init(&spec);
        snprintf(spec.name, sizeof spec.name, "%s", cfg->dataset);
        if (ds_spec_from_text(cfg->data_spec, &spec, &e2) ||
            ds_spec_load(&spec, &rq, NULL, &f->test, &e2))
            memset(&f->test, 0, sizeof f->test);
    } else if (info->dataset && ds_load(info->dataset, DS_TEST, &o, &f->test, &e2)) {
        ds_free(&f->test);
        memset(&f->test, 0, sizeof f->test);
    }
    snprintf(f->model, sizeof f->model, "%s", cfg ? cfg->model : "");
    (void)err;
    return 0;
}

static void f_batch(void *ctx, int epoch, int batch, int nbatches, float loss, double running)
{
    fwd *f = ctx;
    channel_batch(f->ch, epoch, batch, nbatches, loss, running);
}

static int f_epoch(void *ctx, const train_epoch *e, const float *bl, int nb, ae_err *err)
{
    fwd *f = ctx;
    tui_epoch_pt p = {e->epoch,    e->train_loss, e->train_mae,      e->test_loss,
                      e->test_mae, e->seconds,    e->samples_per_sec};
    channel_epoch(f->ch, &p);
    samples *sm = NULL;
    ae_err e2;
    /* train_epoch hands the net as const for the writers; a forward pass on workspace 0
     * changes only that workspace's activations, which the next step overwrites */
    if (f->test.n > 0 && e->net &&
        samples_compute((net *)e->net, 0, &f->test, SAMPLES_MAX, &sm, &e2) == 0) {
        sm->run = train_record_run(f->rec);
        sm->epoch = e->epoch;
        snprintf(sm->model, sizeof sm->model, "%s", f->model);
        channel_samples(f->ch, sm);
    }
    (void)bl, (void)nb, (void)err;
    return 0;
}

/* A dataset registered in the store (aetui data add): its spec into cfg, and the form's
 * sample counts cut to what it holds (the form's defaults are the built-in sets'). */
static int registered(const char *db_path, const tui_form *f, train_config *cfg, ae_err *err)
{
    store *st = NULL;
    if (!db_path || !*db_path || store_open(&st, db_path, STORE_READONLY, err))
        return ae_fail(err, "unknown dataset '%s'", f->dataset);
    static _Thread_local store_dataset d; /* 6 KB: off the stack */
    int found = store_dataset_get(st, f->dataset, &d, err);
    store_close(st);
    if (found < 0) return -1;
    if (!found) return ae_fail(err, "unknown dataset '%s'", f->dataset);
    snprintf(cfg->data_spec, sizeof cfg->data_spec, "%s", d.spec);
    cfg->train_n = f->train_n < d.train ? f->train_n : d.train;
    cfg->test_n = f->test_n < d.test ? f->test_n : d.test;
    return 0;
}

int tthread_config(const tui_form *f, const char *data_dir, const char *db_path, train_config *cfg,
                   ae_err *err)
{
    if (train_config_defaults(cfg, f->model, err)) return -1;
    snprintf(cfg->dataset, sizeof cfg->dataset, "%s", f->dataset);
    if (data_dir && *data_dir) snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s", data_dir);
    cfg->latent = f->latent;
    cfg->epochs = f->epochs;
    cfg->batch = f->batch;
    cfg->train_n = f->train_n;
    cfg->test_n = f->test_n;
    cfg->lr = f->lr;
    cfg->seed = f->seed;
    if (cfg->dataset[0] && !ds_known(cfg->dataset) && registered(db_path, f, cfg, err)) return -1;
    if (cfg->dataset[0] && train_config_resolve(cfg, err)) return -1;
    return train_config_check(cfg, err);
}

static void run_one(tthread *t, const tui_form *form)
{
    ae_err err = {""};
    train_config cfg;
    channel_loading(t->ch, form, t->parent);
    if (tthread_config(form, t->data_dir, t->db_path, &cfg, &err)) {
        channel_ended(t->ch, 0, "failed", err.msg);
        return;
    }
    store *st = NULL;
    if (store_open(&st, t->db_path, STORE_CREATE, &err)) {
        channel_ended(t->ch, 0, "failed", err.msg);
        return;
    }
    if (store_readonly(st)) {
        store_close(st);
        channel_ended(t->ch, 0, "failed", "the store is read-only: runs cannot be recorded");
        return;
    }
    train_record rec;
    if (train_record_open(&rec, st, t->parent, &err)) {
        store_close(st);
        channel_ended(t->ch, 0, "failed", err.msg);
        return;
    }
    fwd f = {.ch = t->ch, .rec = &rec, .form = form, .parent = t->parent};
    train_observer obs_ch = {&f, f_start, f_batch, f_epoch, NULL};
    train_observer recorder = train_record_observer(&rec, &obs_ch);
    train_ckpt ck;
    train_observer obs = train_ckpt_observer(&ck, t->db_path, &rec, &recorder);
    train_result res;
    memset(&res, 0, sizeof res);
    int rc = train_run(&cfg, &obs, &t->ctl, &res, &err);
    ds_free(&f.test);
    int64_t run = train_record_run(&rec);
    if (run && form->tag[0]) store_tag_add(st, run, form->tag, NULL);
    char msg[512];
    if (rc)
        snprintf(msg, sizeof msg, "%s", err.msg);
    else if (train_record_error(&rec))
        snprintf(msg, sizeof msg, "not recorded completely: %s", train_record_error(&rec));
    else
        snprintf(msg, sizeof msg, "%s", res.message);
    store_close(st); /* the run is in the store before the UI hears that it ended */
    channel_ended(t->ch, run,
                  rc && !res.status[0] ? "failed"
                  : res.status[0]      ? res.status
                                       : "failed",
                  msg);
    train_result_free(&res);
}

static void *thread_main(void *arg)
{
    tthread *t = arg;
    run_one(t, &t->form);
    atomic_store(&t->busy, 0);
    channel_wake(t->ch);
    return NULL;
}

void tthread_init(tthread *t, channel *ch, const char *db_path, const char *data_dir)
{
    memset(t, 0, sizeof *t);
    atomic_init(&t->busy, 0);
    atomic_init(&t->ctl.stop, 0);
    atomic_init(&t->ctl.pause, 0);
    t->ch = ch;
    snprintf(t->db_path, sizeof t->db_path, "%s", db_path);
    snprintf(t->data_dir, sizeof t->data_dir, "%s", data_dir ? data_dir : "");
}

int tthread_start(tthread *t, const tui_form *form, int64_t parent, ae_err *err)
{
    if (atomic_load(&t->busy)) return ae_fail(err, "a run is in progress");
    train_config cfg;
    if (tthread_config(form, t->data_dir, t->db_path, &cfg, err)) return -1;
    tthread_join(t);
    t->form = *form;
    t->parent = parent;
    atomic_store(&t->ctl.stop, 0);
    atomic_store(&t->ctl.pause, 0);
    atomic_store(&t->busy, 1);
    if (pthread_create(&t->th, NULL, thread_main, t)) {
        atomic_store(&t->busy, 0);
        return ae_fail(err, "cannot start the trainer thread");
    }
    t->has_thread = 1;
    return 0;
}

void tthread_pause(tthread *t, int on)
{
    atomic_store(&t->ctl.pause, on ? 1 : 0);
}

void tthread_stop(tthread *t)
{
    atomic_store(&t->ctl.stop, 1);
    atomic_store(&t->ctl.pause, 0);
}

int tthread_busy(tthread *t)
{
    return atomic_load(&t->busy);
}

void tthread_join(tthread *t)
{
    if (!t->has_thread) return;
    pthread_join(t->th, NULL);
    t->has_thread = 0;
}

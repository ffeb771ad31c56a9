/* trainer.h: one training run, from a configuration to a result, reporting as it goes.
 *
 * train_run() loads the data, builds the model, trains it for cfg->epochs epochs with Adam and
 * evaluates on the test split after every epoch. It calls the observer's hooks from the thread
 * that runs it (the CLI's main thread, or the TUI's trainer thread); hooks must be quick or
 * hand the work on. Control flags are atomics checked between batches, so another thread may
 * ask it to pause, resume or stop at any time.
 *
 * The observer is how the run store (train_record.c), the CLI's progress output and the TUI's
 * event channel learn what happens; the trainer itself knows none of them. */
#ifndef AE_TRAINER_H
#define AE_TRAINER_H

#include <stdatomic.h>
#include <stdint.h>

#include "err.h"
#include "noise.h"

struct ds_scaling;

typedef struct train_config {
    char model[24];      /* a model preset name: "cnn", "lstm", ... (models/presets) */
    char dataset[32];    /* "" means the model's default */
    char data_dir[1024]; /* "" means search the usual places */
    int latent, epochs, batch, train_n, test_n, threads;
    double lr;   /* Adam learning rate */
    double clip; /* global gradient-norm clip, 0 = off */
    uint64_t seed;
    int flip;   /* random horizontal flips of training images */
    int shift;  /* random translations of training images by up to this many pixels */
    int cosine; /* cosine learning-rate decay (else constant) */
    /* Denoising (core/noise.h): the input corrupted afresh every batch, the target clean; the
     * test inputs corrupted once (the same for every run with this noise). kind 0: none. */
    noise_spec noise;
    /* Checkpoints (models/checkpoint.h): weights that replace the initial ones (--from), and a
     * training-state file to continue from exactly where it was written (--resume); "" none. */
    char init_weights[1024];
    char resume_state[1024];
    /* The store and run (UUIDs) the resume state must belong to; "" checks nothing. */
    char ident_store[37], ident_run[37];
    /* The SHA-256 the training samples must have (a resumed run's), "" none; force_data: go
     * on when they differ (--force). */
    char data_sha256[65];
    int force_data;
    /* Your own data (core/dspec.h): the spec's text form ("" for a built-in set; dataset then
     * holds the spec's name), and a checkpoint whose __metadata__ data_scaling is applied
     * instead of fitting one (a resumed or continued run's; "" fits on the training split).
     * With a spec, train_n and test_n 0 mean every sample of the split. */
    char data_spec[1024];
    char scaling_from[1024];
    /* Anomaly detection (issue 13): train only on these classes ("" all; numbers or names,
     * normalised by train_run to sorted numbers "0,3" before it is recorded); the test split
     * keeps every class. anomalies: sines only, the fraction of test sequences given an
     * injected anomaly (core/sines.c). */
    char train_classes[256];
    double anomalies;
} train_config;

/* The seed's defaults for a model preset (dataset left "" for the CLI to resolve). */
int train_config_defaults(train_config *cfg, const char *model, ae_err *err);
/* Checks every value; the message names the problem. */
int train_config_check(const train_config *cfg, ae_err *err);
/* Resolves the default dataset ("cnn": cifar10 when found, else fashion-mnist). */
int train_config_resolve(train_config *cfg, ae_err *err);

typedef struct train_info { /* what is known once data and model are ready */
    const train_config *cfg;
    const char *dataset; /* resolved name */
    const char *data_sha256;
    const char *const *files; /* data files read, nfiles of them */
    int nfiles;
    long params;
    int input_dim;         /* values per sample */
    int nbatches;          /* training batches per epoch */
    const char *blas_core; /* OpenBLAS core type in use */
    const char *const *class_names;
    int nclasses;
    int first_epoch; /* 1, or where a resumed run goes on */
    /* Your own data: the spec's text and the scaling applied (NULL for built-in sets). */
    const char *data_spec;
    const struct ds_scaling *scaling;
    /* Denoising: MSE of the noisy test inputs against the clean ones (the "do nothing"
     * figure the denoised output is judged by); 0 without noise. */
    double noisy_test_mse;
} train_info;

struct net;
struct ckpt_state;

typedef struct train_epoch {
    int epoch; /* 1-based */
    double train_loss, train_mae, test_loss, test_mae;
    double seconds, samples_per_sec, lr;
    /* For checkpoint writers (src/train_checkpoint.c): the model and the whole training state
     * as they are now, valid during the on_epoch call only. */
    const struct net *net;
    const struct ckpt_state *state;
} train_epoch;

typedef struct train_result {
    char status[16];   /* finished, stopped, diverged, failed */
    char message[512]; /* why, for anything but finished */
    /* The epochs this process completed and the observers accepted (recorded): an epoch that
     * diverged or could not be recorded counts nowhere, not even its time. epochs_done is the
     * last such epoch (0: none, and the numbers mean nothing); time and samples/s are this
     * process's part only (a resumed run's whole is in the store). */
    int epochs_done, best_epoch;
    double best_test_loss, test_mse, test_mae, train_seconds, samples_per_sec;
    long params;
    /* The test set's latent vectors [n_test][latent] and labels at the end (owned by the
     * result, freed by train_result_free); NULL when no epoch completed. */
    float *latents;
    uint8_t *labels;
    int n_test, latent;
} train_result;

void train_result_free(train_result *r);

typedef struct train_observer {
    void *ctx;
    /* Data loaded and model built. Non-zero return aborts the run (status failed). */
    int (*on_start)(void *ctx, const train_info *info, ae_err *err);
    /* After every training batch: running mean loss of the epoch so far and this batch's. */
    void (*on_batch)(void *ctx, int epoch, int batch, int nbatches, float batch_loss,
                     double running_loss);
    /* After every epoch's evaluation; batch_losses holds the epoch's per-batch losses.
     * Non-zero return aborts the run (status failed). */
    int (*on_epoch)(void *ctx, const train_epoch *ep, const float *batch_losses, int nbatches,
                    ae_err *err);
    /* Once at the end, whatever the outcome, when on_start was called. */
    void (*on_end)(void *ctx, const train_result *res);
} train_observer;

typedef struct train_control {
    atomic_int stop;  /* set to 1: finish the current batch, evaluate, end as "stopped" */
    atomic_int pause; /* set to 1: wait between batches until cleared (or stop) */
} train_control;

/* Runs the training. Returns 0 when the run ended (finished, stopped or diverged: see
 * res->status) and -1 when it could not run or failed (err and res->message say why). */
int train_run(const train_config *cfg, const train_observer *obs, train_control *ctl,
              train_result *res, ae_err *err);

#endif

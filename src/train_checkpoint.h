/* train_checkpoint.h: a run's checkpoint files, written as it trains, and the way back from
 * them to a training configuration (aetui train --resume / --from, encode, reconstruct).
 *
 * Files live in the run's directory, in the store's runs directory (store_run_dir: STEM.runs/<id>/
 * beside STEM.db):
 *   last.safetensors  the weights after every epoch
 *   best.safetensors  the weights of the epoch with the lowest test loss so far
 *   last.state        the training state at the same moment as last.safetensors (parameters,
 *                     Adam moments and step, generators, position in the data order)
 * The store's checkpoint column holds the path of last.safetensors, and the artifact
 * "checkpoints" (text, one "name<TAB>path" line each) all three.
 *
 * A resumed run (--resume RUN) goes on as RUN in the store: it takes RUN's settings from the
 * metadata of RUN's last.safetensors and its state from last.state, and numbers its epochs on
 * from where the state stopped. --from RUN is a new run, child of RUN, starting from RUN's last
 * weights with RUN's settings as defaults that options override. Every file carries the
 * store's and the run's UUID, checked before it is loaded.
 *
 * Threads: the observer runs in the trainer's thread and uses the recorder's store handle;
 * the rest is for the CLI's main thread. */
#ifndef AE_TRAIN_CHECKPOINT_H
#define AE_TRAIN_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "checkpoint.h"
#include "net.h"
#include "scaling.h"
#include "store.h"
#include "train_record.h"
#include "trainer.h"

#define TCKPT_LAST  "last.safetensors"
#define TCKPT_BEST  "best.safetensors"
#define TCKPT_STATE "last.state"

typedef struct train_ckpt {
    char db[4096];     /* the store's path */
    train_record *rec; /* the run's id and store handle */
    const train_observer *next;
    train_config cfg; /* the run's, from on_start */
    int64_t run;      /* 0 until on_start gave one: then nothing is written */
    char dir[4096];   /* the run's directory (absolute) */
    int recorded;     /* paths stored in the run store */
    char *scaling;    /* your own data's scaling as JSON (malloc'd at on_start), or NULL */
} train_ckpt;

/* The observer to pass to train_run: hands each call to next (normally the recorder's
 * observer, whose run id it reads after on_start), and after every epoch that next accepted
 * writes the files. A failure to write a checkpoint fails the run with the reason. */
train_observer train_ckpt_observer(train_ckpt *c, const char *db, train_record *rec,
                                   const train_observer *next);

/* The path of one of a run's files ("last.safetensors", ...): in the run's directory of the
 * store (store_run_dir), else (when the store was moved or renamed without it) where the
 * store's checkpoint column says. Fails with a message when the run has no such file. */
int train_ckpt_file(store *st, int64_t run, const char *name, char *out, size_t len, ae_err *err);

/* Fills cfg (model, dataset, data directory, latent and every hyperparameter) from the
 * __metadata__ of a checkpoint written by a run. */
int train_ckpt_config(const char *ckpt, train_config *cfg, ae_err *err);

/* For aetui train: finds --resume RUN or --from RUN (and --db, --model) in argv; when present,
 * replaces cfg with RUN's settings, points cfg at RUN's state or weights and sets *parent.
 * Returns CLI_OK (also when neither is given) or the exit status after printing the reason. */
int train_ckpt_args(const char *cmd, int argc, char **argv, train_config *cfg, int64_t *parent);

/* ---- a run's model for inference (aetui encode, aetui reconstruct) ------------------ */

typedef struct run_model {
    net n;
    ckpt_info info;
    int64_t run;
    char file[4300]; /* the checkpoint loaded */
    /* Your own data (empty for built-in sets): the run's spec and name, and the scaling its
     * inputs get (train_ckpt_input applies it, train_ckpt_unscale undoes it on outputs). */
    char data_spec[1024], dataset[32];
    ds_scaling scaling;
} run_model;

/* Opens the store (db: --db or NULL), finds RUN's checkpoint (weights: "last" or "best"),
 * builds its model for batches of up to `batch` samples and loads the weights. Prints the
 * reason and returns the exit status on failure, CLI_OK on success. */
int train_ckpt_model(const char *cmd, const char *db, const char *run_arg, const char *weights,
                     int batch, run_model *m);
void train_ckpt_model_free(run_model *m);

/* Reads a .npy file as the model's input: *x gets n samples of float32 in aetui's per-sample
 * layout (images H x W x C in [0,1] from uint8 0-255 or float32 in [0,1]; sequences T x F
 * float32, in the data's own units: a run on your own data scales them as it was trained).
 * A run on your own data also reads a file in its data's format (a CSV, a folder: every sample
 * of it in order, with the run's options). Shapes that do not fit are refused with the
 * expected and the given shape. Prints the reason and returns the exit status on failure.
 * *x is malloc'd. */
int train_ckpt_input(const char *cmd, const run_model *m, const char *path, float **x, int64_t *n);

/* Runs the model on n samples: encode gives n x latent values, else the reconstructions
 * (n samples in the per-sample layout) into out. Returns -1 when out of memory. */
int train_ckpt_apply(run_model *m, const float *x, int64_t n, int encode, float *out);

/* Undoes the run's scaling on n samples of model output (reconstructions), back in the
 * data's own units; nothing for images and built-in sets. */
void train_ckpt_unscale(const run_model *m, float *y, int64_t n);

#endif

/* checkpoint.h: a model's weights as a safetensors file PyTorch loads, and the companion
 * training-state file that lets a run resume exactly.
 *
 * Weights. Each parameter tensor of a built net gets the name and layout of the equivalent
 * PyTorch module (README, "Checkpoints in PyTorch"), so load_state_dict(strict=True) takes the
 * file as it is:
 *   Conv2d           encoder.convK.weight [out, in, 3, 3]       .bias [out]
 *   ConvTranspose2d  decoder.deconvK.weight [in, out, 3, 3]     .bias [out]
 *   Linear           encoder.fc / decoder.fc .weight [out, in]  .bias [out]
 *   nn.LSTM          encoder.lstmK / decoder.lstmK .weight_ih_l0 [4H, in], .weight_hh_l0 [4H, H],
 *                    .bias_ih_l0 [4H] (our one bias), .bias_hh_l0 [4H] (zeros)
 * K counts from 1 on each side of the latent; all presets follow the same rule, so cnn-flat is
 * named as cnn (encoder.conv1-3, encoder.fc [L, 128*h*w], decoder.fc, decoder.deconv1-3) and
 * cnn-deep as encoder.conv1-4, encoder.fc [L, 128*(H/8)*(W/8)], decoder.fc,
 * decoder.deconv1-5. Images are NHWC inside aetui and NCHW in PyTorch, so a Linear next to a
 * Flatten (its input columns) or an Unflatten (its output rows) is permuted to PyTorch's
 * channel-major order c*h*w + y*w + x. Loading adds bias_hh_l0 into our single bias, so a file
 * trained further in PyTorch loads too.
 *
 * __metadata__ holds "format" (aetui-checkpoint), "model" (the preset), "kind" (images or
 * sequences), "input_shape" (aetui's per-sample shape: [H, W, C] or [T, F]), "latent",
 * "aetui_version", and whatever the caller adds (run id, epoch, every hyperparameter, and the
 * identity: "store_uuid" and "run_uuid", which ckpt_ident_check compares).
 *
 * Loading checks every value is finite: a NaN or infinite weight (or Adam moment) fails with
 * the file, the tensor and the index.
 *
 * Training state: a binary file (format below, in checkpoint.c) with a magic, a version and a
 * checksum, holding the parameters, the Adam moments and step, the data-order and
 * augmentation generators, the position in the epoch's data order and the epoch's partial
 * sums, so a run can continue as if it had never stopped.
 *
 * Both files are written atomically (temporary file, fsync, rename, directory fsync). Every
 * malformed or mismatched file fails with a message naming the file. Pure functions over
 * caller-owned nets; any thread. */
#ifndef AE_CHECKPOINT_H
#define AE_CHECKPOINT_H

#include <stdint.h>

#include "net.h"
#include "safetensors.h"

#define CKPT_FORMAT "aetui-checkpoint"

/* What a checkpoint says about its model (from __metadata__). */
typedef struct ckpt_info {
    char model[24];  /* preset name */
    net_shape input; /* rank 3 (h, w, c) or rank 2 (t, f) */
    int latent;
    char version[32];                  /* aetui version that wrote it */
    int64_t run;                       /* "run_id", 0 when absent */
    int epoch;                         /* "epoch", 0 when absent */
    char store_uuid[37], run_uuid[37]; /* whose file it is; "" when absent (older files) */
} ckpt_info;

/* One tensor of a net's checkpoint: its PyTorch name and shape. */
typedef struct ckpt_tensor {
    char name[48];
    int ndim;
    int64_t shape[4];
    int layer, part; /* where it comes from in the net (internal) */
} ckpt_tensor;

#define CKPT_MAX_TENSORS (4 * NET_MAX_LAYERS)

/* The tensors of a finalized net in file order; returns how many (or -1 with a message). */
int ckpt_tensors(const net *n, ckpt_tensor *out, int max, ae_err *err);

/* Writes the net's parameters to path with the metadata described above plus `extra`
 * (nextra pairs; keys must differ from the built-in ones). */
int ckpt_save(const char *path, const net *n, const char *model, const st_kv *extra, int nextra,
              ae_err *err);

/* Reads a checkpoint's model description (without its weights being checked). */
int ckpt_info_read(const char *path, ckpt_info *info, ae_err *err);
/* The same from an already read file. */
int ckpt_info_of(const st_file *f, ckpt_info *info, ae_err *err);

/* Loads the weights of path into a finalized net built for `model`. Checks the model kind in
 * __metadata__, that every expected tensor is there with the right shape, and that there is no
 * other. The net is unchanged on failure. Save then load is bit-exact. Adam moments are not
 * touched. */
int ckpt_load(const char *path, net *n, const char *model, ae_err *err);
/* The same from an already read file. */
int ckpt_load_file(const st_file *f, net *n, const char *model, ae_err *err);

/* ---- training state ------------------------------------------------------------------- */

typedef struct ckpt_state {
    char model[24];
    int64_t run;
    char store_uuid[37], run_uuid[37]; /* whose state it is ("" in version-1 files) */
    double ep_seconds;                 /* training time of `epoch` so far */
    int epoch;                         /* the epoch the position refers to (1-based) */
    int batch, nbatches; /* batches of that epoch done; batch == nbatches: epoch complete */
    long adam_t;         /* Adam steps taken */
    uint64_t rng_order[4], rng_aug[4];
    int n_train;
    int *order;               /* the data order of `epoch` (n_train indices) */
    float *batch_losses;      /* the epoch's losses so far (nbatches slots, `batch` used) */
    double loss_sum, sae_sum; /* the epoch's partial sums */
    long ep_samples;
    double best_test_loss; /* lowest test loss so far, and its epoch (0: none) */
    int best_epoch;
} ckpt_state;

/* Writes the state with the net's parameters and Adam moments (n->params, n->m, n->v). */
int ckpt_state_save(const char *path, const ckpt_state *s, const net *n, ae_err *err);
/* Reads a state into s (order and batch_losses malloc'd: ckpt_state_free) and the net's
 * parameters and moments. Fails when the file is damaged or its model or parameter count
 * differs from the net's; the net is unchanged on failure. */
int ckpt_state_load(const char *path, ckpt_state *s, net *n, const char *model, ae_err *err);
void ckpt_state_free(ckpt_state *s);

/* ---- your own data's scaling ------------------------------------------------------------ */

/* The scaling a run on your own data applied (__metadata__ "data_scaling", scaling.h's JSON)
 * into *out; out->n = 0 when the file has none (a built-in set). */
struct ds_scaling;
int ckpt_scaling_of(const st_file *f, struct ds_scaling *out, ae_err *err);
int ckpt_scaling_read(const char *path, struct ds_scaling *out, ae_err *err);

/* ---- identity ------------------------------------------------------------------------- */

/* Reads whose file path is (a weights or a state file; a state file's header only): the
 * store's and the run's UUID, "" when the file predates them. */
int ckpt_ident_read(const char *path, char store_uuid[37], char run_uuid[37], ae_err *err);
/* Fails, naming both, when a file's identity (have_*) is not the expected one (want_*; run is
 * the expected run's id for the message). A file without identity (older aetui) passes. */
int ckpt_ident_check(const char *path, const char *have_store, const char *have_run,
                     const char *want_store, const char *want_run, int64_t run, ae_err *err);

/* Copies a run's weights or state file from src to dst (written atomically) as the file of
 * run `run` (parent: its parent's id, 0 none) in the store store_uuid, for `aetui import`:
 * the metadata's run_id, parent_run and store_uuid (a state's run id and store UUID) are
 * replaced, the run's UUID and every number kept bit for bit. A damaged file is refused. */
int ckpt_reident(const char *src, const char *dst, const char *store_uuid, int64_t run,
                 int64_t parent, ae_err *err);

#endif

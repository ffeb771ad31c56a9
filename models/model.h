/* model.h: the autoencoders aetui trains, as named presets built from core's layers.
 *
 * A preset says which kind of data it takes (images or sequences), its default dataset and
 * hyperparameters (the seed's), and how to add its layers to a net for a given input shape and
 * latent size. "cnn" and "lstm" are the seed's architectures exactly; other presets are ours
 * (see model_presets in presets.c and the README).
 *
 * Pure functions over caller-owned nets; any thread. */
#ifndef AE_MODEL_H
#define AE_MODEL_H

#include <stddef.h>

#include "net.h"

typedef struct model_preset {
    const char *name;
    int kind; /* DS_IMAGES or DS_SEQUENCES (core/dataset.h) */
    const char *default_dataset;
    int latent, epochs, batch, train_n, test_n;
    double lr;
    int flip;            /* train with random horizontal flips (images) */
    int shift;           /* train with random translations of up to this many pixels (images) */
    int cosine;          /* cosine learning-rate decay over the run instead of a constant rate */
    const char *summary; /* one line for --help and the TUI */
    const char *noise;   /* a denoising preset's corruption (core/noise.h), NULL for none */
} model_preset;

/* The presets, terminated by a zero entry. */
extern const model_preset model_presets[];

/* The preset of that name, or NULL. */
const model_preset *model_preset_find(const char *name);

/* The largest input a model is built for: image sides up to 4096 pixels and 64 channels,
 * sequences up to 100000 steps of 65536 features. Every size that comes from a file (a
 * checkpoint's input_shape, a dataset header) is checked against these before any arithmetic
 * uses it, so that no product of sizes overflows. */
#define MODEL_MAX_SIDE     4096
#define MODEL_MAX_CHANNELS 64
#define MODEL_MAX_STEPS    100000
#define MODEL_MAX_FEATURES 65536

/* 0 when the shape is within those bounds (rank 3: h, w, c; rank 2: t = h, f = c), else -1
 * with a message naming the shape and the bound. */
int model_input_check(net_shape in, ae_err *err);

/* Adds the preset's layers to a net initialised (net_init) with the input shape, marks the
 * latent layer. Fails with a message when the shape does not suit the preset (a CNN needs H
 * and W divisible by 4, an LSTM a sequence) or is out of model_input_check's bounds. */
int model_build(net *n, const char *preset, int latent, ae_err *err);

/* Keras-style summary of a net: one row per layer (name and type, output shape, parameters),
 * then the totals. Written into buf (NUL-terminated, truncated to len). Returns the length. */
size_t model_summary(const net *n, const char *title, char *buf, size_t len);

/* ---- inference in batches (aetui encode / reconstruct / interpolate / ..., the TUI's walks) */

/* Runs a finalized net on count samples x (the per-sample layout: images H x W x C, sequences
 * T x F) one sample at a time on workspace 0 (see below):
 * encode gives count x latent codes, else the reconstructions (count samples, same layout).
 * Returns 0 (an int so that a staging buffer may fail one day). */
int model_apply(net *n, const float *x, long count, int encode, float *out);

/* Decodes count codes z (count x latent) into out (count samples in the per-sample layout).
 * Samples go through one at a time, so a sample's values never depend on the others (BLAS
 * rounds a sample differently at another place in a batch): a sample's reconstruction from
 * model_apply is model_decode of its code from model_apply, bit for bit (tests/test_walk.sh,
 * tests/test_walk_codes.c). Returns 0. */
int model_decode(net *n, const float *z, long count, float *out);

#endif

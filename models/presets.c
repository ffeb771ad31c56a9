/* presets.c: the architectures behind each model name.
 *
 * cnn  (the seed's): Conv(32) Pool Conv(64) Pool Conv(128) GAP Dense(latent) |
 *      Dense(h*w*128, relu) Reshape ConvT(128) Up ConvT(64) Up ConvT(C, sigmoid).
 * lstm (the seed's): LSTM(64, seq) LSTM(32) Dense(latent) |
 *      RepeatVector(T) LSTM(32, seq) LSTM(64, seq) TimeDistributed(Dense(F)).
 * dense (ours): Flatten Dense(128) Dense(64) Dense(latent) | Dense(64) Dense(128)
 *      Dense(T*F, sigmoid) Reshape(T, F), for plain vectors and short sequences. */
#include <limits.h>
#include <string.h>

#include "checked.h"

#include "dataset.h"
#include "model.h"

const model_preset model_presets[] = {
    {"cnn", DS_IMAGES, "cifar10", 32, 25, 32, 8000, 2000, 1e-3, 0, 0, 0,
     "the seed's convolutional autoencoder (global average pooling before the latent)", NULL},
    {"cnn-flat", DS_IMAGES, "cifar10", 32, 25, 32, 8000, 2000, 1e-3, 1, 2, 1,
     "ours: the seed's layers with the 8x8x128 map flattened into the latent, trained with "
     "random flips and shifts and a cosine learning-rate decay",
     NULL},
    {"cnn-deep", DS_IMAGES, "cifar10", 32, 25, 32, 8000, 2000, 1e-3, 1, 0, 1,
     "ours: three poolings to a 4x4x128 map flattened into the latent, a four-stage decoder, "
     "random flips and a cosine learning-rate decay",
     NULL},
    {"cnn-denoise", DS_IMAGES, "fashion-mnist", 256, 25, 32, 8000, 2000, 1e-3, 0, 0, 1,
     "ours: a denoising autoencoder (Gaussian noise 0.3 by default): two poolings to an H/4 x "
     "W/4 x 64 map flattened into the latent, the input corrupted afresh every batch",
     "gaussian:0.3"},
    {"lstm", DS_SEQUENCES, "sines", 20, 30, 32, 3200, 800, 1e-3, 0, 0, 0,
     "the seed's LSTM sequence autoencoder", NULL},
    {"dense", DS_SEQUENCES, "sines", 16, 30, 32, 3200, 800, 1e-3, 0, 0, 0,
     "ours: an MLP autoencoder, D-128-64-latent and mirror (ReLU, sigmoid out), for plain "
     "vectors and short sequences (T x F flattened)",
     NULL},
    {0},
};

const model_preset *model_preset_find(const char *name)
{
    for (const model_preset *p = model_presets; p->name; p++)
        if (name && !strcmp(p->name, name)) return p;
    return NULL;
}

int model_input_check(net_shape in, ae_err *err)
{
    if (in.rank == 3) {
        if (in.h < 1 || in.w < 1 || in.c < 1 || in.h > MODEL_MAX_SIDE || in.w > MODEL_MAX_SIDE ||
            in.c > MODEL_MAX_CHANNELS)
            return ae_fail(err,
                           "input shape [%d, %d, %d] is out of range (height and width 1-%d, "
                           "channels 1-%d)",
                           in.h, in.w, in.c, MODEL_MAX_SIDE, MODEL_MAX_CHANNELS);
        return 0;
    }
    if (in.rank == 2) {
        if (in.h < 1 || in.c < 1 || in.h > MODEL_MAX_STEPS || in.c > MODEL_MAX_FEATURES)
            return ae_fail(err,
                           "input shape [%d, %d] is out of range (time steps 1-%d, features "
                           "1-%d)",
                           in.h, in.c, MODEL_MAX_STEPS, MODEL_MAX_FEATURES);
        return 0;
    }
    return ae_fail(err, "input of rank %d: expected images [H, W, C] or sequences [T, F]", in.rank);
}

/* Images whose height and width are multiples of `mult` (one halving per pooling stage). */
static int need_images(const net *n, const char *preset, int mult, ae_err *err)
{
    const net_shape in = n->input;
    if (in.rank != 3) return ae_fail(err, "%s: needs images, not sequences", preset);
    if (in.h % mult || in.w % mult || in.h < mult || in.w < mult)
        return ae_fail(err, "%s: image height and width must be multiples of %d, got %dx%d", preset,
                       mult, in.h, in.w);
    return 0;
}

/* The seed's CNN; with `flatten` the 8x8x128 map goes into the latent layer whole (cnn-flat)
 * instead of through GlobalAveragePooling2D (cnn), which keeps where things are. */
static int build_cnn(net *n, const char *preset, int flatten, int latent, ae_err *err)
{
    const net_shape in = n->input;
    if (need_images(n, preset, 4, err)) return -1;
    int h = in.h / 4, w = in.w / 4, map[3] = {h, w, 128}, units;
    if (ck_prod_int(map, 3, INT_MAX, &units))
        return ae_fail(err, "%s: images of %dx%d are too large", preset, in.h, in.w);
    if (net_add_conv(n, 32, ACT_RELU, err) || net_add_maxpool(n, err) ||
        net_add_conv(n, 64, ACT_RELU, err) || net_add_maxpool(n, err) ||
        net_add_conv(n, 128, ACT_RELU, err) ||
        (flatten ? net_add_flatten(n, err) : net_add_gap(n, err)) ||
        net_add_dense(n, latent, ACT_NONE, err))
        return -1;
    net_mark_latent(n);
    if (net_add_dense(n, units, ACT_RELU, err) || net_add_reshape(n, h, w, 128, err) ||
        net_add_convt(n, 128, ACT_RELU, err) || net_add_upsample(n, err) ||
        net_add_convt(n, 64, ACT_RELU, err) || net_add_upsample(n, err) ||
        net_add_convt(n, in.c, ACT_SIGMOID, err))
        return -1;
    return 0;
}

/* cnn-denoise: a narrower map (64 channels) into a wider latent than the others: denoising
 * wants detail kept, and the noise, not the bottleneck, keeps it from learning the identity. */
static int build_cnn_denoise(net *n, int latent, ae_err *err)
{
    const net_shape in = n->input;
    if (need_images(n, "cnn-denoise", 4, err)) return -1;
    int h = in.h / 4, w = in.w / 4, map[3] = {h, w, 64}, units;
    if (ck_prod_int(map, 3, INT_MAX, &units))
        return ae_fail(err, "cnn-denoise: images of %dx%d are too large", in.h, in.w);
    if (net_add_conv(n, 32, ACT_RELU, err) || net_add_maxpool(n, err) ||
        net_add_conv(n, 64, ACT_RELU, err) || net_add_maxpool(n, err) ||
        net_add_conv(n, 64, ACT_RELU, err) || net_add_flatten(n, err) ||
        net_add_dense(n, latent, ACT_NONE, err))
        return -1;
    net_mark_latent(n);
    if (net_add_dense(n, units, ACT_RELU, err) || net_add_reshape(n, h, w, 64, err) ||
        net_add_convt(n, 64, ACT_RELU, err) || net_add_upsample(n, err) ||
        net_add_convt(n, 32, ACT_RELU, err) || net_add_upsample(n, err) ||
        net_add_convt(n, in.c, ACT_SIGMOID, err))
        return -1;
    return 0;
}

/* cnn-deep: one more pooling stage (H/8 x W/8 x 128 flattened) and a decoder with a
 * convolution at every resolution. */
static int build_cnn_deep(net *n, int latent, ae_err *err)
{
    const net_shape in = n->input;
    if (need_images(n, "cnn-deep", 8, err)) return -1;
    int h = in.h / 8, w = in.w / 8, map[3] = {h, w, 128}, units;
    if (ck_prod_int(map, 3, INT_MAX, &units))
        return ae_fail(err, "cnn-deep: images of %dx%d are too large", in.h, in.w);
    if (net_add_conv(n, 32, ACT_RELU, err) || net_add_maxpool(n, err) ||
        net_add_conv(n, 64, ACT_RELU, err) || net_add_maxpool(n, err) ||
        net_add_conv(n, 128, ACT_RELU, err) || net_add_maxpool(n, err) ||
        net_add_conv(n, 128, ACT_RELU, err) || net_add_flatten(n, err) ||
        net_add_dense(n, latent, ACT_NONE, err))
        return -1;
    net_mark_latent(n);
    if (net_add_dense(n, units, ACT_RELU, err) || net_add_reshape(n, h, w, 128, err) ||
        net_add_convt(n, 128, ACT_RELU, err) || net_add_upsample(n, err) ||
        net_add_convt(n, 128, ACT_RELU, err) || net_add_upsample(n, err) ||
        net_add_convt(n, 64, ACT_RELU, err) || net_add_upsample(n, err) ||
        net_add_convt(n, 32, ACT_RELU, err) || net_add_convt(n, in.c, ACT_SIGMOID, err))
        return -1;
    return 0;
}

static int build_lstm(net *n, int latent, ae_err *err)
{
    const net_shape in = n->input;
    if (in.rank != 2) return ae_fail(err, "lstm: needs sequences, not images");
    /* The values are in [0,1]; the LSTMs see them centred on 0.5 and the output is shifted
     * back. Uncentred, training sits on a plateau at the data's variance for 8 to 30 of its 30
     * epochs depending on the seed (the LSTMs and the output layer must first learn the
     * offset); centred, it leaves it in the first epochs on every seed tried. */
    if (net_add_shift(n, -0.5f, err) || net_add_lstm(n, 64, 1, err) ||
        net_add_lstm(n, 32, 0, err) || net_add_dense(n, latent, ACT_NONE, err))
        return -1;
    net_mark_latent(n);
    if (net_add_repeat(n, in.h, err) || net_add_lstm(n, 32, 1, err) ||
        net_add_lstm(n, 64, 1, err) || net_add_tddense(n, in.c, ACT_NONE, err) ||
        net_add_shift(n, 0.5f, err))
        return -1;
    return 0;
}

/* dense: Flatten (T x F in PyTorch's row-major order) Dense(128) Dense(64) Dense(latent) |
 * Dense(64) Dense(128) Dense(T*F, sigmoid) Reshape(T, F). Sigmoid out: the data is scaled to
 * [0, 1] per feature (minmax, the default). */
static int build_dense(net *n, int latent, ae_err *err)
{
    const net_shape in = n->input;
    if (in.rank != 2) return ae_fail(err, "dense: needs vectors or sequences, not images");
    int d = in.h * in.c; /* bounded by model_input_check's sizes, which fit an int */
    if (net_add_flatten(n, err) || net_add_dense(n, 128, ACT_RELU, err) ||
        net_add_dense(n, 64, ACT_RELU, err) || net_add_dense(n, latent, ACT_NONE, err))
        return -1;
    net_mark_latent(n);
    if (net_add_dense(n, 64, ACT_RELU, err) || net_add_dense(n, 128, ACT_RELU, err) ||
        net_add_dense(n, d, ACT_SIGMOID, err) || net_add_reshape_seq(n, in.h, in.c, err))
        return -1;
    return 0;
}

int model_build(net *n, const char *preset, int latent, ae_err *err)
{
    if (latent < 1) return ae_fail(err, "%s: latent size must be at least 1", preset);
    if (model_input_check(n->input, err)) return ae_wrap(err, "%s", preset);
    if (!strcmp(preset, "cnn")) return build_cnn(n, "cnn", 0, latent, err);
    if (!strcmp(preset, "cnn-flat")) return build_cnn(n, "cnn-flat", 1, latent, err);
    if (!strcmp(preset, "cnn-deep")) return build_cnn_deep(n, latent, err);
    if (!strcmp(preset, "cnn-denoise")) return build_cnn_denoise(n, latent, err);
    if (!strcmp(preset, "lstm")) return build_lstm(n, latent, err);
    if (!strcmp(preset, "dense")) return build_dense(n, latent, err);
    return ae_fail(err, "unknown model '%s'", preset);
}

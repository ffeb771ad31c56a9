/* net.h: a sequential network of the layers in layers.h, with one memory block for
 * parameters, gradients and Adam moments, and per-thread arenas for activations.
 *
 * Build it layer by layer (net_add_*: shapes are inferred), then net_finalize() allocates:
 *   net->params | net->grads | net->m | net->v   one block of 4*nparams floats
 *   one net_ws per worker thread: activations for up to `batch_cap` samples, its own gradient
 *   buffer (thread 0 uses net->grads), backward ping-pong buffers, im2col workspace.
 * Nothing is allocated after net_finalize; forward and backward only use the arenas.
 *
 * Layouts: images NHWC (B,H,W,C); sequences time-major (T,B,F); vectors (B,F). A net's input
 * and output have the same shape (an autoencoder). One layer is marked as the latent: the
 * encoder is the layers up to it, the decoder the layers after it.
 *
 * Threads: net_forward/net_backward on distinct net_ws may run concurrently; they only read
 * net->params. Everything else is for one thread at a time. */
#ifndef AE_NET_H
#define AE_NET_H

#include "err.h"
#include "layers.h"
#include "rng.h"

enum net_op {
    OP_CONV = 1, /* Conv2D 3x3 same */
    OP_CONVT,    /* Conv2DTranspose 3x3 same */
    OP_MAXPOOL,  /* MaxPooling2D 2x2 */
    OP_UPSAMPLE, /* UpSampling2D x2 nearest */
    OP_GAP,      /* GlobalAveragePooling2D */
    OP_FLATTEN,  /* Flatten (free in NHWC) */
    OP_DENSE,    /* Dense on (B,F) */
    OP_RESHAPE,  /* Reshape (B,F) -> (B,H,W,C) (free) */
    OP_LSTM,     /* LSTM over (T,B,F), returning the sequence or the last state */
    OP_REPEAT,   /* RepeatVector (B,F) -> (T,B,F) (never materialised) */
    OP_TDDENSE,  /* TimeDistributed(Dense) over (T,B,F) */
    OP_SHIFT,    /* adds a fixed constant (centring); no parameters */
};

#define NET_MAX_LAYERS 40

typedef struct net_shape {
    int rank;    /* 3 image (h,w,c), 2 sequence (t,f), 1 vector (f) */
    int h, w, c; /* image dims; a sequence is t=h, f=c (w=1); a vector is f=c (h=w=1) */
} net_shape;

typedef struct net_layer {
    int op, act;
    char name[32];  /* Keras-style name: conv2d, conv2d_1, lstm, dense_2, ... */
    int units;      /* filters / units; LSTM hidden size */
    int return_seq; /* LSTM */
    float shift;    /* OP_SHIFT: the constant added */
    net_shape in, out;
    long w_off, wh_off, b_off, nparams; /* into params (and grads, m, v) */
    long out_off;                       /* output within a net_ws arena (floats) */
    long aux_off;                       /* maxpool argmax (ints) or LSTM caches (floats) */
} net_layer;

typedef struct net_ws {
    float *arena; /* activations and LSTM caches */
    int *ints;    /* maxpool argmax */
    float *grads; /* this thread's gradients (net->grads for thread 0) */
    float *dbuf[2], *dh, *lstm_ws, *conv_ws;
    long conv_ws_floats;
    const float *outp[NET_MAX_LAYERS]; /* each layer's output from the last forward */
    const float *inp[NET_MAX_LAYERS];  /* each layer's input from the last forward */
    void *block; /* the allocation behind all of the above but grads of thread 0 */
} net_ws;

typedef struct net {
    int nlayers;
    net_layer layers[NET_MAX_LAYERS];
    net_shape input;
    int latent_layer; /* index of the layer whose output is the latent code, -1 if unset */
    long nparams;
    float *params, *grads, *m, *v; /* views into block */
    float *block;
    int batch_cap; /* samples per net_ws */
    int nws;
    net_ws *ws;
    /* sizes computed at finalize */
    long arena_floats, ints_count, dbuf_floats, dh_floats, lstm_ws_floats;
    int name_counts[13];
} net;

/* Starts an empty net with the given input shape (rank 3: h,w,c; rank 2: t,f). */
void net_init(net *n, net_shape input);
int net_add_conv(net *n, int filters, int act, ae_err *err);
int net_add_convt(net *n, int filters, int act, ae_err *err);
int net_add_maxpool(net *n, ae_err *err);
int net_add_upsample(net *n, ae_err *err);
int net_add_gap(net *n, ae_err *err);
int net_add_flatten(net *n, ae_err *err);
int net_add_dense(net *n, int units, int act, ae_err *err);
int net_add_reshape(net *n, int h, int w, int c, ae_err *err);
/* A net on sequences may start with Flatten and end with this Reshape back to T x F (the
 * dense preset): then its input and output are sample-major [B][T][F] (a Flatten in PyTorch's
 * layout, t*F + f), not the time-major [T][B][F] of a net with LSTMs; net_flat_io says which
 * a net takes (ds_gather_flat or ds_gather). */
int net_add_reshape_seq(net *n, int t, int f, ae_err *err);
int net_flat_io(const net *n);
int net_add_lstm(net *n, int units, int return_seq, ae_err *err);
int net_add_repeat(net *n, int times, ae_err *err);
int net_add_tddense(net *n, int units, int act, ae_err *err);
/* out = in + c, a fixed shift of any shape (the LSTM preset centres its [0,1] input with -0.5
 * and shifts its output back with +0.5). Its gradient is the identity. */
int net_add_shift(net *n, float c, ae_err *err);
/* Marks the last added layer as the latent code. */
void net_mark_latent(net *n);

/* Allocates parameters and `nthreads` workspaces of batch_cap samples each. */
int net_finalize(net *n, int batch_cap, int nthreads, ae_err *err);
void net_free(net *n);

/* Keras initialisers from the generator: Glorot-uniform kernels, orthogonal recurrent kernels,
 * zero biases with the LSTM forget-gate bias 1. Zeroes the Adam moments. */
int net_init_params(net *n, rng *r, ae_err *err);

/* Values per sample of a shape. */
long net_shape_size(const net_shape *s);

/* Runs layers [0, upto] (upto = nlayers-1 for the whole net) on x (B samples, the net's input
 * layout) with workspace ws; returns a pointer to the last layer's output inside ws. */
const float *net_forward(net *n, int ws_index, const float *x, int B, int upto);
/* Runs the decoder (layers after the latent) from z (B, latent); returns the output. */
const float *net_decode(net *n, int ws_index, const float *z, int B);
/* Output of layer li from the last forward on ws_index. */
const float *net_output(const net *n, int ws_index, int li);
/* Backward through the whole net after net_forward(..., nlayers-1) on the same ws, with dy the
 * gradient of the loss at the output (consumed). Zeroes, then fills, the ws's gradients. */
void net_backward(net *n, int ws_index, const float *x, float *dy, int B);
/* Pointer to the ws's buffer sized for the output gradient (B x output size). */
float *net_dy_buffer(net *n, int ws_index);

/* Latent size (values per sample of the latent layer's output). */
int net_latent_size(const net *n);

#endif

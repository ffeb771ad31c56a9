/* apply.c: a net run over many samples (see model.h), one at a time. */
#include <string.h>

#include "model.h"

/* decode: x holds codes and the decoder runs; else x holds inputs and the whole net runs (the
 * encoder alone when encode). One sample at a time: how BLAS splits a GEMM depends on where a
 * sample sits in a batch, which moves its values in the last bit (a sample decoded beside
 * others differed from its reconstruction by 6e-8), and at B = 1 the time is the same for the
 * CNN's 28x28 images (2000 in 13.7 s either way on the shared 2-core machine). */
static int run_each(net *n, const float *x, long count, int encode, int decode, float *out)
{
    const net_shape *in = &n->input;
    long dim = net_shape_size(in), L = net_latent_size(n);
    long per_in = decode ? L : dim, per_out = encode ? L : dim;
    for (long s = 0; s < count; s++) {
        /* with one sample, time-major (T, 1, F) and sample-major (T, F) are the same layout */
        const float *xb = x + s * per_in;
        const float *y = decode   ? net_decode(n, 0, xb, 1)
                         : encode ? net_forward(n, 0, xb, 1, n->latent_layer)
                                  : net_forward(n, 0, xb, 1, n->nlayers - 1);
        memcpy(out + s * per_out, y, sizeof(float) * per_out);
    }
    return 0;
}

int model_apply(net *n, const float *x, long count, int encode, float *out)
{
    return run_each(n, x, count, encode, 0, out);
}

int model_decode(net *n, const float *z, long count, float *out)
{
    return run_each(n, z, count, 0, 1, out);
}

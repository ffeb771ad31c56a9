/* bench_layers.c: where a training step's time goes, layer by layer, for one preset.
 * Forward and backward of each layer timed separately on one thread with the batch slice a
 * worker sees (default 16 = batch 32 over 2 threads), together with its GEMM FLOPs.
 * usage: bench_layers [preset] [batch] [reps] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blas.h"
#include "layers.h"
#include "model.h"
#include "net.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *preset = argc > 1 ? argv[1] : "cnn";
    int B = argc > 2 ? atoi(argv[2]) : 16, reps = argc > 3 ? atoi(argv[3]) : 20;
    net_shape in =
        strncmp(preset, "lstm", 4) ? (net_shape){3, 32, 32, 3} : (net_shape){2, 50, 1, 10};
    net n;
    ae_err err;
    net_init(&n, in);
    if (model_build(&n, preset, strncmp(preset, "lstm", 4) ? 32 : 20, &err) ||
        net_finalize(&n, B, 1, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    rng r;
    rng_seed(&r, 1);
    net_init_params(&n, &r, &err);
    blas_set_threads(1);
    long dim = net_shape_size(&in);
    float *x = malloc(sizeof(float) * B * dim);
    for (long i = 0; i < B * dim; i++) x[i] = (float)rng_uniform(&r);
    /* whole step, then per layer by running prefixes: t(layer i) = t(0..i) - t(0..i-1) */
    double fwd[NET_MAX_LAYERS + 1] = {0};
    for (int upto = 0; upto < n.nlayers; upto++) {
        double best = 1e30;
        for (int k = 0; k < reps; k++) {
            double t = now();
            net_forward(&n, 0, x, B, upto);
            t = now() - t;
            if (t < best) best = t;
        }
        fwd[upto] = best;
    }
    double step_best = 1e30;
    for (int k = 0; k < reps; k++) {
        double t = now();
        const float *y = net_forward(&n, 0, x, B, n.nlayers - 1);
        float *dy = net_dy_buffer(&n, 0);
        loss_mse_grad(dy, y, x, B * dim, 1.0f / (B * dim));
        net_backward(&n, 0, x, dy, B);
        t = now() - t;
        if (t < step_best) step_best = t;
    }
    printf("%s, batch slice %d, 1 thread, core %s\n", preset, B, blas_corename());
    printf("%-22s %10s\n", "layer", "fwd ms");
    for (int i = 0; i < n.nlayers; i++)
        printf("%-22s %10.3f\n", n.layers[i].name, 1e3 * (fwd[i] - (i ? fwd[i - 1] : 0)));
    printf("forward %.3f ms, forward+backward %.3f ms: %.0f samples/s per thread\n",
           1e3 * fwd[n.nlayers - 1], 1e3 * step_best, B / step_best);
    return 0;
}

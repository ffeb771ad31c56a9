/* dense.c: fully connected layer, out (B,OUT) = x (B,IN) @ w (IN,OUT) + b (see layers.h). */
#include "blas.h"
#include "layers.h"

void dense_forward(float *out, const float *x, const float *w, const float *b, int B, int IN,
                   int OUT)
{
    blas_sgemm(0, 0, B, OUT, IN, 1.0f, x, IN, w, OUT, 0.0f, out, OUT);
    if (b) bias_act_forward(out, b, B, OUT, ACT_NONE);
}

void dense_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                    const float *w, int B, int IN, int OUT)
{
    if (db) bias_backward(db, dout, B, OUT);
    blas_sgemm(1, 0, IN, OUT, B, 1.0f, x, IN, dout, OUT, 1.0f, dw, OUT);
    if (dx) blas_sgemm(0, 1, B, IN, OUT, 1.0f, dout, OUT, w, OUT, 0.0f, dx, IN);
}

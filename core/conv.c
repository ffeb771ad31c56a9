/* conv.c: 3x3 'same' convolution and its transpose, as im2col + one SGEMM per chunk of the
 * batch (see layers.h).
 *
 * In NHWC the three horizontal taps of a kernel row are contiguous in memory, so im2col copies
 * runs of 3*C floats for interior pixels and handles the borders tap by tap. col2im is written
 * as a gather (each output pixel sums its nine sources), which writes every value once and
 * gives a fixed summation order. */
#include <string.h>

#include "blas.h"
#include "layers.h"

void im2col3(float *col, const float *x, int B, int H, int W, int C)
{
    const long K = 9L * C;
    for (int b = 0; b < B; b++)
        for (int y = 0; y < H; y++)
            for (int xx = 0; xx < W; xx++) {
                float *row = col + (((long)b * H + y) * W + xx) * K;
                for (int ky = 0; ky < 3; ky++) {
                    int iy = y + ky - 1;
                    float *dst = row + ky * 3L * C;
                    if (iy < 0 || iy >= H) {
                        memset(dst, 0, sizeof(float) * 3 * C);
                        continue;
                    }
                    const float *src = x + (((long)b * H + iy) * W) * C;
                    if (xx >= 1 && xx + 1 < W) {
                        memcpy(dst, src + (long)(xx - 1) * C, sizeof(float) * 3 * C);
                        continue;
                    }
                    for (int kx = 0; kx < 3; kx++) {
                        int ix = xx + kx - 1;
                        if (ix < 0 || ix >= W)
                            memset(dst + kx * C, 0, sizeof(float) * C);
                        else
                            memcpy(dst + kx * C, src + (long)ix * C, sizeof(float) * C);
                    }
                }
            }
}

void col2im3(float *x, const float *col, int B, int H, int W, int C)
{
    const long K = 9L * C;
    for (int b = 0; b < B; b++)
        for (int y = 0; y < H; y++)
            for (int xx = 0; xx < W; xx++) {
                float *dst = x + (((long)b * H + y) * W + xx) * C;
                memset(dst, 0, sizeof(float) * C);
                /* source pixel p = (y - (ky-1), x - (kx-1)), tap k = ky*3+kx */
                for (int ky = 0; ky < 3; ky++) {
                    int sy = y - ky + 1;
                    if (sy < 0 || sy >= H) continue;
                    for (int kx = 0; kx < 3; kx++) {
                        int sx = xx - kx + 1;
                        if (sx < 0 || sx >= W) continue;
                        const float *src =
                            col + (((long)b * H + sy) * W + sx) * K + (ky * 3 + kx) * (long)C;
                        for (int c = 0; c < C; c++) dst[c] += src[c];
                    }
                }
            }
}

long conv3_ws_per_image(int H, int W, int C, int OC)
{
    return (long)H * W * 9 * (C > OC ? C : OC);
}

/* Images per chunk so that a chunk's columns (per_image floats each) fit in ws_floats. */
static int chunk_images(long per_image, long ws_floats, int B)
{
    long n = ws_floats / per_image;
    if (n < 1) n = 1;
    return n > B ? B : (int)n;
}

void conv3_forward(float *out, const float *x, const float *w, const float *b, int B, int H, int W,
                   int C, int OC, float *ws, long ws_floats)
{
    const long HW = (long)H * W;
    const int K = 9 * C;
    int nb = chunk_images(HW * K, ws_floats, B);
    for (int b0 = 0; b0 < B; b0 += nb) {
        int n = B - b0 < nb ? B - b0 : nb;
        im2col3(ws, x + b0 * HW * C, n, H, W, C);
        blas_sgemm(0, 0, (int)(n * HW), OC, K, 1.0f, ws, K, w, OC, 0.0f, out + b0 * HW * OC, OC);
    }
    if (b) bias_act_forward(out, b, B * HW, OC, ACT_NONE);
}

void conv3_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                    const float *w, int B, int H, int W, int C, int OC, float *ws, long ws_floats)
{
    const long HW = (long)H * W;
    const int K = 9 * C;
    int nb = chunk_images(HW * K, ws_floats, B);
    if (db) bias_backward(db, dout, B * HW, OC);
    for (int b0 = 0; b0 < B; b0 += nb) {
        int n = B - b0 < nb ? B - b0 : nb;
        const float *dchunk = dout + b0 * HW * OC;
        im2col3(ws, x + b0 * HW * C, n, H, W, C);
        /* dw (K,OC) += cols^T (K,M) @ dout (M,OC) */
        blas_sgemm(1, 0, K, OC, (int)(n * HW), 1.0f, ws, K, dchunk, OC, 1.0f, dw, OC);
        if (!dx) continue;
        /* dcols (M,K) = dout (M,OC) @ w^T (OC,K), then gather back to pixels */
        blas_sgemm(0, 1, (int)(n * HW), K, OC, 1.0f, dchunk, OC, w, OC, 0.0f, ws, K);
        col2im3(dx + b0 * HW * C, ws, n, H, W, C);
    }
}

void convt3_forward(float *out, const float *x, const float *w, const float *b, int B, int H, int W,
                    int C, int OC, float *ws, long ws_floats)
{
    const long HW = (long)H * W;
    const int K = 9 * OC;
    int nb = chunk_images(HW * K, ws_floats, B);
    for (int b0 = 0; b0 < B; b0 += nb) {
        int n = B - b0 < nb ? B - b0 : nb;
        /* cols (M, 9*OC) = x (M,C) @ w (C, 9*OC) */
        blas_sgemm(0, 0, (int)(n * HW), K, C, 1.0f, x + b0 * HW * C, C, w, K, 0.0f, ws, K);
        col2im3(out + b0 * HW * OC, ws, n, H, W, OC);
    }
    if (b) bias_act_forward(out, b, B * HW, OC, ACT_NONE);
}

void convt3_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                     const float *w, int B, int H, int W, int C, int OC, float *ws, long ws_floats)
{
    const long HW = (long)H * W;
    const int K = 9 * OC;
    int nb = chunk_images(HW * K, ws_floats, B);
    if (db) bias_backward(db, dout, B * HW, OC);
    for (int b0 = 0; b0 < B; b0 += nb) {
        int n = B - b0 < nb ? B - b0 : nb;
        const float *xchunk = x + b0 * HW * C;
        im2col3(ws, dout + b0 * HW * OC, n, H, W, OC);
        /* dw (C, 9OC) += x^T (C,M) @ dcols (M, 9OC) */
        blas_sgemm(1, 0, C, K, (int)(n * HW), 1.0f, xchunk, C, ws, K, 1.0f, dw, K);
        /* dx (M,C) = dcols (M,9OC) @ w^T (9OC, C) */
        if (dx) blas_sgemm(0, 1, (int)(n * HW), C, K, 1.0f, ws, K, w, K, 0.0f, dx + b0 * HW * C, C);
    }
}

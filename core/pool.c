/* pool.c: 2x2 max pooling (argmax kept), nearest x2 upsampling and global average pooling,
 * all NHWC (see layers.h). */
#include <string.h>

#include "layers.h"

void maxpool2_forward(float *out, int *arg, const float *x, int B, int H, int W, int C)
{
    const int OH = H / 2, OW = W / 2;
    for (int b = 0; b < B; b++)
        for (int y = 0; y < OH; y++)
            for (int xx = 0; xx < OW; xx++) {
                long o = (((long)b * OH + y) * OW + xx) * C;
                long i00 = (((long)b * H + 2 * y) * W + 2 * xx) * C;
                long i01 = i00 + C, i10 = i00 + (long)W * C, i11 = i10 + C;
                for (int c = 0; c < C; c++) {
                    long best = i00 + c;
                    if (x[i01 + c] > x[best]) best = i01 + c;
                    if (x[i10 + c] > x[best]) best = i10 + c;
                    if (x[i11 + c] > x[best]) best = i11 + c;
                    out[o + c] = x[best];
                    arg[o + c] = (int)(best - (long)b * H * W * C);
                }
            }
}

void maxpool2_backward(float *dx, const float *dout, const int *arg, int B, int H, int W, int C)
{
    const long in_per = (long)H * W * C, out_per = (long)(H / 2) * (W / 2) * C;
    memset(dx, 0, sizeof(float) * B * in_per);
    for (int b = 0; b < B; b++)
        for (long o = 0; o < out_per; o++)
            dx[b * in_per + arg[b * out_per + o]] += dout[b * out_per + o];
}

void upsample2_forward(float *out, const float *x, int B, int H, int W, int C)
{
    const int OW = 2 * W;
    for (int b = 0; b < B; b++)
        for (int y = 0; y < H; y++) {
            float *r0 = out + (((long)b * 2 * H + 2 * y) * OW) * C;
            const float *src = x + (((long)b * H + y) * W) * C;
            for (int xx = 0; xx < W; xx++) {
                memcpy(r0 + (2L * xx) * C, src + (long)xx * C, sizeof(float) * C);
                memcpy(r0 + (2L * xx + 1) * C, src + (long)xx * C, sizeof(float) * C);
            }
            memcpy(r0 + (long)OW * C, r0, sizeof(float) * OW * C);
        }
}

void upsample2_backward(float *dx, const float *dout, int B, int H, int W, int C)
{
    const int OW = 2 * W;
    for (int b = 0; b < B; b++)
        for (int y = 0; y < H; y++)
            for (int xx = 0; xx < W; xx++) {
                float *d = dx + (((long)b * H + y) * W + xx) * C;
                const float *s00 = dout + (((long)b * 2 * H + 2 * y) * OW + 2 * xx) * C;
                const float *s01 = s00 + C, *s10 = s00 + (long)OW * C, *s11 = s10 + C;
                for (int c = 0; c < C; c++) d[c] = (s00[c] + s01[c]) + (s10[c] + s11[c]);
            }
}

void gap_forward(float *out, const float *x, int B, int HW, int C)
{
    for (int b = 0; b < B; b++) {
        float *o = out + (long)b * C;
        memset(o, 0, sizeof(float) * C);
        for (int p = 0; p < HW; p++) {
            const float *s = x + ((long)b * HW + p) * C;
            for (int c = 0; c < C; c++) o[c] += s[c];
        }
        for (int c = 0; c < C; c++) o[c] /= (float)HW;
    }
}

void gap_backward(float *dx, const float *dout, int B, int HW, int C)
{
    for (int b = 0; b < B; b++)
        for (int p = 0; p < HW; p++) {
            float *d = dx + ((long)b * HW + p) * C;
            for (int c = 0; c < C; c++) d[c] = dout[(long)b * C + c] / (float)HW;
        }
}

/* act.c: bias and activation passes, fused (see layers.h), and the losses. */
#include <math.h>

#include "fastmath.h"
#include "layers.h"

void bias_act_forward(float *y, const float *b, long M, int N, int act)
{
    for (long i = 0; i < M; i++) {
        float *r = y + i * N;
        if (b)
            for (int j = 0; j < N; j++) r[j] += b[j];
        switch (act) {
        case ACT_RELU:
            for (int j = 0; j < N; j++) r[j] = r[j] > 0 ? r[j] : 0;
            break;
        case ACT_SIGMOID:
            for (int j = 0; j < N; j++) r[j] = ae_sigmoidf(r[j]);
            break;
        case ACT_TANH:
            for (int j = 0; j < N; j++) r[j] = ae_tanhf(r[j]);
            break;
        default:
            break;
        }
    }
}

void bias_backward(float *db, const float *dy, long M, int N)
{
    for (long i = 0; i < M; i++) {
        const float *r = dy + i * N;
        for (int j = 0; j < N; j++) db[j] += r[j];
    }
}

void bias_act_backward(float *dy, float *db, const float *y, long M, int N, int act)
{
    long n = M * N;
    switch (act) {
    case ACT_RELU:
        for (long i = 0; i < n; i++) dy[i] = y[i] > 0 ? dy[i] : 0;
        break;
    case ACT_SIGMOID:
        for (long i = 0; i < n; i++) dy[i] *= y[i] * (1 - y[i]);
        break;
    case ACT_TANH:
        for (long i = 0; i < n; i++) dy[i] *= 1 - y[i] * y[i];
        break;
    default:
        break;
    }
    if (db) bias_backward(db, dy, M, N);
}

double loss_sse(const float *y, const float *t, long n)
{
    double s = 0;
    for (long i = 0; i < n; i++) {
        double d = (double)y[i] - t[i];
        s += d * d;
    }
    return s;
}

double loss_sae(const float *y, const float *t, long n)
{
    double s = 0;
    for (long i = 0; i < n; i++) s += fabs((double)y[i] - t[i]);
    return s;
}

void loss_mse_grad(float *dy, const float *y, const float *t, long n, float scale)
{
    float k = 2.0f * scale;
    for (long i = 0; i < n; i++) dy[i] = k * (y[i] - t[i]);
}

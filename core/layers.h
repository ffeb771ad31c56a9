/* layers.h: forward and backward of every layer the autoencoders use, as plain functions.
 *
 * Conventions (after llm.c): shapes are written above each function; images are NHWC,
 * sequences time-major (T,B,F), vectors (B,F). Backward functions ACCUMULATE into weight and
 * bias gradients (one zeroing per step, done by the caller) and OVERWRITE input gradients.
 * Activations are separate passes applied in place (act_forward on the output, act_backward
 * turning d(output) into d(pre-activation) using the output), fused with the bias where a layer
 * has one. Workspaces are caller-owned (the net's arena): no function here allocates.
 * Every function is reentrant: several threads may run them on disjoint buffers at once. */
#ifndef AE_LAYERS_H
#define AE_LAYERS_H

enum act_kind { ACT_NONE = 0, ACT_RELU, ACT_SIGMOID, ACT_TANH };

/* ---- 3x3 convolution, stride 1, 'same' zero padding ----
 * im2col: col is (B*H*W, 9*C) with column index (ky*3+kx)*C + c, col[p][k] = x[p + off(k)].
 * col2im is its exact adjoint: x[p] = sum_k col[p - off(k)][k] (written, not accumulated). */
void im2col3(float *col, const float *x, int B, int H, int W, int C);
void col2im3(float *x, const float *col, int B, int H, int W, int C);

/* Workspace floats per image that conv3/convt3 need: H*W*9*max(C, OC). */
long conv3_ws_per_image(int H, int W, int C, int OC);

/* out (B,H,W,OC) = conv(x (B,H,W,C), w (9C,OC)) + b (OC).
 * The batch is processed in chunks so that im2col fits in ws (ws_floats >= one image). */
void conv3_forward(float *out, const float *x, const float *w, const float *b, int B, int H,
                   int W, int C, int OC, float *ws, long ws_floats);
/* dout (B,H,W,OC) is d(pre-activation). dw (9C,OC) and db (OC) accumulate; dx (B,H,W,C) is
 * written unless NULL (the first layer needs none). */
void conv3_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                    const float *w, int B, int H, int W, int C, int OC, float *ws,
                    long ws_floats);

/* Conv2DTranspose 3x3 stride 1 'same': the adjoint of conv3 from OC to C channels.
 * out (B,H,W,OC) = col2im(x (B,H,W,C) @ w (C, 9*OC)) + b (OC). */
void convt3_forward(float *out, const float *x, const float *w, const float *b, int B, int H,
                    int W, int C, int OC, float *ws, long ws_floats);
void convt3_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                     const float *w, int B, int H, int W, int C, int OC, float *ws,
                     long ws_floats);

/* ---- pooling and resampling (NHWC) ----
 * maxpool2: out (B,H/2,W/2,C), arg (same count) keeps the flat input index of each max. */
void maxpool2_forward(float *out, int *arg, const float *x, int B, int H, int W, int C);
void maxpool2_backward(float *dx, const float *dout, const int *arg, int B, int H, int W, int C);
/* upsample2 (nearest): out (B,2H,2W,C) from x (B,H,W,C). */
void upsample2_forward(float *out, const float *x, int B, int H, int W, int C);
void upsample2_backward(float *dx, const float *dout, int B, int H, int W, int C);
/* global average pool: out (B,C) = mean over H*W of x (B,H,W,C). */
void gap_forward(float *out, const float *x, int B, int HW, int C);
void gap_backward(float *dx, const float *dout, int B, int HW, int C);

/* ---- dense: out (B,OUT) = x (B,IN) @ w (IN,OUT) + b ---- */
void dense_forward(float *out, const float *x, const float *w, const float *b, int B, int IN,
                   int OUT);
void dense_backward(float *dx, float *dw, float *db, const float *dout, const float *x,
                    const float *w, int B, int IN, int OUT);

/* ---- bias and activation, fused ----
 * y (M,N) += b (N) when b, then y = act(y), in place. */
void bias_act_forward(float *y, const float *b, long M, int N, int act);
/* dy (M,N): d(output) -> d(pre-activation) in place, using the output y; db (N) accumulates
 * the column sums when not NULL. */
void bias_act_backward(float *dy, float *db, const float *y, long M, int N, int act);
/* db (N) += column sums of dy (M,N). */
void bias_backward(float *db, const float *dy, long M, int N);

/* ---- LSTM (Keras semantics: gates i, f, g, o; sigmoid and tanh; one bias) ----
 * x is (T,B,IN) time-major, or (B,IN) repeated at every step when x_repeated;
 * wx (IN,4H), wh (H,4H), b (4H). Caches for backward, all caller-owned:
 * gates (T,B,4H) activated gate values, c (T,B,H) cell states, tc (T,B,H) tanh(c),
 * h (T,B,H) hidden states (the output sequence). */
typedef struct lstm_cache {
    float *gates, *c, *tc, *h;
} lstm_cache;
void lstm_forward(lstm_cache *cache, const float *x, int x_repeated, const float *wx,
                  const float *wh, const float *b, int T, int B, int IN, int H);
/* dh (T,B,H): d(loss)/d(h_t) from above (zeros where unused); it is consumed (overwritten).
 * dx is (T,B,IN) or (B,IN) when x_repeated (summed over steps), NULL to skip.
 * ws: B*5H floats of scratch. The gate cache is overwritten (it becomes d(pre-activation)). */
void lstm_backward(float *dx, float *dwx, float *dwh, float *db, float *dh, const lstm_cache *cache,
                   const float *x, int x_repeated, const float *wx, const float *wh, int T, int B,
                   int IN, int H, float *ws);

/* ---- losses over n values: sum of squared and of absolute errors (double) ---- */
double loss_sse(const float *y, const float *t, long n);
double loss_sae(const float *y, const float *t, long n);
/* dy = scale * 2 * (y - t) */
void loss_mse_grad(float *dy, const float *y, const float *t, long n, float scale);

#endif

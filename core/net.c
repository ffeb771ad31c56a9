/* net.c: building, allocating, initialising and running a sequential network (see net.h).
 *
 * Shapes are inferred as layers are added; net_finalize lays out every buffer once from a table
 * of sizes (llm.c style). Alias layers (Flatten, Reshape, RepeatVector) own no memory: their
 * output is their input, and the LSTM behind a RepeatVector projects the repeated input once. */
#include "net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optim.h"

long net_shape_size(const net_shape *s)
{
    return (long)s->h * s->w * s->c;
}

static net_shape shape3(int h, int w, int c)
{
    return (net_shape){3, h, w, c};
}
static net_shape shape2(int t, int f)
{
    return (net_shape){2, t, 1, f};
}
static net_shape shape1(int f)
{
    return (net_shape){1, 1, 1, f};
}

void net_init(net *n, net_shape input)
{
    memset(n, 0, sizeof *n);
    n->input = input;
    if (input.rank == 2) n->input.w = 1;
    n->latent_layer = -1;
}

static net_shape cur_shape(const net *n)
{
    return n->nlayers ? n->layers[n->nlayers - 1].out : n->input;
}

static const char *const op_names[] = {"",
                                       "conv2d",
                                       "conv2d_transpose",
                                       "max_pooling2d",
                                       "up_sampling2d",
                                       "global_average_pooling2d",
                                       "flatten",
                                       "dense",
                                       "reshape",
                                       "lstm",
                                       "repeat_vector",
                                       "time_distributed",
                                       "shift"};

static net_layer *add(net *n, int op, net_shape out, int units, int act, ae_err *err)
{
    if (n->nlayers >= NET_MAX_LAYERS) {
        ae_fail(err, "network: more than %d layers", NET_MAX_LAYERS);
        return NULL;
    }
    if (out.h < 1 || out.w < 1 || out.c < 1) {
        ae_fail(err, "network: %s would have an empty output", op_names[op]);
        return NULL;
    }
    net_layer *l = &n->layers[n->nlayers];
    memset(l, 0, sizeof *l);
    l->op = op, l->act = act, l->units = units;
    l->in = cur_shape(n), l->out = out;
    /* Keras names by layer type: dense (shared by Dense), dense_1, ...; lstm, lstm_1, ... */
    int key = op == OP_TDDENSE ? OP_TDDENSE : op;
    int k = n->name_counts[key]++;
    if (k)
        snprintf(l->name, sizeof l->name, "%s_%d", op_names[op], k);
    else
        snprintf(l->name, sizeof l->name, "%s", op_names[op]);
    n->nlayers++;
    return l;
}

static int need_rank(const net *n, int rank, const char *what, ae_err *err)
{
    net_shape s = cur_shape(n);
    if (s.rank != rank)
        return ae_fail(err, "network: %s needs a %s input", what,
                       rank == 3   ? "image"
                       : rank == 2 ? "sequence"
                                   : "vector");
    return 0;
}

int net_add_conv(net *n, int filters, int act, ae_err *err)
{
    if (need_rank(n, 3, "Conv2D", err)) return -1;
    net_shape s = cur_shape(n);
    net_layer *l = add(n, OP_CONV, shape3(s.h, s.w, filters), filters, act, err);
    if (!l) return -1;
    l->nparams = 9L * s.c * filters + filters;
    return 0;
}

int net_add_convt(net *n, int filters, int act, ae_err *err)
{
    if (need_rank(n, 3, "Conv2DTranspose", err)) return -1;
    net_shape s = cur_shape(n);
    net_layer *l = add(n, OP_CONVT, shape3(s.h, s.w, filters), filters, act, err);
    if (!l) return -1;
    l->nparams = 9L * s.c * filters + filters;
    return 0;
}

int net_add_maxpool(net *n, ae_err *err)
{
    if (need_rank(n, 3, "MaxPooling2D", err)) return -1;
    net_shape s = cur_shape(n);
    if (s.h % 2 || s.w % 2)
        return ae_fail(err, "network: MaxPooling2D needs even height and width, got %dx%d", s.h,
                       s.w);
    return add(n, OP_MAXPOOL, shape3(s.h / 2, s.w / 2, s.c), 0, ACT_NONE, err) ? 0 : -1;
}

int net_add_upsample(net *n, ae_err *err)
{
    if (need_rank(n, 3, "UpSampling2D", err)) return -1;
    net_shape s = cur_shape(n);
    return add(n, OP_UPSAMPLE, shape3(s.h * 2, s.w * 2, s.c), 0, ACT_NONE, err) ? 0 : -1;
}

int net_add_gap(net *n, ae_err *err)
{
    if (need_rank(n, 3, "GlobalAveragePooling2D", err)) return -1;
    return add(n, OP_GAP, shape1(cur_shape(n).c), 0, ACT_NONE, err) ? 0 : -1;
}

int net_add_flatten(net *n, ae_err *err)
{
    net_shape s = cur_shape(n);
    /* a sequence only at the input, which then comes sample-major (net_flat_io) */
    if (s.rank == 2 && n->nlayers)
        return ae_fail(err, "network: Flatten of a sequence only as the first layer");
    if (s.rank != 2 && need_rank(n, 3, "Flatten", err)) return -1;
    return add(n, OP_FLATTEN, shape1((int)net_shape_size(&s)), 0, ACT_NONE, err) ? 0 : -1;
}

int net_flat_io(const net *n)
{
    return n->input.rank == 2 && n->nlayers > 0 && n->layers[0].op == OP_FLATTEN;
}

int net_add_dense(net *n, int units, int act, ae_err *err)
{
    if (need_rank(n, 1, "Dense", err)) return -1;
    net_shape s = cur_shape(n);
    net_layer *l = add(n, OP_DENSE, shape1(units), units, act, err);
    if (!l) return -1;
    l->nparams = (long)s.c * units + units;
    return 0;
}

int net_add_reshape(net *n, int h, int w, int c, ae_err *err)
{
    if (need_rank(n, 1, "Reshape", err)) return -1;
    if ((long)h * w * c != cur_shape(n).c)
        return ae_fail(err, "network: cannot reshape %d values to %dx%dx%d", cur_shape(n).c, h, w,
                       c);
    return add(n, OP_RESHAPE, shape3(h, w, c), 0, ACT_NONE, err) ? 0 : -1;
}

int net_add_reshape_seq(net *n, int t, int f, ae_err *err)
{
    if (need_rank(n, 1, "Reshape", err)) return -1;
    if ((long)t * f != cur_shape(n).c)
        return ae_fail(err, "network: cannot reshape %d values to %dx%d", cur_shape(n).c, t, f);
    return add(n, OP_RESHAPE, shape2(t, f), 0, ACT_NONE, err) ? 0 : -1;
}

int net_add_lstm(net *n, int units, int return_seq, ae_err *err)
{
    if (need_rank(n, 2, "LSTM", err)) return -1;
    net_shape s = cur_shape(n);
    net_layer *l =
        add(n, OP_LSTM, return_seq ? shape2(s.h, units) : shape1(units), units, ACT_TANH, err);
    if (!l) return -1;
    l->return_seq = return_seq;
    l->nparams = 4L * units * (s.c + units + 1);
    return 0;
}

int net_add_repeat(net *n, int times, ae_err *err)
{
    if (need_rank(n, 1, "RepeatVector", err)) return -1;
    return add(n, OP_REPEAT, shape2(times, cur_shape(n).c), 0, ACT_NONE, err) ? 0 : -1;
}

int net_add_tddense(net *n, int units, int act, ae_err *err)
{
    if (need_rank(n, 2, "TimeDistributed(Dense)", err)) return -1;
    net_shape s = cur_shape(n);
    if (n->nlayers && n->layers[n->nlayers - 1].op == OP_REPEAT)
        return ae_fail(err, "network: TimeDistributed(Dense) directly after RepeatVector");
    net_layer *l = add(n, OP_TDDENSE, shape2(s.h, units), units, act, err);
    if (!l) return -1;
    l->nparams = (long)s.c * units + units;
    return 0;
}

int net_add_shift(net *n, float c, ae_err *err)
{
    net_layer *l = add(n, OP_SHIFT, cur_shape(n), 0, ACT_NONE, err);
    if (!l) return -1;
    l->shift = c;
    return 0;
}

void net_mark_latent(net *n)
{
    n->latent_layer = n->nlayers - 1;
}

int net_latent_size(const net *n)
{
    return n->latent_layer < 0 ? 0 : (int)net_shape_size(&n->layers[n->latent_layer].out);
}

/* Floats of LSTM cache per sample: gates (T,4H), c, tc, h (T,H) each. */
static long lstm_cache_per_sample(const net_layer *l)
{
    return (long)l->in.h * l->units * 7;
}

int net_finalize(net *n, int batch_cap, int nthreads, ae_err *err)
{
    if (n->nlayers == 0) return ae_fail(err, "network: no layers");
    if (batch_cap < 1 || nthreads < 1) return ae_fail(err, "network: bad batch or thread count");
    net_shape o = cur_shape(n), in = n->input;
    if (o.rank != in.rank || net_shape_size(&o) != net_shape_size(&in))
        return ae_fail(err, "network: output shape differs from the input shape");
    if (n->latent_layer < 0) n->latent_layer = n->nlayers / 2;

    long np = 0, arena = 0, ints = 0, dbuf = net_shape_size(&n->input), dh = 0, lws = 0;
    long conv_per_image = 0;
    for (int i = 0; i < n->nlayers; i++) {
        net_layer *l = &n->layers[i];
        long insz = net_shape_size(&l->in), outsz = net_shape_size(&l->out);
        if (l->nparams) {
            int fan_in = l->in.c;
            l->w_off = np;
            if (l->op == OP_LSTM) {
                l->wh_off = np + 4L * l->units * fan_in;
                l->b_off = l->wh_off + 4L * l->units * l->units;
            } else {
                l->b_off = np + l->nparams - l->units;
            }
            np += l->nparams;
        }
        if (insz > dbuf) dbuf = insz;
        if (outsz > dbuf) dbuf = outsz;
        switch (l->op) {
        case OP_CONV:
        case OP_CONVT: {
            long w = conv3_ws_per_image(l->in.h, l->in.w, l->in.c, l->units);
            if (w > conv_per_image) conv_per_image = w;
        } /* fall through */
        case OP_UPSAMPLE:
        case OP_GAP:
        case OP_DENSE:
        case OP_TDDENSE:
        case OP_SHIFT:
            l->out_off = arena;
            arena += outsz;
            break;
        case OP_MAXPOOL:
            l->out_off = arena;
            arena += outsz;
            l->aux_off = ints;
            ints += outsz;
            break;
        case OP_LSTM:
            l->aux_off = arena;
            arena += lstm_cache_per_sample(l);
            if ((long)l->in.h * l->units > dh) dh = (long)l->in.h * l->units;
            if (5L * l->units > lws) lws = 5L * l->units;
            break;
        default:
            break;
        }
    }
    n->nparams = np;
    /* Workspace for im2col: whole per-thread batch when it fits in 2M floats (8 MB). */
    long conv_ws = conv_per_image * batch_cap;
    if (conv_ws > (2L << 20)) conv_ws = conv_per_image > (2L << 20) ? conv_per_image : (2L << 20);
    n->batch_cap = batch_cap, n->nws = nthreads;
    n->arena_floats = arena * batch_cap, n->ints_count = ints * batch_cap;
    n->dbuf_floats = dbuf * batch_cap, n->dh_floats = dh * batch_cap;
    n->lstm_ws_floats = lws * batch_cap;

    n->block = calloc((size_t)(4 * np), sizeof(float));
    n->ws = calloc((size_t)nthreads, sizeof(net_ws));
    if (!n->block || !n->ws) goto oom;
    n->params = n->block, n->grads = n->block + np, n->m = n->block + 2 * np;
    n->v = n->block + 3 * np;
    for (int t = 0; t < nthreads; t++) {
        net_ws *w = &n->ws[t];
        long floats = n->arena_floats + 2 * n->dbuf_floats + n->dh_floats + n->lstm_ws_floats +
                      conv_ws + (t ? np : 0);
        w->block =
            calloc((size_t)floats * sizeof(float) + (size_t)n->ints_count * sizeof(int) + 64, 1);
        if (!w->block) goto oom;
        float *p = w->block;
        w->arena = p, p += n->arena_floats;
        w->dbuf[0] = p, p += n->dbuf_floats;
        w->dbuf[1] = p, p += n->dbuf_floats;
        w->dh = p, p += n->dh_floats;
        w->lstm_ws = p, p += n->lstm_ws_floats;
        w->conv_ws = p, p += conv_ws;
        w->conv_ws_floats = conv_ws;
        if (t)
            w->grads = p, p += np;
        else
            w->grads = n->grads;
        w->ints = (int *)p;
    }
    return 0;
oom:
    net_free(n);
    return ae_fail(err, "network: out of memory for %ld parameters and batch %d", np, batch_cap);
}

void net_free(net *n)
{
    if (n->ws)
        for (int t = 0; t < n->nws; t++) free(n->ws[t].block);
    free(n->ws);
    free(n->block);
    n->ws = NULL, n->block = NULL;
    n->params = n->grads = n->m = n->v = NULL;
}

int net_init_params(net *n, rng *r, ae_err *err)
{
    memset(n->block, 0, sizeof(float) * 4 * n->nparams);
    for (int i = 0; i < n->nlayers; i++) {
        net_layer *l = &n->layers[i];
        float *w = n->params + l->w_off, *b = n->params + l->b_off;
        int c = l->in.c, u = l->units;
        switch (l->op) {
        case OP_CONV:
        case OP_CONVT:
            init_glorot_uniform(w, 9L * c * u, 9 * c, 9 * u, r);
            break;
        case OP_DENSE:
        case OP_TDDENSE:
            init_glorot_uniform(w, (long)c * u, c, u, r);
            break;
        case OP_LSTM:
            init_glorot_uniform(w, 4L * c * u, c, 4 * u, r);
            if (init_orthogonal(n->params + l->wh_off, u, 4 * u, r))
                return ae_fail(err, "network: orthogonal initialisation of %s failed", l->name);
            for (int j = u; j < 2 * u; j++) b[j] = 1.0f; /* unit_forget_bias */
            break;
        default:
            break;
        }
    }
    return 0;
}

/* Layer regions in a workspace: offsets are per sample, regions hold batch_cap samples. */
static float *out_region(const net *n, net_ws *w, const net_layer *l)
{
    return w->arena + l->out_off * n->batch_cap;
}

static lstm_cache cache_of(const net *n, net_ws *w, const net_layer *l)
{
    long th = (long)l->in.h * n->batch_cap * l->units;
    float *p = w->arena + l->aux_off * n->batch_cap;
    return (lstm_cache){.gates = p, .c = p + 4 * th, .tc = p + 5 * th, .h = p + 6 * th};
}

static const float *forward_range(net *n, int wi, const float *x, int B, int from, int to)
{
    net_ws *w = &n->ws[wi];
    const float *p = n->params;
    for (int i = from; i <= to; i++) {
        net_layer *l = &n->layers[i];
        const float *in = i == from ? x : w->outp[i - 1];
        float *out = out_region(n, w, l);
        const net_shape *s = &l->in;
        w->inp[i] = in;
        switch (l->op) {
        case OP_CONV:
            conv3_forward(out, in, p + l->w_off, NULL, B, s->h, s->w, s->c, l->units, w->conv_ws,
                          w->conv_ws_floats);
            bias_act_forward(out, p + l->b_off, (long)B * s->h * s->w, l->units, l->act);
            break;
        case OP_CONVT:
            convt3_forward(out, in, p + l->w_off, NULL, B, s->h, s->w, s->c, l->units, w->conv_ws,
                           w->conv_ws_floats);
            bias_act_forward(out, p + l->b_off, (long)B * s->h * s->w, l->units, l->act);
            break;
        case OP_MAXPOOL:
            maxpool2_forward(out, w->ints + l->aux_off * n->batch_cap, in, B, s->h, s->w, s->c);
            break;
        case OP_UPSAMPLE:
            upsample2_forward(out, in, B, s->h, s->w, s->c);
            break;
        case OP_GAP:
            gap_forward(out, in, B, s->h * s->w, s->c);
            break;
        case OP_DENSE:
        case OP_TDDENSE: {
            int rows = l->op == OP_DENSE ? B : B * s->h;
            dense_forward(out, in, p + l->w_off, NULL, rows, s->c, l->units);
            bias_act_forward(out, p + l->b_off, rows, l->units, l->act);
            break;
        }
        case OP_LSTM: {
            lstm_cache c = cache_of(n, w, l);
            int rep = i > 0 && n->layers[i - 1].op == OP_REPEAT;
            lstm_forward(&c, in, rep, p + l->w_off, p + l->wh_off, p + l->b_off, s->h, B, s->c,
                         l->units);
            out = l->return_seq ? c.h : c.h + (long)(s->h - 1) * B * l->units;
            break;
        }
        case OP_SHIFT: {
            long count = (long)B * net_shape_size(s);
            for (long k = 0; k < count; k++) out[k] = in[k] + l->shift;
            break;
        }
        default: /* alias layers */
            out = (float *)in;
            break;
        }
        w->outp[i] = out;
    }
    return w->outp[to];
}

const float *net_forward(net *n, int wi, const float *x, int B, int upto)
{
    return forward_range(n, wi, x, B, 0, upto);
}

const float *net_decode(net *n, int wi, const float *z, int B)
{
    return forward_range(n, wi, z, B, n->latent_layer + 1, n->nlayers - 1);
}

const float *net_output(const net *n, int wi, int li)
{
    return n->ws[wi].outp[li];
}

float *net_dy_buffer(net *n, int wi)
{
    return n->ws[wi].dbuf[0];
}

void net_backward(net *n, int wi, const float *x, float *dy, int B)
{
    net_ws *w = &n->ws[wi];
    const float *p = n->params;
    float *g = w->grads;
    memset(g, 0, sizeof(float) * n->nparams);
    int cur = dy == w->dbuf[1] ? 1 : 0;
    if (dy != w->dbuf[cur]) { /* caller's own buffer: copy into ours so we may overwrite */
        memcpy(w->dbuf[0], dy, sizeof(float) * B * net_shape_size(&n->layers[n->nlayers - 1].out));
        cur = 0;
    }
    dy = w->dbuf[cur];
    for (int i = n->nlayers - 1; i >= 0; i--) {
        net_layer *l = &n->layers[i];
        const net_shape *s = &l->in;
        const float *in = i ? w->inp[i] : x;
        const float *out = w->outp[i];
        float *dx = i ? w->dbuf[1 - cur] : NULL;
        long pix = (long)B * s->h * s->w;
        switch (l->op) {
        case OP_CONV:
            bias_act_backward(dy, g + l->b_off, out, pix, l->units, l->act);
            conv3_backward(dx, g + l->w_off, NULL, dy, in, p + l->w_off, B, s->h, s->w, s->c,
                           l->units, w->conv_ws, w->conv_ws_floats);
            break;
        case OP_CONVT:
            bias_act_backward(dy, g + l->b_off, out, pix, l->units, l->act);
            convt3_backward(dx, g + l->w_off, NULL, dy, in, p + l->w_off, B, s->h, s->w, s->c,
                            l->units, w->conv_ws, w->conv_ws_floats);
            break;
        case OP_MAXPOOL:
            if (dx)
                maxpool2_backward(dx, dy, w->ints + l->aux_off * n->batch_cap, B, s->h, s->w, s->c);
            break;
        case OP_UPSAMPLE:
            if (dx) upsample2_backward(dx, dy, B, s->h, s->w, s->c);
            break;
        case OP_GAP:
            if (dx) gap_backward(dx, dy, B, s->h * s->w, s->c);
            break;
        case OP_DENSE:
        case OP_TDDENSE: {
            int rows = l->op == OP_DENSE ? B : B * s->h;
            bias_act_backward(dy, g + l->b_off, out, rows, l->units, l->act);
            dense_backward(dx, g + l->w_off, NULL, dy, in, p + l->w_off, rows, s->c, l->units);
            break;
        }
        case OP_LSTM: {
            lstm_cache c = cache_of(n, w, l);
            int rep = i > 0 && n->layers[i - 1].op == OP_REPEAT;
            long step = (long)B * l->units;
            float *dh = dy;
            if (!l->return_seq) {
                memset(w->dh, 0, sizeof(float) * s->h * step);
                memcpy(w->dh + (long)(s->h - 1) * step, dy, sizeof(float) * step);
                dh = w->dh;
            }
            lstm_backward(dx, g + l->w_off, g + l->wh_off, g + l->b_off, dh, &c, in, rep,
                          p + l->w_off, p + l->wh_off, s->h, B, s->c, l->units, w->lstm_ws);
            break;
        }
        default:
            continue; /* alias and shift layers: the gradient passes through unchanged */
        }
        if (!dx) break;
        cur = 1 - cur;
        dy = w->dbuf[cur];
    }
}

/* checkpoint.c: weights to and from PyTorch-named safetensors, and the training-state file
 * (see checkpoint.h).
 *
 * The idea: one table, built from the net's layers, says for every PyTorch tensor which layer
 * and which part of it (weight, recurrent weight, bias) it holds; one function moves values
 * between our layout and PyTorch's in either direction, so saving and loading cannot disagree.
 * Every move is a permutation of floats, never arithmetic, so a round trip is bit-exact.
 *
 * The state file (all integers and floats little-endian):
 *   0   8  magic "AETUISTA"
 *   8   4  version (2; 1 is still read)   12  4  zero
 *   16  8  payload length P
 *   24  P  payload: model[24] run:i64 epoch batch nbatches n_train best_epoch zero:i32
 *          adam_t ep_samples:i64 rng_order[4] rng_aug[4]:u64 loss_sum sae_sum
 *          best_test_loss:f64 [version 2: ep_seconds:f64 store_uuid[36] run_uuid[36]]
 *          nparams:i64 order[n_train]:i32 batch_losses[nbatches]:f32
 *          params[nparams] m[nparams] v[nparams]:f32
 *   24+P 8  FNV-1a 64 of every byte before it
 * The identity sits at a fixed place in the header, so ckpt_ident_read reads 264 bytes. */
#include "checkpoint.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "fileio.h"
#include "model.h"

enum { P_W, P_B, P_WIH, P_WHH, P_BIH, P_BHH };

static ckpt_tensor *add_tensor(ckpt_tensor *out, int *k, int max, int layer, int part,
                               const char *side, const char *base, const char *suffix, int ndim,
                               int64_t a, int64_t b, int64_t c, int64_t d)
{
    if (*k >= max) return NULL;
    ckpt_tensor *t = &out[(*k)++];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s.%s.%s", side, base, suffix);
    t->ndim = ndim, t->layer = layer, t->part = part;
    t->shape[0] = a, t->shape[1] = b, t->shape[2] = c, t->shape[3] = d;
    return t;
}

int ckpt_tensors(const net *n, ckpt_tensor *out, int max, ae_err *err)
{
    int k = 0, conv[2] = {0, 0}, deconv[2] = {0, 0}, fc[2] = {0, 0}, lstm[2] = {0, 0};
    for (int i = 0; i < n->nlayers; i++) {
        const net_layer *l = &n->layers[i];
        if (!l->nparams) continue;
        int enc = i <= n->latent_layer;
        const char *side = enc ? "encoder" : "decoder";
        int64_t C = l->in.c, U = l->units;
        char base[24];
        int ok = 1;
        switch (l->op) {
        case OP_CONV:
            snprintf(base, sizeof base, "conv%d", ++conv[enc]);
            ok = add_tensor(out, &k, max, i, P_W, side, base, "weight", 4, U, C, 3, 3) &&
                 add_tensor(out, &k, max, i, P_B, side, base, "bias", 1, U, 0, 0, 0);
            break;
        case OP_CONVT:
            snprintf(base, sizeof base, "deconv%d", ++deconv[enc]);
            ok = add_tensor(out, &k, max, i, P_W, side, base, "weight", 4, C, U, 3, 3) &&
                 add_tensor(out, &k, max, i, P_B, side, base, "bias", 1, U, 0, 0, 0);
            break;
        case OP_DENSE:
        case OP_TDDENSE:
            if (++fc[enc] == 1)
                snprintf(base, sizeof base, "fc");
            else
                snprintf(base, sizeof base, "fc%d", fc[enc]);
            ok = add_tensor(out, &k, max, i, P_W, side, base, "weight", 2, U, C, 0, 0) &&
                 add_tensor(out, &k, max, i, P_B, side, base, "bias", 1, U, 0, 0, 0);
            break;
        case OP_LSTM:
            snprintf(base, sizeof base, "lstm%d", ++lstm[enc]);
            ok =
                add_tensor(out, &k, max, i, P_WIH, side, base, "weight_ih_l0", 2, 4 * U, C, 0, 0) &&
                add_tensor(out, &k, max, i, P_WHH, side, base, "weight_hh_l0", 2, 4 * U, U, 0, 0) &&
                add_tensor(out, &k, max, i, P_BIH, side, base, "bias_ih_l0", 1, 4 * U, 0, 0, 0) &&
                add_tensor(out, &k, max, i, P_BHH, side, base, "bias_hh_l0", 1, 4 * U, 0, 0, 0);
            break;
        default:
            return ae_fail(err, "checkpoint: layer %s has parameters of an unknown kind", l->name);
        }
        if (!ok) return ae_fail(err, "checkpoint: more than %d tensors", max);
    }
    return k;
}

static int64_t tensor_count(const ckpt_tensor *t)
{
    int64_t c = 1;
    for (int d = 0; d < t->ndim; d++) c *= t->shape[d];
    return c;
}

/* The PyTorch (NCHW, channel-major) index of our NHWC flat index i of an h x w x c map. */
static long nchw_index(const net_shape *s, long i)
{
    return (i % s->c) * (long)s->h * s->w + i / s->c;
}

/* Moves tensor t between our parameters p and PyTorch's values q (t's shape, C order):
 * to_torch: q <- p; else p <- q (the LSTM's bias_hh is added into our bias when not zero). */
static void xfer(const net *n, const ckpt_tensor *t, float *p, float *q, int to_torch)
{
    const net_layer *l = &n->layers[t->layer];
    const long C = l->in.c, U = l->units;
    float *w = p + l->w_off, *b = p + l->b_off;
#define MOVE(ours, theirs)                                                                         \
    do {                                                                                           \
        if (to_torch)                                                                              \
            (theirs) = (ours);                                                                     \
        else                                                                                       \
            (ours) = (theirs);                                                                     \
    } while (0)
    switch (t->part) {
    case P_W:
        if (l->op == OP_CONV) { /* ours [(k*C + c)][o], theirs [o][c][k] */
            for (long k = 0; k < 9; k++)
                for (long c = 0; c < C; c++)
                    for (long o = 0; o < U; o++)
                        MOVE(w[(k * C + c) * U + o], q[(o * C + c) * 9 + k]);
        } else if (l->op == OP_CONVT) { /* ours [i][k*U + o], theirs [i][o][k] */
            for (long i = 0; i < C; i++)
                for (long k = 0; k < 9; k++)
                    for (long o = 0; o < U; o++)
                        MOVE(w[(i * 9 + k) * U + o], q[(i * U + o) * 9 + k]);
        } else { /* Dense: ours [in][out], theirs [out][in], with NHWC <-> NCHW permutations */
            int li = t->layer;
            const net_shape *fin =
                li > 0 && n->layers[li - 1].op == OP_FLATTEN && n->layers[li - 1].in.rank == 3
                    ? &n->layers[li - 1].in
                    : NULL; /* a sequence's Flatten is PyTorch's order */
            const net_shape *fout = li + 1 < n->nlayers && n->layers[li + 1].op == OP_RESHAPE &&
                                            n->layers[li + 1].out.rank == 3
                                        ? &n->layers[li + 1].out
                                        : NULL;
            for (long i = 0; i < C; i++) {
                long ti = fin ? nchw_index(fin, i) : i;
                for (long o = 0; o < U; o++) {
                    long to = fout ? nchw_index(fout, o) : o;
                    MOVE(w[i * U + o], q[to * C + ti]);
                }
            }
        }
        break;
    case P_B: {
        int li = t->layer;
        const net_shape *fout = li + 1 < n->nlayers && n->layers[li + 1].op == OP_RESHAPE &&
                                        n->layers[li + 1].out.rank == 3
                                    ? &n->layers[li + 1].out
                                    : NULL;
        for (long o = 0; o < U; o++) MOVE(b[o], q[fout ? nchw_index(fout, o) : o]);
        break;
    }
    case P_WIH: /* ours [in][4H], theirs [4H][in] */
        for (long i = 0; i < C; i++)
            for (long g = 0; g < 4 * U; g++) MOVE(w[i * 4 * U + g], q[g * C + i]);
        break;
    case P_WHH: { /* ours [H][4H], theirs [4H][H] */
        float *wh = p + l->wh_off;
        for (long h = 0; h < U; h++)
            for (long g = 0; g < 4 * U; g++) MOVE(wh[h * 4 * U + g], q[g * U + h]);
        break;
    }
    case P_BIH:
        for (long g = 0; g < 4 * U; g++) MOVE(b[g], q[g]);
        break;
    case P_BHH: /* runs after P_BIH: PyTorch adds the two biases */
        for (long g = 0; g < 4 * U; g++) {
            if (to_torch)
                q[g] = 0.0f;
            else if (q[g] != 0.0f)
                b[g] += q[g];
        }
        break;
    }
#undef MOVE
}

static const char *kind_name(int kind)
{
    return kind == DS_IMAGES ? "images" : "sequences";
}

int ckpt_save(const char *path, const net *n, const char *model, const st_kv *extra, int nextra,
              ae_err *err)
{
    ckpt_tensor map[CKPT_MAX_TENSORS];
    int nt = ckpt_tensors(n, map, CKPT_MAX_TENSORS, err);
    if (nt < 0) return -1;
    const model_preset *mp = model_preset_find(model);
    if (!mp) return ae_fail(err, "%s: unknown model '%s'", path, model ? model : "");
    int64_t total = 0;
    for (int i = 0; i < nt; i++) total += tensor_count(&map[i]);
    float *vals = malloc(sizeof(float) * (size_t)(total ? total : 1));
    st_out *outs = calloc((size_t)(nt ? nt : 1), sizeof *outs);
    st_kv *meta = calloc((size_t)nextra + 6, sizeof *meta);
    if (!vals || !outs || !meta) {
        free(vals), free(outs), free(meta);
        return ae_fail(err, "%s: out of memory", path);
    }
    int64_t off = 0;
    for (int i = 0; i < nt; i++) {
        outs[i].name = map[i].name;
        outs[i].ndim = map[i].ndim;
        for (int d = 0; d < map[i].ndim; d++) outs[i].shape[d] = map[i].shape[d];
        outs[i].data = vals + off;
        xfer(n, &map[i], n->params, vals + off, 1);
        off += tensor_count(&map[i]);
    }
    char shape[64], latent[16];
    if (n->input.rank == 3)
        snprintf(shape, sizeof shape, "[%d, %d, %d]", n->input.h, n->input.w, n->input.c);
    else
        snprintf(shape, sizeof shape, "[%d, %d]", n->input.h, n->input.c);
    snprintf(latent, sizeof latent, "%d", net_latent_size(n));
    int nm = 0;
    meta[nm++] = (st_kv){"format", CKPT_FORMAT};
    meta[nm++] = (st_kv){"model", mp->name};
    meta[nm++] = (st_kv){"kind", kind_name(mp->kind)};
    meta[nm++] = (st_kv){"input_shape", shape};
    meta[nm++] = (st_kv){"latent", latent};
    meta[nm++] = (st_kv){"aetui_version", AETUI_VERSION};
    int rc = 0;
    for (int i = 0; i < nextra && !rc; i++) {
        for (int k = 0; k < nm; k++)
            if (!strcmp(meta[k].key, extra[i].key))
                rc = ae_fail(err, "%s: metadata key '%s' given twice", path, extra[i].key);
        meta[nm++] = extra[i];
    }
    if (!rc) rc = st_write(path, meta, nm, outs, nt, err);
    free(vals), free(outs), free(meta);
    return rc;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/* "[a, b, c]" or "[a, b]" (JSON, spaces allowed) into dims, each 1..2^31-1; the count of
 * dimensions, or -1 when it is anything else. strtol, not sscanf's %d, whose overflow is
 * undefined. */
static int parse_shape(const char *s, int dims[3])
{
    if (!s) return -1;
    while (*s == ' ') s++;
    if (*s++ != '[') return -1;
    int n = 0;
    for (;;) {
        char *end;
        while (*s == ' ') s++;
        if (*s < '0' || *s > '9' || n == 3) return -1;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || v < 1 || v > INT_MAX) return -1;
        dims[n++] = (int)v;
        for (s = end; *s == ' '; s++) {
        }
        if (*s == ']') break;
        if (*s++ != ',') return -1;
    }
    for (s++; *s == ' '; s++) {
    }
    return *s ? -1 : n;
}

int ckpt_info_of(const st_file *f, ckpt_info *info, ae_err *err)
{
    memset(info, 0, sizeof *info);
    const char *model = st_meta(f, "model"), *shape = st_meta(f, "input_shape");
    const char *latent = st_meta(f, "latent"), *fmt = st_meta(f, "format");
    if (fmt && strcmp(fmt, CKPT_FORMAT))
        return ae_fail(err, "%s: format '%.32s' in __metadata__ is not %s", f->name, fmt,
                       CKPT_FORMAT);
    if (!model)
        return ae_fail(err, "%s: not an aetui checkpoint: no \"model\" in __metadata__", f->name);
    if (!model_preset_find(model))
        return ae_fail(err, "%s: a checkpoint of an unknown model '%.32s'", f->name, model);
    snprintf(info->model, sizeof info->model, "%s", model);
    int d[3], nd = parse_shape(shape, d);
    if (nd == 3)
        info->input = (net_shape){3, d[0], d[1], d[2]};
    else if (nd == 2)
        info->input = (net_shape){2, d[0], 1, d[1]};
    else
        return ae_fail(err, "%s: __metadata__ input_shape '%.32s' is not [H, W, C] or [T, F]",
                       f->name, shape ? shape : "(missing)");
    if (model_input_check(info->input, err)) return ae_wrap(err, "%s: __metadata__", f->name);
    long v;
    if (parse_int(latent, 1, 65536, &v))
        return ae_fail(err, "%s: __metadata__ latent '%.32s' is not a latent size", f->name,
                       latent ? latent : "(missing)");
    info->latent = (int)v;
    const char *ver = st_meta(f, "aetui_version");
    snprintf(info->version, sizeof info->version, "%s", ver ? ver : "");
    if (!parse_int(st_meta(f, "run_id"), 0, 0x7fffffffL, &v)) info->run = v;
    if (!parse_int(st_meta(f, "epoch"), 0, 0x7fffffffL, &v)) info->epoch = (int)v;
    const char *su = st_meta(f, "store_uuid"), *ru = st_meta(f, "run_uuid");
    if (su && strlen(su) < sizeof info->store_uuid) memcpy(info->store_uuid, su, strlen(su) + 1);
    if (ru && strlen(ru) < sizeof info->run_uuid) memcpy(info->run_uuid, ru, strlen(ru) + 1);
    return 0;
}

int ckpt_info_read(const char *path, ckpt_info *info, ae_err *err)
{
    st_file f;
    if (st_read(path, &f, err)) return -1;
    int rc = ckpt_info_of(&f, info, err);
    st_free(&f);
    return rc;
}

static void shape_str(const int64_t *s, int nd, char *buf, size_t len)
{
    size_t k = (size_t)snprintf(buf, len, "[");
    for (int d = 0; d < nd && k < len; d++)
        k += (size_t)snprintf(buf + k, len - k, "%s%lld", d ? ", " : "", (long long)s[d]);
    if (k < len) snprintf(buf + k, len - k, "]");
}

int ckpt_load_file(const st_file *f, net *n, const char *model, ae_err *err)
{
    const model_preset *want = model_preset_find(model);
    if (!want) return ae_fail(err, "%s: unknown model '%s'", f->name, model ? model : "");
    const char *have = st_meta(f, "model"), *fmt = st_meta(f, "format");
    if (fmt && strcmp(fmt, CKPT_FORMAT))
        return ae_fail(err, "%s: format '%.32s' in __metadata__ is not %s", f->name, fmt,
                       CKPT_FORMAT);
    if (!have)
        return ae_fail(err, "%s: not an aetui checkpoint: no \"model\" in __metadata__", f->name);
    const model_preset *hp = model_preset_find(have);
    if (!hp) return ae_fail(err, "%s: a checkpoint of an unknown model '%.32s'", f->name, have);
    if (hp->kind != want->kind)
        return ae_fail(err,
                       "%s: a checkpoint of the other model kind: %s (%s), and this model is "
                       "%s (%s)",
                       f->name, hp->name, kind_name(hp->kind), want->name, kind_name(want->kind));
    if (strcmp(hp->name, want->name))
        return ae_fail(err, "%s: a checkpoint of model %s, and this model is %s", f->name, hp->name,
                       want->name);

    ckpt_tensor map[CKPT_MAX_TENSORS];
    int nt = ckpt_tensors(n, map, CKPT_MAX_TENSORS, err);
    if (nt < 0) return -1;
    for (int i = 0; i < nt; i++) {
        const st_tensor *t = st_find(f, map[i].name);
        if (!t) return ae_fail(err, "%s: tensor '%s' is missing", f->name, map[i].name);
        int same = t->ndim == map[i].ndim;
        for (int d = 0; same && d < t->ndim; d++) same = t->shape[d] == map[i].shape[d];
        if (!same) {
            char a[96], b[96];
            shape_str(t->shape, t->ndim, a, sizeof a);
            shape_str(map[i].shape, map[i].ndim, b, sizeof b);
            return ae_fail(err, "%s: tensor '%s' has shape %s, and this model needs %s", f->name,
                           map[i].name, a, b);
        }
    }
    for (int i = 0; i < f->ntensors; i++) {
        int known = 0;
        for (int k = 0; k < nt && !known; k++) known = !strcmp(f->tensors[i].name, map[k].name);
        if (!known)
            return ae_fail(err, "%s: unexpected tensor '%.64s' (not part of a %s model)", f->name,
                           f->tensors[i].name, want->name);
    }
    int64_t big = 0;
    for (int i = 0; i < nt; i++)
        if (tensor_count(&map[i]) > big) big = tensor_count(&map[i]);
    float *p = malloc(sizeof(float) * (size_t)(n->nparams ? n->nparams : 1));
    float *q = malloc(sizeof(float) * (size_t)(big ? big : 1));
    if (!p || !q) {
        free(p), free(q);
        return ae_fail(err, "%s: out of memory", f->name);
    }
    memcpy(p, n->params, sizeof(float) * (size_t)n->nparams);
    for (int i = 0; i < nt; i++) {
        const st_tensor *t = st_find(f, map[i].name);
        st_values(f, t, q);
        for (int64_t k = 0; k < t->count; k++)
            if (!isfinite(q[k])) {
                const char *what = isnan(q[k]) ? "NaN" : "an infinite value";
                free(p), free(q);
                return ae_fail(err,
                               "%s: tensor '%s' holds %s at index %lld: the weights are damaged "
                               "(a run that diverged?); not loaded",
                               f->name, map[i].name, what, (long long)k);
            }
        xfer(n, &map[i], p, q, 0);
    }
    memcpy(n->params, p, sizeof(float) * (size_t)n->nparams);
    free(p), free(q);
    return 0;
}

int ckpt_load(const char *path, net *n, const char *model, ae_err *err)
{
    st_file f;
    if (st_read(path, &f, err)) return -1;
    int rc = ckpt_load_file(&f, n, model, err);
    st_free(&f);
    return rc;
}

/* ---- training state ------------------------------------------------------------------- */

static const char state_magic[8] = {'A', 'E', 'T', 'U', 'I', 'S', 'T', 'A'};
enum { STATE_VERSION = 2, STATE_HEAD = 24 };

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    return h;
}

typedef struct wbuf {
    unsigned char *p;
    size_t n;
} wbuf;

static void put_u64(wbuf *b, uint64_t v)
{
    for (int k = 0; k < 8; k++) b->p[b->n++] = (unsigned char)(v >> (8 * k));
}
static void put_u32(wbuf *b, uint32_t v)
{
    for (int k = 0; k < 4; k++) b->p[b->n++] = (unsigned char)(v >> (8 * k));
}
static void put_f64(wbuf *b, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    put_u64(b, v);
}
static void put_f32s(wbuf *b, const float *f, long n)
{
    for (long i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, f + i, 4);
        put_u32(b, v);
    }
}

typedef struct rbuf {
    const unsigned char *p;
    size_t n, i;
} rbuf;

static uint64_t get_u64(rbuf *b)
{
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--) v = v << 8 | b->p[b->i + (size_t)k];
    b->i += 8;
    return v;
}
static uint32_t get_u32(rbuf *b)
{
    uint32_t v = 0;
    for (int k = 3; k >= 0; k--) v = v << 8 | b->p[b->i + (size_t)k];
    b->i += 4;
    return v;
}
static double get_f64(rbuf *b)
{
    uint64_t v = get_u64(b);
    double d;
    memcpy(&d, &v, 8);
    return d;
}
static void get_f32s(rbuf *b, float *f, long n)
{
    for (long i = 0; i < n; i++) {
        uint32_t v = get_u32(b);
        memcpy(f + i, &v, 4);
    }
}

/* Bytes of the payload's fixed part, version 1 and 2; where version 2's identity starts. */
enum {
    STATE_FIXED_V1 = 24 + 8 + 6 * 4 + 2 * 8 + 8 * 8 + 3 * 8 + 8,
    STATE_FIXED = STATE_FIXED_V1 + 8 + 2 * 36,
    STATE_IDENT_AT = STATE_HEAD + 24 + 8 + 6 * 4 + 2 * 8 + 8 * 8 + 3 * 8 + 8,
};

static void put_uuid(wbuf *b, const char *u)
{
    char v[36] = {0};
    memcpy(v, u, strnlen(u, 36));
    memcpy(b->p + b->n, v, 36);
    b->n += 36;
}

static void get_uuid(rbuf *b, char out[37])
{
    memcpy(out, b->p + b->i, 36);
    out[36] = 0;
    b->i += 36;
}

int ckpt_state_save(const char *path, const ckpt_state *s, const net *n, ae_err *err)
{
    if (s->n_train < 1 || s->nbatches < 1 || s->batch < 0 || s->batch > s->nbatches)
        return ae_fail(err, "%s: inconsistent training state", path);
    size_t payload =
        STATE_FIXED + 4 * (size_t)s->n_train + 4 * (size_t)s->nbatches + 12 * (size_t)n->nparams;
    wbuf b = {malloc(STATE_HEAD + payload + 8), 0};
    if (!b.p) return ae_fail(err, "%s: out of memory", path);
    memcpy(b.p, state_magic, 8);
    b.n = 8;
    put_u32(&b, STATE_VERSION);
    put_u32(&b, 0);
    put_u64(&b, payload);
    char model[24] = {0};
    snprintf(model, sizeof model, "%s", s->model);
    memcpy(b.p + b.n, model, 24);
    b.n += 24;
    put_u64(&b, (uint64_t)s->run);
    put_u32(&b, (uint32_t)s->epoch);
    put_u32(&b, (uint32_t)s->batch);
    put_u32(&b, (uint32_t)s->nbatches);
    put_u32(&b, (uint32_t)s->n_train);
    put_u32(&b, (uint32_t)s->best_epoch);
    put_u32(&b, 0);
    put_u64(&b, (uint64_t)s->adam_t);
    put_u64(&b, (uint64_t)s->ep_samples);
    for (int k = 0; k < 4; k++) put_u64(&b, s->rng_order[k]);
    for (int k = 0; k < 4; k++) put_u64(&b, s->rng_aug[k]);
    put_f64(&b, s->loss_sum);
    put_f64(&b, s->sae_sum);
    put_f64(&b, s->best_test_loss);
    put_f64(&b, s->ep_seconds);
    put_uuid(&b, s->store_uuid);
    put_uuid(&b, s->run_uuid);
    put_u64(&b, (uint64_t)n->nparams);
    for (int i = 0; i < s->n_train; i++) put_u32(&b, (uint32_t)s->order[i]);
    for (int i = 0; i < s->nbatches; i++) {
        float v = i < s->batch && s->batch_losses ? s->batch_losses[i] : 0.0f;
        put_f32s(&b, &v, 1);
    }
    put_f32s(&b, n->params, n->nparams);
    put_f32s(&b, n->m, n->nparams);
    put_f32s(&b, n->v, n->nparams);
    put_u64(&b, fnv1a(b.p, b.n));
    st_atomic a;
    int rc = st_atomic_open(&a, path, err);
    if (!rc) {
        st_atomic_write(&a, b.p, b.n);
        rc = st_atomic_commit(&a, err);
    }
    free(b.p);
    return rc;
}

void ckpt_state_free(ckpt_state *s)
{
    free(s->order);
    free(s->batch_losses);
    s->order = NULL, s->batch_losses = NULL;
}

static int read_all(const char *path, unsigned char **out, size_t *len, ae_err *err)
{
    FILE *f = fio_fopen_read(path, NULL, err); /* a FIFO or device is refused, not waited on */
    if (!f) return -1;
    size_t cap = 1 << 16, n = 0;
    unsigned char *p = malloc(cap);
    while (p) {
        if (n == cap) {
            unsigned char *q = cap > ((size_t)1 << 34) ? NULL : realloc(p, cap * 2);
            if (!q) {
                free(p);
                p = NULL;
                break;
            }
            p = q, cap *= 2;
        }
        size_t r = fread(p + n, 1, cap - n, f);
        n += r;
        if (r == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (!p) return ae_fail(err, "%s: out of memory", path);
    if (bad) {
        free(p);
        return ae_fail(err, "%s: read failed", path);
    }
    *out = p, *len = n;
    return 0;
}

int ckpt_state_load(const char *path, ckpt_state *s, net *n, const char *model, ae_err *err)
{
    memset(s, 0, sizeof *s);
    unsigned char *p = NULL;
    size_t len = 0;
    if (read_all(path, &p, &len, err)) return -1;
    int rc = -1;
    rbuf b = {p, len, 0};
    if (len < STATE_HEAD + STATE_FIXED_V1 + 8 || memcmp(p, state_magic, 8)) {
        ae_fail(err, "%s: not an aetui training-state file", path);
        goto out;
    }
    b.i = 8;
    uint32_t version = get_u32(&b);
    get_u32(&b);
    uint64_t payload = get_u64(&b);
    if (version < 1 || version > STATE_VERSION) {
        ae_fail(err, "%s: training-state version %u, this aetui reads versions 1 to %d", path,
                version, STATE_VERSION);
        goto out;
    }
    const uint64_t fixed = version == 1 ? STATE_FIXED_V1 : STATE_FIXED;
    if (len < STATE_HEAD + fixed + 8) {
        ae_fail(err, "%s: truncated: %zu bytes", path, len);
        goto out;
    }
    if (payload != len - STATE_HEAD - 8) {
        ae_fail(err, "%s: truncated or damaged: %zu bytes, the header says %llu", path, len,
                (unsigned long long)(payload + STATE_HEAD + 8));
        goto out;
    }
    b.i = len - 8;
    if (get_u64(&b) != fnv1a(p, len - 8)) {
        ae_fail(err, "%s: damaged (checksum mismatch)", path);
        goto out;
    }
    b.i = STATE_HEAD;
    memcpy(s->model, p + b.i, 23);
    b.i += 24;
    s->run = (int64_t)get_u64(&b);
    s->epoch = (int)get_u32(&b);
    s->batch = (int)get_u32(&b);
    s->nbatches = (int)get_u32(&b);
    s->n_train = (int)get_u32(&b);
    s->best_epoch = (int)get_u32(&b);
    get_u32(&b);
    s->adam_t = (long)get_u64(&b);
    s->ep_samples = (long)get_u64(&b);
    for (int k = 0; k < 4; k++) s->rng_order[k] = get_u64(&b);
    for (int k = 0; k < 4; k++) s->rng_aug[k] = get_u64(&b);
    s->loss_sum = get_f64(&b);
    s->sae_sum = get_f64(&b);
    s->best_test_loss = get_f64(&b);
    if (version >= 2) {
        s->ep_seconds = get_f64(&b);
        get_uuid(&b, s->store_uuid);
        get_uuid(&b, s->run_uuid);
        if (!(s->ep_seconds >= 0 && s->ep_seconds < 1e9)) s->ep_seconds = 0;
    }
    int64_t np = (int64_t)get_u64(&b);
    if (strcmp(s->model, model)) {
        ae_fail(err, "%s: the training state of a %s model, and this model is %s", path, s->model,
                model);
        goto out;
    }
    if (np != n->nparams) {
        ae_fail(err, "%s: the training state has %lld parameters, this model %ld", path,
                (long long)np, n->nparams);
        goto out;
    }
    if (s->n_train < 1 || s->nbatches < 1 || s->batch < 0 || s->batch > s->nbatches ||
        s->epoch < 1 || s->adam_t < 0 ||
        (uint64_t)payload !=
            fixed + 4 * (uint64_t)s->n_train + 4 * (uint64_t)s->nbatches + 12 * (uint64_t)np) {
        ae_fail(err, "%s: inconsistent training state", path);
        goto out;
    }
    s->order = malloc(sizeof(int) * (size_t)s->n_train);
    s->batch_losses = malloc(sizeof(float) * (size_t)s->nbatches);
    unsigned char *seen = calloc((size_t)s->n_train, 1);
    if (!s->order || !s->batch_losses || !seen) {
        free(seen);
        ae_fail(err, "%s: out of memory", path);
        goto out;
    }
    int perm = 1;
    for (int i = 0; i < s->n_train; i++) {
        uint32_t v = get_u32(&b);
        if (v >= (uint32_t)s->n_train || seen[v])
            perm = 0;
        else
            seen[v] = 1;
        s->order[i] = (int)v;
    }
    free(seen);
    if (!perm) {
        ae_fail(err, "%s: the data order is not a permutation of %d samples", path, s->n_train);
        goto out;
    }
    get_f32s(&b, s->batch_losses, s->nbatches);
    /* all numbers checked before the net is touched */
    static const char *const part[3] = {"parameters", "first Adam moments", "second Adam moments"};
    size_t at = b.i;
    for (int k = 0; k < 3; k++)
        for (long i = 0; i < n->nparams; i++) {
            uint32_t u = (uint32_t)p[at] | (uint32_t)p[at + 1] << 8 | (uint32_t)p[at + 2] << 16 |
                         (uint32_t)p[at + 3] << 24;
            float x;
            memcpy(&x, &u, 4);
            at += 4;
            if (!isfinite(x)) {
                const char *layer = "?";
                for (int l = 0; l < n->nlayers; l++)
                    if (n->layers[l].nparams && i >= n->layers[l].w_off &&
                        i < n->layers[l].w_off + n->layers[l].nparams)
                        layer = n->layers[l].name;
                ae_fail(err,
                        "%s: the %s hold %s at parameter %ld (layer %s): the state is damaged "
                        "(a run that diverged?); not loaded",
                        path, part[k], isnan(x) ? "NaN" : "an infinite value", i, layer);
                goto out;
            }
        }
    for (int i = 0; i < s->batch && i < s->nbatches; i++)
        if (!isfinite(s->batch_losses[i])) {
            ae_fail(err, "%s: batch loss %d is not a finite number: the state is damaged", path,
                    i + 1);
            goto out;
        }
    get_f32s(&b, n->params, n->nparams);
    get_f32s(&b, n->m, n->nparams);
    get_f32s(&b, n->v, n->nparams);
    rc = 0;
out:
    free(p);
    if (rc) ckpt_state_free(s);
    return rc;
}

/* ---- identity --------------------------------------------------------------------------- */

int ckpt_ident_read(const char *path, char store_uuid[37], char run_uuid[37], ae_err *err)
{
    store_uuid[0] = run_uuid[0] = 0;
    unsigned char head[STATE_IDENT_AT + 72];
    FILE *f = fopen(path, "rb");
    if (!f) return ae_fail(err, "%s: %s", path, strerror(errno));
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n >= 12 && !memcmp(head, state_magic, 8)) {
        rbuf b = {head, n, 8};
        if (get_u32(&b) >= 2 && n == sizeof head) {
            b.i = STATE_IDENT_AT;
            get_uuid(&b, store_uuid);
            get_uuid(&b, run_uuid);
        }
        return 0;
    }
    ckpt_info info;
    if (ckpt_info_read(path, &info, err)) return -1;
    memcpy(store_uuid, info.store_uuid, 37);
    memcpy(run_uuid, info.run_uuid, 37);
    return 0;
}

int ckpt_ident_check(const char *path, const char *have_store, const char *have_run,
                     const char *want_store, const char *want_run, int64_t run, ae_err *err)
{
    int other_store = have_store[0] && want_store[0] && strcmp(have_store, want_store);
    int other_run = have_run[0] && want_run[0] && strcmp(have_run, want_run);
    if (!other_store && !other_run) return 0;
    return ae_fail(err,
                   "%s: the file of run %s in store %s, not of run %lld (%s) in this store (%s): "
                   "the files of two %s are mixed up; not loaded",
                   path, have_run[0] ? have_run : "(unknown)",
                   have_store[0] ? have_store : "(unknown)", (long long)run, want_run, want_store,
                   other_store ? "stores" : "runs");
}

int ckpt_scaling_of(const st_file *f, ds_scaling *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    const char *v = st_meta(f, "data_scaling");
    if (!v || !*v) return 0;
    if (ds_scaling_from_json(v, out, err))
        return ae_wrap(err, "%s: __metadata__ data_scaling", f->name);
    return 0;
}

int ckpt_scaling_read(const char *path, ds_scaling *out, ae_err *err)
{
    st_file f;
    memset(out, 0, sizeof *out);
    if (st_read(path, &f, err)) return -1;
    int rc = ckpt_scaling_of(&f, out, err);
    st_free(&f);
    return rc;
}

/* ---- moving a run's files to another store ------------------------------------------- */

/* A state file: the run id and the store's UUID patched in place, the checksum made anew.
 * Everything else (the run's UUID, the numbers) is kept byte for byte. */
static int reident_state(const char *src, const char *dst, const char *store_uuid, int64_t run,
                         ae_err *err)
{
    unsigned char *p = NULL;
    size_t len = 0;
    if (read_all(src, &p, &len, err)) return -1;
    int rc = -1;
    rbuf r = {p, len, 8};
    if (len < STATE_HEAD + STATE_FIXED_V1 + 8 || memcmp(p, state_magic, 8)) {
        ae_fail(err, "%s: not an aetui training-state file", src);
        goto out;
    }
    uint32_t version = get_u32(&r);
    r.i = len - 8;
    if (version < 1 || version > STATE_VERSION || get_u64(&r) != fnv1a(p, len - 8)) {
        ae_fail(err, "%s: damaged or of an unknown version; not copied", src);
        goto out;
    }
    wbuf w = {p, STATE_HEAD + 24};
    put_u64(&w, (uint64_t)run);
    if (version >= 2 && len >= STATE_IDENT_AT + 72 + 8) {
        w.n = STATE_IDENT_AT;
        char v[36] = {0};
        memcpy(v, store_uuid, strnlen(store_uuid, 36));
        memcpy(p + w.n, v, 36);
    }
    w.n = len - 8;
    put_u64(&w, fnv1a(p, len - 8));
    st_atomic a;
    if (st_atomic_open(&a, dst, err) == 0) {
        st_atomic_write(&a, p, len);
        rc = st_atomic_commit(&a, err);
    }
out:
    free(p);
    return rc;
}

/* A weights file: the same tensors (bit for bit: floats are moved, never computed) under
 * metadata whose run_id, parent_run and store_uuid name the new store's run. */
static int reident_weights(const char *src, const char *dst, const char *store_uuid, int64_t run,
                           int64_t parent, ae_err *err)
{
    st_file f;
    if (st_read(src, &f, err)) return -1;
    int rc = -1, nm = 0;
    st_kv *meta = calloc((size_t)f.nmeta + 3, sizeof *meta);
    st_out *t = calloc((size_t)f.ntensors + 1, sizeof *t);
    float **data = calloc((size_t)f.ntensors + 1, sizeof *data);
    char run_s[24], parent_s[24];
    snprintf(run_s, sizeof run_s, "%lld", (long long)run);
    snprintf(parent_s, sizeof parent_s, "%lld", (long long)parent);
    if (!meta || !t || !data) {
        ae_fail(err, "%s: out of memory", src);
        goto out;
    }
    for (int i = 0; i < f.nmeta; i++) {
        const char *k = f.meta[i].key;
        if (!strcmp(k, "run_id") || !strcmp(k, "store_uuid") || !strcmp(k, "parent_run")) continue;
        meta[nm++] = f.meta[i];
    }
    meta[nm++] = (st_kv){"run_id", run_s};
    meta[nm++] = (st_kv){"store_uuid", store_uuid};
    if (parent > 0) meta[nm++] = (st_kv){"parent_run", parent_s};
    for (int i = 0; i < f.ntensors; i++) {
        const st_tensor *s = &f.tensors[i];
        data[i] = malloc(sizeof(float) * (size_t)(s->count ? s->count : 1));
        if (!data[i]) {
            ae_fail(err, "%s: out of memory", src);
            goto out;
        }
        st_values(&f, s, data[i]);
        t[i].name = s->name, t[i].ndim = s->ndim, t[i].data = data[i];
        memcpy(t[i].shape, s->shape, sizeof t[i].shape);
    }
    rc = st_write(dst, meta, nm, t, f.ntensors, err);
out:
    for (int i = 0; data && i < f.ntensors; i++) free(data[i]);
    free(data);
    free(t);
    free(meta);
    st_free(&f);
    return rc;
}

int ckpt_reident(const char *src, const char *dst, const char *store_uuid, int64_t run,
                 int64_t parent, ae_err *err)
{
    unsigned char head[8] = {0};
    FILE *f = fopen(src, "rb");
    if (!f) return ae_fail(err, "%s: %s", src, strerror(errno));
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n == 8 && !memcmp(head, state_magic, 8))
        return reident_state(src, dst, store_uuid, run, err);
    return reident_weights(src, dst, store_uuid, run, parent, err);
}

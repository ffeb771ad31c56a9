/* test_checkpoint.c: safetensors reader/writer and model checkpoints (issue 7).
 *
 * Save then load gives bit-identical parameters and outputs for every preset; the file layout
 * (header length, JSON, 8-byte alignment, names, shapes, offsets, PyTorch value order) is
 * checked byte by byte without Python; every kind of bad file is refused with a message naming
 * the file; a checkpoint of the other model kind is refused; the training-state file round-trips
 * and refuses damage. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "model.h"
#include "net.h"
#include "rng.h"
#include "safetensors.h"
#include "testlib.h"

static char dir[1024];

static int build(net *n, const char *preset, net_shape in, int latent, uint64_t seed)
{
    ae_err err;
    net_init(n, in);
    if (model_build(n, preset, latent, &err) || net_finalize(n, 4, 1, &err)) {
        fprintf(stderr, "build %s: %s\n", preset, err.msg);
        return -1;
    }
    rng r;
    rng_seed(&r, seed);
    if (net_init_params(n, &r, &err)) return -1;
    /* non-zero biases too, so that their order is tested */
    for (long i = 0; i < n->nparams; i++)
        if (n->params[i] == 0.0f) n->params[i] = (float)rng_range(&r, -0.1, 0.1);
    return 0;
}

static void fill_input(float *x, long count, uint64_t seed)
{
    rng r;
    rng_seed(&r, seed);
    for (long i = 0; i < count; i++) x[i] = (float)rng_uniform(&r);
}

static void test_round_trip(const char *preset, net_shape in, int latent)
{
    net a, b;
    char path[1200];
    ae_err err;
    snprintf(path, sizeof path, "%s/%s.safetensors", dir, preset);
    if (build(&a, preset, in, latent, 1) || build(&b, preset, in, latent, 2)) {
        CHECK(0, "%s: build", preset);
        return;
    }
    st_kv extra[] = {{"run_id", "7"}, {"epoch", "3"}};
    CHECK(ckpt_save(path, &a, preset, extra, 2, &err) == 0, "%s save: %s", preset, err.msg);
    CHECK(memcmp(a.params, b.params, sizeof(float) * a.nparams) != 0, "%s: differ before", preset);
    CHECK(ckpt_load(path, &b, preset, &err) == 0, "%s load: %s", preset, err.msg);
    CHECK(memcmp(a.params, b.params, sizeof(float) * a.nparams) == 0,
          "%s: parameters not bit-identical after load", preset);
    long dim = net_shape_size(&in);
    float *x = malloc(sizeof(float) * 4 * dim);
    fill_input(x, 4 * dim, 9);
    const float *ya = net_forward(&a, 0, x, 4, a.nlayers - 1);
    const float *yb = net_forward(&b, 0, x, 4, b.nlayers - 1);
    CHECK(memcmp(ya, yb, sizeof(float) * 4 * dim) == 0, "%s: outputs not bit-identical", preset);
    ckpt_info info;
    CHECK(ckpt_info_read(path, &info, &err) == 0, "%s info: %s", preset, err.msg);
    CHECK(!strcmp(info.model, preset) && info.latent == latent && info.input.rank == in.rank &&
              info.input.h == in.h && info.input.c == in.c && info.run == 7 && info.epoch == 3 &&
              !strcmp(info.version, AETUI_VERSION),
          "%s info: %s %d rank %d run %lld", preset, info.model, info.latent, info.input.rank,
          (long long)info.run);
    free(x);
    net_free(&a);
    net_free(&b);
}

static unsigned char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = malloc((size_t)*len + 1);
    if (fread(p, 1, (size_t)*len, f) != (size_t)*len) *len = -1;
    fclose(f);
    return p;
}

static float file_f32(const unsigned char *data, long index)
{
    float v;
    memcpy(&v, data + 4 * index, 4);
    return v;
}

/* The cnn's file for 8x8x3, latent 5, looked at byte by byte. */
static void test_layout(void)
{
    net n;
    net_shape in = {3, 8, 8, 3};
    ae_err err;
    char path[1200];
    snprintf(path, sizeof path, "%s/layout.safetensors", dir);
    if (build(&n, "cnn", in, 5, 3)) return;
    CHECK(ckpt_save(path, &n, "cnn", NULL, 0, &err) == 0, "save: %s", err.msg);
    long len;
    unsigned char *p = slurp(path, &len);
    CHECK(p && len > 8, "read back");
    if (!p || len <= 8) return;
    uint64_t hl = 0;
    for (int k = 7; k >= 0; k--) hl = hl << 8 | p[k];
    CHECK((8 + hl) % 8 == 0, "data not 8-byte aligned: header %llu", (unsigned long long)hl);
    CHECK(8 + hl + 4 * (uint64_t)n.nparams + 4 * 0 == (uint64_t)len,
          "size %ld = 8 + %llu + 4 * %ld params", len, (unsigned long long)hl, n.nparams);
    char *h = malloc(hl + 1);
    memcpy(h, p + 8, hl);
    h[hl] = 0;
    CHECK(h[0] == '{', "header starts with {");
    size_t end = strlen(h);
    while (end && h[end - 1] == ' ') end--;
    CHECK(end && h[end - 1] == '}', "header ends with } then spaces");
    CHECK(strstr(h, "\"__metadata__\":{\"format\":\"aetui-checkpoint\",\"model\":\"cnn\","
                    "\"kind\":\"images\",\"input_shape\":\"[8, 8, 3]\",\"latent\":\"5\","
                    "\"aetui_version\":\"" AETUI_VERSION "\"}") != NULL,
          "metadata: %s", h);
    CHECK(strstr(h, "\"encoder.conv1.weight\":{\"dtype\":\"F32\",\"shape\":[32,3,3,3],"
                    "\"data_offsets\":[0,3456]}") != NULL,
          "conv1 weight entry");
    CHECK(strstr(h, "\"encoder.conv1.bias\":{\"dtype\":\"F32\",\"shape\":[32],"
                    "\"data_offsets\":[3456,3584]}") != NULL,
          "conv1 bias entry");
    st_file f;
    CHECK(st_read(path, &f, &err) == 0, "st_read: %s", err.msg);
    static const char *const names[] = {
        "encoder.conv1.weight",   "encoder.conv1.bias",     "encoder.conv2.weight",
        "encoder.conv2.bias",     "encoder.conv3.weight",   "encoder.conv3.bias",
        "encoder.fc.weight",      "encoder.fc.bias",        "decoder.fc.weight",
        "decoder.fc.bias",        "decoder.deconv1.weight", "decoder.deconv1.bias",
        "decoder.deconv2.weight", "decoder.deconv2.bias",   "decoder.deconv3.weight",
        "decoder.deconv3.bias"};
    static const int64_t shapes[][4] = {
        {32, 3, 3, 3}, {32},  {64, 32, 3, 3},   {64},  {128, 64, 3, 3}, {128}, {5, 128},      {5},
        {512, 5},      {512}, {128, 128, 3, 3}, {128}, {128, 64, 3, 3}, {64},  {64, 3, 3, 3}, {3}};
    static const int ndims[] = {4, 1, 4, 1, 4, 1, 2, 1, 2, 1, 4, 1, 4, 1, 4, 1};
    CHECK(f.ntensors == 16, "16 tensors, got %d", f.ntensors);
    uint64_t off = 0;
    for (int i = 0; i < 16 && i < f.ntensors; i++) {
        const st_tensor *t = &f.tensors[i];
        CHECK(!strcmp(t->name, names[i]), "tensor %d is %s, expected %s", i, t->name, names[i]);
        int same = t->ndim == ndims[i];
        for (int d = 0; same && d < t->ndim; d++) same = t->shape[d] == shapes[i][d];
        CHECK(same, "%s shape", names[i]);
        CHECK(t->begin == off && t->end == off + 4 * (uint64_t)t->count, "%s offsets", names[i]);
        off = t->end;
    }
    /* values in PyTorch's order */
    const unsigned char *data = p + 8 + hl;
    const net_layer *c1 = &n.layers[0];
    int ok = 1;
    for (int o = 0; o < 32; o++)
        for (int c = 0; c < 3; c++)
            for (int k = 0; k < 9; k++)
                ok &= file_f32(data, (o * 3 + c) * 9 + k) ==
                      n.params[c1->w_off + (k * 3 + c) * 32 + o];
    CHECK(ok, "conv1 weight in [out][in][ky][kx] order");
    const st_tensor *dfc = st_find(&f, "decoder.fc.weight");
    const st_tensor *dfb = st_find(&f, "decoder.fc.bias");
    const net_layer *l = &n.layers[n.latent_layer + 1]; /* Dense(2*2*128) before Reshape */
    ok = dfc && dfb;
    for (int y = 0; ok && y < 2; y++)
        for (int x = 0; x < 2; x++)
            for (int c = 0; c < 128; c++) {
                int ours = (y * 2 + x) * 128 + c, theirs = c * 4 + y * 2 + x;
                for (int i = 0; i < 5; i++)
                    ok &= file_f32(data + dfc->begin, (long)theirs * 5 + i) ==
                          n.params[l->w_off + (long)i * 512 + ours];
                ok &= file_f32(data + dfb->begin, theirs) == n.params[l->b_off + ours];
            }
    CHECK(ok, "decoder.fc rows in NCHW order (Unflatten(1, (128, h, w)))");
    const st_tensor *dc3 = st_find(&f, "decoder.deconv3.weight");
    const net_layer *lt = &n.layers[n.nlayers - 1];
    ok = dc3 != NULL;
    for (int i = 0; ok && i < 64; i++)
        for (int o = 0; o < 3; o++)
            for (int k = 0; k < 9; k++)
                ok &= file_f32(data + dc3->begin, (i * 3 + o) * 9 + k) ==
                      n.params[lt->w_off + (i * 9 + k) * 3 + o];
    CHECK(ok, "deconv3 weight in [in][out][ky][kx] order");
    st_free(&f);
    free(h);
    free(p);
    net_free(&n);
}

/* LSTM names, layouts and the two biases. */
static void test_lstm_layout(void)
{
    net n;
    net_shape in = {2, 6, 1, 3};
    ae_err err;
    char path[1200];
    snprintf(path, sizeof path, "%s/lstm_layout.safetensors", dir);
    if (build(&n, "lstm", in, 4, 5)) return;
    CHECK(ckpt_save(path, &n, "lstm", NULL, 0, &err) == 0, "save: %s", err.msg);
    st_file f;
    if (st_read(path, &f, &err)) {
        CHECK(0, "st_read: %s", err.msg);
        return;
    }
    static const struct {
        const char *name;
        int64_t a, b;
    } want[] = {{"encoder.lstm1.weight_ih_l0", 256, 3},
                {"encoder.lstm1.weight_hh_l0", 256, 64},
                {"encoder.lstm1.bias_ih_l0", 256, 0},
                {"encoder.lstm1.bias_hh_l0", 256, 0},
                {"encoder.lstm2.weight_ih_l0", 128, 64},
                {"encoder.lstm2.weight_hh_l0", 128, 32},
                {"encoder.lstm2.bias_ih_l0", 128, 0},
                {"encoder.lstm2.bias_hh_l0", 128, 0},
                {"encoder.fc.weight", 4, 32},
                {"encoder.fc.bias", 4, 0},
                {"decoder.lstm1.weight_ih_l0", 128, 4},
                {"decoder.lstm1.weight_hh_l0", 128, 32},
                {"decoder.lstm1.bias_ih_l0", 128, 0},
                {"decoder.lstm1.bias_hh_l0", 128, 0},
                {"decoder.lstm2.weight_ih_l0", 256, 32},
                {"decoder.lstm2.weight_hh_l0", 256, 64},
                {"decoder.lstm2.bias_ih_l0", 256, 0},
                {"decoder.lstm2.bias_hh_l0", 256, 0},
                {"decoder.fc.weight", 3, 64},
                {"decoder.fc.bias", 3, 0}};
    CHECK(f.ntensors == 20, "20 tensors, got %d", f.ntensors);
    for (int i = 0; i < 20 && i < f.ntensors; i++) {
        const st_tensor *t = &f.tensors[i];
        CHECK(!strcmp(t->name, want[i].name), "tensor %d: %s, expected %s", i, t->name,
              want[i].name);
        CHECK(t->ndim == (want[i].b ? 2 : 1) && t->shape[0] == want[i].a &&
                  (!want[i].b || t->shape[1] == want[i].b),
              "%s shape", want[i].name);
    }
    const st_tensor *wh = st_find(&f, "encoder.lstm1.weight_hh_l0");
    const st_tensor *bh = st_find(&f, "encoder.lstm1.bias_hh_l0");
    float *v = malloc(sizeof(float) * 256 * 64);
    st_values(&f, wh, v);
    const net_layer *l = &n.layers[1]; /* layer 0 is the input centring */
    int ok = 1;
    for (int g = 0; g < 256; g++)
        for (int h = 0; h < 64; h++) ok &= v[g * 64 + h] == n.params[l->wh_off + h * 256 + g];
    CHECK(ok, "weight_hh_l0 is our wh transposed");
    st_values(&f, bh, v);
    ok = 1;
    for (int g = 0; g < 256; g++) ok &= v[g] == 0.0f;
    CHECK(ok, "bias_hh_l0 is zero");
    st_free(&f);
    free(v);
    net_free(&n);
}

/* A safetensors buffer from a header and `data` bytes of zeros. */
static unsigned char *make(const char *header, size_t data, size_t *len)
{
    size_t hl = strlen(header);
    *len = 8 + hl + data;
    unsigned char *p = calloc(*len + 1, 1);
    for (int k = 0; k < 8; k++) p[k] = (unsigned char)((uint64_t)hl >> (8 * k));
    memcpy(p + 8, header, hl);
    return p;
}

static void expect_bad(const char *what, const char *header, size_t data, const char *needle)
{
    size_t len;
    unsigned char *p = make(header, data, &len);
    st_file f;
    ae_err err = {{0}};
    int rc = st_parse(p, len, "bad.safetensors", &f, &err);
    CHECK(rc == -1, "%s: accepted", what);
    CHECK(strstr(err.msg, "bad.safetensors") != NULL, "%s: message lacks the file: %s", what,
          err.msg);
    CHECK(strstr(err.msg, needle) != NULL, "%s: message '%s' lacks '%s'", what, err.msg, needle);
    if (rc == 0) st_free(&f);
    free(p);
}

static void expect_good(const char *what, const char *header, size_t data)
{
    size_t len;
    unsigned char *p = make(header, data, &len);
    st_file f;
    ae_err err = {{0}};
    int rc = st_parse(p, len, "good.safetensors", &f, &err);
    CHECK(rc == 0, "%s: refused: %s", what, err.msg);
    if (rc == 0) st_free(&f);
    free(p);
}

static void test_bad_files(void)
{
    const char *T = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    expect_good("plain", T, 8);
    expect_good("padded, metadata, escapes",
                "{\"__metadata__\":{\"k\":\"v\\u00e9\\n\\ud83d\\ude00\"}, \"a\" : {\"dtype\":"
                "\"F32\",\"shape\":[1,2],\"data_offsets\":[0,8]},\"s\":{\"dtype\":\"F32\","
                "\"shape\":[],\"data_offsets\":[8,12]},\"z\":{\"dtype\":\"F32\",\"shape\":[0,3],"
                "\"data_offsets\":[12,12]}}    ",
                12);
    expect_good("empty", "{}", 0);

    /* too short and header length */
    st_file f;
    ae_err err;
    unsigned char tiny[5] = {1, 0, 0, 0, 0};
    CHECK(st_parse(tiny, 5, "bad.safetensors", &f, &err) == -1 && strstr(err.msg, "too short"),
          "short file: %s", err.msg);
    size_t len;
    unsigned char *p = make(T, 8, &len);
    p[0] = 200; /* header length past the end */
    CHECK(st_parse(p, len, "bad.safetensors", &f, &err) == -1 &&
              strstr(err.msg, "runs past the end"),
          "header past end: %s", err.msg);
    p[5] = 1; /* ~2^40: absurd */
    CHECK(st_parse(p, len, "bad.safetensors", &f, &err) == -1 && strstr(err.msg, "absurd"),
          "absurd header: %s", err.msg);
    free(p);
    p = make(T, 8, &len);
    CHECK(st_parse(p, len - 3, "bad.safetensors", &f, &err) == -1 &&
              strstr(err.msg, "outside the data"),
          "truncated data: %s", err.msg);
    free(p);

    /* bad JSON */
    expect_bad("not an object", "[1]", 0, "must be a JSON object");
    expect_bad("missing colon", "{\"a\" {}}", 0, "expected ':'");
    expect_bad("trailing garbage", "{}x", 0, "end of the header");
    expect_bad("trailing comma", "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},}",
               4, "expected a tensor name");
    expect_bad("unterminated string", "{\"abc", 0, "unterminated string");
    expect_bad("float in shape",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8,
               "expected an integer");
    expect_bad("negative", "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8,
               "negative number");
    expect_bad("leading zero", "{\"a\":{\"dtype\":\"F32\",\"shape\":[02],\"data_offsets\":[0,8]}}",
               8, "leading zero");
    expect_bad(
        "huge number",
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}}", 8,
        "too large");
    expect_bad("bad escape", "{\"a\\x\":1}", 0, "bad escape");
    expect_bad("lone surrogate", "{\"a\\ud800\":1}", 0, "surrogate");
    expect_bad("NUL escape", "{\"a\\u0000\":1}", 0, "NUL");
    expect_bad("control char", "{\"a\nb\":1}", 0, "control character");
    expect_bad("bad UTF-8", "{\"a\xc0\xaf\":1}", 0, "invalid UTF-8");
    expect_bad("true as a value", "{\"a\":true}", 0, "'{' to open a tensor entry");
    expect_bad("metadata number", "{\"__metadata__\":{\"k\":1}}", 0, "must be strings");
    expect_bad("metadata twice", "{\"__metadata__\":{},\"__metadata__\":{}}", 0, "twice");
    expect_bad("metadata key twice", "{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0, "twice");
    expect_bad("unknown key",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],\"x\":1}}", 4,
               "unknown key");
    expect_bad("no dtype", "{\"a\":{\"shape\":[],\"data_offsets\":[0,4]}}", 4, "no dtype");
    expect_bad("three offsets", "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4,8]}}",
               8, "too many values");
    expect_bad("too many dims",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}",
               4, "too many values");
    expect_bad("empty name", "{\"\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4,
               "empty name");
    expect_bad("deep nesting", "{\"a\":{\"dtype\":{\"x\":[[[[]]]]}}}", 0, "expected a dtype");

    /* offsets and dtypes */
    expect_bad("dtype F16", "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4,
               "dtype F16 is not supported");
    expect_bad("offsets outside",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4,
               "outside the data");
    expect_bad("offsets backwards",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", 4, "backwards");
    expect_bad("size mismatch", "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}",
               8, "needs 12 bytes");
    expect_bad("overlap",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
               "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
               12, "overlap");
    expect_bad("gap",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
               "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}",
               12, "belong to no tensor");
    expect_bad("trailing data", T, 12, "after the last tensor");
    expect_bad("duplicate",
               "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
               "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
               8, "named twice");

    char path[1200];
    snprintf(path, sizeof path, "%s/missing.safetensors", dir);
    CHECK(st_read(path, &f, &err) == -1 && strstr(err.msg, "missing.safetensors") &&
              strstr(err.msg, "No such file"),
          "missing file: %s", err.msg);
    CHECK(ckpt_load(path, NULL, "cnn", &err) == -1 && strstr(err.msg, "No such file"),
          "missing checkpoint: %s", err.msg);
}

/* Checkpoint-level refusals: other kind, other preset, missing, extra, wrong shape. */
static void test_model_checks(void)
{
    net cnn, lstm, cnn2, flat;
    ae_err err;
    char pc[1200], pl[1200], pf[1200], px[1200];
    snprintf(pc, sizeof pc, "%s/m_cnn.safetensors", dir);
    snprintf(pl, sizeof pl, "%s/m_lstm.safetensors", dir);
    snprintf(pf, sizeof pf, "%s/m_flat.safetensors", dir);
    snprintf(px, sizeof px, "%s/m_x.safetensors", dir);
    if (build(&cnn, "cnn", (net_shape){3, 8, 8, 3}, 5, 1) ||
        build(&lstm, "lstm", (net_shape){2, 6, 1, 3}, 4, 1) ||
        build(&cnn2, "cnn", (net_shape){3, 8, 8, 3}, 6, 1) ||
        build(&flat, "cnn-flat", (net_shape){3, 8, 8, 3}, 5, 1))
        return;
    ckpt_save(pc, &cnn, "cnn", NULL, 0, &err);
    ckpt_save(pl, &lstm, "lstm", NULL, 0, &err);
    ckpt_save(pf, &flat, "cnn-flat", NULL, 0, &err);
    float *before = malloc(sizeof(float) * cnn.nparams);
    memcpy(before, cnn.params, sizeof(float) * cnn.nparams);

    CHECK(ckpt_load(pl, &cnn, "cnn", &err) == -1 && strstr(err.msg, "other model kind") &&
              strstr(err.msg, "m_lstm.safetensors"),
          "lstm into cnn: %s", err.msg);
    CHECK(ckpt_load(pc, &lstm, "lstm", &err) == -1 && strstr(err.msg, "other model kind"),
          "cnn into lstm: %s", err.msg);
    CHECK(ckpt_load(pf, &cnn, "cnn", &err) == -1 && strstr(err.msg, "model cnn-flat"),
          "cnn-flat into cnn: %s", err.msg);
    CHECK(ckpt_load(pc, &cnn2, "cnn", &err) == -1 && strstr(err.msg, "encoder.fc.weight") &&
              strstr(err.msg, "[5, 128]") && strstr(err.msg, "[6, 128]"),
          "latent 5 into latent 6: %s", err.msg);

    /* rewrite the cnn file with a tensor missing, an extra tensor, no model */
    st_file f;
    if (st_read(pc, &f, &err)) {
        CHECK(0, "%s", err.msg);
        return;
    }
    st_out outs[20];
    float *vals = malloc(sizeof(float) * cnn.nparams + 64);
    long off = 0;
    for (int i = 0; i < f.ntensors; i++) {
        outs[i].name = f.tensors[i].name;
        outs[i].ndim = f.tensors[i].ndim;
        memcpy(outs[i].shape, f.tensors[i].shape, sizeof outs[i].shape);
        st_values(&f, &f.tensors[i], vals + off);
        outs[i].data = vals + off;
        off += f.tensors[i].count;
    }
    st_kv meta[] = {{"model", "cnn"}, {"input_shape", "[8, 8, 3]"}, {"latent", "5"}};
    CHECK(st_write(px, meta, 3, outs, f.ntensors - 1, &err) == 0, "%s", err.msg);
    CHECK(ckpt_load(px, &cnn, "cnn", &err) == -1 &&
              strstr(err.msg, "'decoder.deconv3.bias' is missing"),
          "missing tensor: %s", err.msg);
    outs[f.ntensors] = outs[0];
    outs[f.ntensors].name = "encoder.extra";
    CHECK(st_write(px, meta, 3, outs, f.ntensors + 1, &err) == 0, "%s", err.msg);
    CHECK(ckpt_load(px, &cnn, "cnn", &err) == -1 && strstr(err.msg, "unexpected tensor"),
          "extra tensor: %s", err.msg);
    CHECK(st_write(px, meta + 1, 2, outs, f.ntensors, &err) == 0, "%s", err.msg);
    CHECK(ckpt_load(px, &cnn, "cnn", &err) == -1 && strstr(err.msg, "not an aetui checkpoint"),
          "no model: %s", err.msg);
    /* a file written by PyTorch with both LSTM biases set loads as their sum */
    CHECK(st_write(px, meta, 3, outs, f.ntensors, &err) == 0, "%s", err.msg);
    CHECK(ckpt_load(px, &cnn, "cnn", &err) == 0, "plain rewrite loads: %s", err.msg);
    CHECK(memcmp(before, cnn.params, sizeof(float) * cnn.nparams) == 0,
          "refused loads left the net unchanged, the good one restored it");
    st_free(&f);
    free(vals);
    free(before);

    if (st_read(pl, &f, &err)) return;
    off = 0;
    float *lv = malloc(sizeof(float) * (lstm.nparams + 2000));
    for (int i = 0; i < f.ntensors; i++) {
        outs[i].name = f.tensors[i].name;
        outs[i].ndim = f.tensors[i].ndim;
        memcpy(outs[i].shape, f.tensors[i].shape, sizeof outs[i].shape);
        st_values(&f, &f.tensors[i], lv + off);
        if (!strcmp(f.tensors[i].name, "encoder.lstm1.bias_hh_l0"))
            for (int g = 0; g < 256; g++) lv[off + g] = 0.5f;
        outs[i].data = lv + off;
        off += f.tensors[i].count;
    }
    st_kv lmeta[] = {{"model", "lstm"}, {"input_shape", "[6, 3]"}, {"latent", "4"}};
    CHECK(st_write(px, lmeta, 3, outs, f.ntensors, &err) == 0, "%s", err.msg);
    float b0 = lstm.params[lstm.layers[1].b_off + 7]; /* layers[1]: the first LSTM */
    CHECK(ckpt_load(px, &lstm, "lstm", &err) == 0, "lstm with bias_hh: %s", err.msg);
    CHECK(lstm.params[lstm.layers[1].b_off + 7] == b0 + 0.5f, "bias_hh added: %g vs %g",
          lstm.params[lstm.layers[1].b_off + 7], b0 + 0.5f);
    st_free(&f);
    free(lv);
    net_free(&cnn);
    net_free(&lstm);
    net_free(&cnn2);
    net_free(&flat);
}

static void test_state(void)
{
    net a, b;
    ae_err err;
    char path[1200];
    snprintf(path, sizeof path, "%s/state.bin", dir);
    if (build(&a, "lstm", (net_shape){2, 6, 1, 3}, 4, 1) ||
        build(&b, "lstm", (net_shape){2, 6, 1, 3}, 4, 2))
        return;
    for (long i = 0; i < a.nparams; i++) a.m[i] = (float)i * 1e-3f, a.v[i] = (float)i * 1e-6f;
    int order[10] = {3, 1, 4, 0, 5, 9, 2, 6, 8, 7};
    float losses[3] = {0.5f, 0.25f, 0};
    ckpt_state s = {.model = "lstm",
                    .run = 12,
                    .epoch = 4,
                    .batch = 2,
                    .nbatches = 3,
                    .adam_t = 11,
                    .rng_order = {1, 2, 3, 4},
                    .rng_aug = {5, 6, 7, 8},
                    .n_train = 10,
                    .order = order,
                    .batch_losses = losses,
                    .loss_sum = 0.75,
                    .sae_sum = 1.5,
                    .ep_samples = 8,
                    .best_test_loss = INFINITY,
                    .best_epoch = 0};
    CHECK(ckpt_state_save(path, &s, &a, &err) == 0, "save: %s", err.msg);
    ckpt_state r;
    CHECK(ckpt_state_load(path, &r, &b, "lstm", &err) == 0, "load: %s", err.msg);
    CHECK(r.run == 12 && r.epoch == 4 && r.batch == 2 && r.nbatches == 3 && r.adam_t == 11 &&
              r.rng_order[3] == 4 && r.rng_aug[0] == 5 && r.n_train == 10 && r.loss_sum == 0.75 &&
              r.sae_sum == 1.5 && r.ep_samples == 8 && isinf(r.best_test_loss) && r.order &&
              !memcmp(r.order, order, sizeof order) && r.batch_losses[1] == 0.25f,
          "fields round-trip");
    CHECK(!memcmp(a.block, b.block, sizeof(float) * a.nparams) &&
              !memcmp(a.m, b.m, sizeof(float) * a.nparams) &&
              !memcmp(a.v, b.v, sizeof(float) * a.nparams),
          "params and moments round-trip");
    ckpt_state_free(&r);

    long len;
    unsigned char *p = slurp(path, &len);
    char bad[1200];
    snprintf(bad, sizeof bad, "%s/state_bad.bin", dir);
    p[len / 2] ^= 1;
    test_write_file(bad, p, len);
    CHECK(ckpt_state_load(bad, &r, &b, "lstm", &err) == -1 && strstr(err.msg, "checksum") &&
              strstr(err.msg, "state_bad.bin"),
          "flipped bit: %s", err.msg);
    p[len / 2] ^= 1;
    test_write_file(bad, p, len - 9);
    CHECK(ckpt_state_load(bad, &r, &b, "lstm", &err) == -1 && strstr(err.msg, "truncated"),
          "truncated: %s", err.msg);
    test_write_file(bad, "hello", 5);
    CHECK(ckpt_state_load(bad, &r, &b, "lstm", &err) == -1 && strstr(err.msg, "not an aetui"),
          "garbage: %s", err.msg);
    CHECK(ckpt_state_load(path, &r, &b, "cnn", &err) == -1 && strstr(err.msg, "lstm model"),
          "other model: %s", err.msg);
    free(p);
    net_free(&a);
    net_free(&b);
}

/* Sizes read from a checkpoint are bounded before any arithmetic (issue 11 item 7: input_shape
 * [65536, 65536, 3] overflowed h*w*128 in presets.c, a signed overflow UBSan reports). */
static void test_hostile_shapes(void)
{
    char px[1200];
    snprintf(px, sizeof px, "%s/shape.safetensors", dir);
    float w[1] = {0};
    st_out t = {"x", 1, {1}, w};
    static const struct {
        const char *shape, *needle;
    } bad[] = {
        {"[65536, 65536, 3]", "out of range"},
        {"[99999999999, 8, 3]", "is not [H, W, C]"},
        {"[8, 8, 3, 1]", "is not [H, W, C]"},
        {"[0, 8, 3]", "is not [H, W, C]"},
        {"[8, -8, 3]", "is not [H, W, C]"},
        {"[8, 8, 3] x", "is not [H, W, C]"},
        {"[8, 8, 65]", "out of range"},
        {"[100001, 3]", "out of range"},
        {"[4294967304, 8, 3]", "is not [H, W, C]"}, /* 2^32 + 8: %d would have read 8 */
    };
    ae_err err;
    ckpt_info info;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        st_kv meta[] = {{"model", "cnn"}, {"input_shape", bad[i].shape}, {"latent", "5"}};
        CHECK(st_write(px, meta, 3, &t, 1, &err) == 0, "%s", err.msg);
        CHECK(ckpt_info_read(px, &info, &err) == -1 && strstr(err.msg, bad[i].needle) &&
                  strstr(err.msg, "shape.safetensors"),
              "input_shape %s: '%s'", bad[i].shape, err.msg);
    }
    st_kv good[] = {{"model", "lstm"}, {"input_shape", " [ 50 ,10 ] "}, {"latent", "5"}};
    CHECK(st_write(px, good, 3, &t, 1, &err) == 0, "%s", err.msg);
    CHECK(ckpt_info_read(px, &info, &err) == 0 && info.input.rank == 2 && info.input.h == 50 &&
              info.input.c == 10,
          "[50, 10]: %s", err.msg);
    /* the model builder bounds its input too, whoever calls it */
    net n;
    net_init(&n, (net_shape){3, 65536, 65536, 3});
    CHECK(model_build(&n, "cnn", 5, &err) == -1 && strstr(err.msg, "out of range"),
          "65536x65536 cnn: '%s'", err.msg);
    net_free(&n);
    net_init(&n, (net_shape){3, 4096, 4096, 3});
    CHECK(model_build(&n, "cnn-flat", 5, &err) == 0, "4096x4096 builds: %s", err.msg);
    net_free(&n);
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    return h;
}

/* A state file's identity and epoch time round-trip; a version-1 file (no identity) still
 * loads; ckpt_ident_read reads both kinds of file; ckpt_ident_check names both sides. */
static void test_ident(void)
{
    net a, b;
    ae_err err;
    char path[1200], old[1200], w[1200];
    snprintf(path, sizeof path, "%s/ident.state", dir);
    snprintf(old, sizeof old, "%s/ident_v1.state", dir);
    snprintf(w, sizeof w, "%s/ident.safetensors", dir);
    if (build(&a, "lstm", (net_shape){2, 6, 1, 3}, 4, 1) ||
        build(&b, "lstm", (net_shape){2, 6, 1, 3}, 4, 2))
        return;
    const char *su = "11111111-2222-4333-8444-555555555555";
    const char *ru = "aaaaaaaa-bbbb-4ccc-9ddd-eeeeeeeeeeee";
    int order[4] = {2, 0, 3, 1};
    float losses[2] = {0.5f, 0};
    ckpt_state s = {.model = "lstm",
                    .run = 3,
                    .epoch = 2,
                    .batch = 1,
                    .nbatches = 2,
                    .n_train = 4,
                    .order = order,
                    .batch_losses = losses,
                    .ep_seconds = 1.25,
                    .best_test_loss = 0.5,
                    .best_epoch = 1};
    snprintf(s.store_uuid, sizeof s.store_uuid, "%s", su);
    snprintf(s.run_uuid, sizeof s.run_uuid, "%s", ru);
    CHECK(ckpt_state_save(path, &s, &a, &err) == 0, "save: %s", err.msg);
    ckpt_state r;
    CHECK(ckpt_state_load(path, &r, &b, "lstm", &err) == 0 && !strcmp(r.store_uuid, su) &&
              !strcmp(r.run_uuid, ru) && r.ep_seconds == 1.25,
          "identity and time round-trip: %s '%s' '%s'", err.msg, r.store_uuid, r.run_uuid);
    ckpt_state_free(&r);
    char hs[37], hr[37];
    CHECK(ckpt_ident_read(path, hs, hr, &err) == 0 && !strcmp(hs, su) && !strcmp(hr, ru),
          "state identity from the header: '%s' '%s'", hs, hr);
    /* the same as version 1: no time, no identity */
    long len;
    unsigned char *p = slurp(path, &len);
    const long at = 24 + 168 - 8, cut = 8 + 72; /* ep_seconds and the two UUIDs */
    unsigned char *q = malloc((size_t)len);
    memcpy(q, p, (size_t)at);
    memcpy(q + at, p + at + cut, (size_t)(len - at - cut));
    long qlen = len - cut;
    q[8] = 1;
    uint64_t payload = (uint64_t)(qlen - 24 - 8);
    for (int k = 0; k < 8; k++) q[16 + k] = (unsigned char)(payload >> (8 * k));
    uint64_t h = fnv1a(q, (size_t)(qlen - 8));
    for (int k = 0; k < 8; k++) q[qlen - 8 + k] = (unsigned char)(h >> (8 * k));
    test_write_file(old, q, qlen);
    CHECK(ckpt_state_load(old, &r, &b, "lstm", &err) == 0 && !r.store_uuid[0] &&
              r.ep_seconds == 0 && r.epoch == 2 &&
              !memcmp(a.block, b.block, sizeof(float) * a.nparams),
          "a version-1 state loads: %s", err.msg);
    ckpt_state_free(&r);
    CHECK(ckpt_ident_read(old, hs, hr, &err) == 0 && !hs[0] && !hr[0], "version 1: no identity");
    free(p), free(q);
    /* weights */
    st_kv extra[] = {{"store_uuid", su}, {"run_uuid", ru}};
    CHECK(ckpt_save(w, &a, "lstm", extra, 2, &err) == 0, "save: %s", err.msg);
    CHECK(ckpt_ident_read(w, hs, hr, &err) == 0 && !strcmp(hs, su) && !strcmp(hr, ru),
          "weights identity: '%s' '%s'", hs, hr);
    /* the check */
    CHECK(ckpt_ident_check(w, su, ru, su, ru, 3, &err) == 0, "own file passes");
    CHECK(ckpt_ident_check(w, "", "", su, ru, 3, &err) == 0, "a file without identity passes");
    const char *other = "99999999-2222-4333-8444-555555555555";
    CHECK(ckpt_ident_check(w, su, ru, other, ru, 3, &err) == -1 && strstr(err.msg, su) &&
              strstr(err.msg, other) && strstr(err.msg, "two stores") &&
              strstr(err.msg, "ident.safetensors"),
          "another store's file: %s", err.msg);
    CHECK(ckpt_ident_check(w, su, ru, su, other, 3, &err) == -1 && strstr(err.msg, "run 3") &&
              strstr(err.msg, "two runs"),
          "another run's file: %s", err.msg);
    net_free(&a);
    net_free(&b);
}

/* NaN or infinite numbers in a file are refused, naming the file and the tensor (weights) or
 * the part and layer (state), and the net is left as it was. */
static void test_nonfinite(void)
{
    net a, b;
    ae_err err;
    char w[1200], st[1200];
    snprintf(w, sizeof w, "%s/nan.safetensors", dir);
    snprintf(st, sizeof st, "%s/nan.state", dir);
    if (build(&a, "cnn", (net_shape){3, 8, 8, 3}, 5, 1) ||
        build(&b, "cnn", (net_shape){3, 8, 8, 3}, 5, 2))
        return;
    float *keep = malloc(sizeof(float) * (size_t)b.nparams);
    memcpy(keep, b.block, sizeof(float) * (size_t)b.nparams);
    int L = a.nlayers - 1;
    while (L > 0 && !a.layers[L].nparams) L--;
    a.params[a.layers[L].b_off] = NAN; /* the last layer's first bias: decoder.deconv3.bias */
    CHECK(ckpt_save(w, &a, "cnn", NULL, 0, &err) == 0, "save: %s", err.msg);
    CHECK(ckpt_load(w, &b, "cnn", &err) == -1 && strstr(err.msg, "nan.safetensors") &&
              strstr(err.msg, "decoder.deconv3.bias") && strstr(err.msg, "NaN"),
          "NaN weight refused: %s", err.msg);
    CHECK(!memcmp(keep, b.block, sizeof(float) * (size_t)b.nparams), "net unchanged");
    a.params[a.layers[L].b_off] = 0.5f;
    a.params[3] = -INFINITY; /* the first conv's weights */
    CHECK(ckpt_save(w, &a, "cnn", NULL, 0, &err) == 0, "save: %s", err.msg);
    CHECK(ckpt_load(w, &b, "cnn", &err) == -1 && strstr(err.msg, "encoder.conv1.weight") &&
              strstr(err.msg, "infinite"),
          "infinite weight refused: %s", err.msg);
    a.params[3] = 0.1f;
    int order[4] = {0, 1, 2, 3};
    float losses[1] = {0.5f};
    ckpt_state s = {.model = "cnn",
                    .run = 1,
                    .epoch = 1,
                    .batch = 1,
                    .nbatches = 1,
                    .n_train = 4,
                    .order = order,
                    .batch_losses = losses};
    a.m[7] = INFINITY;
    CHECK(ckpt_state_save(st, &s, &a, &err) == 0, "save: %s", err.msg);
    ckpt_state r;
    CHECK(ckpt_state_load(st, &r, &b, "cnn", &err) == -1 && strstr(err.msg, "nan.state") &&
              strstr(err.msg, "first Adam moments") && strstr(err.msg, "parameter 7") &&
              strstr(err.msg, a.layers[0].name),
          "infinite moment refused: %s", err.msg);
    CHECK(!memcmp(keep, b.block, sizeof(float) * (size_t)b.nparams), "net unchanged");
    free(keep);
    net_free(&a);
    net_free(&b);
}

int main(void)
{
    test_tmpdir("checkpoint", dir, sizeof dir);
    test_round_trip("cnn", (net_shape){3, 8, 8, 3}, 5);
    test_round_trip("cnn-flat", (net_shape){3, 8, 12, 1}, 3);
    test_round_trip("cnn-deep", (net_shape){3, 16, 8, 3}, 7);
    test_round_trip("lstm", (net_shape){2, 6, 1, 3}, 4);
    test_layout();
    test_lstm_layout();
    test_bad_files();
    test_model_checks();
    test_state();
    test_hostile_shapes();
    test_ident();
    test_nonfinite();
    return test_done();
}

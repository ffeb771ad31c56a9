/* test_owndata.c: your own data (dspec.h) from the files to the datasets: the SHA-256 fast
 * path, scaling, the spec's text form, splits (seeded, stratified, by time), the .npy reader,
 * PNG/JPEG decoding (files written by libpng here and by PIL when /usr/bin/python3 has it),
 * resizing, image folders, and ds_spec_load on every format with good and bad files. */
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dspec.h"
#include "image.h"
#include "npy.h"
#include "sha256.h"
#include "testlib.h"

static char dir[1024];

static int has(const char *s, const char *sub)
{
    return strstr(s, sub) != NULL;
}

static const char *at(const char *name)
{
    static char p[4][1200];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static void write_text(const char *name, const char *text)
{
    test_write_file(at(name), text, (long)strlen(text));
}

static void test_sha(void)
{
    unsigned char *b = malloc(5000);
    for (int i = 0; i < 5000; i++) b[i] = (unsigned char)(i * 131 + 7);
    int same = 1;
    for (int len = 0; len < 5000; len += 37) { /* every tail length, chunked updates */
        sha256_ctx a, p;
        sha256_init(&a);
        sha256_init(&p);
        p.plain = 1;
        for (int k = 0; k < len; k += 100) sha256_update(&a, b + k, len - k < 100 ? len - k : 100);
        sha256_update(&p, b, len);
        char x[65], y[65];
        sha256_hex(&a, x);
        sha256_hex(&p, y);
        same &= !strcmp(x, y);
    }
    CHECK(same, "accelerated (%d) and plain SHA-256 agree", sha256_accelerated());
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, "abc", 3);
    char h[65];
    sha256_hex(&c, h);
    CHECK(!strcmp(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
          "FIPS 'abc': %s", h);
    free(b);
}

static void test_scaling(void)
{
    float x[6] = {1, 10, 3, 10, 5, 10}; /* 3 rows of 2 features; feature 2 constant */
    ds_scaling s;
    ae_err err = {{0}};
    CHECK(ds_scaling_fit(&s, DS_SCALE_MINMAX, x, 3, 2, &err) == 0 && s.offset[0] == 1 &&
              s.scale[0] == 4 && s.scale[1] == 1,
          "minmax fit: %s", err.msg);
    float y[6];
    memcpy(y, x, sizeof y);
    ds_scaling_apply(&s, y, 3);
    CHECK(y[0] == 0 && y[2] == 0.5f && y[4] == 1 && y[1] == 0, "applied: %g %g %g", y[0], y[2],
          y[4]);
    ds_scaling_undo(&s, y, 3);
    CHECK(!memcmp(x, y, sizeof x), "undone");
    char *json = ds_scaling_to_json(&s);
    ds_scaling t;
    CHECK(json && ds_scaling_from_json(json, &t, &err) == 0 && t.n == 2 &&
              t.kind == DS_SCALE_MINMAX && !memcmp(t.offset, s.offset, 8) &&
              !memcmp(t.scale, s.scale, 8),
          "json round trip: %s", json ? json : "(null)");
    free(json);
    ds_scaling_free(&t);
    ds_scaling_free(&s);
    CHECK(ds_scaling_fit(&s, DS_SCALE_ZSCORE, x, 3, 2, &err) == 0 && s.offset[0] == 3 &&
              fabsf(s.scale[0] - sqrtf(8.0f / 3)) < 1e-6f,
          "zscore");
    json = ds_scaling_to_json(&s);
    CHECK(json && has(json, "\"zscore\""), "zscore json: %s", json);
    free(json);
    ds_scaling_free(&s);
    const char *bad[] = {"",
                         "{}",
                         "{\"kind\": \"minmax\", \"offset\": [1], \"scale\": [0]}",
                         "{\"kind\": \"x\", \"offset\": [1], \"scale\": [1]}",
                         "{\"kind\": \"none\", \"offset\": [1, 2], \"scale\": [1]}",
                         "{\"kind\": \"none\", \"offset\": [1], \"scale\": [1]} x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(ds_scaling_from_json(bad[i], &t, &err) == -1, "bad json %zu accepted", i);
    float nan[2] = {1, NAN};
    CHECK(ds_scaling_fit(&s, DS_SCALE_MINMAX, nan, 1, 2, &err) == -1 && has(err.msg, "feature 2"),
          "non-finite: %s", err.msg);
}

static void test_spec_text(void)
{
    ds_spec s, t;
    ae_err err = {{0}};
    ds_spec_init(&s);
    s.format = DSF_SERIES;
    snprintf(s.path, sizeof s.path, "/data/my sensor's log.csv");
    CHECK(ds_spec_set(&s, "window", "48", &err) == 0 &&
              ds_spec_set(&s, "columns", "a b,c", &err) == 0 &&
              ds_spec_set(&s, "test-frac", "0.3", &err) == 0 &&
              ds_spec_set(&s, "missing", "interpolate", &err) == 0 &&
              ds_spec_set(&s, "no-header", NULL, &err) == 0,
          "set: %s", err.msg);
    char text[DS_SPEC_TEXT_MAX];
    CHECK(ds_spec_to_text(&s, text, sizeof text, &err) == 0, "text: %s", err.msg);
    CHECK(!strcmp(text, "series '/data/my sensor'\\''s log.csv' --test-frac 0.29999999999999999 "
                        "--no-header --window 48 --columns 'a b,c' --missing interpolate"),
          "canonical: %s", text);
    snprintf(t.name, sizeof t.name, "keep");
    CHECK(ds_spec_from_text(text, &t, &err) == 0 && !strcmp(t.name, "keep") &&
              !strcmp(t.path, s.path) && t.window == 48 && !strcmp(t.columns, "a b,c") &&
              t.test_frac == 0.3 && t.header == 0 && t.missing == DS_MISSING_INTERPOLATE,
          "parse back: %s", err.msg);
    char again[DS_SPEC_TEXT_MAX];
    ds_spec_to_text(&t, again, sizeof again, &err);
    CHECK(!strcmp(text, again), "same text twice");
    /* bad values and texts */
    struct {
        const char *opt, *val, *want;
    } bad[] = {{"window", "0", "--window"},
               {"window", "x", "'x'"},
               {"size", "64", "HxW"},
               {"size", "0x5", "HxW"},
               {"test-frac", "1", "below 1"},
               {"scale", "log", "minmax"},
               {"channels", "2", "1 (gray)"},
               {"label-col", "-1", "--label-col"},
               {"missing", "skip", "drop"},
               {"nope", "1", "not a data option"},
               {"columns", "a\033b", "control"},
               {"split-seed", "-3", "whole number"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(ds_spec_set(&s, bad[i].opt, bad[i].val, &err) == -1 && has(err.msg, bad[i].want),
              "--%s %s: %s", bad[i].opt, bad[i].val, err.msg);
    CHECK(ds_spec_from_text("csv", &t, &err) == -1 && has(err.msg, "no path"), "no path: %s",
          err.msg);
    CHECK(ds_spec_from_text("tiff /x", &t, &err) == -1, "bad format");
    CHECK(ds_spec_from_text("csv '/x", &t, &err) == -1 && has(err.msg, "quote"), "quote: %s",
          err.msg);
    CHECK(ds_spec_from_text("csv /x --window", &t, &err) == -1 && has(err.msg, "needs a value"),
          "value: %s", err.msg);
    CHECK(ds_spec_from_text("csv /x window 3", &t, &err) == -1, "not an option");
    /* names */
    char name[32];
    ds_spec_default_name("/d/ECG200_TRAIN.tsv", name);
    CHECK(!strcmp(name, "ECG200_TRAIN"), "name: %s", name);
    ds_spec_default_name("/d/my photos/", name);
    CHECK(!strcmp(name, "my_photos"), "folder name: %s", name);
    ds_spec_default_name("/d/mnist.csv", name);
    CHECK(!strcmp(name, "mnist-own"), "builtin clash: %s", name);
    CHECK(ds_name_check("ecg-200_v1.2", &err) == 0, "good name");
    CHECK(ds_name_check("", &err) == -1 && ds_name_check("-x", &err) == -1 &&
              ds_name_check("a b", &err) == -1 && ds_name_check("cifar10", &err) == -1 &&
              ds_name_check("0123456789012345678901234567890123", &err) == -1,
          "bad names");
    /* detection */
    write_text("d.csv", "1,2\n");
    ds_spec_init(&s);
    snprintf(s.path, sizeof s.path, "%s", at("d.csv"));
    CHECK(ds_spec_detect(&s, &err) == 0 && s.format == DSF_CSV && s.path[0] == '/', "csv: %s",
          err.msg);
    s.format = 0, s.window = 4;
    CHECK(ds_spec_detect(&s, &err) == 0 && s.format == DSF_SERIES, "series by --window");
    s.format = DSF_CSV;
    CHECK(ds_spec_detect(&s, &err) == -1 && has(err.msg, "--window is not for csv"),
          "window on csv: %s", err.msg);
    ds_spec_init(&s);
    snprintf(s.path, sizeof s.path, "%s", dir);
    CHECK(ds_spec_detect(&s, &err) == 0 && s.format == DSF_FOLDER, "folder");
    s.size_h = 0, s.crop = 1;
    CHECK(ds_spec_detect(&s, &err) == -1 && has(err.msg, "--size"), "crop needs size: %s", err.msg);
    ds_spec_init(&s);
    snprintf(s.path, sizeof s.path, "%s", at("missing.csv"));
    CHECK(ds_spec_detect(&s, &err) == -1 && has(err.msg, "missing.csv") && has(err.msg, "no such"),
          "missing: %s", err.msg);
}

static int load(const char *spec_text, int ntr, int nte, dataset *tr, dataset *te, ae_err *err)
{
    ds_spec s;
    s.name[0] = 0;
    if (ds_spec_from_text(spec_text, &s, err)) return -1;
    snprintf(s.name, sizeof s.name, "mine");
    ds_load_req rq = {.ntrain = ntr, .ntest = nte, .threads = 2};
    return ds_spec_load(&s, &rq, tr, te, err);
}

static void test_csv_load(void)
{
    /* 50 rows, 2 classes of 25: stratified 20% is 5 + 5 test samples */
    char text[20000];
    size_t k = 0;
    for (int i = 0; i < 50; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "%d,%d,%d,%d\n", i % 2 ? 2 : 1, 100 + i,
                              200 - i, i * 3);
    write_text("rows.csv", text);
    dataset tr, te, tr2, te2;
    ae_err err = {{0}};
    char spec[1200];
    snprintf(spec, sizeof spec, "csv %s", at("rows.csv"));
    CHECK(load(spec, 0, 0, &tr, &te, &err) == 0, "load: %s", err.msg);
    int c0 = 0;
    for (int i = 0; i < te.n; i++) c0 += te.labels[i] == 0;
    CHECK(tr.n == 40 && te.n == 10 && c0 == 5 && tr.t == 3 && tr.f == 1 && !strcmp(tr.name, "mine"),
          "split: %d / %d, %d of class 0", tr.n, te.n, c0);
    float lo = 1e9f, hi = -1e9f;
    for (int i = 0; i < tr.n * tr.dim; i++) lo = fminf(lo, tr.f32[i]), hi = fmaxf(hi, tr.f32[i]);
    CHECK(lo == 0 && hi == 1 && tr.scaling.n == 1, "training split scaled to [0,1]: %g %g", lo, hi);
    /* the units come back: sample i of the test split is row src_index[i] of the file */
    float v[3];
    ds_sample(&te, 0, v);
    ds_scaling_undo(&te.scaling, v, 3);
    int row = (int)te.src_index[0];
    CHECK(fabsf(v[0] - (100 + row)) < 1e-3f && fabsf(v[2] - row * 3) < 1e-3f,
          "undo gives the CSV's units: %g for %d", v[0], 100 + row);
    /* same spec, same arrays; another seed, another split */
    CHECK(load(spec, 0, 0, &tr2, &te2, &err) == 0 &&
              !memcmp(tr.f32, tr2.f32, sizeof(float) * 120) &&
              !memcmp(te.src_index, te2.src_index, sizeof(int64_t) * 10) &&
              !strcmp(tr.sha256, tr2.sha256),
          "deterministic");
    ds_free(&tr2), ds_free(&te2);
    snprintf(spec, sizeof spec, "csv %s --split-seed 7", at("rows.csv"));
    CHECK(load(spec, 0, 0, &tr2, &te2, &err) == 0 &&
              memcmp(te.src_index, te2.src_index, sizeof(int64_t) * 10),
          "seeded: %s", err.msg);
    ds_free(&tr2), ds_free(&te2);
    /* the content hash is the file's SHA-256 */
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, text, strlen(text));
    char h[65];
    sha256_hex(&c, h);
    CHECK(!strcmp(tr.sha256, h), "content hash: %s", tr.sha256);
    /* caps, the test split alone (scaled with the training split's numbers) */
    snprintf(spec, sizeof spec, "csv %s", at("rows.csv"));
    CHECK(load(spec, 10, -1, &tr2, NULL, &err) == 0 && tr2.n == 10 &&
              !memcmp(tr2.f32, tr.f32, sizeof(float) * 30),
          "first 10: %s", err.msg);
    ds_free(&tr2);
    CHECK(load(spec, -1, 3, NULL, &te2, &err) == 0 && te2.n == 3 &&
              !memcmp(te2.f32, te.f32, sizeof(float) * 9),
          "test alone: %s", err.msg);
    ds_free(&te2);
    CHECK(load(spec, 41, 0, &tr2, &te2, &err) == -1 && has(err.msg, "41 training samples") &&
              has(err.msg, "holds 40"),
          "too many: %s", err.msg);
    /* zscore, a separate test file with a class the training file lacks */
    write_text("test.csv", "3,1,2,3\n1,4,5,6\n");
    snprintf(spec, sizeof spec, "csv %s --test-data %s --scale zscore", at("rows.csv"),
             at("test.csv"));
    CHECK(load(spec, 0, 0, &tr2, &te2, &err) == 0 && tr2.n == 50 && te2.n == 2 &&
              te2.nclasses == 3 && tr2.nclasses == 3 && te2.labels[0] == 2 && te2.labels[1] == 0 &&
              tr2.scaling.kind == DS_SCALE_ZSCORE && strcmp(tr2.sha256, tr.sha256),
          "test file: %s (classes %d)", err.msg, te2.nclasses);
    ds_free(&tr2), ds_free(&te2);
    write_text("test3.csv", "1,2,3\n");
    snprintf(spec, sizeof spec, "csv %s --test-data %s --label-col none", at("rows.csv"),
             at("test3.csv"));
    CHECK(load(spec, 0, 0, &tr2, &te2, &err) == -1 && has(err.msg, "same shape") && has(err.msg, "test3.csv 3x1"), "shapes: %s",
          err.msg);
    snprintf(spec, sizeof spec, "csv %s --test-frac 0", at("rows.csv"));
    CHECK(load(spec, 0, 0, &tr2, &te2, &err) == -1 && has(err.msg, "no test samples"), "frac 0: %s",
          err.msg);
    ds_free(&tr), ds_free(&te);
}

static void test_series_load(void)
{
    /* 100 rows, value = row number: windows of 10, stride 5, last 20% for testing */
    char text[8000];
    size_t k = (size_t)snprintf(text, sizeof text, "timestamp,value\n");
    for (int i = 0; i < 100; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "2020-01-01 %02d:%02d:00,%d\n", i / 60,
                              i % 60, 1000 + i);
    write_text("series.csv", text);
    dataset tr, te;
    ae_err err = {{0}};
    char spec[1200];
    snprintf(spec, sizeof spec, "series %s --window 10 --stride 5", at("series.csv"));
    CHECK(load(spec, 0, 0, &tr, &te, &err) == 0, "series: %s", err.msg);
    /* training rows 0..79: starts 0,5,...,70 (15 windows); test rows 80..99: 80, 85, 90 */
    CHECK(tr.n == 15 && te.n == 3 && tr.t == 10 && tr.f == 1 && tr.rows == 80 && te.row0 == 80 &&
              te.src_index[2] == 90 && tr.time_kind == DS_TIME_DATE,
          "windows: %d %d rows %lld row0 %lld", tr.n, te.n, (long long)tr.rows, (long long)te.row0);
    float w[10];
    ds_sample(&te, 1, w);
    ds_scaling_undo(&te.scaling, w, 10);
    CHECK(fabsf(w[0] - 1085) < 1e-2f && fabsf(w[9] - 1094) < 1e-2f, "window in units: %g %g", w[0],
          w[9]);
    CHECK(te.times && te.times[5] - te.times[0] == 300, "times kept");
    ds_sample(&tr, 14, w);
    CHECK(w[9] == 79.0f / 79.0f, "the last training window ends at the cut, scaled to 1: %g", w[9]);
    ds_free(&tr), ds_free(&te);
    /* a stride that misses the end gets a last window ending there; gather is time-major */
    snprintf(spec, sizeof spec, "series %s --window 10 --stride 7 --test-frac 0.25",
             at("series.csv"));
    CHECK(load(spec, 0, 0, &tr, &te, &err) == 0 && te.n == 4 && te.starts[3] == 15 &&
              tr.starts[tr.n - 1] == 65,
          "end covered: %d %lld", te.n, te.n ? (long long)te.starts[te.n - 1] : -1LL);
    ds_free(&tr), ds_free(&te);
    snprintf(spec, sizeof spec, "series %s --window 30", at("series.csv"));
    CHECK(load(spec, 0, 0, &tr, &te, &err) == -1 && has(err.msg, "the test part has 20 rows") &&
              has(err.msg, "--window"),
          "short test part: %s", err.msg);
    /* whole: every window of the file, the run's scaling given back */
    ds_scaling fixed = {0};
    float x[2] = {0, 2000};
    ds_scaling_fit(&fixed, DS_SCALE_MINMAX, x, 2, 1, &err);
    ds_spec s;
    ds_spec_from_text(spec, &s, &err);
    s.window = 10, s.stride = 10;
    ds_load_req rq = {.whole = 1, .fixed = &fixed};
    CHECK(ds_spec_load(&s, &rq, &tr, NULL, &err) == 0 && tr.n == 10 && tr.rows == 100 &&
              fabsf(tr.f32[0] - 0.5f) < 1e-6f,
          "whole with a fixed scaling: %s", err.msg);
    ds_free(&tr);
    ds_scaling_free(&fixed);
}

static void write_npy_f32(const char *name, const float *v, int nd, int64_t a, int64_t b, int64_t c,
                          int64_t e)
{
    int64_t shape[4] = {a, b, c, e};
    ae_err err;
    npy_write_f32(at(name), v, nd, shape, &err);
}

static void test_npy_load(void)
{
    ae_err err = {{0}};
    dataset d, tr, te;
    float v[40];
    for (int i = 0; i < 40; i++) v[i] = (float)i / 40;
    write_npy_f32("seq.npy", v, 3, 10, 2, 2, 0);
    CHECK(npyds_read(at("seq.npy"), NULL, &d, &err) == 0 && d.kind == DS_SEQUENCES && d.n == 10 &&
              d.t == 2 && d.f == 2 && !d.labelled,
          "sequences: %s", err.msg);
    ds_free(&d);
    write_npy_f32("vec.npy", v, 2, 10, 4, 0, 0);
    CHECK(npyds_read(at("vec.npy"), NULL, &d, &err) == 0 && d.t == 1 && d.f == 4, "vectors: %s",
          err.msg);
    ds_free(&d);
    write_npy_f32("img.npy", v, 4, 10, 2, 2, 1);
    CHECK(npyds_read(at("img.npy"), NULL, &d, &err) == 0 && d.kind == DS_IMAGES && d.h == 2 &&
              d.w == 2 && d.c == 1 && d.f32 && !d.u8,
          "float images: %s", err.msg);
    ds_free(&d);
    uint8_t px[10 * 4 * 4 * 3];
    for (size_t i = 0; i < sizeof px; i++) px[i] = (uint8_t)i;
    int64_t shape[4] = {10, 4, 4, 3};
    npy_write_u8(at("u8.npy"), px, 4, shape, &err);
    CHECK(npyds_read(at("u8.npy"), NULL, &d, &err) == 0 && d.kind == DS_IMAGES && d.c == 3 && d.u8,
          "uint8 images: %s", err.msg);
    ds_free(&d);
    float lab[10] = {3, 3, 5, 3, 5, 3, 5, 3, 5, 9};
    int64_t ls[1] = {10};
    (void)lab;
    uint8_t lu[10] = {3, 3, 5, 3, 5, 3, 5, 3, 5, 9};
    npy_write_u8(at("y.npy"), lu, 1, ls, &err);
    char spec[2400];
    snprintf(spec, sizeof spec, "npy %s --labels %s --test-frac 0.5", at("vec.npy"), at("y.npy"));
    CHECK(load(spec, 0, 0, &tr, &te, &err) == 0 && tr.nclasses == 3 &&
              !strcmp(tr.class_names[2], "9") && tr.n + te.n == 10 && tr.labelled,
          "labels: %s", err.msg);
    ds_free(&tr), ds_free(&te);
    v[7] = NAN;
    write_npy_f32("nan.npy", v, 2, 10, 4, 0, 0);
    CHECK(npyds_read(at("nan.npy"), NULL, &d, &err) == -1 && has(err.msg, "sample 1, value 3"),
          "nan: %s", err.msg);
    v[7] = 2;
    write_npy_f32("big.npy", v, 4, 10, 2, 2, 1);
    CHECK(npyds_read(at("big.npy"), NULL, &d, &err) == -1 && has(err.msg, "[0, 1]"), "range: %s",
          err.msg);
    write_npy_f32("c2.npy", v, 4, 5, 2, 1, 4);
    CHECK(npyds_read(at("c2.npy"), NULL, &d, &err) == -1 && has(err.msg, "4 channels"),
          "channels: %s", err.msg);
    write_npy_f32("one.npy", v, 1, 40, 0, 0, 0);
    CHECK(npyds_read(at("one.npy"), NULL, &d, &err) == -1 && has(err.msg, "1 dimensions"),
          "1-d: %s", err.msg);
    uint8_t l9[9] = {0};
    int64_t s9[1] = {9};
    npy_write_u8(at("y9.npy"), l9, 1, s9, &err);
    CHECK(npyds_read(at("vec.npy"), at("y9.npy"), &d, &err) == -1 && has(err.msg, "10 samples"),
          "label count: %s", err.msg);
}

/* A gray or RGB PNG through libpng (pattern: a ramp plus the image's number). */
static void write_png(const char *path, int h, int w, int c, int seed)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = (unsigned)w, pi.height = (unsigned)h;
    pi.format = c == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    uint8_t *px = malloc((size_t)h * w * c);
    for (int i = 0; i < h * w * c; i++) px[i] = (uint8_t)(i * 7 + seed * 13);
    png_image_write_to_file(&pi, path, 0, px, 0, NULL);
    free(px);
}

static void test_images(void)
{
    ae_err err = {{0}};
    /* resizing: area means, bilinear, crop */
    uint8_t px4[16] = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150};
    image in = {4, 4, 1, px4}, out;
    CHECK(image_resize(&in, 2, 2, 0, &out, &err) == 0 && out.px[0] == 25 && out.px[1] == 45 &&
              out.px[3] == 125,
          "area 4->2: %d %d %d", out.px[0], out.px[1], out.px[3]);
    image_free(&out);
    CHECK(image_resize(&in, 3, 3, 0, &out, &err) == 0, "area 4->3");
    /* output 0 covers input [0, 4/3): (0 + 10/3) / (4/3) = 2.5 horizontally, rows alike */
    CHECK(out.px[0] == (int)((0 * 1 + 10 * (1.0 / 3)) / (4.0 / 3) +
                             40 * (1.0 / 3) / (4.0 / 3) * (1.0 + 0.25) + 0.5) ||
              out.px[0] == 13 || out.px[0] == 12,
          "fractional area: %d", out.px[0]);
    image_free(&out);
    uint8_t px2[4] = {0, 100, 100, 200};
    image in2 = {2, 2, 1, px2};
    CHECK(image_resize(&in2, 4, 4, 0, &out, &err) == 0 && out.px[0] == 0 && out.px[1] == 25 &&
              out.px[15] == 200 && out.px[5] == 50,
          "bilinear 2->4: %d %d %d %d", out.px[0], out.px[1], out.px[5], out.px[15]);
    image_free(&out);
    uint8_t px6[12] = {9, 1, 2, 3, 4, 9, 9, 5, 6, 7, 8, 9}; /* 2x6: crop to the middle 2x2 */
    image in6 = {2, 6, 1, px6};
    CHECK(image_resize(&in6, 2, 2, 1, &out, &err) == 0 && out.px[0] == 2 && out.px[1] == 3 &&
              out.px[2] == 6,
          "crop center: %d %d %d", out.px[0], out.px[1], out.px[2]);
    image_free(&out);
    uint8_t rgb[3] = {255, 0, 0};
    image im = {1, 1, 3, malloc(3)};
    memcpy(im.px, rgb, 3);
    CHECK(image_channels(&im, 1, &err) == 0 && im.c == 1 && im.px[0] == 76, "luma: %d", im.px[0]);
    CHECK(image_channels(&im, 3, &err) == 0 && im.px[2] == 76, "gray to RGB");
    image_free(&im);
    /* decoding bad data */
    CHECK(image_decode("GIF89a", 6, "x.gif", 0, 0, &out, &err) == -1 && has(err.msg, "x.gif") &&
              has(err.msg, "neither"),
          "gif: %s", err.msg);
    CHECK(image_decode("", 0, "e.png", 0, 0, &out, &err) == -1 && has(err.msg, "empty"), "empty");
    CHECK(image_decode("\x89PNG\r\n\x1a\nxxxx", 12, "t.png", 0, 0, &out, &err) == -1 &&
              has(err.msg, "t.png"),
          "truncated png: %s", err.msg);
    CHECK(image_decode("\xFF\xD8\xFF\xE0zz", 6, "t.jpg", 0, 0, &out, &err) == -1 &&
              has(err.msg, "t.jpg"),
          "truncated jpeg: %s", err.msg);
    /* a folder: two classes, a hidden file, a text file, an image at the top */
    char p[1400];
    snprintf(p, sizeof p, "%s/imgs", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/imgs/cat", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/imgs/dog", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/imgs/empty", dir);
    mkdir(p, 0755);
    for (int i = 0; i < 10; i++) {
        snprintf(p, sizeof p, "%s/imgs/%s/%d.PNG", dir, i % 2 ? "dog" : "cat", i);
        write_png(p, 8, 12, i == 3 ? 3 : 1, i);
    }
    write_text("imgs/notes.txt", "not an image");
    write_text("imgs/cat/.hidden.png", "junk");
    dataset tr, te;
    char spec[1400];
    snprintf(spec, sizeof spec, "folder %s/imgs", dir);
    CHECK(load(spec, 0, 0, &tr, &te, &err) == 0, "folder: %s", err.msg);
    CHECK(tr.n == 8 && te.n == 2 && tr.nclasses == 2 && !strcmp(tr.class_names[1], "dog") &&
              tr.h == 8 && tr.w == 12 && tr.c == 3 && te.c == 3 && tr.labelled,
          "folder: %d/%d %dx%dx%d classes %d", tr.n, te.n, tr.h, tr.w, tr.c, tr.nclasses);
    CHECK(te.labels[0] != te.labels[1], "stratified: one test image per class");
    ds_free(&tr), ds_free(&te);
    /* the test split alone has the same channels (judged over the whole folder) */
    CHECK(load(spec, -1, 0, NULL, &te, &err) == 0 && te.c == 3 && te.n == 2, "test alone: %s",
          err.msg);
    ds_free(&te);
    snprintf(spec, sizeof spec, "folder %s/imgs --size 4x4 --channels 1 --crop center", dir);
    CHECK(load(spec, 0, 0, &tr, &te, &err) == 0 && tr.h == 4 && tr.w == 4 && tr.c == 1, "size: %s",
          err.msg);
    ds_free(&tr), ds_free(&te);
    snprintf(p, sizeof p, "%s/imgs/dog/odd.png", dir);
    write_png(p, 9, 12, 1, 0);
    snprintf(spec, sizeof spec, "folder %s/imgs", dir);
    CHECK(load(spec, 0, 0, &tr, &te, &err) == -1 && has(err.msg, "different sizes") &&
              has(err.msg, "cat/0.PNG is 8x12") && has(err.msg, "dog/odd.png is 9x12") &&
              has(err.msg, "--size"),
          "sizes: %s", err.msg);
    write_text("imgs/dog/odd.png", "\x89PNG\r\n\x1a\n but not really");
    CHECK(load(spec, 0, 0, &tr, &te, &err) == -1 && has(err.msg, "odd.png"), "bad png: %s",
          err.msg);
    unlink(at("imgs/dog/odd.png"));
    snprintf(p, sizeof p, "%s/imgs/top.png", dir);
    write_png(p, 8, 12, 1, 0);
    CHECK(load(spec, 0, 0, &tr, &te, &err) == 0 && tr.nclasses == 3 &&
              !strcmp(tr.class_names[2], "(unlabelled)"),
          "top-level files: %s", err.msg);
    ds_free(&tr), ds_free(&te);
    snprintf(p, sizeof p, "%s/noimgs", dir);
    mkdir(p, 0755);
    snprintf(spec, sizeof spec, "folder %s/noimgs", dir);
    CHECK(load(spec, 0, 0, &tr, &te, &err) == -1 && has(err.msg, "no PNG or JPEG"), "empty: %s",
          err.msg);
    /* files PIL wrote: a palette PNG with alpha, a 16-bit gray PNG, a JPEG; their pixels */
    if (access("/usr/bin/python3", X_OK) == 0 &&
        system("/usr/bin/python3 -c 'import PIL' 2>/dev/null") == 0) {
        char cmd[4000];
        snprintf(p, sizeof p, "%s/pil", dir);
        mkdir(p, 0755);
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 - '%s' <<'EOF'\n"
                 "import sys\n"
                 "from PIL import Image\n"
                 "d = sys.argv[1]\n"
                 "im = Image.new('RGB', (16, 8))\n"
                 "im.putdata([(x * 16, y * 32, 100) for y in range(8) for x in range(16)])\n"
                 "im.save(d + '/a.png')\n"
                 "im.save(d + '/b.jpg', quality=95)\n"
                 "im.convert('P').save(d + '/c.png')\n"
                 "Image.new('I;16', (16, 8), 65535).save(d + '/d.png')\n"
                 "Image.new('LA', (16, 8), (200, 0)).save(d + '/e.png')\n"
                 "big = Image.effect_noise((64, 64), 60).convert('RGB')\n"
                 "big.save(d + '/big.jpg', quality=90)\n"
                 "b = open(d + '/big.jpg', 'rb').read()\n"
                 "open(d + '/cut.jpg', 'wb').write(b[:len(b) // 2])\n"
                 "EOF",
                 p);
        CHECK(system(cmd) == 0, "PIL wrote the files");
        char f[1500];
        const char *names[] = {"a.png", "b.jpg", "c.png", "d.png", "e.png"};
        for (int i = 0; i < 5; i++) {
            snprintf(f, sizeof f, "%s/%s", p, names[i]);
            FILE *fp = fopen(f, "rb");
            static uint8_t buf[1 << 16];
            size_t n = fp ? fread(buf, 1, sizeof buf, fp) : 0;
            if (fp) fclose(fp);
            image m;
            int rc = image_decode(buf, n, names[i], 0, 0, &m, &err);
            CHECK(rc == 0 && m.h == 8 && m.w == 16, "%s: %s", names[i], err.msg);
            if (rc) continue;
            if (i == 0)
                CHECK(m.c == 3 && m.px[(3 * 16 + 5) * 3] == 80 && m.px[(3 * 16 + 5) * 3 + 1] == 96,
                      "png pixels");
            if (i == 1)
                CHECK(m.c == 3 && abs(m.px[(3 * 16 + 5) * 3] - 80) < 6, "jpeg pixels: %d",
                      m.px[(3 * 16 + 5) * 3]);
            if (i == 3) CHECK(m.c == 1 && m.px[0] == 255, "16-bit gray: %d", m.px[0]);
            if (i == 4) CHECK(m.c == 1 && m.px[0] == 0, "transparent on black: %d", m.px[0]);
            image_free(&m);
        }
        snprintf(f, sizeof f, "%s/cut.jpg", p);
        FILE *fp = fopen(f, "rb");
        static uint8_t cut[1 << 16];
        size_t n = fp ? fread(cut, 1, sizeof cut, fp) : 0;
        if (fp) fclose(fp);
        image m;
        CHECK(image_decode(cut, n, "cut.jpg", 0, 0, &m, &err) == -1 && has(err.msg, "cut.jpg") &&
                  has(err.msg, "damaged"),
              "a cut JPEG is refused: %s", err.msg);
    } else {
        printf(
            "note: /usr/bin/python3 with PIL not found: files from another encoder not tested\n");
    }
}

int main(void)
{
    if (!test_tmpdir("test_owndata", dir, sizeof dir)) test_skip("no temporary directory");
    test_sha();
    test_scaling();
    test_spec_text();
    test_csv_load();
    test_series_load();
    test_npy_load();
    test_images();
    return test_done();
}

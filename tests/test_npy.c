/* test_npy.c: the .npy reader and writer: round trips, conversions, format versions, and every
 * kind of malformed file (each must fail with a message that names the file). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "testlib.h"

static char dir[1024];

/* A .npy image in buf: magic, version major.0, the dict padded to 64, then data. */
static size_t make_npy(unsigned char *buf, int major, const char *dict, const void *data,
                       size_t len)
{
    size_t pre = major == 1 ? 10 : 12, dl = strlen(dict);
    size_t total = pre + dl + 1, pad = (64 - total % 64) % 64, hl = dl + pad + 1;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    buf[8] = (unsigned char)(hl & 255);
    buf[9] = (unsigned char)(hl >> 8);
    if (major > 1) buf[10] = buf[11] = 0;
    memcpy(buf + pre, dict, dl);
    memset(buf + pre + dl, ' ', pad);
    buf[pre + dl + pad] = '\n';
    memcpy(buf + pre + hl, data, len);
    return pre + hl + len;
}

static const char *path_of(const char *name)
{
    static char p[1200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* Writes buf to a file and reads it back both from the file and from memory as `kind`;
 * returns the file result (0 ok), checks that both agree and that a failure names the file. */
static int both(const char *name, const unsigned char *buf, size_t len, int kind, npy_array *out,
                char *msg)
{
    const char *p = path_of(name);
    test_write_file(p, buf, (long)len);
    ae_err e1 = {{0}}, e2 = {{0}};
    npy_array m;
    int r1 = npy_read(p, kind, out, &e1);
    int r2 = npy_parse(buf, len, p, kind, &m, &e2);
    CHECK(r1 == r2, "%s: file %d, memory %d (%s | %s)", name, r1, r2, e1.msg, e2.msg);
    if (r1 == 0 && r2 == 0) {
        CHECK(m.count == out->count &&
                  !memcmp(m.data, out->data, (size_t)m.count * (kind == NPY_UINT8 ? 1 : 4)),
              "%s: file and memory reads differ", name);
    }
    if (r1)
        CHECK(strstr(e1.msg, p) != NULL, "%s: message does not name the file: %s", name, e1.msg);
    if (r2)
        CHECK(strstr(e2.msg, p) != NULL, "%s: message does not name the file: %s", name, e2.msg);
    if (msg) snprintf(msg, 512, "%s", r1 ? e1.msg : "");
    npy_free(&m);
    return r1;
}

static void expect_fail(const char *name, const unsigned char *buf, size_t len, int kind,
                        const char *needle)
{
    npy_array a;
    char msg[512];
    int r = both(name, buf, len, kind, &a, msg);
    CHECK(r == -1, "%s: accepted", name);
    if (r == -1 && needle)
        CHECK(strstr(msg, needle) != NULL, "%s: message '%s' lacks '%s'", name, msg, needle);
    if (r == 0) npy_free(&a);
}

int main(void)
{
    if (!test_tmpdir("test_npy", dir, sizeof dir)) test_skip("no temporary directory");
    static unsigned char buf[1 << 16];
    ae_err err = {{0}};
    npy_array a;

    /* Round trips. */
    float f[24];
    for (int i = 0; i < 24; i++) f[i] = (float)i * 0.5f - 3.25f;
    int64_t sh4[4] = {2, 3, 2, 2}, sh2[2] = {6, 4}, sh1[1] = {24};
    CHECK(npy_write_f32(path_of("f4.npy"), f, 4, sh4, &err) == 0, "%s", err.msg);
    CHECK(npy_read(path_of("f4.npy"), NPY_FLOAT, &a, &err) == 0, "%s", err.msg);
    CHECK(a.ndim == 4 && a.shape[0] == 2 && a.shape[1] == 3 && a.shape[3] == 2 && a.count == 24,
          "4-D shape read back wrong");
    CHECK(a.data && !memcmp(a.data, f, sizeof f), "float32 values differ");
    npy_free(&a);
    CHECK(npy_write_f32(path_of("f2.npy"), f, 2, sh2, &err) == 0, "%s", err.msg);
    CHECK(npy_read(path_of("f2.npy"), NPY_FLOAT, &a, &err) == 0 && a.ndim == 2 && a.shape[0] == 6 &&
              a.shape[1] == 4,
          "2-D read back: %s", err.msg);
    npy_free(&a);
    FILE *fp = fopen(path_of("f2.npy"), "rb");
    size_t flen = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    CHECK((flen - 24 * 4) % 64 == 0, "header not padded to 64 bytes (%zu)", flen);
    CHECK(strstr((char *)buf + 10, "'shape': (6, 4,)") || strstr((char *)buf + 10, "(6, 4)"),
          "shape text: %.60s", (char *)buf + 10);
    uint8_t u[24];
    for (int i = 0; i < 24; i++) u[i] = (uint8_t)(i * 11);
    CHECK(npy_write_u8(path_of("u1.npy"), u, 1, sh1, &err) == 0, "%s", err.msg);
    CHECK(npy_read(path_of("u1.npy"), NPY_UINT8, &a, &err) == 0 && a.ndim == 1 && a.count == 24 &&
              !memcmp(a.data, u, 24),
          "uint8 round trip: %s", err.msg);
    npy_free(&a);
    /* uint8 images are labels too, but not floats. */
    CHECK(npy_read(path_of("u1.npy"), NPY_LABELS, &a, &err) == 0 && ((int32_t *)a.data)[23] == 253,
          "uint8 as labels: %s", err.msg);
    npy_free(&a);
    CHECK(npy_read(path_of("u1.npy"), NPY_FLOAT, &a, &err) == -1 && strstr(err.msg, "u1"),
          "uint8 accepted as float: %s", err.msg);
    /* NPY_UNIT: 8-bit data scaled to [0,1] as ds_sample scales images, floats as they are */
    CHECK(npy_read(path_of("u1.npy"), NPY_UNIT, &a, &err) == 0 && a.kind == NPY_UNIT &&
              ((float *)a.data)[23] == 253 * (1.0f / 255.0f) && ((float *)a.data)[0] == 0,
          "uint8 as unit floats: %s", err.msg);
    npy_free(&a);
    CHECK(npy_read(path_of("f2.npy"), NPY_UNIT, &a, &err) == 0 && !memcmp(a.data, f, sizeof f),
          "float32 as unit floats: %s", err.msg);
    npy_free(&a);

    /* float64 -> float32, versions 1, 2 and 3. */
    double dv[6] = {1.5, -2.25, 1e-3, 3.0e10, 0, -0.0};
    for (int major = 1; major <= 3; major++) {
        char name[32];
        snprintf(name, sizeof name, "f8v%d.npy", major);
        size_t len =
            make_npy(buf, major, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", dv,
                     sizeof dv);
        if (both(name, buf, len, NPY_FLOAT, &a, NULL) == 0) {
            float *x = a.data;
            CHECK(a.ndim == 2 && a.shape[0] == 3 && x[0] == 1.5f && x[1] == -2.25f &&
                      x[2] == (float)1e-3 && x[3] == 3.0e10f,
                  "float64 conversion (version %d)", major);
            npy_free(&a);
        }
    }
    /* Whitespace, double quotes, reordered keys, Python 2 longs, no trailing comma. */
    size_t len = make_npy(buf, 1, "{ \"shape\" : ( 3L , 2 ) ,'fortran_order':False,'descr':'<f8'}",
                          dv, sizeof dv);
    if (both("loose.npy", buf, len, NPY_FLOAT, &a, NULL) == 0)
        npy_free(&a);
    else
        CHECK(0, "loosely formatted header refused");
    /* A scalar and an empty array. */
    len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", f, 4);
    CHECK(both("scalar.npy", buf, len, NPY_FLOAT, &a, NULL) == 0 && a.ndim == 0 && a.count == 1,
          "scalar");
    npy_free(&a);
    len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", f, 0);
    CHECK(both("empty.npy", buf, len, NPY_FLOAT, &a, NULL) == 0 && a.count == 0, "empty array");
    npy_free(&a);

    /* Labels: int64, int32, int16, int8. */
    int64_t l8[4] = {0, 9, -1, 2147483647};
    len = make_npy(buf, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }", l8,
                   sizeof l8);
    if (both("i8.npy", buf, len, NPY_LABELS, &a, NULL) == 0) {
        int32_t *l = a.data;
        CHECK(l[0] == 0 && l[1] == 9 && l[2] == -1 && l[3] == 2147483647, "int64 labels");
        npy_free(&a);
    }
    int32_t l4[3] = {3, 1, 4};
    len = make_npy(buf, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }", l4,
                   sizeof l4);
    if (both("i4.npy", buf, len, NPY_LABELS, &a, NULL) == 0) {
        CHECK(!memcmp(a.data, l4, sizeof l4), "int32 labels");
        npy_free(&a);
    }
    int16_t l2[2] = {-7, 300};
    len = make_npy(buf, 1, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }", l2,
                   sizeof l2);
    if (both("i2.npy", buf, len, NPY_LABELS, &a, NULL) == 0) {
        CHECK(((int32_t *)a.data)[0] == -7 && ((int32_t *)a.data)[1] == 300, "int16 labels");
        npy_free(&a);
    }
    int64_t big[1] = {(int64_t)1 << 40};
    len = make_npy(buf, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", big, 8);
    expect_fail("i8big.npy", buf, len, NPY_LABELS, "32 bits");

    /* The malformed. */
    expect_fail("magic.npy", (const unsigned char *)"\x93NUMPZ\x01\x00\x10\x00{}", 12, NPY_FLOAT,
                "magic");
    expect_fail("empty_file.npy", buf, 0, NPY_FLOAT, "magic");
    expect_fail("short.npy", (const unsigned char *)"\x93NUMPY\x01", 7, NPY_FLOAT, NULL);
    len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 4), }", f, 96);
    buf[8] = 0xff;
    buf[9] = 0x7f; /* header length far past the end */
    expect_fail("hlen.npy", buf, len, NPY_FLOAT, "past the end");
    len = make_npy(buf, 2, "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 4), }", f, 96);
    buf[11] = 0x80; /* version 2, 2 GB header */
    expect_fail("hlen2.npy", buf, len, NPY_FLOAT, "past the end");
    len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 4), }", f, 96);
    buf[6] = 4;
    expect_fail("version.npy", buf, len, NPY_FLOAT, "version");
    static const char *bad_dicts[] = {
        "{'descr': '<f4', 'fortran_order': False}",                          /* no shape */
        "{'descr': '<f4', 'shape': (6, 4), }",                               /* no order */
        "{'fortran_order': False, 'shape': (6, 4), }",                       /* no descr */
        "'descr': '<f4', 'fortran_order': False, 'shape': (6, 4), }",        /* no brace */
        "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 4), ",        /* unterminated */
        "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 4), } x",     /* trailing text */
        "{'descr': '<f4', 'fortran_order': Nope, 'shape': (6, 4), }",        /* bad bool */
        "{'descr': '<f4', 'fortran_order': False, 'shape': (6, -4), }",      /* negative */
        "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 4.0), }",     /* float dim */
        "{'descr': '<f4', 'fortran_order': False, 'shape': [6, 4], }",       /* list */
        "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 4), 'x': 1}", /* extra key */
        "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (6, 4)}",
        "{'descr': 7, 'fortran_order': False, 'shape': (6, 4), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999, 4), }",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 65536), }",
        "{'descr': '<f4' 'fortran_order': False, 'shape': (6, 4), }", /* no comma */
        "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 4",    /* cut */
    };
    for (size_t i = 0; i < sizeof bad_dicts / sizeof bad_dicts[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "dict%zu.npy", i);
        len = make_npy(buf, 1, bad_dicts[i], f, 96);
        expect_fail(name, buf, len, NPY_FLOAT, NULL);
    }
    len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (6, 4), }", f, 96);
    expect_fail("fortran.npy", buf, len, NPY_FLOAT, "Fortran");
    len = make_npy(buf, 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (6, 4), }", f, 96);
    expect_fail("bigendian.npy", buf, len, NPY_FLOAT, "big-endian");
    len = make_npy(buf, 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (6, 2), }", f, 96);
    expect_fail("complex.npy", buf, len, NPY_FLOAT, "unsupported dtype");
    len = make_npy(buf, 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (6, 8), }", f, 96);
    expect_fail("half.npy", buf, len, NPY_FLOAT, "unsupported dtype");
    len = make_npy(buf, 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (6, 4), }", f, 96);
    expect_fail("intasfloat.npy", buf, len, NPY_FLOAT, "not supported here");
    expect_fail("intasunit.npy", buf, len, NPY_UNIT, "float32, float64 or uint8");
    len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6, 4), }", f, 92);
    expect_fail("truncated.npy", buf, len, NPY_FLOAT, "bytes of data");
    len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (5, 4), }", f, 96);
    expect_fail("toolong.npy", buf, len, NPY_FLOAT, "bytes of data");
    len = make_npy(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3, 2, 2), }",
                   f, 96);
    expect_fail("5d.npy", buf, len, NPY_FLOAT, "dimensions");
    CHECK(npy_read(path_of("does-not-exist.npy"), NPY_FLOAT, &a, &err) == -1 &&
              strstr(err.msg, "does-not-exist.npy"),
          "missing file: %s", err.msg);
    CHECK(npy_read(dir, NPY_FLOAT, &a, &err) == -1, "a directory was read");

    /* The shared embedding data, when present. */
    char sp[1024];
    if (test_shared("embedding/gmm10_d32_n10000.npy", sp, sizeof sp)) {
        CHECK(npy_read(sp, NPY_FLOAT, &a, &err) == 0 && a.ndim == 2 && a.shape[0] == 10000 &&
                  a.shape[1] == 32,
              "gmm10: %s", err.msg);
        npy_free(&a);
    }
    return test_done();
}

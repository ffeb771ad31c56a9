/* test_datasets.c: the dataset layer (core/dataset.h): SHA-256 against known vectors; the
 * CIFAR-10 and IDX loaders on small generated files, good and bad (truncated, empty, wrong
 * magic, mismatched counts, missing, gzipped and plain, more samples than the files hold);
 * ds_locate's search; gathering; the synthetic sines (determinism, range, class balance, an
 * independent re-computation of one sequence); and, when present, the real CIFAR-10 under
 * $AETUI_SHARED_DATA and Debian's Fashion-MNIST in /usr/share/datasets. */
#include "dataset.h"
#include "rng.h"
#include "sha256.h"
#include "testlib.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static char tmp[1024];

static int has(const char *msg, const char *part)
{
    return strstr(msg, part) != NULL;
}

static void hex_of(const void *data, size_t len, char hex[65])
{
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, data, len);
    sha256_hex(&c, hex);
}

/* Paths for the test's files: a ring of buffers, so a few may be alive at once. */
static const char *path_in(const char *dir, const char *name)
{
    static char buf[8][2048];
    static int k;
    char t[2048];
    snprintf(t, sizeof t, "%s/%s", dir, name);
    k = (k + 1) % 8;
    memcpy(buf[k], t, sizeof t);
    return buf[k];
}

/* A directory under the test's temporary one; the path stays valid for the whole test. */
static const char *mkdir_in(const char *name)
{
    static char dirs[64][2048];
    static int n;
    char *d = dirs[n++ % 64];
    snprintf(d, sizeof dirs[0], "%s/%s", tmp, name);
    mkdir(d, 0755);
    return d;
}

static int write_gz(const char *path, const void *data, size_t len)
{
    gzFile g = gzopen(path, "wb");
    if (!g) return -1;
    int w = len ? gzwrite(g, data, (unsigned)len) : 0;
    return (gzclose(g) == Z_OK && (size_t)w == len) ? 0 : -1;
}

static long read_file(const char *path, uint8_t *buf, long cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    long n = (long)fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* ---------------------------------------------------------------- SHA-256 */

static void test_sha256(void)
{
    struct {
        const char *in, *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnop"
         "qrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    char hex[65];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        hex_of(v[i].in, strlen(v[i].in), hex);
        CHECK(!strcmp(hex, v[i].hex), "sha256(\"%s\") = %s", v[i].in, hex);
    }
    /* one million 'a', fed in uneven pieces */
    static char a[1000000];
    memset(a, 'a', sizeof a);
    sha256_ctx c;
    sha256_init(&c);
    size_t off = 0, step = 1;
    while (off < sizeof a) {
        size_t take = step < sizeof a - off ? step : sizeof a - off;
        sha256_update(&c, a + off, take);
        off += take;
        step = step * 3 % 1021 + 1;
    }
    sha256_hex(&c, hex);
    CHECK(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
          "sha256(1e6 x 'a') = %s", hex);
    /* lengths around the padding boundary, pieces against one shot */
    for (int len = 50; len < 140; len++) {
        char h1[65], h2[65];
        hex_of(a, (size_t)len, h1);
        sha256_init(&c);
        sha256_update(&c, a, (size_t)len / 3);
        sha256_update(&c, a + len / 3, (size_t)len - (size_t)len / 3);
        sha256_hex(&c, h2);
        CHECK(!strcmp(h1, h2), "pieces differ at length %d", len);
    }
}

/* ---------------------------------------------------------------- names */

static void test_names(void)
{
    int count = 0;
    for (int i = 0; ds_names[i]; i++) count++;
    CHECK(count == 4, "%d names", count);
    CHECK(ds_known("cifar10") && ds_known("fashion-mnist") && ds_known("mnist") &&
              ds_known("sines"),
          "known names");
    CHECK(!ds_known("cifar100") && !ds_known("") && !ds_known(NULL), "unknown names");
    CHECK(ds_kind_of("cifar10") == DS_IMAGES && ds_kind_of("mnist") == DS_IMAGES, "image kinds");
    CHECK(ds_kind_of("sines") == DS_SEQUENCES, "sequence kind");
    CHECK(ds_kind_of("nope") == 0, "unknown kind");

    dataset ds;
    ae_err err = {{0}};
    ds_options opt = {.n = 10};
    CHECK(ds_load("cifar100", DS_TRAIN, &opt, &ds, &err) == -1 && has(err.msg, "cifar100"),
          "unknown dataset: %s", err.msg);
    CHECK(ds_load("sines", 7, &opt, &ds, &err) == -1 && has(err.msg, "split"), "bad split: %s",
          err.msg);
    opt.n = 0;
    CHECK(ds_load("sines", DS_TRAIN, &opt, &ds, &err) == -1 && has(err.msg, "0 training"),
          "n = 0: %s", err.msg);
    CHECK(ds_load("sines", DS_TRAIN, NULL, &ds, &err) == -1, "NULL options ask for n = 0");
    CHECK(ds.u8 == NULL && ds.f32 == NULL && ds.labels == NULL, "failed load leaves no memory");
    ds_free(&ds);
    ds_free(&ds); /* twice is harmless */
}

/* ---------------------------------------------------------------- CIFAR-10 */

#define REC 3073

/* Record r of a generated batch: label (b*7 + r) % 10, pixel bytes from a simple formula. */
static void make_record(uint8_t *rec, int batch, int r)
{
    rec[0] = (uint8_t)((batch * 7 + r) % 10);
    for (int i = 0; i < 3072; i++) rec[1 + i] = (uint8_t)(i * 31 + r * 17 + batch * 101);
}

static uint8_t *make_batch(int batch, int nrec)
{
    uint8_t *b = malloc((size_t)nrec * REC + 1);
    for (int r = 0; r < nrec; r++) make_record(b + (size_t)r * REC, batch, r);
    return b;
}

static void test_cifar_good(void)
{
    const char *dir = mkdir_in("cifar-good");
    uint8_t *b1 = make_batch(1, 3), *b2 = make_batch(2, 2), *bt = make_batch(9, 2);
    test_write_file(path_in(dir, "data_batch_1.bin"), b1, 3 * REC);
    test_write_file(path_in(dir, "data_batch_2.bin"), b2, 2 * REC);
    test_write_file(path_in(dir, "test_batch.bin"), bt, 2 * REC);
    /* batch 4 present, batch 3 missing: the series ends at 2 */
    test_write_file(path_in(dir, "data_batch_4.bin"), b2, 2 * REC);

    dataset ds;
    ae_err err = {{0}};
    ds_options opt = {.data_dir = dir, .n = 4};
    int rc = ds_load("cifar10", DS_TRAIN, &opt, &ds, &err);
    CHECK(rc == 0, "load 4 over two batches: %s", err.msg);
    if (rc == 0) {
        CHECK(ds.n == 4 && ds.h == 32 && ds.w == 32 && ds.c == 3 && ds.dim == 3072,
              "shape n=%d %dx%dx%d", ds.n, ds.h, ds.w, ds.c);
        CHECK(ds.kind == DS_IMAGES && ds.split == DS_TRAIN && !strcmp(ds.name, "cifar10"),
              "kind/split/name");
        CHECK(ds.nfiles == 2 && has(ds.files[0], "data_batch_1.bin") &&
                  has(ds.files[1], "data_batch_2.bin"),
              "files %d", ds.nfiles);
        CHECK(ds.labels[0] == 7 && ds.labels[2] == 9 && ds.labels[3] == 4, "labels %d %d %d",
              ds.labels[0], ds.labels[2], ds.labels[3]);
        /* planar -> NHWC: pixel (y,x) channel ch of record r is byte 1 + ch*1024 + y*32 + x */
        int ok = 1;
        for (int s = 0; s < 4 && ok; s++) {
            const uint8_t *rec = s < 3 ? b1 + (size_t)s * REC : b2;
            for (int p = 0; p < 1024 && ok; p++)
                for (int ch = 0; ch < 3; ch++)
                    if (ds.u8[(size_t)s * 3072 + p * 3 + ch] != rec[1 + ch * 1024 + p]) ok = 0;
        }
        CHECK(ok, "NHWC conversion");
        uint8_t *used = malloc(4 * REC);
        memcpy(used, b1, 3 * REC);
        memcpy(used + 3 * REC, b2, REC);
        char hex[65];
        hex_of(used, 4 * REC, hex);
        CHECK(!strcmp(hex, ds.sha256), "sha over records used: %s vs %s", ds.sha256, hex);
        free(used);
        CHECK(ds.nclasses == 10 && !strcmp(ds.class_names[0], "airplane") &&
                  !strcmp(ds.class_names[9], "truck"),
              "built-in class names");

        float img[3072], batch[2 * 3072];
        ds_sample(&ds, 3, img);
        CHECK(fabsf(img[5] - b2[1 + 1024 * (5 % 3) + 5 / 3] / 255.0f) < 1e-7f, "sample scaled");
        int idx[2] = {3, 0};
        ds_gather(&ds, idx, 2, batch);
        CHECK(!memcmp(batch, img, sizeof img), "gather = sample");
        float mx = 0, mn = 1;
        for (int k = 0; k < 2 * 3072; k++) {
            if (batch[k] > mx) mx = batch[k];
            if (batch[k] < mn) mn = batch[k];
        }
        CHECK(mn >= 0.0f && mx <= 1.0f && mx > 0.9f, "pixels in [0,1]: %g..%g", mn, mx);
        CHECK(batch[3072] == b1[1] / 255.0f * 1.0f || fabsf(batch[3072] - b1[1] / 255.0f) < 1e-7f,
              "gather second sample");
    }
    ds_free(&ds);

    opt.n = 5;
    CHECK(ds_load("cifar10", DS_TRAIN, &opt, &ds, &err) == 0 && ds.n == 5, "all 5: %s", err.msg);
    ds_free(&ds);
    opt.n = 6;
    CHECK(ds_load("cifar10", DS_TRAIN, &opt, &ds, &err) == -1 &&
              has(err.msg, "6 training samples asked for") && has(err.msg, "hold 5") &&
              has(err.msg, dir),
          "too many: %s", err.msg);
    opt.n = 1;
    CHECK(ds_load("cifar10", DS_TRAIN, &opt, &ds, &err) == 0 && ds.nfiles == 1, "one: %s", err.msg);
    ds_free(&ds);

    opt.n = 2;
    rc = ds_load("cifar10", DS_TEST, &opt, &ds, &err);
    CHECK(rc == 0 && ds.n == 2 && ds.split == DS_TEST && ds.nfiles == 1 &&
              has(ds.files[0], "test_batch.bin") && ds.labels[1] == (9 * 7 + 1) % 10,
          "test split: %s", err.msg);
    ds_free(&ds);
    opt.n = 3;
    CHECK(ds_load("cifar10", DS_TEST, &opt, &ds, &err) == -1 &&
              has(err.msg, "3 test samples asked for"),
          "too many test: %s", err.msg);

    /* class names from batches.meta.txt, CRLF and a trailing blank line */
    const char *meta = "a0\r\nb1\r\nc2\r\nd3\r\ne4\r\nf5\r\ng6\r\nh7\r\ni8\r\na-very-long-class-"
                       "name-indeed\r\n\r\n";
    test_write_file(path_in(dir, "batches.meta.txt"), meta, (long)strlen(meta));
    opt.n = 1;
    CHECK(ds_load("cifar10", DS_TRAIN, &opt, &ds, &err) == 0, "with meta: %s", err.msg);
    CHECK(!strcmp(ds.class_names[0], "a0") && !strcmp(ds.class_names[8], "i8") &&
              strlen(ds.class_names[9]) == 23,
          "meta names '%s' '%s'", ds.class_names[0], ds.class_names[9]);
    ds_free(&ds);
    /* a meta file with too few names falls back to the built-in ones */
    test_write_file(path_in(dir, "batches.meta.txt"), "x\ny\n", 4);
    CHECK(ds_load("cifar10", DS_TRAIN, &opt, &ds, &err) == 0 && !strcmp(ds.class_names[3], "cat"),
          "short meta: %s", ds.class_names[3]);
    ds_free(&ds);

    /* the conventional subfolder is found under --data-dir */
    const char *parent = mkdir_in("cifar-parent");
    char sub[2048];
    snprintf(sub, sizeof sub, "%s/cifar-10-batches-bin", parent);
    mkdir(sub, 0755);
    test_write_file(path_in(sub, "test_batch.bin"), bt, 2 * REC);
    char found[1024];
    CHECK(ds_locate("cifar10", parent, found, sizeof found, &err) == 0 && !strcmp(found, sub),
          "subfolder: %s", found);
    opt.data_dir = parent;
    opt.n = 2;
    CHECK(ds_load("cifar10", DS_TEST, &opt, &ds, &err) == 0 && ds.n == 2, "via subfolder: %s",
          err.msg);
    ds_free(&ds);
    CHECK(ds_load("cifar10", DS_TRAIN, &opt, &ds, &err) == -1 &&
              has(err.msg, "data_batch_1.bin: no such file"),
          "train missing: %s", err.msg);
    free(b1);
    free(b2);
    free(bt);
}

static void expect_cifar_fail(const char *what, const void *data, long len, const char *part)
{
    char name[64];
    snprintf(name, sizeof name, "cifar-bad-%s", what);
    const char *dir = mkdir_in(name);
    test_write_file(path_in(dir, "data_batch_1.bin"), data, len);
    dataset ds;
    ae_err err = {{0}};
    ds_options opt = {.data_dir = dir, .n = 1};
    int rc = ds_load("cifar10", DS_TRAIN, &opt, &ds, &err);
    CHECK(rc == -1 && has(err.msg, part) && has(err.msg, "data_batch_1.bin"), "%s: %s", what,
          err.msg);
    printf("  %-10s %s\n", what, err.msg);
    CHECK(ds.u8 == NULL && ds.labels == NULL, "%s: nothing left allocated", what);
}

static void test_cifar_bad(void)
{
    uint8_t *b = make_batch(1, 3);
    expect_cifar_fail("empty", b, 0, "empty");
    expect_cifar_fail("truncated", b, 3 * REC - 1,
                      "truncated: 9218 bytes, expected a multiple of 3073");
    expect_cifar_fail("short", b, 100, "truncated");
    b[0] = 200;
    expect_cifar_fail("label", b, 3 * REC, "record 0: label 200");
    b[0] = 7;

    /* a directory where the file should be */
    const char *dir = mkdir_in("cifar-bad-dir");
    mkdir(path_in(dir, "data_batch_1.bin"), 0755);
    dataset ds;
    ae_err err = {{0}};
    ds_options opt = {.data_dir = dir, .n = 1};
    CHECK(ds_load("cifar10", DS_TRAIN, &opt, &ds, &err) == -1 && has(err.msg, "not a regular file"),
          "directory: %s", err.msg);
    /* an unreadable file (root reads anything, so only checked for other users) */
    if (geteuid() != 0) {
        const char *d2 = mkdir_in("cifar-bad-perm");
        const char *p = path_in(d2, "data_batch_1.bin");
        test_write_file(p, b, REC);
        chmod(p, 0);
        opt.data_dir = d2;
        CHECK(ds_load("cifar10", DS_TRAIN, &opt, &ds, &err) == -1 && has(err.msg, "cannot open") &&
                  has(err.msg, p),
              "unreadable: %s", err.msg);
    }
    /* batch 2 bad and needed */
    const char *d3 = mkdir_in("cifar-bad-second");
    b[REC] = 1;
    test_write_file(path_in(d3, "data_batch_1.bin"), b, REC);
    test_write_file(path_in(d3, "data_batch_2.bin"), b, REC + 5);
    opt.data_dir = d3;
    opt.n = 1;
    CHECK(ds_load("cifar10", DS_TRAIN, &opt, &ds, &err) == 0, "batch 2 not needed: %s", err.msg);
    ds_free(&ds);
    opt.n = 2;
    CHECK(ds_load("cifar10", DS_TRAIN, &opt, &ds, &err) == -1 &&
              has(err.msg, "data_batch_2.bin: truncated"),
          "batch 2 needed: %s", err.msg);

    /* nothing there at all */
    const char *d4 = mkdir_in("cifar-none");
    opt.data_dir = d4;
    CHECK(ds_load("cifar10", DS_TRAIN, &opt, &ds, &err) == -1 && has(err.msg, d4) &&
              has(err.msg, "data_batch_1.bin"),
          "no files: %s", err.msg);
    opt.data_dir = path_in(tmp, "does-not-exist");
    CHECK(ds_load("cifar10", DS_TRAIN, &opt, &ds, &err) == -1 && has(err.msg, "does-not-exist"),
          "missing dir: %s", err.msg);
    free(b);
}

/* ---------------------------------------------------------------- IDX */

static uint8_t *idx_images(uint32_t magic, uint32_t count, uint32_t rows, uint32_t cols, long *len)
{
    /* *len is what the header implies; at most 1 MB of it is made */
    *len = 16 + (long)count * rows * cols;
    long made = *len < (1 << 20) ? *len : (1 << 20);
    uint8_t *b = malloc((size_t)made);
    uint32_t hdr[4] = {magic, count, rows, cols};
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 4; k++) b[4 * i + k] = (uint8_t)(hdr[i] >> (24 - 8 * k));
    for (long i = 16; i < made; i++) b[i] = (uint8_t)(i * 7 + 3);
    return b;
}

static uint8_t *idx_labels(uint32_t magic, uint32_t count, long *len)
{
    *len = 8 + (long)count;
    uint8_t *b = malloc((size_t)*len);
    uint32_t hdr[2] = {magic, count};
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 4; k++) b[4 * i + k] = (uint8_t)(hdr[i] >> (24 - 8 * k));
    for (long i = 8; i < *len; i++) b[i] = (uint8_t)((i * 3) % 10);
    return b;
}

static void test_idx_good(void)
{
    long li, ll;
    uint8_t *im = idx_images(0x803, 5, 4, 6, &li), *lb = idx_labels(0x801, 5, &ll);
    const char *dir = mkdir_in("idx-good");
    test_write_file(path_in(dir, "img"), im, li);
    test_write_file(path_in(dir, "lab"), lb, ll);
    write_gz(path_in(dir, "img.gz"), im, (size_t)li);
    write_gz(path_in(dir, "lab.gz"), lb, (size_t)ll);
    char want[65];
    hex_of(im + 16, 3 * 24, want);

    const char *pairs[4][2] = {
        {"img", "lab"}, {"img.gz", "lab.gz"}, {"img", "lab.gz"}, {"img.gz", "lab"}};
    for (int k = 0; k < 4; k++) {
        dataset ds = {0};
        ae_err err = {{0}};
        int rc =
            idx_load_files(path_in(dir, pairs[k][0]), path_in(dir, pairs[k][1]), 3, 10, &ds, &err);
        CHECK(rc == 0, "%s + %s: %s", pairs[k][0], pairs[k][1], err.msg);
        if (rc == 0) {
            CHECK(ds.n == 3 && ds.h == 4 && ds.w == 6 && ds.c == 1 && ds.dim == 24, "shape");
            CHECK(!memcmp(ds.u8, im + 16, 72) && !memcmp(ds.labels, lb + 8, 3), "bytes");
            CHECK(!strcmp(ds.sha256, want), "sha over image bytes used");
            CHECK(ds.nfiles == 2 && has(ds.files[0], pairs[k][0]), "files");
        }
        ds_free(&ds);
    }

    /* a fashion-mnist folder with Debian's gzipped names, an mnist one with plain names */
    const char *fm = mkdir_in("fashion-mnist");
    write_gz(path_in(fm, "train-images-idx3-ubyte.gz"), im, (size_t)li);
    write_gz(path_in(fm, "train-labels-idx1-ubyte.gz"), lb, (size_t)ll);
    const char *mn = mkdir_in("mnist");
    test_write_file(path_in(mn, "t10k-images.idx3-ubyte"), im, li);
    test_write_file(path_in(mn, "t10k-labels.idx1-ubyte"), lb, ll);

    dataset ds;
    ae_err err = {{0}};
    ds_options opt = {.data_dir = fm, .n = 5};
    int rc = ds_load("fashion-mnist", DS_TRAIN, &opt, &ds, &err);
    CHECK(rc == 0 && ds.n == 5 && !strcmp(ds.name, "fashion-mnist") && ds.nclasses == 10 &&
              !strcmp(ds.class_names[0], "T-shirt/top") && !strcmp(ds.class_names[9], "Ankle boot"),
          "fashion-mnist folder: %s", err.msg);
    if (rc == 0) {
        float img[24];
        ds_sample(&ds, 1, img);
        CHECK(fabsf(img[0] - im[16 + 24] / 255.0f) < 1e-7f, "idx sample scaled");
    }
    ds_free(&ds);
    opt.n = 6;
    CHECK(ds_load("fashion-mnist", DS_TRAIN, &opt, &ds, &err) == -1 &&
              has(err.msg, "fashion-mnist: 6 training samples asked for") &&
              has(err.msg, "holds 5"),
          "more than the file holds: %s", err.msg);
    opt.n = 1;
    CHECK(ds_load("fashion-mnist", DS_TEST, &opt, &ds, &err) == -1 && has(err.msg, "t10k"),
          "no test files: %s", err.msg);
    opt.data_dir = tmp; /* the subfolder mnist/ is found */
    rc = ds_load("mnist", DS_TEST, &opt, &ds, &err);
    CHECK(rc == 0 && !strcmp(ds.class_names[3], "3") && has(ds.files[0], "/mnist/"),
          "mnist via subfolder: %s", err.msg);
    ds_free(&ds);

    /* ds_locate's search of the usual places: $AETUI_DATA first, subfolders included */
    setenv("AETUI_DATA", tmp, 1);
    char found[1024];
    CHECK(ds_locate("fashion-mnist", NULL, found, sizeof found, &err) == 0 && !strcmp(found, fm),
          "search via $AETUI_DATA: %s", found);
    CHECK(ds_locate("sines", NULL, found, sizeof found, &err) == 0, "sines always found");
    /* --data-dir is searched first, then the usual places (issue 10.3): a data dir without
     * Fashion-MNIST still finds it in $AETUI_DATA; one with it wins over $AETUI_DATA */
    const char *other = mkdir_in("data-dir-without");
    CHECK(ds_locate("fashion-mnist", other, found, sizeof found, &err) == 0 && !strcmp(found, fm),
          "--data-dir, then the usual places: %s %s", found, err.msg);
    const char *mine = mkdir_in("data-dir-with"),
               *mine_fm = mkdir_in("data-dir-with/fashion-mnist");
    test_write_file(path_in(mine_fm, "t10k-images-idx3-ubyte"), "x", 1);
    CHECK(ds_locate("fashion-mnist", mine, found, sizeof found, &err) == 0 &&
              !strcmp(found, mine_fm),
          "--data-dir comes first: %s %s", found, err.msg);
    CHECK(ds_locate("fashion-mnist", path_in(tmp, "no-such-dir"), found, sizeof found, &err) ==
                  -1 &&
              has(err.msg, "no-such-dir does not exist"),
          "a --data-dir that is not there is an error: %s", err.msg);
    const char *empty = mkdir_in("empty-root");
    setenv("AETUI_DATA", empty, 1);
    setenv("XDG_DATA_HOME", empty, 1);
    rc = ds_locate("cifar10", NULL, found, sizeof found, &err);
    struct stat st;
    if (stat("/usr/share/datasets/cifar-10-batches-bin", &st) != 0 &&
        stat("/usr/local/share/datasets/cifar-10-batches-bin", &st) != 0)
        CHECK(rc == -1 && has(err.msg, "cifar10: not found"), "nothing found: %s", err.msg);
    unsetenv("AETUI_DATA");
    unsetenv("XDG_DATA_HOME");
    free(im);
    free(lb);
}

static void expect_idx_fail(const char *what, const void *img, long li, const void *lab, long ll,
                            int gz, int n, const char *part)
{
    char name[64];
    snprintf(name, sizeof name, "idx-bad-%s", what);
    const char *dir = mkdir_in(name);
    const char *pi = path_in(dir, gz ? "i.gz" : "i"), *pl = path_in(dir, gz ? "l.gz" : "l");
    if (gz) {
        write_gz(pi, img, (size_t)li);
        write_gz(pl, lab, (size_t)ll);
    } else {
        test_write_file(pi, img, li);
        test_write_file(pl, lab, ll);
    }
    dataset ds = {0};
    ae_err err = {{0}};
    int rc = idx_load_files(pi, pl, n, 10, &ds, &err);
    CHECK(rc == -1 && has(err.msg, part) && has(err.msg, dir), "%s (%s): %s", what,
          gz ? "gz" : "plain", err.msg);
    printf("  %-14s %-5s %s\n", what, gz ? "gz" : "plain", err.msg);
    ds_free(&ds);
}

static void test_idx_bad(void)
{
    long li, ll, li2, ll2;
    uint8_t *im = idx_images(0x803, 5, 4, 6, &li), *lb = idx_labels(0x801, 5, &ll);
    for (int gz = 0; gz < 2; gz++) {
        expect_idx_fail("empty-img", im, 0, lb, ll, gz, 1, gz ? "truncated" : "empty");
        expect_idx_fail("short-header", im, 10, lb, ll, gz, 1, "ends after 10 of the 16 bytes");
        expect_idx_fail("swapped", lb, ll, im, li, gz, 1, "wrong kind of IDX file");
        uint8_t *bad = idx_images(0x12345678, 5, 4, 6, &li2);
        expect_idx_fail("magic", bad, li2, lb, ll, gz, 1, "wrong magic 0x12345678");
        free(bad);
        bad = idx_images(0x803, 5, 0, 6, &li2);
        expect_idx_fail("rows0", bad, li2, lb, ll, gz, 1, "implausible image size 0x6");
        free(bad);
        bad = idx_images(0x803, 0, 4, 6, &li2);
        expect_idx_fail("count0", bad, li2, lb, ll, gz, 1, "no images");
        free(bad);
        uint8_t *lb4 = idx_labels(0x801, 4, &ll2);
        expect_idx_fail("count-mismatch", im, li, lb4, ll2, gz, 1, "4 labels, but");
        free(lb4);
        /* truncated data: plain files fail on their size whatever n, gz ones when read */
        expect_idx_fail("trunc-img", im, li - 30, lb, ll, gz, 5, "truncated");
        expect_idx_fail("trunc-lab", im, li, lb, ll - 2, gz, 5, "truncated");
        expect_idx_fail("too-many", im, li, lb, ll, gz, 6, "6 samples asked for");
        /* a header claiming 1.6 TB of images in a file of a few bytes */
        bad = idx_images(0x803, 100000, 4096, 4096, &li2);
        uint8_t *lbig = idx_labels(0x801, 100000, &ll2);
        expect_idx_fail("huge-claim", bad, 16 + 4096, lbig, ll2, gz, 50000, "truncated");
        free(bad);
        free(lbig);
        uint8_t *lbx = idx_labels(0x801, 5, &ll2);
        lbx[10] = 10;
        expect_idx_fail("label", im, li, lbx, ll2, gz, 5, "label 10 of item 2");
        free(lbx);
    }
    /* a plain file longer than its header says */
    uint8_t *longer = malloc((size_t)li + 3);
    memcpy(longer, im, (size_t)li);
    expect_idx_fail("long", longer, li + 3, lb, ll, 0, 1, "wrong size");
    free(longer);

    /* a gzip stream cut short, and one with damaged compressed bytes */
    const char *dir = mkdir_in("idx-bad-gz");
    uLongf clen = compressBound((uLong)li) + 64;
    uint8_t *gzb = malloc(clen);
    write_gz(path_in(dir, "full.gz"), im, (size_t)li);
    long glen = read_file(path_in(dir, "full.gz"), gzb, (long)clen);
    test_write_file(path_in(dir, "cut.gz"), gzb, glen / 2);
    test_write_file(path_in(dir, "l"), lb, ll);
    dataset ds = {0};
    ae_err err = {{0}};
    CHECK(idx_load_files(path_in(dir, "cut.gz"), path_in(dir, "l"), 5, 10, &ds, &err) == -1 &&
              has(err.msg, "cut.gz"),
          "cut gz: %s", err.msg);
    ds_free(&ds);
    for (long k = 12; k < glen - 8; k++) gzb[k] ^= 0x5a;
    test_write_file(path_in(dir, "bent.gz"), gzb, glen);
    CHECK(idx_load_files(path_in(dir, "bent.gz"), path_in(dir, "l"), 5, 10, &ds, &err) == -1 &&
              has(err.msg, "bent.gz"),
          "damaged gz: %s", err.msg);
    ds_free(&ds);
    CHECK(idx_load_files(path_in(dir, "nope"), path_in(dir, "l"), 5, 10, &ds, &err) == -1 &&
              has(err.msg, "nope: no such file"),
          "missing: %s", err.msg);
    ds_free(&ds);
    free(gzb);
    free(im);
    free(lb);
}

/* ---------------------------------------------------------------- sines */

/* The documented formula, computed independently of sines.c. */
static void sines_reference(uint64_t seed, int stream, int T, int F, int count, float *x, int *cls)
{
    rng r;
    rng_seed_stream(&r, seed, (uint64_t)stream);
    const double pi = 3.14159265358979323846;
    for (int i = 0; i < count; i++) {
        int c = (int)rng_below(&r, 4);
        double f = rng_range(&r, 1, 3), p = rng_range(&r, 0, 2 * pi);
        double A = rng_range(&r, 0.5, 1), b = rng_range(&r, -1, 1);
        *cls = c;
        for (int k = 0; k < T; k++)
            for (int j = 0; j < F; j++) {
                double t = k / (double)(T - 1), g = 1 - 0.4 * j / (F - 1);
                double s = sin(2 * pi * f * t + p + j * pi / F);
                double pat = c == 0   ? s
                             : c == 1 ? s * exp(-2.5 * t)
                             : c == 2 ? 0.4 * s + b * (2 * t - 1)
                                      : tanh(3 * s);
                double v = 0.5 + 0.4 * A * g * pat + 0.05 * rng_normal(&r);
                x[k * F + j] = (float)fmin(1.0, fmax(0.0, v));
            }
    }
}

static void test_sines(void)
{
    dataset a, b, c, t;
    ae_err err = {{0}};
    ds_options opt = {.n = 4000};
    CHECK(ds_load("sines", DS_TRAIN, &opt, &a, &err) == 0, "sines: %s", err.msg);
    CHECK(a.kind == DS_SEQUENCES && a.t == 50 && a.f == 10 && a.dim == 500 && a.n == 4000 &&
              a.h == 0 && a.u8 == NULL && a.nfiles == 0 && a.nclasses == 4 &&
              !strcmp(a.class_names[3], "square"),
          "sines shape");
    CHECK(ds_load("sines", DS_TRAIN, &opt, &b, &err) == 0, "again: %s", err.msg);
    CHECK(!memcmp(a.f32, b.f32, sizeof(float) * 4000 * 500) && !strcmp(a.sha256, b.sha256) &&
              !memcmp(a.labels, b.labels, 4000),
          "deterministic");
    opt.seed = 2024;
    CHECK(ds_load("sines", DS_TRAIN, &opt, &c, &err) == 0 && !strcmp(c.sha256, a.sha256),
          "seed 0 means 2024");
    ds_free(&c);
    opt.seed = 7;
    CHECK(ds_load("sines", DS_TRAIN, &opt, &c, &err) == 0 && strcmp(c.sha256, a.sha256) != 0,
          "another seed, other data");
    ds_free(&c);
    opt.seed = 0;
    opt.n = 800;
    CHECK(ds_load("sines", DS_TEST, &opt, &t, &err) == 0 && t.split == DS_TEST, "test: %s",
          err.msg);
    int same = 0;
    for (int i = 0; i < 800; i++)
        for (int j = 0; j < 4000; j++)
            if (!memcmp(t.f32 + (size_t)i * 500, a.f32 + (size_t)j * 500, 8 * sizeof(float)))
                same++;
    CHECK(same == 0, "%d test sequences start like a training one", same);
    /* a prefix of a split is the same whatever n */
    opt.n = 10;
    CHECK(ds_load("sines", DS_TRAIN, &opt, &c, &err) == 0 &&
              !memcmp(c.f32, a.f32, sizeof(float) * 10 * 500),
          "prefix");
    ds_free(&c);

    float mn = 1, mx = 0;
    double sum = 0;
    for (size_t k = 0; k < (size_t)4000 * 500; k++) {
        float v = a.f32[k];
        if (!(v >= 0.0f && v <= 1.0f)) mn = -1;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
        sum += v;
    }
    CHECK(mn >= 0.0f && mx <= 1.0f, "range %g..%g", mn, mx);
    CHECK(fabs(sum / (4000.0 * 500) - 0.5) < 0.05, "mean %g", sum / (4000.0 * 500));
    int counts[4] = {0};
    for (int i = 0; i < 4000; i++) counts[a.labels[i] < 4 ? a.labels[i] : 0]++;
    for (int k = 0; k < 4; k++)
        CHECK(counts[k] > 850 && counts[k] < 1150, "class %d: %d of 4000", k, counts[k]);

    /* the formula, recomputed: sequence 3 of the training split and 0 of the test split */
    float ref[500];
    int cls;
    sines_reference(2024, 1, 50, 10, 4, ref, &cls);
    float err_max = 0;
    for (int k = 0; k < 500; k++) err_max = fmaxf(err_max, fabsf(ref[k] - a.f32[3 * 500 + k]));
    CHECK(err_max < 1e-6f && cls == a.labels[3], "train formula: max diff %g", err_max);
    sines_reference(2024, 2, 50, 10, 1, ref, &cls);
    err_max = 0;
    for (int k = 0; k < 500; k++) err_max = fmaxf(err_max, fabsf(ref[k] - t.f32[k]));
    CHECK(err_max < 1e-6f && cls == t.labels[0], "test formula: max diff %g", err_max);

    /* gather is time-major [t][b][f] */
    int idx[3] = {5, 0, 3999};
    float *g = malloc(sizeof(float) * 3 * 500);
    ds_gather(&a, idx, 3, g);
    int ok = 1;
    for (int tt = 0; tt < 50; tt++)
        for (int s = 0; s < 3; s++)
            for (int j = 0; j < 10; j++)
                if (g[(tt * 3 + s) * 10 + j] != a.f32[(size_t)idx[s] * 500 + tt * 10 + j]) ok = 0;
    CHECK(ok, "time-major gather");
    float one[500];
    ds_sample(&a, 5, one);
    CHECK(!memcmp(one, a.f32 + 5 * 500, sizeof one), "sample is [t][f]");
    free(g);

    /* other shapes and bad ones */
    ds_options o2 = {.n = 3, .t = 2, .f = 1};
    CHECK(ds_load("sines", DS_TRAIN, &o2, &c, &err) == 0 && c.dim == 2, "2x1: %s", err.msg);
    ds_free(&c);
    o2.t = 1;
    CHECK(ds_load("sines", DS_TRAIN, &o2, &c, &err) == -1 && has(err.msg, "time steps"),
          "t = 1: %s", err.msg);
    o2.t = 50;
    o2.f = -3;
    CHECK(ds_load("sines", DS_TRAIN, &o2, &c, &err) == -1 && has(err.msg, "features"), "f < 0: %s",
          err.msg);
    o2.f = 10;
    o2.n = 2000000000;
    CHECK(ds_load("sines", DS_TRAIN, &o2, &c, &err) == -1 && has(err.msg, "too many"), "huge n: %s",
          err.msg);
    ds_free(&a);
    ds_free(&b);
    ds_free(&t);
}

/* ---------------------------------------------------------------- real data */

static void test_real_cifar(void)
{
    char dir[1024];
    if (!test_shared("cifar-10-batches-bin", dir, sizeof dir)) {
        printf("skip: real CIFAR-10 (no $AETUI_SHARED_DATA/cifar-10-batches-bin)\n");
        return;
    }
    dataset ds;
    ae_err err = {{0}};
    ds_options opt = {.data_dir = dir, .n = 10000};
    int rc = ds_load("cifar10", DS_TRAIN, &opt, &ds, &err);
    CHECK(rc == 0, "real cifar: %s", err.msg);
    if (rc == 0) {
        uint8_t first;
        read_file(path_in(dir, "data_batch_1.bin"), &first, 1);
        CHECK(ds.n == 10000 && ds.labels[0] == first && first < 10, "n %d, first label %d", ds.n,
              ds.labels[0]);
        CHECK(
            !strcmp(ds.sha256, "aff488523dfe8480b77630c47eeef75410c1b6fba02eabe49f72aa587794749f"),
            "sha of data_batch_1.bin: %s", ds.sha256);
        CHECK(!strcmp(ds.class_names[0], "airplane") && !strcmp(ds.class_names[9], "truck"),
              "meta names");
    }
    ds_free(&ds);
    struct stat st;
    if (stat(path_in(dir, "data_batch_2.bin"), &st) != 0) {
        opt.n = 10001;
        CHECK(ds_load("cifar10", DS_TRAIN, &opt, &ds, &err) == -1 && has(err.msg, "hold 10000"),
              "only batch 1: %s", err.msg);
    }
    opt.n = 2000;
    rc = ds_load("cifar10", DS_TEST, &opt, &ds, &err);
    CHECK(rc == 0 && ds.n == 2000 && has(ds.files[0], "test_batch.bin"), "real test: %s", err.msg);
    ds_free(&ds);
}

static void test_real_fashion(void)
{
    const char *dir = "/usr/share/datasets/fashion-mnist";
    struct stat st;
    if (stat(dir, &st) != 0) {
        printf("skip: real Fashion-MNIST (no %s; apt-get install dataset-fashion-mnist)\n", dir);
        return;
    }
    /* found by the default search when nothing else is there */
    const char *empty = mkdir_in("empty-root2");
    setenv("AETUI_DATA", empty, 1);
    setenv("XDG_DATA_HOME", empty, 1);
    char found[1024];
    ae_err err = {{0}};
    CHECK(ds_locate("fashion-mnist", NULL, found, sizeof found, &err) == 0 && !strcmp(found, dir),
          "default search: %s %s", found, err.msg);
    dataset ds;
    ds_options opt = {.n = 60000};
    int rc = ds_load("fashion-mnist", DS_TRAIN, &opt, &ds, &err);
    CHECK(rc == 0 && ds.n == 60000 && ds.h == 28 && ds.w == 28 && ds.c == 1 && ds.nfiles == 2,
          "fashion train: %s", err.msg);
    int bad = 0;
    for (int i = 0; rc == 0 && i < ds.n; i++) bad += ds.labels[i] >= 10;
    CHECK(bad == 0, "labels in range");
    ds_free(&ds);
    opt.n = 60001;
    CHECK(ds_load("fashion-mnist", DS_TRAIN, &opt, &ds, &err) == -1 &&
              has(err.msg, "60001 training samples asked for"),
          "too many: %s", err.msg);
    opt.n = 2000;
    CHECK(ds_load("fashion-mnist", DS_TEST, &opt, &ds, &err) == 0 && ds.n == 2000 &&
              !strcmp(ds.class_names[9], "Ankle boot"),
          "fashion test: %s", err.msg);
    ds_free(&ds);
    unsetenv("AETUI_DATA");
    unsetenv("XDG_DATA_HOME");
}

int main(void)
{
    if (!test_tmpdir("datasets", tmp, sizeof tmp)) test_skip("no temporary directory");
    test_sha256();
    test_names();
    test_cifar_good();
    test_cifar_bad();
    test_idx_good();
    test_idx_bad();
    test_sines();
    test_real_cifar();
    test_real_fashion();
    return test_done();
}

/* idx.c: IDX files, the format of MNIST and Fashion-MNIST (idx_load, idx_load_files; see
 * dataset.h).
 *
 * An IDX file is a big-endian header (magic 0x00000803 and count, rows, cols for unsigned-byte
 * images; magic 0x00000801 and count for labels) followed by the bytes. The files may be
 * gzipped or not: zlib's gzread reads both, so there is one code path. A plain file's size
 * must match its header exactly; a gzipped one must hold at least the bytes used (checking
 * the rest would mean inflating data we do not use). The SHA-256 covers the decompressed image
 * bytes used. */
#include "dataset.h"
#include "fileio.h"
#include "sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define IDX_MAGIC_IMAGES 0x00000803u
#define IDX_MAGIC_LABELS 0x00000801u
#define IDX_MAX_SIDE     4096
#define IDX_CHUNK        (1 << 20)

static const char *const idx_fashion_names[10] = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                  "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                  "Bag",         "Ankle boot"};

/* An open IDX file: the gz handle, its path and whether it is plain (size known). */
typedef struct idx_file {
    gzFile gz;
    const char *path;
    long long plain_size; /* -1 when gzipped */
} idx_file;

static int idx_open(idx_file *f, const char *path, ae_err *err)
{
    f->gz = NULL;
    f->path = path;
    f->plain_size = -1;
    struct stat st;
    if (stat(path, &st) != 0 && errno == ENOENT) return ae_fail(err, "%s: no such file", path);
    int64_t size;
    int fd = fio_open_read(path, &size, err); /* a FIFO or device is refused, not waited on */
    if (fd < 0) return -1;
    if (size == 0) {
        close(fd);
        return ae_fail(err, "%s: empty file", path);
    }
    errno = 0;
    f->gz = gzdopen(fd, "rb");
    if (!f->gz) {
        close(fd);
        return ae_fail(err, "%s: cannot open: %s", path, errno ? strerror(errno) : "zlib error");
    }
    if (gzdirect(f->gz)) f->plain_size = size;
    return 0;
}

static void idx_close(idx_file *f)
{
    if (f->gz) gzclose(f->gz);
    f->gz = NULL;
}

/* Reads exactly len bytes, which are bytes base.. of the `total` bytes of `what` (for the
 * messages); a short read is reported as truncation, or as corrupt gzip data. */
static int idx_read_part(idx_file *f, void *buf, size_t len, size_t base, size_t total,
                         const char *what, ae_err *err)
{
    size_t done = 0;
    while (done < len) {
        unsigned want = len - done > IDX_CHUNK ? IDX_CHUNK : (unsigned)(len - done);
        int got = gzread(f->gz, (char *)buf + done, want);
        if (got < 0) {
            int code;
            const char *msg = gzerror(f->gz, &code);
            if (code == Z_BUF_ERROR) /* zlib's "unexpected end of file" */
                return ae_fail(err,
                               "%s: truncated gzip data: ends after %zu of the %zu bytes of %s",
                               f->path, base + done, total, what);
            return ae_fail(err, "%s: %s while reading %s: %s", f->path,
                           code == Z_ERRNO ? "read error" : "corrupt gzip data", what,
                           code == Z_ERRNO ? strerror(errno) : msg);
        }
        if (got == 0) {
            int code;
            const char *msg = gzerror(f->gz, &code);
            if (code != Z_OK && code != Z_BUF_ERROR)
                return ae_fail(err, "%s: corrupt gzip data while reading %s: %s", f->path, what,
                               msg);
            return ae_fail(err, "%s: truncated: ends after %zu of the %zu bytes of %s", f->path,
                           base + done, total, what);
        }
        done += (size_t)got;
    }
    return 0;
}

/* Reads exactly len bytes; a short read is reported as truncation (or corrupt gzip data). */
static int idx_read(idx_file *f, void *buf, size_t len, const char *what, ae_err *err)
{
    return idx_read_part(f, buf, len, 0, len, what, err);
}

/* Reads exactly len bytes into a new buffer. A plain file's size has been checked against its
 * header, so the buffer is allocated at once; for gzipped data it grows as the bytes arrive,
 * so that a small file whose header claims gigabytes fails on its truncation, not on malloc. */
static uint8_t *idx_read_alloc(idx_file *f, size_t len, const char *what, ae_err *err)
{
    size_t cap = f->plain_size >= 0 || len < ((size_t)1 << 20) ? len : (size_t)1 << 20;
    size_t done = 0;
    uint8_t *buf = malloc(cap ? cap : 1);
    while (buf) {
        size_t take = cap - done;
        if (idx_read_part(f, buf + done, take, done, len, what, err) != 0) {
            free(buf);
            return NULL;
        }
        done = cap;
        if (done == len) return buf;
        cap = len - cap < cap ? len : 2 * cap;
        uint8_t *grown = realloc(buf, cap);
        if (!grown) free(buf);
        buf = grown;
    }
    ae_fail(err, "%s: out of memory for the %zu bytes of %s", f->path, len, what);
    return NULL;
}

static uint32_t idx_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int idx_check_magic(idx_file *f, uint32_t got, uint32_t want, ae_err *err)
{
    if (got == want) return 0;
    const char *kind = want == IDX_MAGIC_IMAGES ? "IDX unsigned-byte images (idx3-ubyte)"
                                                : "IDX unsigned-byte labels (idx1-ubyte)";
    if (got == IDX_MAGIC_IMAGES || got == IDX_MAGIC_LABELS)
        return ae_fail(err, "%s: wrong kind of IDX file: magic 0x%08x, expected 0x%08x for %s",
                       f->path, got, want, kind);
    return ae_fail(err, "%s: wrong magic 0x%08x, expected 0x%08x for %s", f->path, got, want, kind);
}

/* idx_load_files, with the dataset's name and split for the "asked for" message (ds NULL:
 * plain files). */
static int idx_load_pair(const char *images, const char *labels, int n, int nclasses,
                         const char *ds, int split, dataset *out, ae_err *err)
{
    idx_file fi = {0}, fl = {0};
    int rc = -1;
    if (n < 1) return ae_fail(err, "%s: %d samples asked for; at least 1 is needed", images, n);
    if (nclasses < 1 || nclasses > DS_MAX_CLASSES)
        return ae_fail(err, "%s: %d classes is not supported (1-%d)", labels, nclasses,
                       DS_MAX_CLASSES);

    /* Image header. */
    uint8_t h[16];
    if (idx_open(&fi, images, err) != 0) goto done;
    if (idx_read(&fi, h, 4, "the header", err) != 0) goto done;
    if (idx_check_magic(&fi, idx_be32(h), IDX_MAGIC_IMAGES, err) != 0) goto done;
    if (idx_read_part(&fi, h + 4, 12, 4, 16, "the header", err) != 0) goto done;
    uint32_t count = idx_be32(h + 4), rows = idx_be32(h + 8), cols = idx_be32(h + 12);
    if (count == 0) {
        ae_fail(err, "%s: the header declares no images", images);
        goto done;
    }
    if (count > 0x7fffffffu) {
        ae_fail(err, "%s: implausible image count %u", images, count);
        goto done;
    }
    if (rows < 1 || cols < 1 || rows > IDX_MAX_SIDE || cols > IDX_MAX_SIDE) {
        ae_fail(err, "%s: implausible image size %ux%u (1-%d each way)", images, rows, cols,
                IDX_MAX_SIDE);
        goto done;
    }
    size_t dim = (size_t)rows * cols;
    if (fi.plain_size >= 0 &&
        (unsigned long long)fi.plain_size != 16 + (unsigned long long)count * dim) {
        ae_fail(err, "%s: %s: %lld bytes, expected %llu for %u images of %ux%u", images,
                (unsigned long long)fi.plain_size < 16 + (unsigned long long)count * dim
                    ? "truncated"
                    : "wrong size",
                fi.plain_size, 16 + (unsigned long long)count * dim, count, rows, cols);
        goto done;
    }

    /* Label header. */
    if (idx_open(&fl, labels, err) != 0) goto done;
    if (idx_read(&fl, h, 4, "the header", err) != 0) goto done;
    if (idx_check_magic(&fl, idx_be32(h), IDX_MAGIC_LABELS, err) != 0) goto done;
    if (idx_read_part(&fl, h + 4, 4, 4, 8, "the header", err) != 0) goto done;
    uint32_t lcount = idx_be32(h + 4);
    if (lcount != count) {
        ae_fail(err, "%s: %u labels, but %s holds %u images", labels, lcount, images, count);
        goto done;
    }
    if (fl.plain_size >= 0 && (unsigned long long)fl.plain_size != 8 + (unsigned long long)count) {
        ae_fail(err, "%s: %s: %lld bytes, expected %llu for %u labels", labels,
                (unsigned long long)fl.plain_size < 8 + (unsigned long long)count ? "truncated"
                                                                                  : "wrong size",
                fl.plain_size, 8 + (unsigned long long)count, count);
        goto done;
    }
    if ((uint32_t)n > count) {
        if (ds)
            ae_fail(err, "%s: %d %s samples asked for, %s holds %u", ds, n,
                    split == DS_TRAIN ? "training" : "test", images, count);
        else
            ae_fail(err, "%s: %d samples asked for, the file holds %u", images, n, count);
        goto done;
    }

    /* The bytes. */
    out->kind = DS_IMAGES;
    out->h = (int)rows;
    out->w = (int)cols;
    out->c = 1;
    if (dim > 0x7fffffff) {
        ae_fail(err, "%s: images of %ux%u are too large", images, rows, cols);
        goto done;
    }
    out->dim = (int)dim;
    if ((unsigned long long)n * dim > (unsigned long long)SIZE_MAX / 2) {
        ae_fail(err, "%s: %d images of %ux%u are too many to hold", images, n, rows, cols);
        goto done;
    }
    char what[64];
    snprintf(what, sizeof what, "%d images", n);
    out->u8 = idx_read_alloc(&fi, (size_t)n * dim, what, err);
    if (!out->u8) goto done;
    snprintf(what, sizeof what, "%d labels", n);
    out->labels = idx_read_alloc(&fl, (size_t)n, what, err);
    if (!out->labels) goto done;
    for (int i = 0; i < n; i++)
        if (out->labels[i] >= nclasses) {
            ae_fail(err, "%s: label %d of item %d is not a class (0-%d)", labels, out->labels[i], i,
                    nclasses - 1);
            goto done;
        }

    sha256_ctx sha;
    sha256_init(&sha);
    sha256_update(&sha, out->u8, (size_t)n * dim);
    sha256_hex(&sha, out->sha256);
    out->n = n;
    out->nclasses = nclasses;
    for (int k = 0; k < nclasses; k++)
        snprintf(out->class_names[k], sizeof out->class_names[k], "%d", k);
    if (strlen(images) >= sizeof out->files[0] || strlen(labels) >= sizeof out->files[0]) {
        ae_fail(err, "%s: path too long", images);
        goto done;
    }
    out->nfiles = 2;
    snprintf(out->files[0], sizeof out->files[0], "%s", images);
    snprintf(out->files[1], sizeof out->files[1], "%s", labels);
    rc = 0;
done:
    idx_close(&fi);
    idx_close(&fl);
    return rc;
}

int idx_load_files(const char *images, const char *labels, int n, int nclasses, dataset *out,
                   ae_err *err)
{
    return idx_load_pair(images, labels, n, nclasses, NULL, DS_TRAIN, out, err);
}

/* The first existing spelling of an IDX file in dir: "<stem>-<kind>-ubyte", the same with
 * ".gz", and the "<stem>-<base>.<idxN>-ubyte" spelling of the original MNIST site. */
static int idx_find(const char *dir, const char *stem, const char *base, const char *idxn,
                    char *path, size_t len)
{
    static const char *const fmts[] = {"%s/%s-%s-%s-ubyte", "%s/%s-%s-%s-ubyte.gz",
                                       "%s/%s-%s.%s-ubyte", "%s/%s-%s.%s-ubyte.gz"};
    struct stat st;
    for (int i = 0; i < 4; i++) {
        snprintf(path, len, fmts[i], dir, stem, base, idxn);
        if (stat(path, &st) == 0) return 1;
    }
    snprintf(path, len, fmts[1], dir, stem, base, idxn); /* the name to report as missing */
    return 0;
}

int idx_load(const char *name, const char *dir, int split, int n, dataset *out, ae_err *err)
{
    int fashion = !strcmp(name, "fashion-mnist");
    if (!fashion && strcmp(name, "mnist"))
        return ae_fail(err, "%s: not an IDX dataset (mnist, fashion-mnist)", name);
    const char *stem = split == DS_TRAIN ? "train" : "t10k";
    char images[1100], labels[1100];
    if (strlen(dir) > sizeof out->files[0] - 40)
        return ae_fail(err, "%s: directory path too long: %s", name, dir);
    if (!idx_find(dir, stem, "images", "idx3", images, sizeof images))
        return ae_fail(err, "%s: no %s images in %s (looked for %s-images-idx3-ubyte[.gz])", name,
                       split == DS_TRAIN ? "training" : "test", dir, stem);
    if (!idx_find(dir, stem, "labels", "idx1", labels, sizeof labels))
        return ae_fail(err, "%s: no %s labels in %s (looked for %s-labels-idx1-ubyte[.gz])", name,
                       split == DS_TRAIN ? "training" : "test", dir, stem);
    if (idx_load_pair(images, labels, n, 10, name, split, out, err) != 0) return -1;
    snprintf(out->name, sizeof out->name, "%s", name);
    out->split = split;
    if (fashion)
        for (int k = 0; k < 10; k++)
            snprintf(out->class_names[k], sizeof out->class_names[k], "%s", idx_fashion_names[k]);
    return 0;
}

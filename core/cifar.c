/* cifar.c: the CIFAR-10 binary batches (cifar_load, see dataset.h).
 *
 * Each file is a run of 3073-byte records: one label byte (0-9), then 3072 pixel bytes,
 * planar (1024 red, 1024 green, 1024 blue, each row-major 32x32). The training split is the
 * first n records over data_batch_1.bin .. data_batch_5.bin in that order (a missing batch
 * ends the series); the test split is the first n records of test_batch.bin. Pixels are
 * stored NHWC as the models want; the SHA-256 covers the raw records used, so using all of
 * data_batch_1.bin gives that file's own published hash. */
#include "dataset.h"
#include "fileio.h"
#include "sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CIFAR_SIDE   32
#define CIFAR_PIXELS (CIFAR_SIDE * CIFAR_SIDE)
#define CIFAR_RECORD (1 + 3 * CIFAR_PIXELS)
#define CIFAR_CHUNK  256 /* records read per fread */

static const char *const cifar_default_names[10] = {
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};

/* Class names from batches.meta.txt (one per line) when it holds at least 10 usable lines;
 * else the built-in names. A bad meta file is not an error: the names are cosmetic. */
static void cifar_class_names(const char *dir, dataset *out)
{
    for (int i = 0; i < 10; i++)
        snprintf(out->class_names[i], sizeof out->class_names[i], "%s", cifar_default_names[i]);
    out->nclasses = 10;

    char path[1100], buf[4096];
    snprintf(path, sizeof path, "%s/batches.meta.txt", dir);
    FILE *f = fio_fopen_read(path, NULL, NULL); /* optional: never wait on a FIFO */
    if (!f) return;
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = 0;

    char names[10][24];
    int count = 0;
    char *p = buf;
    while (count < 10 && *p) {
        char *end = strchr(p, '\n');
        char *next = end ? end + 1 : p + strlen(p);
        if (!end) end = p + strlen(p);
        while (end > p && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t')) end--;
        size_t n = (size_t)(end - p);
        if (n > 0) {
            for (size_t k = 0; k < n; k++)
                if ((unsigned char)p[k] < 0x20 || p[k] == 0x7f) return; /* not a names file */
            if (n > sizeof names[0] - 1) n = sizeof names[0] - 1;
            memcpy(names[count], p, n);
            names[count][n] = 0;
            count++;
        }
        p = next;
    }
    if (count < 10) return;
    memcpy(out->class_names, names, sizeof names);
}

/* Opens a batch file and checks that it is a non-empty run of whole records.
 * Returns the open file and its record count, NULL with *missing set when it does not exist,
 * NULL with an error message for anything else wrong. */
static FILE *cifar_open(const char *path, long *records, int *missing, ae_err *err)
{
    *missing = 0;
    struct stat st;
    if (lstat(path, &st) != 0 && errno == ENOENT) {
        *missing = 1;
        ae_fail(err, "%s: no such file", path);
        return NULL;
    }
    int64_t size;
    FILE *f = fio_fopen_read(path, &size, err); /* a FIFO or device is refused, not waited on */
    if (!f) return NULL;
    if (size == 0) {
        ae_fail(err, "%s: empty file, expected CIFAR-10 records of %d bytes", path, CIFAR_RECORD);
        fclose(f);
        return NULL;
    }
    if (size % CIFAR_RECORD != 0) {
        ae_fail(err, "%s: truncated: %lld bytes, expected a multiple of %d", path, (long long)size,
                CIFAR_RECORD);
        fclose(f);
        return NULL;
    }
    *records = (long)(size / CIFAR_RECORD);
    return f;
}

/* Reads `count` records from f into out's samples starting at sample `at`. */
static int cifar_read(FILE *f, const char *path, long count, int at, uint8_t *buf, dataset *out,
                      sha256_ctx *sha, ae_err *err)
{
    long done = 0;
    while (done < count) {
        long want = count - done < CIFAR_CHUNK ? count - done : CIFAR_CHUNK;
        size_t got = fread(buf, CIFAR_RECORD, (size_t)want, f);
        if ((long)got != want) {
            if (ferror(f))
                return ae_fail(err, "%s: read error after %ld records: %s", path, done + (long)got,
                               strerror(errno));
            return ae_fail(err, "%s: truncated: ended after %ld records", path, done + (long)got);
        }
        sha256_update(sha, buf, (size_t)want * CIFAR_RECORD);
        for (long r = 0; r < want; r++) {
            const uint8_t *rec = buf + (size_t)r * CIFAR_RECORD;
            long i = at + done + r;
            if (rec[0] > 9)
                return ae_fail(err, "%s: record %ld: label %d is not a CIFAR-10 class (0-9)", path,
                               done + r, rec[0]);
            out->labels[i] = rec[0];
            uint8_t *dst = out->u8 + (size_t)i * 3 * CIFAR_PIXELS;
            const uint8_t *R = rec + 1, *G = R + CIFAR_PIXELS, *B = G + CIFAR_PIXELS;
            for (int p = 0; p < CIFAR_PIXELS; p++) {
                dst[3 * p] = R[p];
                dst[3 * p + 1] = G[p];
                dst[3 * p + 2] = B[p];
            }
        }
        done += want;
    }
    return 0;
}

int cifar_load(const char *dir, int split, int n, dataset *out, ae_err *err)
{
    const char *what = split == DS_TRAIN ? "training" : "test";
    if (n < 1)
        return ae_fail(err, "cifar10: %d %s samples asked for; at least 1 is needed", n, what);
    char paths[5][1024];
    int npaths;
    if (strlen(dir) > sizeof paths[0] - 32)
        return ae_fail(err, "cifar10: directory path too long: %s", dir);
    if (split == DS_TRAIN) {
        npaths = 5;
        for (int b = 0; b < 5; b++)
            snprintf(paths[b], sizeof paths[b], "%s/data_batch_%d.bin", dir, b + 1);
    } else {
        npaths = 1;
        snprintf(paths[0], sizeof paths[0], "%s/test_batch.bin", dir);
    }

    /* First pass: open and check the files needed, counting what they hold. */
    FILE *files[5] = {0};
    long counts[5] = {0};
    long have = 0;
    int used = 0, rc = -1;
    for (int b = 0; b < npaths && have < n; b++) {
        int missing;
        files[b] = cifar_open(paths[b], &counts[b], &missing, err);
        if (!files[b]) {
            if (missing && b > 0) break; /* the series ends here */
            goto done;
        }
        have += counts[b];
        used = b + 1;
    }
    if (have < n) {
        ae_fail(err, "cifar10: %d %s samples asked for, the files in %s hold %ld", n, what, dir,
                have);
        goto done;
    }

    snprintf(out->name, sizeof out->name, "cifar10");
    out->split = split;
    out->kind = DS_IMAGES;
    out->h = out->w = CIFAR_SIDE;
    out->c = 3;
    out->dim = 3 * CIFAR_PIXELS;
    out->u8 = malloc((size_t)n * out->dim);
    out->labels = malloc((size_t)n);
    uint8_t *buf = malloc((size_t)CIFAR_CHUNK * CIFAR_RECORD);
    if (!out->u8 || !out->labels || !buf) {
        free(buf);
        ae_fail(err, "cifar10: out of memory for %d images", n);
        goto done;
    }
    sha256_ctx sha;
    sha256_init(&sha);
    long at = 0;
    for (int b = 0; b < used; b++) {
        long take = n - at < counts[b] ? n - at : counts[b];
        if (cifar_read(files[b], paths[b], take, (int)at, buf, out, &sha, err) != 0) {
            free(buf);
            goto done;
        }
        memcpy(out->files[out->nfiles++], paths[b], sizeof paths[b]);
        at += take;
    }
    free(buf);
    out->n = n;
    sha256_hex(&sha, out->sha256);
    cifar_class_names(dir, out);
    rc = 0;
done:
    for (int b = 0; b < 5; b++)
        if (files[b]) fclose(files[b]);
    return rc;
}

/* fuzz_idx.c: libFuzzer target for the IDX loader (core/idx.c), built with -DAETUI_FUZZ=ON.
 *
 * The input's first byte chooses how it is presented: bit 0 set means the rest is written
 * gzipped (so the fuzzer explores IDX parsing behind zlib), clear means written as is (so it
 * explores zlib's own parsing of arbitrary bytes); bits 1-2 choose how many samples to ask
 * for. The rest is split in two at a point taken from the second byte: images and labels.
 * The files are also loaded the other way round. The loader must fail cleanly or succeed,
 * never crash, leak or read out of bounds. */
#include "dataset.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static int fuzz_write(const char *path, const uint8_t *data, size_t len, int gz)
{
    if (gz) {
        gzFile g = gzopen(path, "wb");
        if (!g) return -1;
        if (len) gzwrite(g, data, (unsigned)len);
        return gzclose(g) == Z_OK ? 0 : -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    if (len) fwrite(data, 1, len, f);
    return fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    int gz = data[0] & 1;
    static const int ns[4] = {1, 2, 7, 1000};
    int n = ns[(data[0] >> 1) & 3];
    size_t rest = size - 2, cut = rest ? (size_t)data[1] * rest / 255 : 0;
    const uint8_t *body = data + 2;

    char dir[] = "/tmp/fuzz_idx.XXXXXX";
    if (!mkdtemp(dir)) return 0;
    char images[64], labels[64];
    snprintf(images, sizeof images, "%s/images", dir);
    snprintf(labels, sizeof labels, "%s/labels", dir);
    if (fuzz_write(images, body, cut, gz) == 0 &&
        fuzz_write(labels, body + cut, rest - cut, gz) == 0) {
        dataset ds = {0};
        ae_err err;
        if (idx_load_files(images, labels, n, 10, &ds, &err) == 0) {
            float *x = malloc(sizeof(float) * (size_t)ds.dim);
            if (x) {
                ds_sample(&ds, ds.n - 1, x);
                free(x);
            }
        }
        ds_free(&ds);
        memset(&ds, 0, sizeof ds);
        idx_load_files(labels, images, 1, 10, &ds, &err);
        ds_free(&ds);
    }
    unlink(images);
    unlink(labels);
    rmdir(dir);
    return 0;
}

/* npy.h: reading and writing NumPy .npy files (format versions 1.0, 2.0 and 3.0).
 *
 * A .npy file is a magic string, a version, a little header that is a Python dict literal
 * ({'descr': '<f4', 'fortran_order': False, 'shape': (N, D), }) padded with spaces, then the
 * raw array in C order. We read little-endian, C-order arrays of up to 4 dimensions and convert
 * them to one of three in-memory kinds the rest of aetui uses:
 *   NPY_FLOAT  float32, from '<f4' or '<f8' (converted),
 *   NPY_UINT8  uint8,   from '|u1' (images, N x H x W x C),
 *   NPY_LABELS int32,   from '<i8', '<i4', '<i2', '|u1', '|i1' (class labels; values that do not
 *                       fit int32 are refused),
 *   NPY_UNIT   float32, from '<f4', '<f8', or '|u1' scaled by 1/255: data that may be 8-bit
 *                       images (0-255 becomes [0,1], as the image datasets are scaled).
 * Every malformed file (bad magic, header past the end, bad header dict, unsupported dtype,
 * Fortran order, data shorter or longer than the shape says) fails with one line naming the
 * file and the problem. We write float32 and uint8 arrays as version 1.0.
 *
 * Memory: an npy_array owns its data (malloc); npy_free releases it. Thread-safe (no state). */
#ifndef AE_NPY_H
#define AE_NPY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define NPY_MAX_DIMS 4

enum npy_kind { NPY_FLOAT = 1, NPY_UINT8 = 2, NPY_LABELS = 3, NPY_UNIT = 4 };

typedef struct npy_array {
    int kind;                    /* enum npy_kind: what data points to */
    int ndim;                    /* 0 (a scalar) to NPY_MAX_DIMS */
    int64_t shape[NPY_MAX_DIMS]; /* unused dimensions are 1 */
    int64_t count;               /* product of the shape */
    char descr[8];               /* the file's dtype, e.g. "<f8" */
    void *data;                  /* count float, uint8_t or int32_t values */
} npy_array;

/* Reads `path` as an array of the given kind; on failure *out is zeroed and err names the
 * file. */
int npy_read(const char *path, int kind, npy_array *out, ae_err *err);

/* The same from a buffer holding a whole file's bytes; `name` is used in messages. */
int npy_parse(const void *buf, size_t len, const char *name, int kind, npy_array *out, ae_err *err);

/* Writes a float32 ('<f4') or uint8 ('|u1') array of `ndim` dimensions (1..4), through
 * fio_out (see fileio.h: atomic over a regular file, direct into a FIFO or a device). */
int npy_write_f32(const char *path, const float *data, int ndim, const int64_t *shape, ae_err *err);
int npy_write_u8(const char *path, const uint8_t *data, int ndim, const int64_t *shape,
                 ae_err *err);

/* The same into an open stream (name for messages); the caller checks the stream's write
 * errors, e.g. with fio_out_commit. Fails only on a bad shape. */
int npy_fput_f32(FILE *f, const char *name, const float *data, int ndim, const int64_t *shape,
                 ae_err *err);
int npy_fput_u8(FILE *f, const char *name, const uint8_t *data, int ndim, const int64_t *shape,
                ae_err *err);

void npy_free(npy_array *a);

#endif

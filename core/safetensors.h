/* safetensors.h: reading and writing safetensors files (float32 tensors only).
 *
 * The format: 8 bytes, the little-endian length N of a JSON header; N bytes of JSON, an object
 * mapping each tensor name to {"dtype", "shape", "data_offsets": [begin, end]} plus an optional
 * "__metadata__" object of string values; then the data section, every tensor's bytes
 * (little-endian, C order) at [begin, end) relative to the section's start. We write the header
 * padded with spaces so the data starts 8-byte aligned, tensors in the order given, no gaps.
 *
 * The reader is strict: it checks the header length against the file, parses the header with
 * its own small JSON parser (objects, arrays, strings, non-negative integers; no floats, true,
 * false or null, nesting at most three levels as the format has it), refuses duplicate names,
 * dtypes other than F32, offsets outside the data, extents that do not match dtype x shape,
 * overlapping tensors, gaps and trailing bytes. Every message names the file.
 *
 * Writing goes through st_atomic: a temporary file beside the target, fsync'd, renamed over
 * it, then the directory fsync'd, so a reader sees the old file or the new one, never half.
 *
 * Memory: an st_file owns a copy of the file's bytes and its tables; st_free releases them.
 * No global state; any thread. */
#ifndef AE_SAFETENSORS_H
#define AE_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define ST_MAX_DIMS   8
#define ST_MAX_HEADER (100u << 20) /* a header longer than 100 MiB is refused as absurd */

typedef struct st_tensor {
    char *name;
    int ndim;
    int64_t shape[ST_MAX_DIMS];
    int64_t count;       /* product of the shape (1 for a scalar) */
    uint64_t begin, end; /* byte range within the data section */
} st_tensor;

typedef struct st_kv { /* a __metadata__ entry (owned by the st_file when read) */
    const char *key, *value;
} st_kv;

typedef struct st_file {
    char name[256];     /* for messages: the path (cut) */
    unsigned char *buf; /* the whole file */
    size_t len;
    size_t data_off;     /* where the data section starts in buf */
    int ntensors, nmeta; /* tensors in header order */
    st_tensor *tensors;
    st_kv *meta;
} st_file;

/* Reads and validates the file at path. On failure *out is left empty (st_free is safe). */
int st_read(const char *path, st_file *out, ae_err *err);
/* The same from a whole file's bytes (copied); name is used in messages. */
int st_parse(const void *buf, size_t len, const char *name, st_file *out, ae_err *err);
void st_free(st_file *f);

/* The tensor of that name, or NULL. */
const st_tensor *st_find(const st_file *f, const char *name);
/* The metadata value of that key, or NULL. */
const char *st_meta(const st_file *f, const char *key);
/* Copies tensor t's values (t->count floats) into out, converting from little-endian. */
void st_values(const st_file *f, const st_tensor *t, float *out);

/* A tensor to write: shape and count floats in C order (read from data, in host order). */
typedef struct st_out {
    const char *name;
    int ndim;
    int64_t shape[ST_MAX_DIMS];
    const float *data;
} st_out;

/* Writes a safetensors file atomically. Names must be distinct, non-empty and not
 * "__metadata__"; meta may be NULL when nmeta is 0. */
int st_write(const char *path, const st_kv *meta, int nmeta, const st_out *t, int n, ae_err *err);

/* ---- atomic file writing (also used for other files written beside checkpoints) ---- */

typedef struct st_atomic {
    FILE *f;
    char path[4096], tmp[4200];
    int failed; /* a write failed: commit will fail */
} st_atomic;

/* Creates the temporary file beside path (same directory, which must exist), named
 * PATH.tmp-PID-XXXXXX so that one left by a killed process can be told and removed. */
int st_atomic_open(st_atomic *a, const char *path, ae_err *err);
/* Appends bytes; a failure is remembered for st_atomic_commit. */
void st_atomic_write(st_atomic *a, const void *p, size_t n);
/* Flushes, fsyncs, renames over path and fsyncs the directory. Removes the temporary file on
 * failure. */
int st_atomic_commit(st_atomic *a, ae_err *err);
/* Abandons the write and removes the temporary file. */
void st_atomic_abort(st_atomic *a);

#endif

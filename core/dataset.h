/* dataset.h: the datasets aetui trains on, loaded whole into memory.
 *
 * Images (CIFAR-10, MNIST, Fashion-MNIST, image folders) are kept as uint8 NHWC (a quarter of
 * the memory of float32) and scaled to [0,1] when a batch is gathered; float32 images from a
 * .npy file stay float32. Sequences (the synthetic `sines`, your CSV and .npy data) are kept
 * as float32, sample-major [N][T][F], and gathered time-major [T][B][F] as the LSTM wants;
 * plain vectors are sequences of one step (T = 1, F = D). The windows of a long time series
 * are not copied: the series' rows are kept once and sample i is the T rows from starts[i].
 *
 * Built-in sets: training samples are the first N of the training files (CIFAR:
 * data_batch_1..5 in order), test samples the first M of the test file. Your own data (a
 * dataset spec, dspec.h) is split and scaled by its spec. Every loader checks sizes and magic
 * numbers and fails with a message naming the file and the problem.
 *
 * Memory: a dataset owns its arrays; ds_free releases them. Not thread-safe to load, but
 * a loaded dataset is read-only and may be gathered from by several threads at once. */
#ifndef AE_DATASET_H
#define AE_DATASET_H

#include <stdint.h>

#include "err.h"
#include "scaling.h"

enum ds_kind { DS_IMAGES = 1, DS_SEQUENCES = 2 };
enum ds_split { DS_TRAIN = 0, DS_TEST = 1 };
/* What the time column of a long series held: nothing (times are row numbers), numbers, or
 * ISO 8601 dates and times (kept as Unix seconds, UTC). */
enum ds_time { DS_TIME_NONE = 0, DS_TIME_NUMBER = 1, DS_TIME_DATE = 2 };

#define DS_MAX_CLASSES 256 /* labels are uint8 */
#define DS_MAX_FILES   8

struct ds_spec;

typedef struct dataset {
    char name[32];   /* "cifar10", "fashion-mnist", "mnist", "sines", or your dataset's name */
    int kind;        /* DS_IMAGES or DS_SEQUENCES */
    int split;       /* DS_TRAIN or DS_TEST */
    int n;           /* samples */
    int h, w, c;     /* images: height, width, channels (0 for sequences) */
    int t, f;        /* sequences: time steps, features (0 for images) */
    int dim;         /* values per sample: h*w*c or t*f */
    uint8_t *u8;     /* images: n*h*w*c bytes, NHWC; NULL for sequences and float images */
    float *f32;      /* sequences: n*t*f floats, [n][t][f] (windows: rows*f, see starts);
                        float images (from .npy): n*h*w*c in [0,1]; NULL for uint8 images */
    uint8_t *labels; /* n class indices (all 0 when the data has no labels) */
    int nclasses;
    char class_names[DS_MAX_CLASSES][24];
    int nfiles;                     /* files read (0 for synthetic data) */
    char files[DS_MAX_FILES][1024]; /* their paths, for the run record */
    char sha256[65];                /* hex SHA-256 over the bytes used (images) or over the
                                       generated float32 values (sines); your own data:
                                       over the files' content (dspec.h) */
    int labelled;                   /* 1 when the labels come from the data */
    /* Your own data only (NULL / 0 otherwise): */
    int64_t *src_index; /* n: each sample's place in its source (CSV row, file, array index,
                           window), counting from 0 in the source's own order */
    int64_t *starts;    /* a long series cut into windows: sample i is rows starts[i] ..
                           starts[i] + t - 1 of f32, which then holds `rows` rows of f values */
    int64_t rows;       /* rows of the series segment held (windows only) */
    int64_t row0;       /* the segment's first row in the whole series (windows only) */
    double *times;      /* rows time values of the segment (windows with a time column) */
    int time_kind;      /* DS_TIME_* */
    ds_scaling scaling; /* what was applied to f32 (sequences); n = 0 for none */
    /* Injected anomalies (sines --anomalies): n kinds, DS_ANOM_NONE for a normal sample;
     * NULL when none were injected. */
    uint8_t *anomaly;
} dataset;

/* The kinds of anomaly sines injects (ds_anomaly_names has their names, index = kind). */
enum ds_anomaly { DS_ANOM_NONE = 0, DS_ANOM_SPIKE, DS_ANOM_SHIFT, DS_ANOM_FREQ, DS_ANOM_FLAT };
#define DS_ANOM_KINDS 5
extern const char *const ds_anomaly_names[DS_ANOM_KINDS];

/* Options for loading. A zero-initialised struct asks for the defaults. */
typedef struct ds_options {
    const char *data_dir;       /* --data-dir, searched first; NULL: the usual places (ds_locate) */
    int n;                      /* samples wanted; must be >= 1 and <= what the files hold (your own
                                   data: 0 means all of the split) */
    uint64_t seed;              /* sines only: generator seed (0 means the fixed default, 2024) */
    int t, f;                   /* sines only: time steps and features; 0 means 50 and 10 */
    const struct ds_spec *spec; /* your own data (dspec.h): then name is the spec's name */
    int threads;                /* your own images: decoding threads (0: 1) */
    double anomalies; /* sines, test split only: the fraction of sequences (0 to 0.5) given an
                         anomaly (sines.c); 0 none */
} ds_options;

/* Loads `n` samples of the named dataset's split into *out (zeroed first).
 * name: "cifar10", "fashion-mnist", "mnist" or "sines", or with opt->spec your own data. */
int ds_load(const char *name, int split, const ds_options *opt, dataset *out, ae_err *err);
void ds_free(dataset *ds);

/* 0 when b's samples have a's shape (kind, h x w x c or t x f); else -1 with a message that
 * names both splits, their files and shapes. Every split of a dataset must pass it before
 * a model sized by one split gathers from another (a 32x32 test set against 28x28 training
 * images overflowed the model's buffers). */
int ds_same_shape(const dataset *a, const dataset *b, ae_err *err);

/* "28x28x1" (images) or "50x10" (sequences: steps x features) into buf. */
void ds_shape_text(const dataset *ds, char *buf, int len);

/* Loads both splits at once (your own data is read and split once): ntrain and ntest as
 * ds_options.n. */
int ds_load_both(const char *name, const ds_options *opt, int ntrain, int ntest, dataset *train,
                 dataset *test, ae_err *err);

/* Copies samples idx[0..b-1] into out, as float32:
 *  images:    out is [b][h][w][c] scaled to [0,1]
 *  sequences: out is time-major [t][b][f] */
void ds_gather(const dataset *ds, const int *idx, int b, float *out);
/* The same, sample-major for every kind ([b][dim]: what a model on flat vectors takes). */
void ds_gather_flat(const dataset *ds, const int *idx, int b, float *out);

/* Writes sample i (float32, [h][w][c] or [t][f]) into out (dim floats). */
void ds_sample(const dataset *ds, int i, float *out);

/* Where the named dataset's files are: *dir_out receives the directory holding them.
 * Returns 0 when found. data_dir (--data-dir; NULL or "" for none) is searched first, itself
 * and its conventional subfolders (a data_dir that is not a directory is an error); then
 * the usual places: $AETUI_DATA, $XDG_DATA_HOME/aetui/datasets (~/.local/share/aetui/datasets),
 * /usr/share/datasets, /usr/local/share/datasets, and in each also the conventional subfolder
 * (cifar-10-batches-bin, fashion-mnist, mnist). sines is always found (synthetic). */
int ds_locate(const char *name, const char *data_dir, char *dir_out, int dir_len, ae_err *err);

/* aetui's own datasets folder, searched by ds_locate and filled by `aetui get`:
 * $XDG_DATA_HOME/aetui/datasets when XDG_DATA_HOME is an absolute path, else
 * $HOME/.local/share/aetui/datasets. */
int ds_user_dir(char *out, int len, ae_err *err);

/* The dataset names aetui knows, NULL-terminated. */
extern const char *const ds_names[];

/* True when the name is one of ds_names. */
int ds_known(const char *name);

/* The kind of a named dataset (DS_IMAGES or DS_SEQUENCES); 0 for unknown names. */
int ds_kind_of(const char *name);

/* The loaders behind ds_load, exposed for tests and fuzzing. Each expects *out zeroed, fills
 * it (data, labels, class names, files read, sha256) and on failure leaves what it allocated
 * for ds_free to release. n is the number of samples wanted (>= 1). */

/* CIFAR-10 binary batches in dir: training = first n records over data_batch_1..5.bin in
 * order, test = first n of test_batch.bin. Class names from batches.meta.txt when present. */
int cifar_load(const char *dir, int split, int n, dataset *out, ae_err *err);

/* "mnist" or "fashion-mnist" from dir: {train,t10k}-{images-idx3,labels-idx1}-ubyte, plain
 * or with .gz (also the "train-images.idx3-ubyte" spelling). */
int idx_load(const char *name, const char *dir, int split, int n, dataset *out, ae_err *err);

/* The first n images and labels of an IDX image file (magic 0x00000803) and an IDX label
 * file (magic 0x00000801), each plain or gzipped; labels must be below nclasses. */
int idx_load_files(const char *images, const char *labels, int n, int nclasses, dataset *out,
                   ae_err *err);

/* ---- classes (dsclass.c) ------------------------------------------------------------ */

/* The samples a built-in split holds in all (0: no fixed size, as sines or your own data). */
int ds_full_size(const char *name, int split);
/* Parses a list of classes ("0,3" or names such as "sneaker,ankle boot", any case) into mask
 * (DS_MAX_CLASSES bytes, 1 = chosen) and its normal form, the sorted numbers ("0,3"), into
 * norm. Refuses unknown classes, an empty list and a list of every class. */
int ds_class_list(const dataset *ds, const char *list, uint8_t *mask, char *norm, int normlen,
                  ae_err *err);
/* Keeps the first `max` samples whose class is in mask, in order, and hashes them anew (the
 * sha256 then covers those samples only). Fails when none is left. */
int ds_keep_classes(dataset *ds, const uint8_t *mask, int max, ae_err *err);

/* The training split of a run that trained on some classes only (classes "" or NULL: the
 * plain ds_load): the first opt->n samples of those classes (0: all of them), read from the
 * whole split. norm (may be NULL) receives the classes' normal form (ds_class_list). */
int ds_load_classes(const char *name, const ds_options *opt, const char *classes, dataset *out,
                    char *norm, int normlen, ae_err *err);

/* The synthetic `sines` sequences (formulas in sines.c and the README). */
int sines_generate(int split, const ds_options *opt, dataset *out, ae_err *err);

#endif

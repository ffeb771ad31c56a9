/* dspec.h: your own data. A dataset spec says where the data is, in which format, with which
 * options, how it is split and scaled; loading a spec gives the one dataset struct.
 *
 * Formats (one reader file each, all producing a dataset):
 *   folder  a folder of PNG and JPEG images (imgfolder.c, png.c, jpeg.c, resize.c); the first
 *           level of subfolders names the classes, files directly in it are unlabelled
 *   npy     a .npy array (npyds.c): N x H x W x C (uint8 0-255 or float32 in [0,1]) or
 *           N x H x W uint8 images, N x T x F float32 sequences, N x D float32 vectors
 *   csv     one sample per row (csvrows.c; the UCR/UEA layout, `label,v1,...,vT`)
 *   series  one long time series (csvseries.c; `timestamp,value[,value...]`) cut into windows
 *
 * The spec is a value: its text form (ds_spec_to_text) is what a run records and what
 * encode, reconstruct, export, baseline and --resume give back to ds_spec_from_text, and the
 * same spec always gives the same arrays. The text is the format, the path and the options
 * that differ from the defaults, shell-quoted, as a user would type them:
 *     series /data/nyc_taxi.csv --window 48 --stride 12 --test-frac 0.3
 *
 * Splits: with test_path the test split is that file or folder; else a seeded shuffle puts
 * test_frac of the samples (of each class, when labelled) into the test split, and both
 * splits keep the shuffled order. A long series is split by time: the last test_frac of its
 * rows are the test part, and no window crosses the cut.
 *
 * Scaling (sequences and vectors): per feature, fitted on the training split (scaling.h), or
 * a recorded one given back (ds_load_req.fixed) so that later uses see the run's numbers.
 *
 * Content hash: SHA-256 of the file's bytes (a folder: of each image's relative path and
 * bytes in sorted order; with test_path or npy labels, of those too), in the dataset's
 * sha256; a registered dataset keeps it to notice when the data changed.
 *
 * Memory: specs are plain values (no pointers). Loading allocates into the datasets
 * (ds_free). Thread-safe: no state; image decoding uses its own worker threads. */
#ifndef AE_DSPEC_H
#define AE_DSPEC_H

#include <stdint.h>

#include "dataset.h"
#include "err.h"

enum ds_format { DSF_NONE = 0, DSF_FOLDER = 1, DSF_NPY = 2, DSF_CSV = 3, DSF_SERIES = 4 };
enum ds_missing { DS_MISSING_ERROR = 0, DS_MISSING_DROP, DS_MISSING_ZERO, DS_MISSING_INTERPOLATE };

#define DS_AUTO          (-1)
#define DS_SPEC_TEXT_MAX 1024 /* the longest text form (it is a run parameter) */
#define DS_NAME_MAX      31

typedef struct ds_spec {
    char name[32]; /* the registered name ("" when none yet) */
    int format;    /* DSF_*; DSF_NONE: found from the path by ds_spec_detect */
    char path[1024];
    char test_path[1024];                 /* --test-data: "" none */
    char labels[1024], test_labels[1024]; /* npy: --labels, --test-labels */
    int size_h, size_w;                   /* folder --size HxW; 0: keep the images' size */
    int crop;                             /* folder --crop center (1) or none (0) */
    int channels;                         /* folder --channels 1|3; 0: 3 when any is colour */
    int label_col;                        /* csv: DS_AUTO, 0 none, K (1-based column) */
    int header;                           /* csv, series: DS_AUTO, 0 no, 1 yes */
    int features;                         /* csv: values per time step (0: 1) */
    int window, stride;                   /* series (stride 0: window / 4, at least 1) */
    char columns[512];                    /* series: value columns "a,b" (names or numbers) */
    char time_col[64];                    /* series: "" detect, "none", a name or a number */
    int missing;                          /* series: DS_MISSING_* */
    int delim;                            /* csv, series: CSV_DETECT or a delimiter */
    double test_frac;                     /* default 0.2 */
    uint64_t split_seed;                  /* default 1 */
    int scale;                            /* DS_SCALE_* (default minmax) */
} ds_spec;

/* A spec with every default (format DSF_NONE, no path). */
void ds_spec_init(ds_spec *s);

/* The options a spec takes, as the CLI spells them (without "--"), NULL-terminated; for
 * each, whether it takes a value and a line of help. */
typedef struct ds_spec_option {
    const char *name;
    int has_value;
    const char *help;
} ds_spec_option;
extern const ds_spec_option ds_spec_options[];
const ds_spec_option *ds_spec_option_find(const char *name);

/* Sets one option from its CLI name and value (NULL for a flag), checking it: "--window:
 * expected a whole number from 2 to 1000000, got 'x'". */
int ds_spec_set(ds_spec *s, const char *option, const char *value, ae_err *err);

/* Fills in the format from the path when not given (a directory: folder; *.npy: npy; else
 * csv, or series when a window is given) and checks that the options suit the format
 * ("--window is for a long series (--format series)"). The path must exist. */
int ds_spec_detect(ds_spec *s, ae_err *err);

/* "folder", "npy", "csv", "series"; and back (-1 when unknown). */
const char *ds_format_name(int format);
int ds_format_of(const char *name);

/* The text form described above (without the name). -1 when it does not fit in len or
 * DS_SPEC_TEXT_MAX. */
int ds_spec_to_text(const ds_spec *s, char *buf, int len, ae_err *err);
/* Just the options part (after the path), "" when all are defaults. */
int ds_spec_options_text(const ds_spec *s, char *buf, int len, ae_err *err);
/* Parses a text form (the name is left as it was in *s, which is initialised first). */
int ds_spec_from_text(const char *text, ds_spec *s, ae_err *err);

/* The default name of a path: its file name without the extension, cut to DS_NAME_MAX bytes,
 * characters other than letters, digits, '.', '_' and '-' replaced by '_'. */
void ds_spec_default_name(const char *path, char name[32]);
/* 0 when name can name a dataset: 1 to 31 letters, digits, '.', '_', '-', not starting with
 * '-' or '.', and not a built-in set's name. */
int ds_name_check(const char *name, ae_err *err);

/* Copies a class name into a dataset's 24-byte slot, cut to 23 bytes at a UTF-8 character
 * boundary. */
void ds_class_name(char dst[24], const char *src);
/* The union of two lists of class names (na and nb names, `stride` bytes apart) into out
 * (room for DS_MAX_CLASSES names of `stride` bytes), sorted numerically when every name is a
 * number, else by bytes; map_a and map_b take each list's indices to the union's. Returns the
 * union's size, or -1 when it would pass DS_MAX_CLASSES. */
int ds_class_union(const char *a, int na, const char *b, int nb, size_t stride, char *out,
                   uint8_t *map_a, uint8_t *map_b);

/* ---- loading ---- */

typedef struct ds_load_req {
    int ntrain, ntest;       /* samples wanted: 0 all, N the first N (an error when fewer),
                                -1 that split is not wanted (its dataset pointer may be NULL) */
    const ds_scaling *fixed; /* apply this (a run's) scaling instead of fitting one */
    int threads;             /* image decoding threads (0: 1) */
    int whole;               /* 1: no split: every sample of path, in file order, into train
                                (encode/reconstruct on a file, scoring a series) */
} ds_load_req;

/* Loads the spec (its format detected when needed). Each dataset is zeroed first and holds,
 * on success, its split's samples, labels, class names (shared by both splits), scaling and
 * the content hash; on failure both are empty and err says why, naming the file (and line
 * and column for text). */
int ds_spec_load(const ds_spec *spec, const ds_load_req *rq, dataset *train, dataset *test,
                 ae_err *err);

/* What a spec holds, without keeping the arrays (aetui data add, show): sample counts per
 * split, the per-sample shape, classes, content hash. */
typedef struct ds_spec_info {
    int kind, h, w, c, t, f; /* as in dataset */
    int ntrain, ntest;
    int nclasses, labelled;
    char class_names[DS_MAX_CLASSES][24];
    char sha256[65];
    int64_t rows; /* series: rows of the whole series */
} ds_spec_info;
int ds_spec_inspect(const ds_spec *spec, int threads, ds_spec_info *info, ae_err *err);

/* ---- the readers behind ds_spec_load, for tests and fuzzing ------------------------- */

/* Every row of a CSV of one sample per row into *out (kind sequences: t = values / features,
 * f = features; labels and class names from the label column; src_index = row order). */
int csvrows_read(const char *path, const ds_spec *spec, dataset *out, ae_err *err);
/* The same from memory (name for messages). */
int csvrows_read_mem(const void *data, size_t len, const char *name, const ds_spec *spec,
                     dataset *out, ae_err *err);

/* A long series: rows x f values (f32), times (NULL when there is no time column), the value
 * columns' names. */
typedef struct ds_series {
    float *v;
    double *times;
    int time_kind;
    int64_t rows;
    int f;
    char names[64][32]; /* the first 64 columns' names (for messages) */
    char sha256[65];
} ds_series;
int csvseries_read(const char *path, const ds_spec *spec, ds_series *out, ae_err *err);
int csvseries_read_mem(const void *data, size_t len, const char *name, const ds_spec *spec,
                       ds_series *out, ae_err *err);
void ds_series_free(ds_series *s);
/* Parses an ISO 8601 date and time ("2014-04-01 00:00:00", "2014-04-01T00:00:00.5Z",
 * "2014-04-01", with an offset "+02:00") to Unix seconds; -1 when it is not one. */
int ds_parse_time(const char *s, int len, double *out);
/* Formats Unix seconds as "2014-04-01 00:00:00" (fractions when there are). */
void ds_format_time(double t, char *buf, int len);

/* A .npy array (and labels) as a dataset (see above for the shapes). */
int npyds_read(const char *path, const char *labels, dataset *out, ae_err *err);

#endif

/* scaling.h: the per-feature scaling of your own sequences and vectors, fitted on the
 * training split, recorded with the run, applied on the way in and undone on the way out.
 *
 * Values are laid out [...][F]: the last axis is the feature (a CSV column, a sequence's
 * channel, a vector's component). Each feature f is scaled as
 *     scaled = (x - offset[f]) / scale[f]
 * with offset = min and scale = max - min (minmax: the training values land in [0, 1]), or
 * offset = mean and scale = standard deviation (zscore), or 0 and 1 (none). A feature that is
 * constant in the training split gets scale 1 (it then maps to 0), never a division by zero.
 *
 * Text form (a run's record, a checkpoint's __metadata__ "data_scaling"; JSON, so Python reads
 * it with json.loads): {"kind": "minmax", "offset": [0.5, -2], "scale": [3, 0.25]} with
 * numbers printed to round-trip float32 exactly.
 *
 * Memory: a ds_scaling owns offset and scale (one malloc); ds_scaling_free releases them.
 * Pure functions, any thread. */
#ifndef AE_SCALING_H
#define AE_SCALING_H

#include <stdint.h>

#include "err.h"

enum ds_scale { DS_SCALE_MINMAX = 0, DS_SCALE_ZSCORE = 1, DS_SCALE_NONE = 2 };

typedef struct ds_scaling {
    int kind; /* DS_SCALE_*; 0 features: no scaling at all (images) */
    int n;    /* features */
    float *offset, *scale;
} ds_scaling;

/* "minmax", "zscore", "none"; the kind for a name (-1 when unknown). */
const char *ds_scale_name(int kind);
int ds_scale_kind(const char *name);

/* Fits the scaling of kind on rows x F values (double sums, so millions of rows lose no
 * precision). Non-finite values are refused. */
int ds_scaling_fit(ds_scaling *s, int kind, const float *x, int64_t rows, int F, ae_err *err);
/* In place, on rows x s->n values. */
void ds_scaling_apply(const ds_scaling *s, float *x, int64_t rows);
void ds_scaling_undo(const ds_scaling *s, float *x, int64_t rows);
int ds_scaling_copy(ds_scaling *dst, const ds_scaling *src, ae_err *err);
void ds_scaling_free(ds_scaling *s);

/* The JSON text above, malloc'd (NULL when out of memory). */
char *ds_scaling_to_json(const ds_scaling *s);
/* Parses that text (exactly that form: the keys in that order); -1 with a message. */
int ds_scaling_from_json(const char *text, ds_scaling *s, ae_err *err);

#endif

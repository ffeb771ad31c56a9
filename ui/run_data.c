/* run_data.c: comparing a run's recorded training-data hash with the data as it is now (see
 * run_data.h). */
#include "run_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"

static const store_param *param_find(const store_param *p, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(p[i].name, name)) return &p[i];
    return NULL;
}

const char *run_data_state_name(run_data_state s)
{
    static const char *const names[] = {"same", "changed", "unrecorded", "unavailable"};
    return s >= RUN_DATA_SAME && s <= RUN_DATA_UNAVAILABLE ? names[s] : "?";
}

int run_data_check(store *st, int64_t run, run_data *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    static _Thread_local store_run r; /* large (notes) */
    if (store_run_get(st, run, &r, err)) return -1;
    snprintf(out->recorded, sizeof out->recorded, "%s", r.data_sha256);
    if (!r.data_sha256[0]) {
        out->state = RUN_DATA_UNRECORDED;
        return 0;
    }
    store_param *p;
    int np;
    if (store_params_get(st, run, &p, &np, err)) return -1;
    const store_param *name = param_find(p, np, "dataset"), *dir = param_find(p, np, "data_dir");
    const store_param *count = param_find(p, np, "train");
    if (!name || !name->is_text || !count || count->is_text || !(count->num >= 1) ||
        count->num > 1e9) {
        free(p);
        out->state = RUN_DATA_UNAVAILABLE;
        snprintf(out->why, sizeof out->why, "run %lld: its parameters do not say which data it saw",
                 (long long)run);
        return 0;
    }
    dataset ds = {0};
    ds_options o = {.data_dir = dir && dir->is_text && dir->text[0] ? dir->text : NULL,
                    .n = (int)count->num};
    ae_err lerr = {{0}};
    int rc = ds_load(name->text, DS_TRAIN, &o, &ds, &lerr);
    free(p);
    if (rc) {
        out->state = RUN_DATA_UNAVAILABLE;
        snprintf(out->why, sizeof out->why, "%s", lerr.msg);
    } else {
        snprintf(out->now, sizeof out->now, "%s", ds.sha256);
        out->state = strcmp(out->now, out->recorded) ? RUN_DATA_CHANGED : RUN_DATA_SAME;
    }
    ds_free(&ds);
    return 0;
}

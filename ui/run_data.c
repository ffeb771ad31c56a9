/* run_data.c: comparing a run's recorded training-data hash with the data as it is now (see
 * run_data.h). */
#include "run_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "dspec.h"

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

int run_data_load(store *st, int64_t run, int split, dataset *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    store_param *p;
    int np;
    if (store_params_get(st, run, &p, &np, err)) return -1;
    const store_param *name = param_find(p, np, "dataset"), *dir = param_find(p, np, "data_dir");
    const store_param *count = param_find(p, np, split == DS_TRAIN ? "train" : "test");
    const store_param *spec_p = param_find(p, np, "data_spec");
    int rc = -1;
    if (!name || !name->is_text || !count || count->is_text || !(count->num >= 1) ||
        count->num > 1e9) {
        ae_fail(err, "run %lld: its parameters do not say which data it saw", (long long)run);
        goto out;
    }
    ds_options o = {.data_dir = dir && dir->is_text && dir->text[0] ? dir->text : NULL,
                    .n = (int)count->num};
    if (!spec_p || !spec_p->is_text) { /* a built-in set, maybe some classes only (issue 13) */
        const store_param *cls = param_find(p, np, "train_classes"),
                          *an = param_find(p, np, "anomalies");
        if (split == DS_TRAIN)
            rc = ds_load_classes(name->text, &o, cls && cls->is_text ? cls->text : NULL, out, NULL,
                                 0, err);
        else {
            if (an && !an->is_text && an->num > 0 && an->num <= 0.5) o.anomalies = an->num;
            rc = ds_load(name->text, split, &o, out, err);
        }
        goto out;
    }
    ds_spec spec;
    ds_spec_init(&spec);
    snprintf(spec.name, sizeof spec.name, "%.31s", name->text);
    if (ds_spec_from_text(spec_p->text, &spec, err)) {
        ae_wrap(err, "run %lld: data_spec", (long long)run);
        goto out;
    }
    ds_scaling fixed = {0};
    char dtype[16];
    int rows, cols;
    void *json = NULL;
    size_t len;
    if (store_artifact_get(st, run, "data_scaling", dtype, &rows, &cols, &json, &len, err))
        goto out;
    if (json) {
        char *text = malloc(len + 1);
        if (!text) {
            free(json);
            ae_fail(err, "out of memory");
            goto out;
        }
        memcpy(text, json, len);
        text[len] = 0;
        free(json);
        int bad = ds_scaling_from_json(text, &fixed, err);
        free(text);
        if (bad) {
            ae_wrap(err, "run %lld: data_scaling", (long long)run);
            goto out;
        }
    }
    ds_load_req rq = {.ntrain = split == DS_TRAIN ? o.n : -1,
                      .ntest = split == DS_TEST ? o.n : -1,
                      .fixed = fixed.n ? &fixed : NULL,
                      .threads = 2};
    rc = ds_spec_load(&spec, &rq, split == DS_TRAIN ? out : NULL, split == DS_TEST ? out : NULL,
                      err);
    ds_scaling_free(&fixed);
out:
    free(p);
    if (rc) ds_free(out);
    return rc;
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
    dataset ds = {0};
    ae_err lerr = {{0}};
    if (run_data_load(st, run, DS_TRAIN, &ds, &lerr)) {
        out->state = RUN_DATA_UNAVAILABLE;
        snprintf(out->why, sizeof out->why, "%s", lerr.msg);
    } else {
        snprintf(out->now, sizeof out->now, "%s", ds.sha256);
        out->state = strcmp(out->now, out->recorded) ? RUN_DATA_CHANGED : RUN_DATA_SAME;
    }
    ds_free(&ds);
    return 0;
}

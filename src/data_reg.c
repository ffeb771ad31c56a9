/* data_reg.c: your own datasets in the run store (see data_reg.h). */
#include "data_reg.h"

#include <stdio.h>
#include <string.h>

int data_reg_record(const ds_spec *spec, const ds_spec_info *info, store_dataset *d, ae_err *err)
{
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", spec->name);
    snprintf(d->format, sizeof d->format, "%s", ds_format_name(spec->format));
    snprintf(d->path, sizeof d->path, "%s", spec->path);
    if (ds_spec_to_text(spec, d->spec, sizeof d->spec, err)) return -1;
    snprintf(d->kind, sizeof d->kind, "%s", info->kind == DS_IMAGES ? "images" : "sequences");
    if (info->kind == DS_IMAGES)
        snprintf(d->shape, sizeof d->shape, "%dx%dx%d", info->h, info->w, info->c);
    else
        snprintf(d->shape, sizeof d->shape, "%dx%d", info->t, info->f);
    d->train = info->ntrain, d->test = info->ntest;
    d->nclasses = info->nclasses, d->labelled = info->labelled;
    for (int i = 0; i < info->nclasses; i++) {
        size_t used = strlen(d->classes);
        if (used + strlen(info->class_names[i]) + 2 >= sizeof d->classes) break;
        snprintf(d->classes + used, sizeof d->classes - used, "%s%s", i ? "\n" : "",
                 info->class_names[i]);
    }
    memcpy(d->sha256, info->sha256, sizeof d->sha256);
    d->rows = info->rows;
    return 0;
}

int data_reg_spec(store *st, const char *name, ds_spec *spec, ae_err *err)
{
    static store_dataset d; /* 6 KB: the CLI's main thread */
    int found = store_dataset_get(st, name, &d, err);
    if (found <= 0) return found;
    ds_spec_init(spec);
    if (ds_spec_from_text(d.spec, spec, err)) return ae_wrap(err, "dataset %s", d.name);
    snprintf(spec->name, sizeof spec->name, "%s", d.name);
    return 1;
}

int data_reg_auto(store *st, ds_spec *spec, int threads, int *added, ae_err *err)
{
    *added = 0;
    char text[DS_SPEC_TEXT_MAX], base[32];
    if (ds_spec_to_text(spec, text, sizeof text, err)) return -1;
    snprintf(base, sizeof base, "%s", spec->name);
    for (int k = 1; k < 100; k++) {
        if (k > 1) {
            char suffix[8];
            int n = snprintf(suffix, sizeof suffix, "-%d", k);
            snprintf(spec->name, sizeof spec->name, "%.*s%s", DS_NAME_MAX - n, base, suffix);
        }
        static store_dataset d;
        int found = store_dataset_get(st, spec->name, &d, err);
        if (found < 0) return -1;
        if (found && !strcmp(d.spec, text)) return 0; /* registered as it is */
        if (found) continue;
        ds_spec_info info;
        if (ds_spec_inspect(spec, threads, &info, err) || data_reg_record(spec, &info, &d, err) ||
            store_dataset_put(st, &d, 0, err))
            return -1;
        *added = 1;
        return 0;
    }
    return ae_fail(err, "%s: 99 datasets of that name are registered", base);
}

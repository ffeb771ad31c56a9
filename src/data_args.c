/* data_args.c: your own data's options on a command line (see data_args.h). */
#include "data_args.h"

#include <stdio.h>
#include <string.h>

#include "model.h"

#include "cli.h"
#include "npy.h"

int data_args_read(const char *cmd, int argc, char **argv, const char *data_opt, ds_spec *spec,
                   int *seen)
{
    ds_spec_init(spec);
    *seen = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) break;
        if (strncmp(a, "--", 2)) continue;
        char name[64];
        const char *eq = strchr(a + 2, '='), *val = NULL;
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (len >= sizeof name) continue;
        memcpy(name, a + 2, len);
        name[len] = 0;
        int is_data = data_opt && !strcmp(name, data_opt + 2);
        const ds_spec_option *o = is_data ? NULL : ds_spec_option_find(name);
        if (!is_data && !o) continue;
        *seen = 1;
        if (is_data || o->has_value) {
            if (eq)
                val = eq + 1;
            else if (i + 1 < argc)
                val = argv[++i];
            else
                return cli_usage(cmd, "--%s needs a value", name);
        } else if (eq) {
            return cli_usage(cmd, "--%s takes no value", name);
        }
        ae_err err;
        if (is_data) {
            if (!*val) return cli_usage(cmd, "%s: needs a path", data_opt);
            if (strlen(val) >= sizeof spec->path)
                return cli_usage(cmd, "%s: the path is too long", data_opt);
            snprintf(spec->path, sizeof spec->path, "%s", val);
        } else if (ds_spec_set(spec, name, val, &err)) {
            return cli_usage(cmd, "%s", err.msg);
        }
    }
    return CLI_OK;
}

int data_args_finish(const char *cmd, ds_spec *spec)
{
    ae_err err;
    if (ds_spec_detect(spec, &err)) return cli_usage(cmd, "%s", err.msg);
    if (!spec->name[0]) ds_spec_default_name(spec->path, spec->name);
    return CLI_OK;
}

int data_args_count(void)
{
    int n = 0;
    while (ds_spec_options[n].name) n++;
    return n;
}

int data_args_getopt(struct option *opts, int n)
{
    for (int k = 0; ds_spec_options[k].name; k++)
        opts[n++] = (struct option){ds_spec_options[k].name,
                                    ds_spec_options[k].has_value ? required_argument : no_argument,
                                    0, DATA_ARG_CODE + k};
    opts[n] = (struct option){0, 0, 0, 0};
    return n;
}

const char *data_args_model(const ds_spec *spec)
{
    if (spec->format == DSF_FOLDER) return "cnn";
    if (spec->format != DSF_NPY) return "lstm";
    npy_array a; /* the shape decides; reading it whole is what training does next anyway */
    ae_err err;
    const char *m = "lstm";
    if (npy_read(spec->path, NPY_UNIT, &a, &err) == 0) {
        int u8 = !strcmp(a.descr, "|u1");
        m = a.ndim == 2 ? "dense" : a.ndim == 4 || (a.ndim == 3 && u8) ? "cnn" : "lstm";
        npy_free(&a);
    }
    return model_preset_find(m) ? m : "lstm";
}

void data_args_help(FILE *f)
{
    for (const ds_spec_option *o = ds_spec_options; o->name; o++) {
        const char *sp = o->has_value ? strchr(o->help, ':') : NULL;
        char head[48];
        if (sp && o->help[0] != ' ' && sp - o->help < 16)
            snprintf(head, sizeof head, "--%s %.*s", o->name, (int)(sp - o->help), o->help);
        else
            snprintf(head, sizeof head, "--%s", o->name);
        fprintf(f, "  %-22s %s\n", head, sp ? sp + 2 : o->help);
    }
}

/* cmd_data.c: `aetui data add|ls|show|rm`, your own datasets registered in the run store by
 * name (issue 12), so that `aetui train --dataset NAME` and the interface's Train form take
 * them beside the built-in sets.
 *
 * add loads the data once (ds_spec_inspect) to record its shape, split sizes, classes and
 * content hash; show loads it again to say whether it changed since. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "data_args.h"
#include "data_reg.h"
#include "store_cli.h"

static void help(FILE *f)
{
    fprintf(f, "usage: aetui data add NAME PATH [data options] [--force] [--db PATH]\n"
               "       aetui data ls [--json] [--db PATH]\n"
               "       aetui data show NAME [--json] [--db PATH]\n"
               "       aetui data rm NAME [--db PATH]\n\n"
               "Your own datasets, registered in the run store by name: aetui train --dataset\n"
               "NAME then trains on one, and the interface's Train form lists them.\n"
               "PATH is a folder of PNG/JPEG images (subfolders name the classes), a .npy\n"
               "array, a CSV of one sample per row, or a long time series (with --window).\n\n"
               "  --force          add: replace a dataset of that name\n"
               "  --json           one JSON object per dataset\n"
               "  --db PATH        the run store (default: $AETUI_DB, else\n"
               "                   ~/.local/share/aetui/aetui.db)\n\n"
               "Data options:\n");
    data_args_help(f);
}

static void json_dataset(const store_dataset *d, const char *now)
{
    printf("{\"name\":");
    scli_json_str(stdout, d->name);
    printf(",\"format\":");
    scli_json_str(stdout, d->format);
    printf(",\"path\":");
    scli_json_str(stdout, d->path);
    printf(",\"spec\":");
    scli_json_str(stdout, d->spec);
    printf(",\"kind\":\"%s\",\"shape\":\"%s\",\"train\":%d,\"test\":%d,\"labelled\":%s,", d->kind,
           d->shape, d->train, d->test, d->labelled ? "true" : "false");
    printf("\"classes\":[");
    const char *p = d->classes;
    for (int i = 0; *p && i < d->nclasses; i++) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), p);
        printf("%s", i ? "," : "");
        scli_json_str(stdout, name);
        p += n + (nl ? 1 : 0);
    }
    printf("],\"sha256\":\"%s\",\"rows\":%lld", d->sha256, (long long)d->rows);
    if (now) printf(",\"data_now\":\"%s\"", now);
    printf("}\n");
}

static int data_add(const char *C, int argc, char **argv, const char *name, const char *path,
                    store *st, int force)
{
    ds_spec spec;
    int seen, rc = data_args_read(C, argc, argv, NULL, &spec, &seen);
    if (rc) return rc;
    ae_err err;
    if (ds_name_check(name, &err)) return cli_usage(C, "%s", err.msg);
    if (strlen(path) >= sizeof spec.path) return cli_usage(C, "%s: path too long", path);
    snprintf(spec.path, sizeof spec.path, "%s", path);
    snprintf(spec.name, sizeof spec.name, "%s", name);
    if ((rc = data_args_finish(C, &spec))) return rc;
    ds_spec_info info;
    static store_dataset d;
    if (ds_spec_inspect(&spec, 2, &info, &err) || data_reg_record(&spec, &info, &d, &err))
        return cli_usage(C, "%s", err.msg);
    if (store_dataset_put(st, &d, force, &err)) return cli_usage(C, "%s", err.msg);
    char vis[1100];
    scli_visible(d.path, 0, vis, sizeof vis);
    char cls[32] = "unlabelled";
    if (d.labelled)
        snprintf(cls, sizeof cls, "%d class%s", d.nclasses, d.nclasses == 1 ? "" : "es");
    printf("dataset %s: %s %s, %s %s, %d train, %d test, %s\n", d.name, d.format, vis, d.kind,
           d.shape, d.train, d.test, cls);
    return CLI_OK;
}

static int data_ls(store *st, int json)
{
    store_dataset *all;
    int n;
    ae_err err;
    if (store_dataset_list(st, &all, &n, &err)) return cli_usage("data", "%s", err.msg);
    if (!json) {
        if (!n)
            printf("no datasets registered (aetui data add NAME PATH)\n");
        else
            printf("%-20s %-7s %-10s %-12s %8s %7s %7s  %s\n", "NAME", "FORMAT", "KIND", "SHAPE",
                   "TRAIN", "TEST", "CLASSES", "PATH");
    }
    for (int i = 0; i < n; i++) {
        const store_dataset *d = &all[i];
        if (json) {
            json_dataset(d, NULL);
            continue;
        }
        char name[96], path[1100];
        scli_visible(d->name, 20, name, sizeof name);
        scli_visible(d->path, 0, path, sizeof path);
        scli_cell(stdout, name, 20, 0);
        printf(" %-7s %-10s %-12s %8d %7d %7d  %s\n", d->format, d->kind, d->shape, d->train,
               d->test, d->nclasses, path);
    }
    free(all);
    return CLI_OK;
}

static int data_show(const char *name, store *st, int json)
{
    static store_dataset d;
    ae_err err;
    int found = store_dataset_get(st, name, &d, &err);
    if (found < 0) return cli_usage("data", "%s", err.msg);
    char vis[1100];
    scli_visible(name, 40, vis, sizeof vis);
    if (!found) return cli_usage("data", "%s: no such dataset (aetui data ls lists them)", vis);
    /* is it still what was registered? */
    ds_spec spec;
    char now[600] = "";
    ds_spec_info info;
    ds_spec_init(&spec);
    if (ds_spec_from_text(d.spec, &spec, &err) || ds_spec_inspect(&spec, 2, &info, &err))
        snprintf(now, sizeof now, "unavailable: %.500s", err.msg);
    else
        snprintf(now, sizeof now, "%s", strcmp(info.sha256, d.sha256) ? "changed" : "the same");
    if (json) {
        json_dataset(&d, now);
        return CLI_OK;
    }
    char spec_vis[1100], path[1100], when[32];
    scli_visible(d.spec, 0, spec_vis, sizeof spec_vis);
    scli_visible(d.path, 0, path, sizeof path);
    scli_time(d.created, when, sizeof when);
    scli_visible(now, 0, vis, sizeof vis);
    printf("dataset %s\n  format      %s\n  path        %s\n  spec        %s\n  kind        %s\n"
           "  shape       %s\n  samples     %d train, %d test\n",
           d.name, d.format, path, spec_vis, d.kind, d.shape, d.train, d.test);
    if (d.rows) printf("  rows        %lld\n", (long long)d.rows);
    printf("  classes     %d%s\n", d.nclasses, d.labelled ? "" : " (unlabelled)");
    const char *p = d.classes;
    for (int i = 0; *p && i < d.nclasses; i++) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char one[64], cls[200];
        snprintf(one, sizeof one, "%.*s", (int)(n < 63 ? n : 63), p);
        scli_visible(one, 40, cls, sizeof cls);
        printf("    %3d  %s\n", i, cls);
        p += n + (nl ? 1 : 0);
    }
    printf("  sha256      %s\n  data now    %s\n  registered  %s\n", d.sha256, vis, when);
    return CLI_OK;
}

int cmd_data(int argc, char **argv)
{
    const char *C = "data";
    static struct option opts[64] = {{"db", required_argument, 0, 'B'},
                                     {"json", no_argument, 0, 'J'},
                                     {"force", no_argument, 0, 'F'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
    static int nopts;
    if (!nopts) {
        while (opts[nopts].name) nopts++;
        nopts = data_args_getopt(opts, nopts);
    }
    const char *db = NULL;
    int json = 0, force = 0, c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'B':
            db = optarg;
            break;
        case 'J':
            json = 1;
            break;
        case 'F':
            force = 1;
            break;
        case 'h':
            help(stdout);
            return CLI_OK;
        default:
            if (c >= DATA_ARG_CODE && c < DATA_ARG_CODE + data_args_count()) break;
            return scli_bad_option(C, c, argv);
        }
    }
    char **pos = argv + optind;
    int npos = argc - optind;
    if (npos < 1) return cli_usage(C, "add, ls, show or rm? (aetui data --help)");
    const char *sub = pos[0];
    int want = !strcmp(sub, "add")    ? 3
               : !strcmp(sub, "ls")   ? 1
               : !strcmp(sub, "show") ? 2
               : !strcmp(sub, "rm")   ? 2
                                      : 0;
    char vis[80];
    scli_visible(sub, 30, vis, sizeof vis);
    if (!want) return cli_usage(C, "'%s': expected add, ls, show or rm", vis);
    if (npos != want)
        return cli_usage(C, "%s takes %s", sub,
                         want == 3   ? "NAME PATH (aetui data add NAME PATH [options])"
                         : want == 2 ? "one NAME"
                                     : "no arguments");
    int seen = 0;
    ds_spec probe;
    int rc = data_args_read(C, argc, argv, NULL, &probe, &seen);
    if (rc) return rc;
    if (seen && want != 3) return cli_usage(C, "the data options go with add");
    if (force && want != 3) return cli_usage(C, "--force goes with add");
    char path[4096];
    store *st;
    if ((rc = scli_path(C, db, path)) || (rc = scli_open(C, path, want == 3, &st))) return rc;
    if (want == 3) {
        rc = data_add(C, argc, argv, pos[1], pos[2], st, force);
    } else if (!strcmp(sub, "ls")) {
        rc = data_ls(st, json);
    } else if (!strcmp(sub, "show")) {
        rc = data_show(pos[1], st, json);
    } else {
        ae_err err;
        int r = store_dataset_rm(st, pos[1], &err);
        scli_visible(pos[1], 40, vis, sizeof vis);
        rc = r < 0 ? cli_usage(C, "%s", err.msg)
             : r == 0
                 ? cli_usage(C, "%s: no such dataset", vis)
                 : (printf("dataset %s removed (its files are left as they are)\n", vis), CLI_OK);
    }
    store_close(st);
    return rc;
}

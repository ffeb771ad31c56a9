/* cmd_baseline.c: `aetui baseline`, the PCA linear baseline of a dataset (issue 6): the test
 * reconstruction MSE and MAE of the best linear code of size K, which an autoencoder with
 * latent size K has to beat. Computed by baseline.c, cached in the run store per dataset,
 * training data SHA-256, N, M and K; a cached value is printed without recomputing. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "cli.h"
#include "commands.h"
#include "data_args.h"
#include "dataset.h"
#include "store_cli.h"

static const char baseline_help[] =
    "usage: aetui baseline --dataset D | --data PATH [data options] [--data-dir DIR]\n"
    "                      [--train N] [--test M] --latent K\n"
    "                      [--threads N] [--json] [--db PATH] [--no-cache] [--recompute]\n"
    "\n"
    "The PCA linear baseline: PCA with K components fitted on the first N training samples\n"
    "of D, and its reconstruction MSE and MAE on the first M test samples (images scaled to\n"
    "[0,1], sequences flattened). The result is cached in the run store; a cached one is\n"
    "printed without recomputing.\n"
    "\n"
    "  --dataset D     cifar10|fashion-mnist|mnist|sines\n"
    "  --data PATH     your own data, as aetui train --data reads it (every sample of each\n"
    "                  split unless --train/--test; the options below)\n"
    "  --data-dir DIR  where the dataset files are (default: search as aetui train does)\n"
    "  --train N       training samples (default: the model default, images 8000, sines 3200)\n"
    "  --test M        test samples (default: images 2000, sines 800)\n"
    "  --latent K      components, the latent size to compare with\n"
    "  --threads N     BLAS threads for the fit (default: OpenBLAS's)\n"
    "  --json          one JSON object on stdout\n"
    "  --db PATH       the run store (default: $AETUI_DB, else ~/.local/share/aetui/aetui.db)\n"
    "  --no-cache      neither read nor write the store\n"
    "  --recompute     compute even when cached, and replace the cached value\n";

static void print_json(const baseline_res *r, double wall)
{
    const store_baseline *b = &r->b;
    printf("{\"dataset\":");
    scli_json_str(stdout, b->dataset);
    printf(",\"data_sha256\":");
    scli_json_str(stdout, b->data_sha256);
    printf(",\"train\":%d,\"test\":%d,\"latent\":%d,\"dim\":%d,\"test_mse\":", b->train, b->test,
           b->latent, r->dim);
    scli_json_num(stdout, b->mse);
    printf(",\"test_mae\":");
    scli_json_num(stdout, b->mae);
    printf(",\"explained\":");
    scli_json_num(stdout, b->explained);
    printf(",\"cached\":%s,\"compute_seconds\":", r->cached ? "true" : "false");
    scli_json_num(stdout, b->seconds);
    printf(",\"seconds\":%.4f}\n", wall);
}

static void print_text(const baseline_res *r, double wall)
{
    const store_baseline *b = &r->b;
    char ds[64], ex[32];
    scli_visible(b->dataset, 32, ds, sizeof ds);
    if (isnan(b->explained))
        snprintf(ex, sizeof ex, "-");
    else
        snprintf(ex, sizeof ex, "%.4f", b->explained);
    printf("PCA baseline: %s, %d train, %d test, k = %d: test MSE %.6f, MAE %.5f, explained "
           "variance %s",
           ds, b->train, b->test, b->latent, b->mse, b->mae, ex);
    if (r->cached)
        printf(" (cached; %.2f s)\n", wall);
    else
        printf(" (computed in %.2f s: fit %.2f s, evaluation %.2f s)\n", wall, r->fit_s, r->eval_s);
}

int cmd_baseline(int argc, char **argv)
{
    static struct option opts[64] = {{"data", required_argument, 0, 'X'},
                                     {"dataset", required_argument, 0, 'd'},
                                     {"data-dir", required_argument, 0, 'D'},
                                     {"train", required_argument, 0, 'n'},
                                     {"test", required_argument, 0, 't'},
                                     {"latent", required_argument, 0, 'l'},
                                     {"threads", required_argument, 0, 'j'},
                                     {"json", no_argument, 0, 'J'},
                                     {"db", required_argument, 0, 'B'},
                                     {"no-cache", no_argument, 0, 'N'},
                                     {"recompute", no_argument, 0, 'R'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
    static int nopts;
    if (!nopts) {
        while (opts[nopts].name) nopts++;
        nopts = data_args_getopt(opts, nopts);
    }
    const char *C = "baseline";
    baseline_req rq;
    memset(&rq, 0, sizeof rq);
    static ds_spec own; /* --data PATH [options] (data_args.h) */
    static char own_text[DS_SPEC_TEXT_MAX];
    int seen = 0, drc = data_args_read(C, argc, argv, "--data", &own, &seen);
    if (drc) return drc;
    if (seen && !own.path[0])
        return cli_usage(C, "the dataset options (--window, --size, ...) go with --data PATH");
    const char *opt_db = NULL;
    int json = 0, no_cache = 0, c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (!ds_known(optarg)) {
                char vis[80];
                scli_visible(optarg, 40, vis, sizeof vis);
                return cli_usage(C,
                                 "--dataset: unknown dataset '%s' (cifar10, fashion-mnist, "
                                 "mnist or sines)",
                                 vis);
            }
            rq.dataset = optarg;
            break;
        case 'D':
            if (cli_text(C, "--data-dir", optarg, 1023)) return CLI_USAGE;
            rq.data_dir = optarg;
            break;
        case 'n':
            if (cli_int(C, "--train", optarg, 2, 100000000, &rq.train)) return CLI_USAGE;
            break;
        case 't':
            if (cli_int(C, "--test", optarg, 1, 100000000, &rq.test)) return CLI_USAGE;
            break;
        case 'l':
            if (cli_int(C, "--latent", optarg, 1, 65536, &rq.latent)) return CLI_USAGE;
            break;
        case 'j':
            if (cli_int(C, "--threads", optarg, 1, 256, &rq.threads)) return CLI_USAGE;
            break;
        case 'J':
            json = 1;
            break;
        case 'B':
            if (cli_text(C, "--db", optarg, 4000)) return CLI_USAGE;
            opt_db = optarg;
            break;
        case 'N':
            no_cache = 1;
            break;
        case 'R':
            rq.recompute = 1;
            break;
        case 'h':
            fputs(baseline_help, stdout);
            data_args_help(stdout);
            return CLI_OK;
        case 'X': /* --data and the dataset options: read by data_args_read */
            break;
        default:
            if (c >= DATA_ARG_CODE && c < DATA_ARG_CODE + data_args_count()) break;
            return scli_bad_option(C, c, argv);
        }
    }
    if (optind < argc)
        return cli_usage(C, "unexpected argument '%s' (see aetui baseline --help)", argv[optind]);
    if (own.path[0]) {
        ae_err e;
        if (rq.dataset) return cli_usage(C, "--dataset and --data exclude each other");
        if ((drc = data_args_finish(C, &own))) return drc;
        if (ds_spec_to_text(&own, own_text, sizeof own_text, &e))
            return cli_usage(C, "--data: %s", e.msg);
        rq.dataset = own.name, rq.data_spec = own_text; /* every sample unless --train/--test */
    }
    if (!rq.dataset)
        return cli_usage(C, "--dataset D or --data PATH is required (see aetui baseline --help)");
    if (!rq.latent) return cli_usage(C, "--latent K is required");
    if (!rq.data_spec) {
        int dtrain, dtest;
        baseline_default_n(rq.dataset, &dtrain, &dtest);
        if (!rq.train) rq.train = dtrain;
        if (!rq.test) rq.test = dtest;
    }

    store *st = NULL;
    if (!no_cache) {
        char path[4096];
        int rc = scli_path(C, opt_db, path);
        if (rc) return rc;
        if ((rc = scli_open(C, path, 1, &st))) return rc;
    }
    double t0 = cli_now();
    baseline_res r;
    ae_err err = {{0}};
    int rc = baseline_get(&rq, st, &r, &err);
    double wall = cli_now() - t0;
    if (st) store_close(st);
    if (rc == -1) return cli_usage(C, "%s", err.msg);
    if (rc) return cli_fail(C, "%s", err.msg);
    if (r.warning[0]) fprintf(stderr, "aetui baseline: warning: %s\n", r.warning);
    if (json)
        print_json(&r, wall);
    else
        print_text(&r, wall);
    return CLI_OK;
}

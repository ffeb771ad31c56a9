/* cmd_encode.c: `aetui encode RUN --input X.npy --out Z.npy`, a run's encoder on new data.
 *
 * The idea: the run's checkpoint holds everything needed to rebuild its model (preset, input
 * shape, latent size in __metadata__), so encoding needs no dataset and no training settings:
 * read the weights, check the input's shape against the model, run the layers up to the
 * latent in batches, write N x latent float32. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "npy.h"
#include "store_cli.h"
#include "train_checkpoint.h"

static const char encode_help[] =
    "usage: aetui encode RUN --input X.npy --out Z.npy [--weights last|best] [--db PATH]\n"
    "\n"
    "Runs a run's encoder on new data and writes the latent vectors (N x latent, float32).\n"
    "\n"
    "  --input X.npy    cnn: N x H x W x C, uint8 0-255 or float32 in [0,1];\n"
    "                   lstm: N x T x F float32 (the shapes of the run's data)\n"
    "  --out Z.npy      where to write the latent vectors\n"
    "  --weights W      last (default: the run's final weights) or best (lowest test loss)\n"
    "  --db PATH        the run store (default: $AETUI_DB, else ~/.local/share/aetui/aetui.db)\n";

int cmd_encode(int argc, char **argv)
{
    static const struct option opts[] = {
        {"input", required_argument, 0, 'i'},   {"out", required_argument, 0, 'o'},
        {"weights", required_argument, 0, 'w'}, {"db", required_argument, 0, 'd'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    const char *C = "encode", *db = NULL, *input = NULL, *out = NULL, *weights = "last";
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            input = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'w':
            weights = optarg;
            break;
        case 'd':
            db = optarg;
            break;
        case 'h':
            fputs(encode_help, stdout);
            return CLI_OK;
        default:
            return scli_bad_option(C, c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage(C, "which run? (aetui encode RUN --input X.npy --out Z.npy)");
    if (optind + 1 < argc)
        return cli_usage(C, "one run at a time (unexpected '%s')", argv[optind + 1]);
    if (!input || !out)
        return cli_usage(C, "%s is required (see --help)", input ? "--out" : "--input");
    run_model m;
    int rc = train_ckpt_model(C, db, argv[optind], weights, 64, &m);
    if (rc) return rc;
    float *x, *z = NULL;
    int64_t n;
    if ((rc = train_ckpt_input(C, &m, input, &x, &n))) {
        train_ckpt_model_free(&m);
        return rc;
    }
    int L = net_latent_size(&m.n);
    z = malloc(sizeof(float) * (size_t)n * L);
    ae_err err;
    if (!z || train_ckpt_apply(&m, x, n, 1, z)) {
        rc = cli_fail(C, "out of memory for %lld samples", (long long)n);
    } else {
        int64_t shape[2] = {n, L};
        if (npy_write_f32(out, z, 2, shape, &err)) rc = cli_fail(C, "%s", err.msg);
    }
    free(x);
    free(z);
    train_ckpt_model_free(&m);
    return rc;
}

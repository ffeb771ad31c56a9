/* cmd_reconstruct.c: `aetui reconstruct RUN --input X.npy --out Y.npy`, a run's whole
 * autoencoder on new data.
 *
 * The idea: as `aetui encode` (the model rebuilt from its checkpoint alone), but through the
 * decoder too; the output has the input's shape, as float32 (images in [0,1], whatever the
 * input's dtype), so it can be compared with the input directly. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "npy.h"
#include "store_cli.h"
#include "train_checkpoint.h"

static const char reconstruct_help[] =
    "usage: aetui reconstruct RUN --input X.npy --out Y.npy [--weights last|best] [--db PATH]\n"
    "\n"
    "Runs a run's autoencoder on new data and writes the reconstructions (float32, the\n"
    "input's shape).\n"
    "\n"
    "  --input X.npy    cnn: N x H x W x C, uint8 0-255 or float32 in [0,1];\n"
    "                   lstm: N x T x F float32 (the shapes of the run's data)\n"
    "  --out Y.npy      where to write the reconstructions\n"
    "  --weights W      last (default: the run's final weights) or best (lowest test loss)\n"
    "  --db PATH        the run store (default: $AETUI_DB, else ~/.local/share/aetui/aetui.db)\n";

int cmd_reconstruct(int argc, char **argv)
{
    static const struct option opts[] = {
        {"input", required_argument, 0, 'i'},   {"out", required_argument, 0, 'o'},
        {"weights", required_argument, 0, 'w'}, {"db", required_argument, 0, 'd'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    const char *C = "reconstruct", *db = NULL, *input = NULL, *out = NULL, *weights = "last";
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
            fputs(reconstruct_help, stdout);
            return CLI_OK;
        default:
            return scli_bad_option(C, c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage(C, "which run? (aetui reconstruct RUN --input X.npy --out Y.npy)");
    if (optind + 1 < argc)
        return cli_usage(C, "one run at a time (unexpected '%s')", argv[optind + 1]);
    if (!input || !out)
        return cli_usage(C, "%s is required (see --help)", input ? "--out" : "--input");
    run_model m;
    int rc = train_ckpt_model(C, db, argv[optind], weights, 64, &m);
    if (rc) return rc;
    float *x, *y = NULL;
    int64_t n;
    if ((rc = train_ckpt_input(C, &m, input, &x, &n))) {
        train_ckpt_model_free(&m);
        return rc;
    }
    const net_shape *in = &m.n.input;
    long dim = net_shape_size(in);
    y = malloc(sizeof(float) * (size_t)n * dim);
    ae_err err;
    if (!y || train_ckpt_apply(&m, x, n, 0, y)) {
        rc = cli_fail(C, "out of memory for %lld samples", (long long)n);
    } else {
        int64_t shape[4] = {n, in->h, in->rank == 3 ? in->w : in->c, in->c};
        if (npy_write_f32(out, y, in->rank == 3 ? 4 : 3, shape, &err))
            rc = cli_fail(C, "%s", err.msg);
    }
    free(x);
    free(y);
    train_ckpt_model_free(&m);
    return rc;
}

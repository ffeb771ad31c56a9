/* cmd_apply.c: `aetui encode` and `aetui reconstruct`, a recorded run's model on new data.
 *
 * The idea: the run's checkpoint holds everything needed to rebuild its model (preset, input
 * shape, latent size in __metadata__), so neither command needs a dataset or the training
 * settings: read the weights, check the input's shape against the model, run it in batches,
 * write float32. `encode` stops at the latent (N x latent); `reconstruct` goes through the
 * decoder too and writes the input's shape (images in [0,1], whatever the input's dtype), so
 * the output compares with the input directly. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "commands.h"
#include "noise.h"
#include "npy.h"
#include "store_cli.h"
#include "train_checkpoint.h"

typedef struct apply_mode {
    const char *name, *out_name, *what;
    int encoder_only;
} apply_mode;

static const apply_mode encode_mode = {"encode", "Z", "latent vectors", 1};
static const apply_mode reconstruct_mode = {"reconstruct", "Y", "reconstructions", 0};
/* a denoising run's model on noisy data: the same computation, with --clean to measure it */
static const apply_mode denoise_mode = {"denoise", "Y", "denoised samples", 0};

static void help(const apply_mode *md)
{
    printf("usage: aetui %s RUN --input X.npy --out %s.npy [--weights last|best] [--db PATH]\n"
           "\n"
           "Runs a run's %s on new data and writes the %s (%s, float32).\n"
           "\n"
           "  --input X.npy    cnn: N x H x W x C, uint8 0-255 or float32 in [0,1];\n"
           "                   lstm: N x T x F float32 (the shapes of the run's data);\n"
           "                   a run on your own data also takes a file or folder like its\n"
           "                   data (read with its options), and values in the data's units\n"
           "  --out %s.npy      where to write the %s\n"
           "  --weights W      last (default: the run's final weights) or best (lowest test "
           "loss)\n"
           "  --db PATH        the run store (default: $AETUI_DB, else "
           "~/.local/share/aetui/aetui.db)\n",
           md->name, md->out_name, md->encoder_only ? "encoder" : "autoencoder", md->what,
           md->encoder_only ? "N x latent" : "the input's shape", md->out_name, md->what);
    if (md == &denoise_mode)
        printf("  --clean C.npy    the clean samples (as --input): prints the MSE and PSNR of the\n"
               "                   noisy input and of the output against them\n");
}

static int apply(const apply_mode *md, int argc, char **argv)
{
    static const struct option opts[] = {{"input", required_argument, 0, 'i'},
                                         {"out", required_argument, 0, 'o'},
                                         {"weights", required_argument, 0, 'w'},
                                         {"db", required_argument, 0, 'd'},
                                         {"help", no_argument, 0, 'h'},
                                         {"clean", required_argument, 0, 'c'},
                                         {0, 0, 0, 0}};
    const char *C = md->name, *db = NULL, *input = NULL, *out = NULL, *weights = "last";
    const char *clean = NULL;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (cli_text(C, "--input", optarg, 4000)) return CLI_USAGE;
            input = optarg;
            break;
        case 'o':
            if (cli_text(C, "--out", optarg, 4000)) return CLI_USAGE;
            out = optarg;
            break;
        case 'w':
            weights = optarg;
            break;
        case 'd':
            db = optarg;
            break;
        case 'c':
            if (md != &denoise_mode) return scli_bad_option(C, '?', argv);
            clean = optarg;
            break;
        case 'h':
            help(md);
            return CLI_OK;
        default:
            return scli_bad_option(C, c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage(C, "which run? (aetui %s RUN --input X.npy --out %s.npy)", C,
                         md->out_name);
    if (optind + 1 < argc)
        return cli_usage(C, "one run at a time (unexpected '%s')", argv[optind + 1]);
    if (!input || !out)
        return cli_usage(C, "%s is required (see --help)", input ? "--out" : "--input");
    run_model m;
    int rc = train_ckpt_model(C, db, argv[optind], weights, 64, &m);
    if (rc) return rc;
    float *x, *y = NULL, *xc = NULL;
    int64_t n, nc = 0;
    if ((rc = train_ckpt_input(C, &m, input, &x, &n))) {
        train_ckpt_model_free(&m);
        return rc;
    }
    if (clean && (rc = train_ckpt_input(C, &m, clean, &xc, &nc))) {
        free(x);
        train_ckpt_model_free(&m);
        return rc;
    }
    if (clean && nc != n) {
        free(x), free(xc);
        train_ckpt_model_free(&m);
        return cli_usage(C, "--clean %s holds %lld samples, --input %lld", clean, (long long)nc,
                         (long long)n);
    }
    fio_out o; /* opened before the work, so that a bad --out fails at once */
    if ((rc = cli_out_open(C, out, 0, &o))) {
        free(x);
        train_ckpt_model_free(&m);
        return rc;
    }
    const net_shape *in = &m.n.input;
    long per = md->encoder_only ? net_latent_size(&m.n) : net_shape_size(in);
    y = malloc(sizeof(float) * (size_t)n * per);
    ae_err err;
    if (!y || train_ckpt_apply(&m, x, n, md->encoder_only, y)) {
        fio_out_abort(&o);
        rc = cli_fail(C, "out of memory for %lld samples", (long long)n);
    } else {
        if (!md->encoder_only) train_ckpt_unscale(&m, y, n); /* in the data's own units */
        int64_t latent_shape[2] = {n, per};
        int64_t shape[4] = {n, in->h, in->rank == 3 ? in->w : in->c, in->c};
        int rank = md->encoder_only ? 2 : in->rank == 3 ? 4 : 3;
        if (rank == 3 && in->h == 1) /* vectors (sequences of one step): N x D */
            rank = 2, shape[1] = in->c;
        if (npy_fput_f32(o.f, out, y, rank, md->encoder_only ? latent_shape : shape, &err)) {
            fio_out_abort(&o);
            rc = cli_fail(C, "%s", err.msg);
        } else {
            rc = cli_out_commit(C, &o);
        }
    }
    if (rc == CLI_OK && xc) { /* PSNR with the peak 1 of [0, 1] data (noise.h) */
        double se_in = 0, se_out = 0, cnt = (double)n * per;
        for (int64_t i = 0; i < n * per; i++) {
            double a = (double)x[i] - xc[i], b = (double)y[i] - xc[i];
            se_in += a * a, se_out += b * b;
        }
        printf("noisy input: MSE %.6f, PSNR %.2f dB\ndenoised:    MSE %.6f, PSNR %.2f dB\n",
               se_in / cnt, noise_psnr(se_in / cnt), se_out / cnt, noise_psnr(se_out / cnt));
    }
    free(x), free(xc);
    free(y);
    train_ckpt_model_free(&m);
    return rc;
}

int cmd_encode(int argc, char **argv)
{
    return apply(&encode_mode, argc, argv);
}

int cmd_reconstruct(int argc, char **argv)
{
    return apply(&reconstruct_mode, argc, argv);
}

int cmd_denoise(int argc, char **argv)
{
    return apply(&denoise_mode, argc, argv);
}

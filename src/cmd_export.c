/* cmd_export.c: `aetui export RUN --csv FILE`, a run's records as files for other tools.
 *
 * The idea: one table of export modes, each an option naming its output file and a function
 * writing the run into an open FILE. Today there is --csv (per-epoch metrics); later modes
 * (batch losses, latent vectors as .npy, reconstructions) are one row and one function more.
 * Every file goes through cli_out (core/fileio.h): written beside its final name and renamed
 * into place when complete, so a failed export never leaves half a file, and written
 * directly into a FIFO or a device, never replacing it; FILE "-" writes to standard output. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dataset.h"
#include "export_pictures.h"
#include "npy.h"
#include "run_data.h"
#include "store_cli.h"

static const char export_help[] =
    "usage: aetui export RUN --csv FILE [--db PATH]\n"
    "       aetui export RUN --data train|test --out X.npy [--force] [--db PATH]\n"
    "       aetui export RUN --recon FILE.png | --latent-plot FILE.png [--method pca|tsne] |\n"
    "                        --loss-plot FILE.png [--db PATH]\n"
    "       aetui export RUN --recon | --latent-plot | --loss-plot --sixel  (sixel to stdout)\n"
    "\n"
    "Writes a run's records to files.\n"
    "\n"
    "  --csv FILE  the per-epoch metrics as CSV with a header row (FILE '-': standard output)\n"
    "  --data S    with --out X.npy: the run's train or test split as the run saw it (images\n"
    "              uint8 N x H x W x C, sequences float32 N x T x F), for encode/reconstruct;\n"
    "              refused when the training data changed since the run (its SHA-256)\n"
    "  --force     with --data: export the data as it is now, changed or not\n"
    "  --recon F   the run's test images and their reconstructions (from its checkpoint),\n"
    "              or its first test sequence feature by feature, as a PNG\n"
    "  --latent-plot F  the test set's latent vectors as a scatter plot by class (PNG);\n"
    "              --method pca (default, explained variance in the title) or tsne\n"
    "  --loss-plot F    the loss curves (per batch, train and test per epoch) as a PNG\n"
    "  --sixel     the picture as sixel on standard output instead (no FILE then)\n"
    "  --db PATH   the run store (default: $AETUI_DB, else ~/.local/share/aetui/aetui.db)\n";

static void csv_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, ",%.9g", v);
    else
        fputc(',', f);
}

/* Per-epoch metrics, one row per epoch. */
static int export_csv(store *st, int64_t run, FILE *f, ae_err *err)
{
    store_epoch *e;
    int n;
    if (store_epochs_get(st, run, &e, &n, err)) return -1;
    fprintf(f, "epoch,train_loss,train_mae,test_loss,test_mae,seconds,samples_per_sec,lr,"
               "batches\n");
    for (int i = 0; i < n; i++) {
        fprintf(f, "%d", e[i].epoch);
        csv_num(f, e[i].train_loss);
        csv_num(f, e[i].train_mae);
        csv_num(f, e[i].test_loss);
        csv_num(f, e[i].test_mae);
        csv_num(f, e[i].seconds);
        csv_num(f, e[i].samples_per_sec);
        csv_num(f, e[i].lr);
        fprintf(f, ",%d\n", e[i].nbatches);
    }
    free(e);
    return 0;
}

/* --data train|test --out X.npy: the run's dataset split, loaded as the trainer loaded it
 * (same dataset, directory and sample counts from the run's parameters; issue 7). */
static int export_split = -1, export_force;

static int export_data(store *st, int64_t run, FILE *f, ae_err *err)
{
    run_data check; /* the data as the run saw it, or nothing (unless --force) */
    if (!export_force && run_data_check(st, run, &check, err)) return -1;
    if (!export_force && check.state == RUN_DATA_CHANGED)
        return ae_fail(err,
                       "run %lld: the training data changed since the run (SHA-256 now %.12s..., "
                       "then %.12s...): the split would not be what the run saw; --force "
                       "exports it as it is now",
                       (long long)run, check.now, check.recorded);
    dataset ds = {0};
    if (run_data_load(st, run, export_split, &ds, err)) return -1;
    int rc;
    if (ds.kind == DS_IMAGES && ds.u8) {
        int64_t image_shape[4] = {ds.n, ds.h, ds.w, ds.c};
        rc = npy_fput_u8(f, "--out", ds.u8, 4, image_shape, err);
    } else { /* your own data's scaling undone: the values in the data's own units */
        float *x = malloc(sizeof(float) * ((size_t)ds.n * ds.dim + 1));
        if (!x) {
            ds_free(&ds);
            return ae_fail(err, "out of memory for %d samples", ds.n);
        }
        for (int i = 0; i < ds.n; i++) ds_sample(&ds, i, x + (size_t)i * ds.dim);
        if (ds.scaling.n) ds_scaling_undo(&ds.scaling, x, (int64_t)ds.n * ds.dim / ds.scaling.n);
        int64_t image_shape[4] = {ds.n, ds.h, ds.w, ds.c}, seq_shape[3] = {ds.n, ds.t, ds.f};
        rc = ds.kind == DS_IMAGES ? npy_fput_f32(f, "--out", x, 4, image_shape, err)
                                  : npy_fput_f32(f, "--out", x, 3, seq_shape, err);
        free(x);
    }
    ds_free(&ds);
    return rc;
}

/* The picture modes (export_pictures.c), with their options. */
static export_pic_opts pic_opts;
static int export_recon_m(store *st, int64_t run, FILE *f, ae_err *err)
{
    return export_recon(st, run, &pic_opts, f, err);
}
static int export_latent_m(store *st, int64_t run, FILE *f, ae_err *err)
{
    return export_latent(st, run, &pic_opts, f, err);
}
static int export_loss_m(store *st, int64_t run, FILE *f, ae_err *err)
{
    return export_loss(st, run, &pic_opts, f, err);
}

typedef struct export_mode {
    const char *option; /* without the dashes */
    int (*write)(store *st, int64_t run, FILE *f, ae_err *err);
    const char *file; /* set by the option */
} export_mode;

/* Writes one mode's output to its file (or stdout for "-") through cli_out (fileio.h). */
static int export_one(store *st, int64_t run, const export_mode *m)
{
    ae_err err;
    fio_out o;
    int rc = cli_out_open("export", m->file, FIO_DASH, &o);
    if (rc) return rc;
    if (m->write(st, run, o.f, &err)) {
        if (o.error || ferror(o.f)) return cli_out_commit("export", &o); /* the write error */
        fio_out_abort(&o);
        return cli_usage("export", "%s", err.msg);
    }
    return cli_out_commit("export", &o);
}

int cmd_export(int argc, char **argv)
{
    export_mode modes[] = {
        {"csv", export_csv, NULL},          {"out", export_data, NULL},
        {"recon", export_recon_m, NULL},    {"latent-plot", export_latent_m, NULL},
        {"loss-plot", export_loss_m, NULL},
    };
    /* with --sixel the picture options take no file: the picture goes to standard output */
    int sixel = 0;
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) sixel |= !strcmp(argv[i], "--sixel");
    int pic_arg = sixel ? no_argument : required_argument;
    enum { NMODES = sizeof modes / sizeof modes[0] };
    const struct option opts[] = {
        {"csv", required_argument, 0, 0}, {"out", required_argument, 0, 0},
        {"recon", pic_arg, 0, 0},         {"latent-plot", pic_arg, 0, 0},
        {"loss-plot", pic_arg, 0, 0},     {"method", required_argument, 0, 'm'},
        {"sixel", no_argument, 0, 'x'},   {"data", required_argument, 0, 'D'},
        {"force", no_argument, 0, 'f'},   {"db", required_argument, 0, 'd'},
        {"help", no_argument, 0, 'h'},    {0, 0, 0, 0}};
    const char *db = NULL;
    int c, li;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
        switch (c) {
        case 0:
            for (int i = 0; i < NMODES; i++)
                if (!strcmp(opts[li].name, modes[i].option)) {
                    if (!optarg) { /* a picture under --sixel */
                        modes[i].file = "-";
                        break;
                    }
                    if (!*optarg)
                        return cli_usage("export", "--%s: empty file name", modes[i].option);
                    modes[i].file = optarg;
                }
            break;
        case 'd':
            db = optarg;
            break;
        case 'm':
            if (strcmp(optarg, "pca") && strcmp(optarg, "tsne"))
                return cli_usage("export", "--method: expected pca or tsne, got '%s'", optarg);
            pic_opts.tsne = !strcmp(optarg, "tsne");
            break;
        case 'x':
            pic_opts.sixel = 1;
            break;
        case 'f':
            export_force = 1;
            break;
        case 'D':
            if (strcmp(optarg, "train") && strcmp(optarg, "test"))
                return cli_usage("export", "--data: expected train or test, got '%s'", optarg);
            export_split = !strcmp(optarg, "train") ? DS_TRAIN : DS_TEST;
            break;
        case 'h':
            fputs(export_help, stdout);
            return CLI_OK;
        default:
            return scli_bad_option("export", c, argv);
        }
    }
    if (optind >= argc) return cli_usage("export", "which run? (aetui export RUN --csv FILE)");
    if (optind + 1 < argc)
        return cli_usage("export", "one run at a time (unexpected '%s')", argv[optind + 1]);
    int nwanted = 0;
    for (int i = 0; i < NMODES; i++) nwanted += modes[i].file != NULL;
    if ((export_split >= 0) != (modes[1].file != NULL))
        return cli_usage("export", "--data and --out go together (--data train|test --out X.npy)");
    if (export_force && export_split < 0)
        return cli_usage("export", "--force goes with --data (export changed data as it is now)");
    if (!nwanted) return cli_usage("export", "what to export? --csv FILE (see --help)");
    int64_t id;
    if (scli_run_id("export", argv[optind], &id)) return CLI_USAGE;
    char path[4096];
    store *st;
    if (scli_path("export", db, path) || scli_open("export", path, 0, &st)) return CLI_USAGE;
    pic_opts.db_path = path;
    int npics = (modes[2].file != NULL) + (modes[3].file != NULL) + (modes[4].file != NULL);
    if (sixel && (npics != 1 || nwanted != 1)) {
        store_close(st);
        return cli_usage("export", "--sixel goes with one of --recon, --latent-plot, --loss-plot "
                                   "and nothing else");
    }
    ae_err err;
    int rc = CLI_OK;
    int e = store_run_exists(st, id, &err);
    if (e < 0)
        rc = cli_usage("export", "%s", err.msg);
    else if (!e)
        rc = cli_usage("export", "run %lld: no such run", (long long)id);
    for (int i = 0; i < NMODES && rc == CLI_OK; i++)
        if (modes[i].file) rc = export_one(st, id, &modes[i]);
    store_close(st);
    return rc;
}

/* main.c: the aetui program. Picks the subcommand and hands it the rest of the arguments.
 *
 * Before anything numeric runs, blas_setup() may re-exec the program once with a better
 * OPENBLAS_CORETYPE (see blas_setup.h): it has to happen before OpenBLAS has started threads,
 * so it is the first thing main does for the commands that compute. */
#include <stdio.h>
#include <string.h>

#include "blas_setup.h"
#include "commands.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    int computes; /* uses BLAS: core type chosen before it starts */
    const char *summary;
} command;

static const command commands[] = {
    {"train", cmd_train, 1, "train an autoencoder headless (aetui train --help)"},
    {"doctor", cmd_doctor, 1, "BLAS library and core type, threads, datasets found"},
    {"runs", cmd_runs, 0, "list the recorded runs (--model, --status, --tag, --sort, --json)"},
    {"show", cmd_show, 0, "one run: hyperparameters, environment, epochs, summary"},
    {"export", cmd_export, 0, "a run's per-epoch metrics as CSV (export RUN --csv FILE)"},
    {"rm", cmd_rm, 0, "delete runs and their files (asks unless --yes)"},
    {"tag", cmd_tag, 0, "add tags to a run (tag RUN TAG...)"},
    {"untag", cmd_untag, 0, "remove tags from a run (untag RUN TAG...)"},
    {"note", cmd_note, 0, "set a run's notes (note RUN TEXT)"},
    {"embed", cmd_embed, 1, "2-D layout of a .npy matrix by PCA or t-SNE, as CSV"},
    {"baseline", cmd_baseline, 1,
     "PCA linear baseline of a dataset: test MSE/MAE at a latent size"},
    {"encode", cmd_encode, 1, "a run's latent vectors of new data (encode RUN --input X.npy)"},
    {"reconstruct", cmd_reconstruct, 1, "a run's reconstructions of new data (.npy in, .npy out)"},
    {"sweep", cmd_sweep, 0,
     "a grid of runs: latent x seed x model x dataset, here (--jobs) or on Slurm"},
    {"import", cmd_import, 0,
     "copy other stores' runs and checkpoints into this one (import SRC.db|DIR)"},
    {"score", cmd_score, 1, "anomaly scores of a run's data: threshold, ROC-AUC, flagged samples"},
    {"interpolate", cmd_interpolate, 1,
     "decode the line between two test samples' codes (--from I --to J)"},
    {"traverse", cmd_traverse, 1, "decode the mean code moved along the codes' principal axes"},
    {"sample", cmd_sample, 1, "decode samples of a Gaussian fitted to the training codes"},
    {"denoise", cmd_denoise, 1,
     "a denoising run on noisy data (--input X.npy --out Y.npy [--clean C.npy])"},
    {"get", cmd_get, 0, "download a standard dataset (get cifar10|mnist|fashion-mnist)"},
    {"data", cmd_data, 0, "your own datasets by name (data add NAME PATH, ls, show, rm)"},
    {"tui", cmd_tui, 1, "the interactive interface (also: aetui with no command)"},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

/* The interface's own options (aetui tui --help): with one of them first, no command is named. */
static int is_tui_option(const char *s)
{
    static const char *const opts[] = {"--db", "--data-dir", "--screen"};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(opts[i]);
        if (!strncmp(s, opts[i], n) && (s[n] == 0 || s[n] == '=')) return 1;
    }
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: aetui [--db PATH] [--data-dir DIR] [--screen N]   (the interactive "
               "interface)\n"
               "       aetui [--help | --version] COMMAND [ARGS]\n\n"
               "aetui trains and compares autoencoders (CNN for images, LSTM for sequences)\n"
               "on the CPU and keeps every run in a SQLite store.\n\ncommands:\n");
    for (int i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nThe interface: --db PATH the run store, --data-dir DIR searched first for the\n"
               "datasets, --screen N opens on screen N (1 Home, 2 Train, 3 Runs, 4 Compare,\n"
               "5 Latent, 6 Recon, 7 Model). Every command takes --help.\n");
}

int main(int argc, char **argv)
{
    /* no command, or only the interface's options: the interactive interface */
    if (argc < 2 || is_tui_option(argv[1])) {
        blas_setup(argc, argv);
        return cmd_tui(argc, argv);
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
        printf("aetui %s\n", AETUI_VERSION);
        return 0;
    }
    for (int i = 0; i < NCOMMANDS; i++) {
        if (strcmp(name, commands[i].name)) continue;
        if (commands[i].computes) blas_setup(argc, argv);
        return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "aetui: unknown command '%.64s' (aetui --help lists them)\n", name);
    return 2;
}

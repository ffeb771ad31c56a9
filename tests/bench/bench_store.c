/* bench_store.c: how big a full run store gets and how fast its CLI views are.
 *
 * Fills a fresh store through the real API (one transaction per epoch, as the trainer does)
 * with RUNS runs of EPOCHS epochs of BATCHES per-batch losses each (defaults 1000 x 100 x 250:
 * 250 batches is the CNN default, 50,000 images in batches of 200), prints the file's size,
 * then times `aetui runs` and `aetui show RUN` on it (fork/exec, wall clock, several rounds;
 * the first round warms the page cache and is not counted).
 *
 *   bench_store [--runs N] [--epochs N] [--batches N] [--rounds N] [--aetui PATH] DB
 *
 * The synthetic losses follow a decaying curve with 5% Gaussian batch-to-batch noise, about
 * what a CNN on CIFAR-10 shows; noisier losses pack into slightly more bytes. Issue targets:
 * file <= 50 MB, each command <= 100 ms. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "testlib.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static double uniform(void)
{
    uint64_t x = rng_state;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    rng_state = x;
    return ((x >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double gauss(void)
{
    return sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

static long file_size(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 ? (long)sb.st_size : 0;
}

/* Runs argv with stdout and stderr to /dev/null; seconds it took, or -1 on failure. */
static double time_cmd(char *const argv[])
{
    fflush(stdout); /* or the child would print our buffer too */
    fflush(stderr);
    double t0 = test_now();
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) return -1;
    double t = test_now() - t0;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? t : -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void bench_cmd(const char *label, char *const argv[], int rounds)
{
    double *t = calloc((size_t)rounds, sizeof *t);
    if (time_cmd(argv) < 0) { /* warm-up */
        printf("%-28s FAILED (%s)\n", label, argv[0]);
        free(t);
        return;
    }
    for (int i = 0; i < rounds; i++) t[i] = time_cmd(argv);
    qsort(t, (size_t)rounds, sizeof *t, cmp_double);
    printf("%-28s median %6.1f ms   min %6.1f ms   max %6.1f ms   (%d rounds)\n", label,
           1e3 * t[rounds / 2], 1e3 * t[0], 1e3 * t[rounds - 1], rounds);
    free(t);
}

int main(int argc, char **argv)
{
    int runs = 1000, epochs = 100, batches = 250, rounds = 15;
    const char *aetui = NULL, *db = NULL;
    for (int i = 1; i < argc; i++) {
        if (i + 1 < argc && !strcmp(argv[i], "--runs"))
            runs = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--epochs"))
            epochs = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--batches"))
            batches = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--rounds"))
            rounds = atoi(argv[++i]);
        else if (i + 1 < argc && !strcmp(argv[i], "--aetui"))
            aetui = argv[++i];
        else if (argv[i][0] != '-' && !db)
            db = argv[i];
        else {
            fprintf(stderr, "usage: bench_store [--runs N] [--epochs N] [--batches N] "
                            "[--rounds N] [--aetui PATH] DB\n");
            return 2;
        }
    }
    if (!db || runs < 1 || epochs < 1 || batches < 0 || rounds < 1) {
        fprintf(stderr, "bench_store: give a path for the new store (and sane counts)\n");
        return 2;
    }
    char exe[4096];
    if (!aetui) { /* the program beside the tests directory of this build */
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 16);
        exe[n > 0 ? n : 0] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) *slash = 0;
        slash = strrchr(exe, '/');
        if (slash) strcpy(slash, "/aetui");
        aetui = exe;
    }
    if (access(db, F_OK) == 0) {
        fprintf(stderr, "bench_store: %s exists; give a new path\n", db);
        return 2;
    }
    store *st;
    ae_err err;
    if (store_open(&st, db, STORE_CREATE, &err)) {
        fprintf(stderr, "bench_store: %s\n", err.msg);
        return 1;
    }
    float *losses = malloc((size_t)(batches > 0 ? batches : 1) * sizeof *losses);
    long packed = 0;
    double t0 = test_now();
    for (int r = 0; r < runs; r++) {
        store_run run;
        memset(&run, 0, sizeof run);
        const char *model = r % 2 ? "lstm" : "cnn";
        snprintf(run.model, sizeof run.model, "%s", model);
        snprintf(run.dataset, sizeof run.dataset, "%s", r % 2 ? "sines" : "cifar10");
        run.pid = getpid();
        run.pid_start = store_proc_start(run.pid);
        gethostname(run.host, sizeof run.host - 1);
        snprintf(run.version, sizeof run.version, "bench");
        snprintf(run.blas_core, sizeof run.blas_core, "Haswell");
        run.threads = 2;
        run.seed = (uint64_t)r;
        snprintf(run.data_sha256, sizeof run.data_sha256, "%064x", r);
        store_param p[10] = {{.name = "latent", .num = 8 << (r % 5)},
                             {.name = "lr", .num = 1e-3 * (1 + r % 7)},
                             {.name = "batch", .num = 200},
                             {.name = "epochs", .num = epochs},
                             {.name = "train", .num = 50000},
                             {.name = "test", .num = 10000},
                             {.name = "threads", .num = 2},
                             {.name = "seed", .num = r},
                             {.name = "clip", .num = 0},
                             {.name = "model", .is_text = 1}};
        snprintf(p[9].text, sizeof p[9].text, "%s", model);
        int64_t id;
        if (store_run_begin(st, &run, p, 10, &id, &err)) {
            fprintf(stderr, "bench_store: %s\n", err.msg);
            return 1;
        }
        double base = 0.004 + 0.004 * uniform(), start = 0.05 + 0.02 * uniform();
        for (int e = 1; e <= epochs; e++) {
            double sum = 0;
            for (int b = 0; b < batches; b++) {
                double t = (e - 1) + (double)b / batches;
                double mean = base + start * exp(-t / 8.0);
                losses[b] = (float)(mean * (1 + 0.05 * gauss()));
                sum += losses[b];
            }
            double tl = batches ? sum / batches : base;
            store_epoch ep = {.epoch = e,
                              .train_loss = tl,
                              .train_mae = sqrt(tl) * 0.8,
                              .test_loss = tl * 1.05,
                              .test_mae = sqrt(tl * 1.05) * 0.8,
                              .seconds = 30 + uniform(),
                              .samples_per_sec = 1650 + 10 * uniform(),
                              .lr = 1e-3};
            if (store_epoch_add(st, id, &ep, losses, batches, &err)) {
                fprintf(stderr, "bench_store: %s\n", err.msg);
                return 1;
            }
            if (r == 0 && e == 1) {
                static unsigned char buf[8 + 5 * 100000];
                if (batches <= 100000) packed = store_pack_losses(losses, batches, buf, sizeof buf);
            }
        }
        store_run_end(st, id, r % 10 == 3 ? "stopped" : "finished", "", &err);
        if (r % 100 == 99) {
            fprintf(stderr, "\r%d runs", r + 1);
            fflush(stderr);
        }
    }
    double fill_s = test_now() - t0;
    store_close(st); /* checkpoints the WAL into the file */
    free(losses);
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", db);
    long size = file_size(db), walsize = file_size(wal);
    printf("\rstore: %d runs x %d epochs x %d batches, filled in %.1f s (%.2f ms per epoch "
           "transaction)\n",
           runs, epochs, batches, fill_s, 1e3 * fill_s / ((double)runs * epochs));
    printf("file:  %s  %.1f MB (%ld bytes; WAL %ld bytes); one epoch's %d batch losses pack "
           "into %ld bytes\n",
           db, size / 1e6, size, walsize, batches, packed);

    char show_id[32];
    snprintf(show_id, sizeof show_id, "%d", runs / 2);
    char *runs_argv[] = {(char *)aetui, "runs", "--db", (char *)db, NULL};
    char *runs_json[] = {(char *)aetui, "runs", "--db", (char *)db, "--json", NULL};
    char *runs_sort[] = {(char *)aetui, "runs", "--db", (char *)db, "--sort", "lr", NULL};
    char *show_argv[] = {(char *)aetui, "show", show_id, "--db", (char *)db, NULL};
    char *show_json[] = {(char *)aetui, "show", show_id, "--db", (char *)db, "--json", NULL};
    char *help_argv[] = {(char *)aetui, "--version", NULL};
    bench_cmd("aetui --version (baseline)", help_argv, rounds);
    bench_cmd("aetui runs", runs_argv, rounds);
    bench_cmd("aetui runs --json", runs_json, rounds);
    bench_cmd("aetui runs --sort lr", runs_sort, rounds);
    bench_cmd("aetui show RUN", show_argv, rounds);
    bench_cmd("aetui show RUN --json", show_json, rounds);
    return 0;
}

/* bench_train.c: training speed of the presets, next to the SGEMM speed of this machine
 * measured in the same run, and the peak memory of a real `aetui train` process.
 *
 * usage: bench_train [--data-dir DIR] [--threads N] [--cnn-samples N] [--models a,b,...]
 * CIFAR-10 comes from --data-dir, else $AETUI_SHARED_DATA/cifar-10-batches-bin. The first
 * epoch of each model is a warm-up; the figure is the second epoch's samples/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "blas.h"
#include "trainer.h"

typedef struct last {
    double sps;
} last;

static int on_epoch(void *ctx, const train_epoch *e, const float *bl, int nb, ae_err *err)
{
    ((last *)ctx)->sps = e->samples_per_sec;
    return 0;
}

static double bench_model(const char *model, const char *data_dir, int threads, int n)
{
    train_config cfg;
    ae_err err;
    if (train_config_defaults(&cfg, model, &err)) return -1;
    if (data_dir && strcmp(model, "lstm")) snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", data_dir);
    cfg.threads = threads, cfg.epochs = 2, cfg.batch = 32;
    if (n) cfg.train_n = n;
    cfg.test_n = 64;
    last l = {0};
    train_observer obs = {&l, NULL, NULL, on_epoch, NULL};
    train_result res;
    if (train_run(&cfg, &obs, NULL, &res, &err)) {
        fprintf(stderr, "bench_train: %s: %s\n", model, err.msg);
        return -1;
    }
    train_result_free(&res);
    return l.sps;
}

/* Peak resident set of a child `aetui train ...` in MB (ru_maxrss of the waited child). */
static double peak_rss(const char *bin, char *const argv[])
{
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        execv(bin, argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) return -1;
    return ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
    const char *data_dir = NULL, *models = "cnn,cnn-flat,lstm", *bin = getenv("AETUI_BIN");
    int threads = 2, cnn_n = 2000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--data-dir")) data_dir = argv[i + 1];
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--cnn-samples")) cnn_n = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--models")) models = argv[i + 1];
        else if (!strcmp(argv[i], "--aetui")) bin = argv[i + 1];
    }
    static char dd[1024];
    if (!data_dir && getenv("AETUI_SHARED_DATA")) {
        snprintf(dd, sizeof dd, "%s/cifar-10-batches-bin", getenv("AETUI_SHARED_DATA"));
        data_dir = dd;
    }
    printf("OpenBLAS %s, core %s\n", blas_config(), blas_corename());
    blas_set_threads(threads);
    printf("SGEMM 2048^3, %d BLAS threads: %.1f GFLOP/s\n", threads, blas_measure_gflops(2048, 3));
    blas_set_threads(1);
    printf("SGEMM 2048^3, 1 BLAS thread:  %.1f GFLOP/s\n", blas_measure_gflops(2048, 3));
    char list[256];
    snprintf(list, sizeof list, "%s", models);
    for (char *m = strtok(list, ","); m; m = strtok(NULL, ",")) {
        int n = strncmp(m, "cnn", 3) ? 0 : cnn_n;
        double sps = bench_model(m, data_dir, threads, n);
        printf("train %-9s batch 32, %d threads: %8.1f samples/s\n", m, threads, sps);
    }
    if (bin && data_dir) {
        char *av[] = {(char *)bin, "train",   "--model", "cnn",      "--data-dir",
                      (char *)data_dir, "--epochs", "1",     NULL};
        printf("peak RSS of aetui train --model cnn (seed defaults, 1 epoch): %.1f MB\n",
               peak_rss(bin, av));
    }
    return 0;
}

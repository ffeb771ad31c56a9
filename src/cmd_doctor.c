/* cmd_doctor.c: `aetui doctor`, what aetui found on this machine: the BLAS library and the
 * core type chosen, threads, and where each dataset is. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "blas.h"
#include "blas_setup.h"
#include "cli.h"
#include "commands.h"
#include "dataset.h"
#include "text.h"

int cmd_doctor(int argc, char **argv)
{
    const char *data_dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf("usage: aetui doctor [--data-dir DIR]\n\nPrints the BLAS library and "
                   "kernels in use, threads, and where each dataset was found.\n");
            return 0;
        }
        if (!strcmp(argv[i], "--data-dir") && i + 1 >= argc)
            return cli_usage("doctor", "--data-dir needs a value (see aetui doctor --help)");
        if (!strcmp(argv[i], "--data-dir")) {
            data_dir = argv[++i];
            if (cli_text("doctor", "--data-dir", data_dir, 1023)) return CLI_USAGE;
        } else
            return cli_usage("doctor", "unknown argument '%s'", argv[i]);
    }
    const char *best = blas_best_coretype();
    printf("aetui %s\n", AETUI_VERSION);
    printf("BLAS        %s\n", blas_config());
    printf("core type   %s\n", blas_setup_report());
    printf("CPU best    %s\n", best ? best : "(nothing better than OpenBLAS's default)");
    printf("cores       %ld (training uses all unless --threads)\n", sysconf(_SC_NPROCESSORS_ONLN));
    double gf = blas_measure_gflops(512, 3);
    printf("SGEMM       %.1f GFLOP/s (512x512x512, %d BLAS threads)\n", gf, blas_get_threads());
    printf("datasets:\n");
    for (int i = 0; ds_names[i]; i++) {
        char dir[1024], vis[2048];
        ae_err err;
        if (ds_kind_of(ds_names[i]) == DS_SEQUENCES) {
            printf("  %-14s synthetic, generated on demand\n", ds_names[i]);
        } else if (ds_locate(ds_names[i], data_dir, dir, sizeof dir, &err) == 0) {
            text_visible(dir, vis, sizeof vis);
            printf("  %-14s %s\n", ds_names[i], vis);
        } else {
            text_visible(err.msg, vis, sizeof vis);
            printf("  %-14s not found (%s)\n", ds_names[i], vis);
        }
    }
    return 0;
}

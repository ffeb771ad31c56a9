/* blas_setup.c: apply the best OPENBLAS_CORETYPE by re-executing once (see blas_setup.h). */
#include "blas_setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blas.h"

/* Marks our own re-exec: holds the core type we chose, or "rejected" after a failed check. */
#define MARK "AETUI_BLAS_CHOSEN"

static char report[512];

const char *blas_setup_report(void) { return report; }

void blas_setup(int argc, char **argv)
{
    (void)argc;
    const char *mark = getenv(MARK);
    const char *user = getenv("OPENBLAS_CORETYPE");
    const char *loaded = blas_corename();
    if (mark && !strcmp(mark, "rejected")) {
        snprintf(report, sizeof report,
                 "%s (OpenBLAS's own choice; a better core type failed the SGEMM check)", loaded);
        return;
    }
    if (mark) {
        ae_err err;
        if (blas_verify(&err) == 0) {
            snprintf(report, sizeof report, "%s (chosen by aetui for this CPU; SGEMM verified)",
                     loaded);
            return;
        }
        fprintf(stderr, "aetui: %s; using OpenBLAS's default kernels\n", err.msg);
        setenv(MARK, "rejected", 1);
        unsetenv("OPENBLAS_CORETYPE");
        execv("/proc/self/exe", argv);
        snprintf(report, sizeof report, "%s (SGEMM check failed; re-exec failed)", loaded);
        return;
    }
    if (user && *user) {
        snprintf(report, sizeof report, "%s (OPENBLAS_CORETYPE=%s set by the user)", loaded,
                 user);
        return;
    }
    const char *best = blas_best_coretype();
    if (best && blas_core_is_weaker(loaded, best)) {
        setenv("OPENBLAS_CORETYPE", best, 1);
        setenv(MARK, best, 1);
        execv("/proc/self/exe", argv);
        unsetenv("OPENBLAS_CORETYPE"); /* exec failed: carry on with what loaded */
        unsetenv(MARK);
        snprintf(report, sizeof report, "%s (re-exec with %s failed)", loaded, best);
        return;
    }
    snprintf(report, sizeof report, "%s (OpenBLAS's own choice, best for this CPU)", loaded);
}

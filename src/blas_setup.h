/* blas_setup.h: choosing OpenBLAS's kernels for this CPU, once, at start-up.
 *
 * When the loaded core type is weaker than what the CPU runs (blas_core_is_weaker) and the
 * user has not set OPENBLAS_CORETYPE, blas_setup() sets it and re-executes the program once
 * (/proc/self/exe, same argv). In the re-executed process it verifies SGEMM against a naive
 * product; if that fails it re-executes once more without the setting. A user's own
 * OPENBLAS_CORETYPE always wins. Global state of the process: called from main() only. */
#ifndef AE_BLAS_SETUP_H
#define AE_BLAS_SETUP_H

void blas_setup(int argc, char **argv);

/* One line for doctor and the run record: what was chosen and why. */
const char *blas_setup_report(void);

#endif

/* blas.h: the one door to OpenBLAS: row-major SGEMM, thread control, core-type facts.
 *
 * Debian 12's OpenBLAS (DYNAMIC_ARCH) chooses its kernels when the library loads; on CPUs it
 * does not know it falls back to older kernels (Haswell on a current AMD with AVX-512, even
 * generic Prescott). blas_best_coretype() says what this CPU could run, blas_core_is_weaker()
 * whether the loaded one is worse, and blas_verify() checks SGEMM against a naive product.
 * The re-exec that applies a better choice lives in src/blas_setup.c: library code never
 * touches the environment or the process.
 *
 * Thread safety: sgemm may be called from several threads at once when OpenBLAS runs
 * single-threaded (blas_set_threads(1)), which is how the engine's own worker threads use it. */
#ifndef AE_BLAS_H
#define AE_BLAS_H

#include "err.h"

/* C[m][n] = alpha * op(A) op(B) + beta * C, all row-major; ta/tb: 0 plain, 1 transposed.
 * lda/ldb/ldc are the row strides of the stored matrices. */
void blas_sgemm(int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc);

/* The kernel family OpenBLAS loaded ("Haswell", "SkylakeX", "Prescott", ...). */
const char *blas_corename(void);
/* The library's build string ("OpenBLAS 0.3.21 DYNAMIC_ARCH ..."). */
const char *blas_config(void);
/* The best OPENBLAS_CORETYPE for this CPU's features: "SkylakeX" (AVX-512 F/DQ/CD/BW/VL),
 * "Haswell" (AVX2+FMA), or NULL when there is nothing better than what loads by itself. */
const char *blas_best_coretype(void);
/* True when `loaded` uses narrower vectors than `best` (both core names). */
int blas_core_is_weaker(const char *loaded, const char *best);
/* A few SGEMMs of awkward shapes against a naive double-precision product. */
int blas_verify(ae_err *err);

void blas_set_threads(int n);
int blas_get_threads(void);
/* GFLOP/s of an n x n x n SGEMM, best of `reps` (for doctor and benchmarks). */
double blas_measure_gflops(int n, int reps);

#endif

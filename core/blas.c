/* blas.c: OpenBLAS behind a small row-major interface, plus the facts needed to choose its
 * kernels (see blas.h). */
#include "blas.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* OpenBLAS extensions (declared in its cblas.h as well; repeated for clarity of intent). */
char *openblas_get_corename(void);
char *openblas_get_config(void);
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);

void blas_sgemm(int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                const float *b, int ldb, float beta, float *c, int ldc)
{
    if (m <= 0 || n <= 0) return;
    if (k <= 0) { /* C = beta*C, which BLAS would also do; keep it explicit */
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) c[(long)i * ldc + j] *= beta;
        return;
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n,
                k, alpha, a, lda, b, ldb, beta, c, ldc);
}

const char *blas_corename(void)
{
    return openblas_get_corename();
}
const char *blas_config(void)
{
    return openblas_get_config();
}
void blas_set_threads(int n)
{
    openblas_set_num_threads(n < 1 ? 1 : n);
}
int blas_get_threads(void)
{
    return openblas_get_num_threads();
}

const char *blas_best_coretype(void)
{
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
    return NULL;
}

/* Vector width class of a core name: 3 AVX-512, 2 AVX2, 1 anything older or unknown. */
static int core_class(const char *name)
{
    static const char *const avx512[] = {"SkylakeX", "Cooperlake", "SapphireRapids", NULL};
    static const char *const avx2[] = {"Haswell", "Zen", "Skylake", NULL};
    for (int i = 0; avx512[i]; i++)
        if (!strcasecmp(name, avx512[i])) return 3;
    for (int i = 0; avx2[i]; i++)
        if (!strcasecmp(name, avx2[i])) return 2;
    return 1;
}

int blas_core_is_weaker(const char *loaded, const char *best)
{
    if (!loaded || !best) return 0;
    return core_class(loaded) < core_class(best);
}

static int verify_one(int ta, int tb, int m, int n, int k, ae_err *err)
{
    int lda = ta ? m : k, ldb = tb ? k : n;
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n);
    float *c = malloc(sizeof(float) * m * n);
    int rc = 0;
    if (!a || !b || !c) {
        rc = ae_fail(err, "blas check: out of memory");
        goto out;
    }
    unsigned s = 12345u;
    for (int i = 0; i < m * k; i++) s = s * 1103515245u + 12345u, a[i] = (s >> 9) * 0x1p-23f - 1;
    for (int i = 0; i < k * n; i++) s = s * 1103515245u + 12345u, b[i] = (s >> 9) * 0x1p-23f - 1;
    for (int i = 0; i < m * n; i++) c[i] = 1.0f;
    blas_sgemm(ta, tb, m, n, k, 1.0f, a, lda, b, ldb, 0.5f, c, n);
    for (int i = 0; i < m && !rc; i++)
        for (int j = 0; j < n; j++) {
            double want = 0.5, mag = 0.5;
            for (int p = 0; p < k; p++) {
                double x = ta ? a[p * lda + i] : a[i * lda + p];
                double y = tb ? b[j * ldb + p] : b[p * ldb + j];
                want += x * y;
                mag += fabs(x * y);
            }
            if (!(fabs(c[i * n + j] - want) <= 1e-5 * mag + 1e-6)) {
                rc = ae_fail(err,
                             "OpenBLAS core %s: SGEMM %dx%dx%d (%c%c) wrong at [%d][%d]: %g, "
                             "expected %g",
                             blas_corename(), m, n, k, ta ? 'T' : 'N', tb ? 'T' : 'N', i, j,
                             c[i * n + j], want);
                break;
            }
        }
out:
    free(a), free(b), free(c);
    return rc;
}

int blas_verify(ae_err *err)
{
    static const int shapes[][5] = {{0, 0, 67, 45, 129},
                                    {1, 0, 33, 130, 17},
                                    {0, 1, 128, 27, 64},
                                    {1, 1, 5, 300, 250},
                                    {0, 0, 256, 256, 256}};
    for (unsigned i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const int *s = shapes[i];
        if (verify_one(s[0], s[1], s[2], s[3], s[4], err)) return -1;
    }
    return 0;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

double blas_measure_gflops(int n, int reps)
{
    float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n);
    float *c = malloc(sizeof(float) * n * n);
    if (!a || !b || !c) {
        free(a), free(b), free(c);
        return 0;
    }
    for (long i = 0; i < (long)n * n; i++) a[i] = (float)(i % 7) * 0.1f, b[i] = (float)(i % 5);
    blas_sgemm(0, 0, n, n, n, 1, a, n, b, n, 0, c, n);
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        double t = now();
        blas_sgemm(0, 0, n, n, n, 1, a, n, b, n, 0, c, n);
        t = now() - t;
        if (t < best) best = t;
    }
    free(a), free(b), free(c);
    return 2.0 * n * n * (double)n / best / 1e9;
}

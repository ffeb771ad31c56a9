/* checked.h: size arithmetic on numbers read from files, without overflow.
 *
 * Every size a file declares (a shape, a count, an image side) is bounded before any
 * arithmetic uses it, and products of sizes are formed with these helpers: 64-bit, checked,
 * never negative. Each returns 0 and writes *out when the result fits, else -1 (and leaves
 * *out untouched), so a reader does
 *     int64_t n;
 *     if (ck_prod(shape, 3, CK_MAX_ELEMS, &n)) return ae_fail(err, "%s: shape too large", path);
 * Pure functions, any thread. */
#ifndef AE_CHECKED_H
#define AE_CHECKED_H

#include <stdint.h>

/* A generous bound on the elements of one array held in memory (2^40, 4 TB of float32):
 * anything larger is a corrupt header, and products up to it times 16 bytes fit int64. */
#define CK_MAX_ELEMS ((int64_t)1 << 40)

/* a * b, both >= 0, when the product fits int64. */
static inline int ck_mul(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r)) return -1;
    *out = r;
    return 0;
}

/* a + b, both >= 0, when the sum fits int64. */
static inline int ck_add(int64_t a, int64_t b, int64_t *out)
{
    int64_t r;
    if (a < 0 || b < 0 || __builtin_add_overflow(a, b, &r)) return -1;
    *out = r;
    return 0;
}

/* The product of n factors (each >= 0) when it is at most max (n = 0: 1). */
static inline int ck_prod(const int64_t *f, int n, int64_t max, int64_t *out)
{
    int64_t r = 1;
    for (int i = 0; i < n; i++)
        if (ck_mul(r, f[i], &r) || r > max) return -1;
    *out = r;
    return 0;
}

/* The product of n int factors (each >= 0) as an int, when it is at most max (<= INT_MAX):
 * for shapes that end in int fields (h * w * c). */
static inline int ck_prod_int(const int *f, int n, int max, int *out)
{
    int64_t r = 1;
    for (int i = 0; i < n; i++)
        if (ck_mul(r, f[i], &r) || r > max) return -1;
    *out = (int)r;
    return 0;
}

#endif

/* fastmath.h: exp, logistic and tanh for the engine's elementwise loops.
 *
 * glibc's tanhf is a scalar call (over a third of the LSTM's training time); these are
 * branch-free so that GCC vectorises the loops that call them, and accurate to a few ulp
 * (tests/test_fastmath.c checks them against libm over the whole float range that matters).
 *  exp:      Cephes-style: n = round(x / ln2) by the 1.5*2^23 trick, r = x - n ln2 in two
 *            parts, a degree-6 polynomial, and 2^n put into the exponent bits. Clamped to
 *            [-87, 88] so that it never overflows (the callers saturate anyway); NaN stays NaN.
 *  sigmoid:  e = exp(-|x|); x >= 0 ? 1/(1+e) : e/(1+e). Stable: no overflow, full relative
 *            precision on both sides.
 *  tanh:     |x| < 0.625: x + x^3 P(x^2) (Cephes); otherwise 1 - 2/(exp(2|x|)+1), sign
 *            restored. No cancellation near 0.
 * No -ffast-math is needed or used: the rounding trick depends on IEEE semantics. */
#ifndef AE_FASTMATH_H
#define AE_FASTMATH_H

#include <stdint.h>
#include <string.h>

static inline float ae_expf(float x)
{
    x = x < -87.0f ? -87.0f : x > 88.0f ? 88.0f : x;
    float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
    float r = x - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    /* n is NaN when x is: the polynomial carries the NaN on, and the exponent is built from a
     * clamped copy so that the int conversion and shift stay defined. */
    float nc = n > -126.0f ? n : -126.0f;
    nc = nc < 127.0f ? nc : 127.0f;
    int32_t bits = (int32_t)(((uint32_t)((int32_t)nc + 127)) << 23);
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline float ae_sigmoidf(float x)
{
    float e = ae_expf(x < 0 ? x : -x); /* exp(-|x|) */
    float d = 1.0f / (1.0f + e);
    return x >= 0 ? d : e * d;
}

static inline float ae_tanhf(float x)
{
    float ax = x < 0 ? -x : x;
    float z = x * x;
    float small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z +
                    1.33314422036e-1f) *
                       z -
                   3.33332819422e-1f) *
                      z * x +
                  x;
    float big = 1.0f - 2.0f / (ae_expf(2.0f * ax) + 1.0f);
    big = x < 0 ? -big : big;
    return ax < 0.625f ? small : big;
}

#endif

/* test_noise.c: the denoising corruptions (core/noise.h): parsing and its errors, PSNR against
 * a hand computation, draws keyed (the same key the same noise, in any layout), Gaussian
 * noise clipped for images, the masked fraction, salt and pepper values. */
#include <math.h>
#include <string.h>

#include "noise.h"
#include "testlib.h"

static void test_parse(void)
{
    noise_spec ns;
    ae_err err;
    char buf[48];
    CHECK(noise_parse("gaussian:0.3", &ns, &err) == 0 && ns.kind == NOISE_GAUSSIAN &&
              ns.level == 0.3,
          "gaussian:0.3: %s", err.msg);
    noise_format(&ns, buf, sizeof buf);
    CHECK(!strcmp(buf, "gaussian:0.3"), "format: %s", buf);
    CHECK(noise_parse("mask:0.5", &ns, &err) == 0 && ns.kind == NOISE_MASK, "mask");
    CHECK(noise_parse("saltpepper:0.1", &ns, &err) == 0 && ns.kind == NOISE_SALTPEPPER, "sp");
    CHECK(noise_parse("none", &ns, &err) == 0 && ns.kind == NOISE_NONE, "none");
    CHECK(noise_parse(NULL, &ns, &err) == 0 && ns.kind == NOISE_NONE, "NULL");
    static const char *const bad[] = {"gauss:0.3",    "gaussian",     "gaussian:", "gaussian:x",
                                      "gaussian:0",   "gaussian:-1",  "mask:1",    "mask:1.5",
                                      "saltpepper:0", "gaussian:nan", "mask:0.5x"};
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(noise_parse(bad[i], &ns, &err) == -1 && strstr(err.msg, bad[i]),
              "'%s' accepted or unnamed: %s", bad[i], err.msg);
    ns.kind = NOISE_SALTPEPPER;
    CHECK(noise_check(&ns, 0, &err) == -1 && strstr(err.msg, "sequences"), "sp on sequences");
    CHECK(noise_check(&ns, 1, &err) == 0, "sp on images");
}

static void test_psnr(void)
{
    /* by hand: clean {0, 0.5, 1, 0.25}, noisy {0.1, 0.3, 1, 0.45}: squared errors 0.01, 0.04,
     * 0, 0.04; MSE 0.0225; PSNR 10 log10(1 / 0.0225) = 16.4782 dB */
    CHECK(fabs(noise_psnr(0.0225) - 16.478175) < 1e-5, "psnr(0.0225) = %.6f", noise_psnr(0.0225));
    CHECK(fabs(noise_psnr(0.01) - 20.0) < 1e-12, "psnr(0.01) = %.6f", noise_psnr(0.01));
    CHECK(isinf(noise_psnr(0)), "psnr(0) = %g", noise_psnr(0));
}

enum { T = 40, F = 5, B = 3, D = T * F };

static void test_draws(void)
{
    noise_spec g = {NOISE_GAUSSIAN, 0.3};
    float a[D], b[D], c[D];
    for (int i = 0; i < D; i++) a[i] = b[i] = c[i] = (float)(i % 11) / 10;
    noise_apply(&g, a, 1, D, D, 1, 7, 1, 2, 3);
    noise_apply(&g, b, 1, D, D, 1, 7, 1, 2, 3);
    noise_apply(&g, c, 1, D, D, 1, 7, 1, 2, 4);
    CHECK(!memcmp(a, b, sizeof a), "the same key drew other noise");
    CHECK(memcmp(a, c, sizeof a), "another key drew the same noise");
    int clipped = 1, moved = 0;
    for (int i = 0; i < D; i++) {
        clipped &= a[i] >= 0 && a[i] <= 1;
        moved += a[i] != (float)(i % 11) / 10;
    }
    CHECK(clipped && moved > D * 3 / 4, "clip %d, moved %d of %d", clipped, moved, D);
    /* a sequence inside a time-major batch (sample 1 of B) gets its sample-major noise */
    float tm[T * B * F], sm[D];
    for (int i = 0; i < T * B * F; i++) tm[i] = 0.5f;
    for (int i = 0; i < D; i++) sm[i] = 0.5f;
    noise_apply(&g, tm + F, T, F, (long)B * F, 0, 9, 4, 5, 6);
    noise_apply(&g, sm, 1, D, D, 0, 9, 4, 5, 6);
    int same = 1, others = 1;
    for (int t = 0; t < T; t++)
        for (int f = 0; f < F; f++) {
            same &= tm[(t * B + 1) * F + f] == sm[t * F + f];
            others &= tm[(t * B + 0) * F + f] == 0.5f && tm[(t * B + 2) * F + f] == 0.5f;
        }
    CHECK(same && others, "time-major layout: same %d, other samples untouched %d", same, others);
    /* the Gaussian's spread, unclipped */
    double s2 = 0;
    int n = 0;
    for (int k = 0; k < 50; k++) {
        float x[D] = {0};
        noise_apply(&g, x, 1, D, D, 0, 1, 0, 0, (uint64_t)k);
        for (int i = 0; i < D; i++) s2 += (double)x[i] * x[i], n++;
    }
    CHECK(fabs(sqrt(s2 / n) - 0.3) < 0.01, "sigma %.4f, expected 0.3", sqrt(s2 / n));
    /* masking: about P of the values become 0; salt and pepper: 0 or 1 */
    noise_spec m = {NOISE_MASK, 0.25}, sp = {NOISE_SALTPEPPER, 0.2};
    int zeros = 0, salt = 0, pepper = 0, total = 0;
    for (int k = 0; k < 50; k++) {
        float x[D], y[D];
        for (int i = 0; i < D; i++) x[i] = y[i] = 0.5f;
        noise_apply(&m, x, 1, D, D, 1, 1, 0, 0, (uint64_t)k);
        noise_apply(&sp, y, 1, D, D, 1, 1, 0, 0, (uint64_t)k);
        for (int i = 0; i < D; i++) {
            zeros += x[i] == 0, total++;
            salt += y[i] == 1, pepper += y[i] == 0;
            if (x[i] != 0 && x[i] != 0.5f) zeros = -1000000;
        }
    }
    CHECK(fabs((double)zeros / total - 0.25) < 0.02, "mask fraction %.4f", (double)zeros / total);
    CHECK(fabs((double)salt / total - 0.1) < 0.015 && fabs((double)pepper / total - 0.1) < 0.015,
          "salt %.4f pepper %.4f", (double)salt / total, (double)pepper / total);
}

int main(void)
{
    test_parse();
    test_psnr();
    test_draws();
    return test_done();
}

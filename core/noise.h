/* noise.h: the corruptions of a denoising autoencoder (issue 14): aetui train --noise
 * gaussian:SIGMA | mask:P | saltpepper:P. The model sees the corrupted input and is trained
 * (and evaluated) against the clean sample.
 *
 *   gaussian:SIGMA  adds N(0, SIGMA^2) to every value; images are clipped to [0, 1] after
 *   mask:P          sets each value to 0 with probability P (masking noise)
 *   saltpepper:P    sets each value to 0 or 1 (half each) with probability P (images only)
 *
 * Draws are keyed, not sequential: the noise of a sample depends only on (seed, epoch, batch,
 * place in the batch) for training and on (NOISE_TEST_SEED, test index) for the test set. So
 * the threads that share a batch draw independently, a resumed run draws what the
 * uninterrupted one would have, and every run with the same --noise is evaluated on the same
 * noisy test inputs (runs compare) whatever its --seed.
 *
 * PSNR here is over a whole set: 10 log10(1 / MSE), the peak 1 of [0, 1] images.
 * Pure functions; any thread. */
#ifndef AE_NOISE_H
#define AE_NOISE_H

#include <stdint.h>

#include "err.h"

enum { NOISE_NONE = 0, NOISE_GAUSSIAN, NOISE_MASK, NOISE_SALTPEPPER };

#define NOISE_TEST_SEED 20241114u

typedef struct noise_spec {
    int kind;
    double level; /* SIGMA or P */
} noise_spec;

/* Parses "gaussian:0.3" etc. ("" or "none": no noise). SIGMA in (0, 10], P in (0, 1). */
int noise_parse(const char *s, noise_spec *out, ae_err *err);
/* The spec as text ("gaussian:0.3"), "" for none. */
void noise_format(const noise_spec *ns, char *buf, int len);
/* Checks the spec suits the data (saltpepper needs images). */
int noise_check(const noise_spec *ns, int images, ae_err *err);

/* Corrupts one sample in place: rows of cols values, each row `stride` floats after the one
 * before (a sample-major sample: rows 1; a sequence in a time-major batch: rows T, cols F,
 * stride B*F); clip: images (clip to [0, 1]). The draw is keyed by (seed, a, b, c): see above. */
void noise_apply(const noise_spec *ns, float *x, long rows, long cols, long stride, int clip,
                 uint64_t seed, uint64_t a, uint64_t b, uint64_t c);

/* Keys: training draws use (run seed, epoch, batch, place in batch); test draws
 * (NOISE_TEST_SEED, NOISE_KEY_TEST, index, 0). */
#define NOISE_KEY_TEST 0xffffffffu

/* 10 log10(1 / mse); +inf for mse 0. */
double noise_psnr(double mse);

#endif

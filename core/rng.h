/* rng.h: the seeded random numbers of aetui (xoshiro256**, seeded through splitmix64).
 *
 * Same seed, same sequence, on every machine. A generator is a plain value owned by whoever
 * holds it; give each thread its own (rng_split derives independent streams). */
#ifndef AE_RNG_H
#define AE_RNG_H

#include <stdint.h>

typedef struct rng {
    uint64_t s[4];
} rng;

void rng_seed(rng *r, uint64_t seed);
/* A generator for sub-stream `stream` of `seed` (data order, init, noise, ... each its own). */
void rng_seed_stream(rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(rng *r);
/* Uniform in [0,1) with 53 random bits. */
double rng_uniform(rng *r);
/* Uniform in [lo,hi). */
double rng_range(rng *r, double lo, double hi);
/* Uniform integer in [0,n), n > 0, without modulo bias. */
uint64_t rng_below(rng *r, uint64_t n);
/* Standard normal (Box-Muller, one value per call, so the stream position is predictable). */
double rng_normal(rng *r);
/* Fisher-Yates shuffle of idx[0..n-1]. */
void rng_shuffle(rng *r, int *idx, int n);

#endif

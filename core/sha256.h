/* sha256.h: a small SHA-256 (FIPS 180-4), used to fingerprint the data a run trained on.
 *
 * Usage: sha256_init, any number of sha256_update calls, then sha256_hex (or sha256_final).
 * A context is a plain value owned by the caller; pure functions, any thread. */
#ifndef AE_SHA256_H
#define AE_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t len; /* bytes hashed so far */
    uint8_t buf[64];
    size_t nbuf;
    int plain; /* 1: never use the CPU's SHA instructions (for tests); sha256_init clears it */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
/* Finishes the hash into digest[32]; the context must be re-initialised before reuse. */
void sha256_final(sha256_ctx *c, uint8_t digest[32]);
/* Finishes the hash as 64 lowercase hex digits and a NUL into hex[65]. */
void sha256_hex(sha256_ctx *c, char hex[65]);
/* 1 when this CPU's SHA instructions are used (about 7 times faster than the plain code). */
int sha256_accelerated(void);

#endif

/* md5.h: MD5 (RFC 1321), only to check downloaded files against the checksums their
 * publishers give (CIFAR-10's page and torchvision list MD5s). Not for anything that needs
 * collision resistance: aetui get checks SHA-256 too where one is published.
 *
 * Usage: md5_init, any number of md5_update calls, then md5_hex. A context is a plain value
 * owned by the caller; pure functions, any thread. */
#ifndef AE_MD5_H
#define AE_MD5_H

#include <stddef.h>
#include <stdint.h>

typedef struct md5_ctx {
    uint32_t h[4];
    uint64_t len; /* bytes hashed so far */
    uint8_t buf[64];
    size_t nbuf;
} md5_ctx;

void md5_init(md5_ctx *c);
void md5_update(md5_ctx *c, const void *data, size_t len);
/* Finishes the hash as 32 lowercase hex digits and a NUL into hex[33]; the context must be
 * re-initialised before reuse. */
void md5_hex(md5_ctx *c, char hex[33]);

#endif

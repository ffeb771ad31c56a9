/* store_pack.c: packing of per-batch losses into small blobs (see store.h).
 *
 * The idea: raw float32 would cost 4 bytes a batch, 100 MB for 1,000 runs of 100 epochs of
 * 250 batches; a loss curve needs three significant digits, not seven. A positive loss is
 * kept as q = round(512 * log2(v)), so the relative error is at most 2^(1/1024) - 1 = 6.8e-4
 * whatever the magnitude, and neighbouring batches differ by a small q: one signed byte when
 * |dq| <= 127 (within 19%), else an escape byte and the absolute q.
 *
 *   'L' q0:int32le  then per value: int8 dq (-127..127) | 0x80 q:int32le
 *   'F' n float32le values (used when a value is <= 0, which a log cannot hold)
 *
 * Pure functions, any thread. */
#include "store.h"

#include <float.h>
#include <math.h>
#include <string.h>

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16), p[3] = (unsigned char)(v >> 24);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

size_t store_pack_bound(int n)
{
    return 8 + 5 * (size_t)(n > 0 ? n : 0);
}

long store_pack_losses(const float *v, int n, unsigned char *buf, size_t cap)
{
    if (n < 0 || cap < store_pack_bound(n)) return -1;
    int positive = 1;
    for (int i = 0; i < n; i++) {
        if (!isfinite(v[i])) return -1;
        if (!(v[i] > 0)) positive = 0;
    }
    size_t o = 1;
    if (!positive || n == 0) {
        buf[0] = 'F';
        for (int i = 0; i < n; i++, o += 4) {
            uint32_t u;
            memcpy(&u, &v[i], 4);
            put32(buf + o, u);
        }
        return (long)o;
    }
    buf[0] = 'L';
    int32_t prev = 0;
    for (int i = 0; i < n; i++) {
        int32_t q = (int32_t)lrint(512.0 * log2((double)v[i]));
        int32_t d = q - prev;
        if (i > 0 && d >= -127 && d <= 127) {
            buf[o++] = (unsigned char)(int8_t)d;
        } else {
            if (i > 0) buf[o++] = 0x80;
            put32(buf + o, (uint32_t)q);
            o += 4;
        }
        prev = q;
    }
    return (long)o;
}

int store_unpack_losses(const unsigned char *buf, size_t len, float *out, int n)
{
    if (n < 0 || len < 1) return -1;
    if (buf[0] == 'F') {
        if (len != 1 + 4 * (size_t)n) return -1;
        for (int i = 0; i < n; i++) {
            uint32_t u = get32(buf + 1 + 4 * (size_t)i);
            memcpy(&out[i], &u, 4);
        }
        return 0;
    }
    if (buf[0] != 'L' || n == 0) return -1;
    size_t o = 1;
    int32_t q = 0;
    for (int i = 0; i < n; i++) {
        if (i > 0 && o < len && buf[o] != 0x80) {
            q += (int8_t)buf[o++];
        } else {
            if (i > 0) o++;
            if (o + 4 > len) return -1;
            q = (int32_t)get32(buf + o);
            o += 4;
        }
        if (q < -80000 || q > 70000) return -1;
        double x = exp2(q / 512.0);
        out[i] = x > FLT_MAX ? FLT_MAX : (float)x;
    }
    return o == len ? 0 : -1;
}

/* resize.c: resizing and channel conversion of 8-bit images (see image.h).
 *
 * Separable: a table of taps per output index and axis (first input index, weights), then a
 * horizontal pass into a float buffer and a vertical pass out of it. Shrinking an axis by s,
 * output pixel j is the mean of input [j s, (j+1) s), partial pixels weighted by their
 * overlap (area averaging, as OpenCV's INTER_AREA and PIL's BOX); growing it, output j samples
 * the input at (j + 0.5) / scale - 0.5 linearly (bilinear with centres aligned, as PIL). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

void image_free(image *im)
{
    if (!im) return;
    free(im->px);
    memset(im, 0, sizeof *im);
}

int image_decode(const void *data, size_t len, const char *name, int min_h, int min_w, image *out,
                 ae_err *err)
{
    const unsigned char *p = data;
    memset(out, 0, sizeof *out);
    if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
        return png_decode(data, len, name, out, err);
    if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return jpeg_decode(data, len, name, min_h, min_w, out, err);
    return ae_fail(err, "%s: %s", name,
                   len ? "neither a PNG nor a JPEG (by its first bytes)" : "an empty file");
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int image_probe(const void *data, size_t len, const char *name, int *h, int *w, int *c, ae_err *err)
{
    const unsigned char *p = data;
    if (len >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8)) {
        /* the IHDR chunk comes first: length 13, width, height, depth, colour type */
        if (len < 33 || be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4))
            return ae_fail(err, "%s: not a readable PNG: no IHDR chunk first", name);
        uint32_t ww = be32(p + 16), hh = be32(p + 20);
        if (ww < 1 || hh < 1 || ww > IMAGE_MAX_SIDE || hh > IMAGE_MAX_SIDE)
            return ae_fail(err, "%s: a PNG of %ux%u pixels: more than aetui reads", name, ww, hh);
        *w = (int)ww, *h = (int)hh, *c = p[25] & 2 ? 3 : 1;
        return 0;
    }
    if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return jpeg_probe(data, len, name, h, w, c, err);
    return ae_fail(err, "%s: %s", name,
                   len ? "neither a PNG nor a JPEG (by its first bytes)" : "an empty file");
}

typedef struct taps {
    int *first, *count; /* per output index */
    float *w;           /* count[j] weights each, at offset j * maxc */
    int maxc;
} taps;

static void taps_free(taps *t)
{
    free(t->first), free(t->count), free(t->w);
}

/* Taps mapping the input span [off, off + in) to out samples. */
static int taps_make(taps *t, int off, int in, int out)
{
    double s = (double)in / out;
    t->maxc = s > 1 ? (int)ceil(s) + 1 : 2;
    t->first = malloc(sizeof(int) * (size_t)out);
    t->count = malloc(sizeof(int) * (size_t)out);
    t->w = calloc((size_t)out * (size_t)t->maxc, sizeof(float));
    if (!t->first || !t->count || !t->w) return -1;
    for (int j = 0; j < out; j++) {
        float *w = t->w + (size_t)j * t->maxc;
        if (s > 1) { /* area */
            double a = j * s, b = (j + 1) * s;
            int i0 = (int)floor(a), i1 = (int)ceil(b);
            if (i1 > in) i1 = in;
            int n = 0;
            for (int i = i0; i < i1 && n < t->maxc; i++) {
                double lo = a > i ? a : i, hi = b < i + 1 ? b : i + 1;
                w[n++] = (float)((hi - lo) / s);
            }
            t->first[j] = off + i0, t->count[j] = n;
        } else { /* bilinear (s == 1 gives the identity) */
            double x = (j + 0.5) * s - 0.5;
            if (x < 0) x = 0;
            if (x > in - 1) x = in - 1;
            int i0 = (int)floor(x);
            double fr = x - i0;
            if (i0 >= in - 1) i0 = in - 1, fr = 0;
            w[0] = (float)(1 - fr);
            w[1] = (float)fr;
            t->first[j] = off + i0, t->count[j] = fr > 0 ? 2 : 1;
        }
    }
    return 0;
}

int image_resize(const image *in, int h, int w, int crop, image *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    if (h < 1 || w < 1 || h > IMAGE_MAX_SIDE || w > IMAGE_MAX_SIDE ||
        (long)h * w > IMAGE_MAX_PIXELS)
        return ae_fail(err, "resize: %dx%d is not a size aetui makes", h, w);
    int x0 = 0, y0 = 0, cw = in->w, ch = in->h, C = in->c;
    if (crop) { /* the largest centred region of the output's aspect ratio */
        if ((long)in->w * h > (long)in->h * w) {
            cw = (int)((double)in->h * w / h + 0.5);
            if (cw < 1) cw = 1;
            x0 = (in->w - cw) / 2;
        } else {
            ch = (int)((double)in->w * h / w + 0.5);
            if (ch < 1) ch = 1;
            y0 = (in->h - ch) / 2;
        }
    }
    taps tx = {0}, ty = {0};
    float *mid = malloc(sizeof(float) * (size_t)ch * w * C);
    uint8_t *px = malloc((size_t)h * w * C);
    if (!mid || !px || taps_make(&tx, x0, cw, w) || taps_make(&ty, y0, ch, h)) {
        free(mid), free(px), taps_free(&tx), taps_free(&ty);
        return ae_fail(err, "resize: out of memory for %dx%d", h, w);
    }
    for (int y = 0; y < ch; y++) { /* rows y0 .. y0+ch-1, horizontally */
        const uint8_t *src = in->px + (size_t)(y0 + y) * in->w * C;
        float *dst = mid + (size_t)y * w * C;
        for (int j = 0; j < w; j++) {
            const float *wt = tx.w + (size_t)j * tx.maxc;
            const uint8_t *s = src + (size_t)tx.first[j] * C;
            for (int c = 0; c < C; c++) {
                float acc = 0;
                for (int k = 0; k < tx.count[j]; k++) acc += wt[k] * s[(size_t)k * C + c];
                dst[(size_t)j * C + c] = acc;
            }
        }
    }
    for (int i = 0; i < h; i++) { /* then vertically */
        const float *wt = ty.w + (size_t)i * ty.maxc;
        uint8_t *dst = px + (size_t)i * w * C;
        const float *base = mid + (size_t)(ty.first[i] - y0) * w * C;
        for (int j = 0; j < w * C; j++) {
            float acc = 0;
            for (int k = 0; k < ty.count[i]; k++) acc += wt[k] * base[(size_t)k * w * C + j];
            int v = (int)(acc + 0.5f);
            dst[j] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
    free(mid), taps_free(&tx), taps_free(&ty);
    out->h = h, out->w = w, out->c = C, out->px = px;
    return 0;
}

int image_channels(image *im, int c, ae_err *err)
{
    if (im->c == c) return 0;
    size_t n = (size_t)im->h * im->w;
    if (c == 3 && im->c == 1) {
        uint8_t *px = malloc(n * 3);
        if (!px) return ae_fail(err, "out of memory converting to RGB");
        for (size_t i = 0; i < n; i++) px[3 * i] = px[3 * i + 1] = px[3 * i + 2] = im->px[i];
        free(im->px);
        im->px = px, im->c = 3;
        return 0;
    }
    if (c == 1 && im->c == 3) {
        for (size_t i = 0; i < n; i++) {
            const uint8_t *p = im->px + 3 * i;
            im->px[i] = (uint8_t)((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);
        }
        im->c = 1;
        return 0;
    }
    return ae_fail(err, "cannot convert %d channels to %d", im->c, c);
}

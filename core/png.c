/* png.c: PNG decoding through libpng's simplified API (see image.h).
 *
 * The simplified API does every conversion we need (palette, 16-bit, gray+alpha, tRNS) into
 * 8-bit gray or RGB, and reports errors through png_image.message instead of longjmp-ing
 * through our frames. Alpha is composited onto the zeroed buffer, that is onto black. */
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

int png_decode(const void *data, size_t len, const char *name, image *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&pi, data, len)) {
        ae_fail(err, "%s: not a readable PNG: %s", name, pi.message);
        png_image_free(&pi);
        return -1;
    }
    if (pi.width < 1 || pi.height < 1 || pi.width > IMAGE_MAX_SIDE || pi.height > IMAGE_MAX_SIDE ||
        (long)pi.width * pi.height > IMAGE_MAX_PIXELS) {
        ae_fail(err, "%s: a PNG of %ux%u pixels: more than aetui reads (%ld Mpx, %d a side)", name,
                pi.width, pi.height, IMAGE_MAX_PIXELS >> 20, IMAGE_MAX_SIDE);
        png_image_free(&pi);
        return -1;
    }
    int c = pi.format & PNG_FORMAT_FLAG_COLOR ? 3 : 1;
    pi.format = c == 3 ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    size_t bytes = (size_t)pi.width * pi.height * (size_t)c;
    uint8_t *px = calloc(bytes, 1);
    if (!px) {
        png_image_free(&pi);
        return ae_fail(err, "%s: out of memory for %ux%u pixels", name, pi.width, pi.height);
    }
    if (!png_image_finish_read(&pi, NULL, px, 0, NULL)) {
        ae_fail(err, "%s: a damaged PNG: %s", name, pi.message);
        png_image_free(&pi);
        free(px);
        return -1;
    }
    out->h = (int)pi.height, out->w = (int)pi.width, out->c = c, out->px = px;
    return 0;
}

/* jpeg.c: JPEG decoding through libjpeg-turbo (see image.h).
 *
 * libjpeg reports fatal errors by calling error_exit, which must not return: ours longjmps
 * back into jpeg_decode with the message. Corrupt data (a truncated file, a bad Huffman code)
 * is only a warning to libjpeg, which then fills the rest with gray; we count warnings and
 * refuse the image, since training on half-gray photos would be silent damage.
 *
 * For photos shrunk a lot, libjpeg can decode at 1/2, 1/4 or 1/8 scale by dropping DCT
 * coefficients, which costs a fraction of a full decode; the caller says how small it may
 * get (min_h x min_w) and area averaging does the rest. */
#include <setjmp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h> /* after stdio.h: it uses FILE and size_t */
#include <jerror.h>

#include "image.h"

typedef struct jpeg_fail {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    int warnings;
    char first[JMSG_LENGTH_MAX];
} jpeg_fail;

static void jpeg_on_error(j_common_ptr ci)
{
    jpeg_fail *f = (jpeg_fail *)ci->err;
    f->mgr.format_message(ci, f->first);
    longjmp(f->jump, 1);
}

static void jpeg_on_message(j_common_ptr ci, int level)
{
    jpeg_fail *f = (jpeg_fail *)ci->err;
    if (level >= 0) return; /* trace messages */
    /* stray bytes between markers are common in cameras' files and harm nothing */
    if (f->mgr.msg_code == JWRN_EXTRANEOUS_DATA) return;
    if (!f->warnings++) f->mgr.format_message(ci, f->first);
}

/* Reads the header and, unless out is NULL, the pixels (see jpeg_decode); the header's size
 * and channels go to *h, *w, *c. One function for both, so the probe and the decoder cannot
 * disagree about a file. */
static int jpeg_read(const void *data, size_t len, const char *name, int min_h, int min_w,
                     image *out, int *h, int *w, int *c, ae_err *err)
{
    struct jpeg_decompress_struct ci;
    jpeg_fail f;
    memset(&f, 0, sizeof f);
    uint8_t *volatile px = NULL;
    ci.err = jpeg_std_error(&f.mgr);
    f.mgr.error_exit = jpeg_on_error;
    f.mgr.emit_message = jpeg_on_message;
    if (setjmp(f.jump)) {
        jpeg_destroy_decompress(&ci);
        free(px);
        return ae_fail(err, "%s: not a readable JPEG: %s", name, f.first);
    }
    jpeg_create_decompress(&ci);
    if (len > 0xffffffffUL) {
        jpeg_destroy_decompress(&ci);
        return ae_fail(err, "%s: a JPEG file over 4 GB", name);
    }
    jpeg_mem_src(&ci, (const unsigned char *)data, (unsigned long)len);
    jpeg_read_header(&ci, TRUE);
    if (ci.image_width < 1 || ci.image_height < 1 || ci.image_width > IMAGE_MAX_SIDE ||
        ci.image_height > IMAGE_MAX_SIDE ||
        (long)ci.image_width * ci.image_height > IMAGE_MAX_PIXELS) {
        unsigned iw = ci.image_width, ih = ci.image_height;
        jpeg_destroy_decompress(&ci);
        return ae_fail(err,
                       "%s: a JPEG of %ux%u pixels: more than aetui reads (%ld Mpx, %d a side)",
                       name, iw, ih, IMAGE_MAX_PIXELS >> 20, IMAGE_MAX_SIDE);
    }
    if (ci.jpeg_color_space == JCS_CMYK || ci.jpeg_color_space == JCS_YCCK) {
        jpeg_destroy_decompress(&ci);
        return ae_fail(err, "%s: a CMYK JPEG: convert it to RGB first", name);
    }
    *h = (int)ci.image_height, *w = (int)ci.image_width, *c = ci.num_components == 1 ? 1 : 3;
    if (!out) {
        jpeg_destroy_decompress(&ci);
        return 0;
    }
    ci.out_color_space = *c == 1 ? JCS_GRAYSCALE : JCS_RGB;
    ci.scale_num = 1, ci.scale_denom = 1;
    for (unsigned d = 8; d > 1 && min_h > 0 && min_w > 0; d /= 2)
        if (ci.image_height / d >= (unsigned)min_h && ci.image_width / d >= (unsigned)min_w) {
            ci.scale_denom = d;
            break;
        }
    jpeg_start_decompress(&ci);
    size_t stride = (size_t)ci.output_width * (size_t)*c;
    px = malloc(stride * ci.output_height);
    if (!px) {
        unsigned ow = ci.output_width, oh = ci.output_height;
        jpeg_destroy_decompress(&ci);
        return ae_fail(err, "%s: out of memory for a %ux%u image", name, ow, oh);
    }
    while (ci.output_scanline < ci.output_height) {
        JSAMPROW row = px + stride * ci.output_scanline;
        if (jpeg_read_scanlines(&ci, &row, 1) != 1) break;
    }
    if (ci.output_scanline == ci.output_height) jpeg_finish_decompress(&ci);
    int oh = (int)ci.output_height, ow = (int)ci.output_width,
        done = ci.output_scanline == ci.output_height;
    jpeg_destroy_decompress(&ci);
    if (!done || f.warnings) {
        free(px);
        return ae_fail(err, "%s: a damaged JPEG: %s", name, f.warnings ? f.first : "cut short");
    }
    out->h = oh, out->w = ow, out->c = *c, out->px = px;
    return 0;
}

int jpeg_decode(const void *data, size_t len, const char *name, int min_h, int min_w, image *out,
                ae_err *err)
{
    int h, w, c;
    memset(out, 0, sizeof *out);
    return jpeg_read(data, len, name, min_h, min_w, out, &h, &w, &c, err);
}

int jpeg_probe(const void *data, size_t len, const char *name, int *h, int *w, int *c, ae_err *err)
{
    return jpeg_read(data, len, name, 0, 0, NULL, h, w, c, err);
}

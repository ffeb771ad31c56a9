/* image.h: PNG and JPEG decoding (libpng, libjpeg-turbo), resizing, and image folders.
 *
 * An image is 8-bit, interleaved, gray (c = 1) or RGB (c = 3): palettes are expanded, 16-bit
 * samples reduced to 8, alpha composited onto black, CMYK refused. A decoder never trusts the
 * header: sizes are bounded (IMAGE_MAX_PIXELS) before anything is allocated, and a corrupt or
 * truncated file (libjpeg only warns about those) is an error naming the file.
 *
 * Resizing (image_resize) is separable: along each axis, area averaging when the image
 * shrinks (each output pixel is the mean of the input it covers, fractions counted) and
 * bilinear interpolation (pixel centres aligned) when it grows; with crop the input is first
 * cut to the output's aspect ratio around its centre.
 *
 * An image folder (imgfolder_*) holds PNG and JPEG files (by extension, any case) at any
 * depth; hidden entries are skipped. The first level of subfolders names the classes (sorted
 * by name, as torchvision's ImageFolder does); files directly in the folder are unlabelled
 * (with class folders beside them they form a class "(unlabelled)"). Files are taken in
 * byte order of their relative paths, so a listing is the same on every file system.
 *
 * Memory: an image owns px (image_free); an imgfolder list owns its names (imgfolder_free).
 * Decoding functions are reentrant: the folder loader runs them on worker threads. */
#ifndef AE_IMAGE_H
#define AE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "err.h"

#define IMAGE_MAX_PIXELS (64L << 20) /* 64 Mpx: a larger header is refused */
#define IMAGE_MAX_SIDE   65535

typedef struct image {
    int h, w, c;
    uint8_t *px; /* h * w * c bytes */
} image;

void image_free(image *im);

/* Decodes a PNG or JPEG held in memory (told apart by their signatures). For a JPEG, when
 * min_h and min_w are not 0, libjpeg may decode at 1/2, 1/4 or 1/8 of the size (its DCT
 * scaling: much faster for photos shrunk a lot) as long as the result keeps at least
 * min_h x min_w pixels. name is used in messages. */
int image_decode(const void *data, size_t len, const char *name, int min_h, int min_w, image *out,
                 ae_err *err);
int png_decode(const void *data, size_t len, const char *name, image *out, ae_err *err);
int jpeg_decode(const void *data, size_t len, const char *name, int min_h, int min_w, image *out,
                ae_err *err);

/* The size and channels an image will decode to (1 or 3), from its header only. */
int image_probe(const void *data, size_t len, const char *name, int *h, int *w, int *c,
                ae_err *err);
int jpeg_probe(const void *data, size_t len, const char *name, int *h, int *w, int *c, ae_err *err);

/* Resizes in to h x w (same channels) into out (allocated), cropping to the aspect ratio
 * first when crop. */
int image_resize(const image *in, int h, int w, int crop, image *out, ae_err *err);
/* Converts to c channels in place: gray to RGB by repeating, RGB to gray by the luma of
 * ITU-R BT.601 (0.299 R + 0.587 G + 0.114 B, rounded). */
int image_channels(image *im, int c, ae_err *err);

/* ---- image folders ---- */

typedef struct imgfolder {
    int n;
    char **rel;      /* n relative paths, sorted */
    uint8_t *labels; /* n class indices (0 when unlabelled) */
    int nclasses, labelled;
    char class_names[DS_MAX_CLASSES][24];
    char full_names[DS_MAX_CLASSES][256]; /* the class folders' names uncut */
} imgfolder;

/* Lists the images of dir. An empty folder, more than DS_MAX_CLASSES classes, or a name
 * that is not a regular file is an error. */
int imgfolder_list(const char *dir, imgfolder *out, ae_err *err);
void imgfolder_free(imgfolder *f);

/* Reads every image of the list (hashing each file: *sha256 is the content hash described in
 * dspec.h) and decodes the n of them at idx into out (kind images, u8, in idx order; labels,
 * class names and src_index from the list), on `threads` threads. size_h/size_w (0: keep the
 * size, which must then be one for all the folder's images), crop, channels (0: 3 when any
 * of the folder's images is in colour, else 1) as in ds_spec: both are judged from every
 * file's header, so each split of a folder comes out the same. idx may be NULL with n = 0. */
int imgfolder_load(const char *dir, const imgfolder *list, const int64_t *idx, int n, int size_h,
                   int size_w, int crop, int channels, int threads, dataset *out, char sha256[65],
                   ae_err *err);

#endif

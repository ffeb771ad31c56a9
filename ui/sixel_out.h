/* sixel_out.h: the sixel back end: a canvas becomes sixel bytes (through libsixel) or a PNG.
 *
 * One sixel_enc per picture on screen (a panel): it keeps the bytes it encoded last and hands
 * them back unchanged while the canvas shows the same pixels (same size, kind and pixel hash),
 * so redrawing a screen costs no encoding. The canvas is only read: the encoder quantises
 * into its own index buffer and libsixel encodes from that.
 *
 * Palettes, never with diffusion: a canvas with at most max_colors distinct colours (every
 * plot, grey images) is encoded with exactly those colours. Beyond that, a plot is mapped to
 * a fixed 6x6x6 cube plus 24 greys (stable from frame to frame, lines stay crisp), an image
 * gets an adaptive palette by median cut.
 *
 * Memory: sixel_enc_new() allocates, sixel_enc_free() releases; the bytes returned by
 * sixel_encode_panel() belong to the encoder and stay valid until its next call or free.
 * Threads: one encoder belongs to one thread at a time; different encoders are independent. */
#ifndef AE_SIXEL_OUT_H
#define AE_SIXEL_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "canvas.h"
#include "err.h"

typedef enum sixel_kind {
    SIXEL_KIND_PLOT = 0,  /* charts, scatter plots: exact or fixed palette, no diffusion */
    SIXEL_KIND_IMAGE = 1, /* reconstructions: adaptive palette with diffusion when needed */
} sixel_kind;

typedef struct sixel_enc sixel_enc;

typedef struct sixel_enc_stats {
    long encodes;    /* times the canvas was actually encoded */
    long hits;       /* times the cached bytes were handed back */
    size_t last_len; /* bytes of the last result */
    int last_colors; /* palette size of the last encode */
    double last_ms;  /* wall time of the last encode (0 for a hit) */
} sixel_enc_stats;

/* max_colors: palette registers to use (2..256; 0 means 256). */
int sixel_enc_new(sixel_enc **out, int max_colors, ae_err *err);
void sixel_enc_free(sixel_enc *e);

/* The sixel bytes (DCS ... ST, 7-bit) for the whole canvas. *bytes and *len point into the
 * encoder (see above); *cached (may be NULL) is set to 1 when they come from the cache. */
int sixel_encode_panel(sixel_enc *e, const canvas *c, sixel_kind kind, const char **bytes,
                       size_t *len, int *cached, ae_err *err);

/* Forgets the cached bytes (after a resize or when the terminal may have lost the picture). */
void sixel_enc_invalidate(sixel_enc *e);
void sixel_enc_get_stats(const sixel_enc *e, sixel_enc_stats *st);

/* Writes the canvas as an RGB PNG file through libsixel's image writer. */
int sixel_write_png(const canvas *c, const char *path, ae_err *err);

#endif

/* export_pictures.h: aetui export's picture modes (issue 5): a run's reconstructions, latent
 * scatter plot and loss curves drawn on a canvas (the same drawing as the TUI's screens) and
 * written as PNG (libsixel's image writer) or as sixel bytes, without a terminal.
 *
 * Each function draws its picture for run and writes it to f: sixel bytes when sixel, else a
 * PNG (written to a temporary file beside tmpdir and copied, since the PNG writer takes a path).
 * Threads: the caller's (the CLI's main thread). */
#ifndef AE_EXPORT_PICTURES_H
#define AE_EXPORT_PICTURES_H

#include <stdio.h>

#include "canvas.h"
#include "store.h"

typedef struct export_pic_opts {
    const char *db_path; /* the store's path: the run's checkpoint is beside it */
    int sixel;           /* sixel bytes instead of PNG */
    int tsne;            /* latent plot: t-SNE instead of PCA */
} export_pic_opts;

/* Writes a drawn canvas to f: sixel bytes when sixel, else a PNG. */
int export_emit(const canvas *cv, int sixel, FILE *f, ae_err *err);

int export_recon(store *st, int64_t run, const export_pic_opts *o, FILE *f, ae_err *err);
int export_latent(store *st, int64_t run, const export_pic_opts *o, FILE *f, ae_err *err);
int export_loss(store *st, int64_t run, const export_pic_opts *o, FILE *f, ae_err *err);

#endif

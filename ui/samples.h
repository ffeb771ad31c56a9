/* samples.h: a run's test samples as the picture screens and exports see them: originals,
 * reconstructions, per-sample squared error, latent vectors and labels (issue 5).
 *
 * One struct serves the run being trained (the trainer thread computes it at every epoch end
 * with samples_compute on its own net and hands the copy over the event channel) and a
 * finished run (samples_load_run builds the run's model from its checkpoint, loads the test
 * split the run saw and computes the same). The pictures are then drawn from this copy alone:
 * the UI never touches the trainer's model.
 *
 * Layout: per sample, images [h][w][c] in [0,1], sequences [t][f] (sample-major, not the
 * LSTM's time-major order). At most SAMPLES_MAX test samples are kept (the first ones), which
 * bounds the per-epoch cost in the trainer and the memory.
 *
 * No ncurses here: src/ (the trainer thread, aetui export) uses it too.
 * Memory: samples_new / samples_compute / samples_load_run allocate; samples_free releases.
 * Threads: pure functions over caller-owned objects; net_forward runs on the workspace given. */
#ifndef AE_SAMPLES_H
#define AE_SAMPLES_H

#include <stdint.h>

#include "canvas.h"
#include "dataset.h"
#include "err.h"
#include "net.h"
#include "store.h"

enum { SAMPLES_MAX = 2000 };

typedef struct samples {
    int64_t run;
    int epoch; /* the epoch the weights come from (0: unknown) */
    int kind;  /* DS_IMAGES or DS_SEQUENCES */
    int h, w, c, t, f, dim;
    int n, latent;
    float *x, *y;    /* n * dim: originals and reconstructions */
    float *mse;      /* n: mean squared error of each sample */
    float *z;        /* n * latent */
    uint8_t *labels; /* n */
    int nclasses;
    char class_names[DS_MAX_CLASSES][24];
    char dataset[32], model[24];
} samples;

void samples_free(samples *s); /* NULL-safe; frees s itself */

/* Runs the first min(ds->n, nmax) samples of ds through net n on workspace ws (batches of
 * n->batch_cap): reconstructions, errors and latent vectors. */
int samples_compute(net *n, int ws, const dataset *ds, int nmax, samples **out, ae_err *err);

/* What a finished run needs to be shown again, read from the store in the caller's thread
 * (samples_load_run may then run in another thread without the store). */
typedef struct samples_src {
    int64_t run;
    char model[24], dataset[32], data_dir[1024];
    int test_n;
    char ckpt[4200];                   /* last.safetensors */
    char store_uuid[37], run_uuid[37]; /* whose the checkpoint must be */
} samples_src;

/* Fills src for run from the store (the checkpoint in the store's runs folder, else where the
 * store's checkpoint column says; db_path is not used). Fails with a message when the run has
 * no checkpoint or its parameters do not say which data it saw. */
int samples_src_get(store *st, const char *db_path, int64_t run, samples_src *src, ae_err *err);
/* The parameter of that name among a run's (store_params_get), or NULL. */
const store_param *samples_param(const store_param *p, int n, const char *name);
/* 1 when path is a regular file. */
int samples_is_file(const char *path);

/* Builds the run's model from its checkpoint (refused when it is another store's or run's, or
 * holds NaN), loads its test split and computes the samples. */
int samples_load_run(const samples_src *src, int nmax, samples **out, ae_err *err);

/* The class names a dataset's loader gives (it loads one test sample to ask); "0", "1", ...
 * when the data cannot be read. Returns the count (at most DS_MAX_CLASSES). */
int samples_class_names(const char *dsname, const char *data_dir, char names[][24]);

/* Indices of the samples sorted by decreasing error (the worst first); *out malloc'd. */
int samples_worst(const samples *s, int **out, ae_err *err);

/* The reconstruction grid (images): pairs of tiles, each reconstruction under its original,
 * with two lines of label under each pair: the class name, then "#index MSE".
 *
 * Pixels are square in both back ends (sixel pixels; half-block cells one pixel across and
 * two down), so tiles keep the images' aspect. The layout, for 80x24 first and growing with
 * the window: the largest tile at which at least 8 pairs fit, where a tile is never smaller
 * than half the image's side (then as many pairs as fit there, at least one, even smaller);
 * above the image's own size only whole multiples (every source pixel the same size); the
 * room left over holds more pairs. In text mode (`text`) labels are two rows of text under
 * each pair, which the screen writes (samples_label) at the rows the layout gives; pairs sit
 * on even pixel rows so that labels fall on whole rows. In sixel the labels are drawn into
 * the canvas in the built-in font. */
typedef struct samples_grid {
    int text;           /* labels as text cells (the canvas is half blocks) */
    int tw, th;         /* one image, in pixels */
    int nx, ny;         /* pairs across and down; nx * ny pairs a page */
    int ox, oy;         /* the first pair's top-left */
    int step_x, step_y; /* from one pair to the next */
    int lab_y, lab_h;   /* the labels: below the pair's top by lab_y, lab_h high */
    int lab_chars;      /* characters a label line may take */
} samples_grid;

/* The layout for image samples s in a W x H canvas (see above). Returns the pairs per page
 * (0 for sequences or when not even one pair fits). */
int samples_grid_layout(const samples *s, int W, int H, int text, samples_grid *g);
/* A layout of nx x ny pairs with tiles tw pixels wide; *W x *H is the canvas it needs. */
void samples_grid_fixed(const samples *s, int tw, int nx, int ny, int text, samples_grid *g, int *W,
                        int *H);
/* Clears cv and draws the pairs of samples order[first ...] (order NULL: the test set
 * order). Returns how many. The paper is SAMPLES_PAPER in sixel (a grey, so that a greyscale
 * grid keeps at most 256 colours and an exact palette), SAMPLES_KEY in text, where it is the
 * canvas's colour key (the terminal's own background shows there). */
#define SAMPLES_PAPER 0x181818u
#define SAMPLES_KEY   0x16181bu /* almost black, not a grey: greyscale images never have it */
int samples_draw_grid(canvas *cv, const samples *s, const int *order, int first,
                      const samples_grid *g);
/* The two label lines of sample i in at most `chars` characters each: its class name (cut
 * to fit), and "#i MSE" (or the MSE alone when both do not fit; empty when not even that
 * does: a number is never cut). */
void samples_label(const samples *s, int i, int chars, char name[64], char err[64]);

#endif

/* tui.h: the ncurses interface of aetui: its state, its screens, and what it needs from the
 * program (tui_app).
 *
 * The idea (htop's split): crt.c owns the terminal, panel.c is the list widget, funcbar.c the
 * status bar, action.c the key tables, tui_plot.c the curve widget; each screen (screen_*.c)
 * composes them and knows nothing of the others. tui.c runs the loop: it waits in poll() on
 * the keyboard and on the program's wake descriptor (the trainer's event channel and the
 * signal handlers write to it), never busy-waits, reads the run store through its own handle
 * when PRAGMA data_version says another connection changed it, and draws a frame when
 * something changed (keys at once, training events at most ~20 times a second, a clock tick
 * at least once a second while training).
 *
 * ui/ does not include src/: the trainer thread and the channel (src/) are reached through
 * the function pointers of tui_app, and they feed the tui_live snapshot, which belongs to the
 * UI thread and is only changed inside app->drain() (called by the UI thread).
 *
 * Pictures (issue 5): screens 5 and 6 are slots; a screen's `after_update` hook runs after
 * doupdate(), where sixel images are to be written (never on the status bar's row).
 *
 * Memory: tui_run owns everything it allocates and frees it before returning. Threads: the UI
 * thread only (the one that calls tui_run). */
#ifndef AE_TUI_H
#define AE_TUI_H

#include <stdint.h>
#include <stdio.h>

#include "action.h"
#include "crt.h"
#include "err.h"
#include "gfx.h"
#include "panel.h"
#include "samples.h"
#include "store.h"
#include "tui_plot.h"

/* ---- what the trainer needs: the form ------------------------------------------------- */

typedef struct tui_form {
    char model[24], dataset[32];
    int latent, epochs, batch, train_n, test_n;
    double lr;
    unsigned long long seed;
    char tag[16];      /* a tag the recorded run gets ("sweep"), "" for none */
    unsigned user_set; /* TUI_SET_*: the fields the user set (kept when the model changes) */
} tui_form;

enum {
    TUI_SET_LATENT = 1,
    TUI_SET_EPOCHS = 2,
    TUI_SET_BATCH = 4,
    TUI_SET_LR = 8,
    TUI_SET_TRAIN = 16,
    TUI_SET_TEST = 32,
    TUI_SET_SEED = 64,
    TUI_SET_ALL = 127
};

/* The preset's defaults (the seed's). The dataset is the preset's when its files are found
 * (data_dir, --data-dir, searched first; may be NULL), else the first found of the same kind,
 * else the preset's. -1 for an unknown model. */
int tui_form_defaults(tui_form *f, const char *model, const char *data_dir);
/* The Model field changed: f becomes the new model's defaults, keeping the fields the user set
 * (f->user_set) where they are valid for it (sample counts within the dataset's size, the
 * batch within the training samples) and the dataset when it suits the model and is found;
 * never a dataset that is not found when one of the kind is. -1 for an unknown model. */
int tui_form_change_model(tui_form *f, const char *model, const char *data_dir);
/* 1 when the dataset's files are found (data_dir first; sines is made, always found). */
int tui_dataset_found(const char *name, const char *data_dir);
/* Values per sample of a dataset (3072 for cifar10, 784 for the MNISTs, 500 for sines), 0
 * when unknown. */
int tui_dataset_dim(const char *dataset);

/* ---- the live snapshot of the run being trained --------------------------------------- */

typedef struct tui_epoch_pt {
    int epoch;
    double train_loss, train_mae, test_loss, test_mae, seconds, sps;
} tui_epoch_pt;

typedef struct tui_live {
    int active;  /* a run is being prepared or trained */
    int started; /* data loaded, model built (on_start seen) */
    int paused, stopping;
    int64_t run, parent;
    tui_form form;
    char dataset[32], status[16], message[256];
    long params;
    int input_dim, nbatches;
    int epoch, batch; /* the current epoch (1-based) and its last batch */
    double running;   /* running mean loss of the epoch */
    float *bl;        /* every batch loss of the run so far */
    int nbl, capbl;
    tui_epoch_pt *ep;
    int nep, capep;
    double t_start, t_epoch, t_end; /* monotonic seconds (app->now) */
    int best_epoch;
    double best_test;
    int64_t last_run; /* the previous run trained in this session, 0 for none */
    samples *pics;    /* the latest epoch's test samples for the pictures (owned), or NULL */
} tui_live;

void tui_live_init(tui_live *l);
void tui_live_free(tui_live *l);
/* Forgets the curves and numbers (keeps nothing allocated). */
void tui_live_reset(tui_live *l);
int tui_live_add_batches(tui_live *l, const float *v, int n);
int tui_live_add_epoch(tui_live *l, const tui_epoch_pt *e);
/* Copies the curves of src into dst (dst's own are freed first). */
int tui_live_copy_curves(tui_live *dst, const tui_live *src);

/* ---- the program's side --------------------------------------------------------------- */

enum tui_sig { TUI_SIG_INT = 1, TUI_SIG_TERM = 2, TUI_SIG_HUP = 4, TUI_SIG_WINCH = 8 };
enum tui_ev {
    TUI_EV_PROGRESS = 1,
    TUI_EV_STARTED = 2,
    TUI_EV_EPOCH = 4,
    TUI_EV_ENDED = 8,
    TUI_EV_SAMPLES = 16
};

typedef struct tui_app {
    void *ctx;
    int wake_fd; /* readable when events or signals wait; drain/signals clear it */
    /* Applies the queued trainer events to live; returns TUI_EV_* flags. */
    int (*drain)(void *ctx, tui_live *live);
    /* The signals that arrived since the last call (TUI_SIG_*). */
    int (*signals)(void *ctx);
    /* Starts training the form, recorded with parent as its parent (0: none). -1 with err
     * when busy or the form is bad. (Runs waiting their turn are the UI's run_queue.) */
    int (*start)(void *ctx, const tui_form *form, int64_t parent, ae_err *err);
    void (*pause)(void *ctx, int on);
    void (*stop)(void *ctx); /* ends the current run (status stopped, epochs kept) */
    int (*busy)(void *ctx);
    void (*join)(void *ctx); /* waits for the trainer thread to finish its store writes */
    /* Returns the store handle to use from now on: cur, or a fresh handle when cur can no
     * longer see other processes' writes (see tui_main.c); may be NULL. busy: a run trains. */
    store *(*store_fresh)(void *ctx, store *cur, int busy);
    /* Removes a deleted run's files (checkpoints) beside the store; may be NULL. */
    int (*run_files_rm)(void *ctx, int64_t run, ae_err *err);
    double (*now)(void *ctx); /* monotonic seconds */
    /* The PCA baseline of a run that ended (computed in the background, cached in the store,
     * src/baseline_thread.h); whether one is being computed; the run whose baseline failed
     * last (0 none) and why. May be NULL. */
    void (*baseline)(void *ctx, int64_t run);
    int (*baseline_busy)(void *ctx);
    int64_t (*baseline_failed)(void *ctx, char *why, int len);

    store *st; /* the UI thread's own handle */
    const char *db_path, *data_dir;
    const char *blas_core, *blas_report;
    int threads;
    const char *graphics, *graphics_why; /* from the terminal probe */
    int gfx_mode;                        /* GFX_* (ui/gfx.h), from the probe */
    int cell_w, cell_h;                  /* pixels per cell from the probe, 0 unknown */
    int in_tmux;
    int truecolor;    /* the terminal takes 24-bit colour (COLORTERM=truecolor or 24bit) */
    int first_screen; /* 0..6: the screen shown first (aetui --screen N) */
    FILE *trace;      /* AETUI_TRACE, or NULL */
    int no_color;     /* NO_COLOR set */
} tui_app;

/* Why tui_run returned. */
enum tui_exit { TUI_EXIT_QUIT = 0, TUI_EXIT_TERM = 1, TUI_EXIT_HUP = 2, TUI_EXIT_INT = 3 };

/* Runs the interface until the user quits or a signal ends it (the trainer is stopped and
 * joined first). Returns a tui_exit, or -1 with err when the terminal could not be set up. */
int tui_run(const tui_app *app, ae_err *err);

/* ---- inside: the state the screens share ---------------------------------------------- */

typedef struct tui tui;
typedef struct run_queue run_queue; /* ui/run_queue.h */

/* Pictures (issue 5): which run screens 5 and 6 show, and a finished run's samples, loaded
 * (checkpoint + test split + a forward pass) by a background thread (tui_pics.c). */
typedef struct tui_pics {
    int64_t run;     /* a finished run chosen on the Runs screen; 0: the live / last run */
    samples *loaded; /* its samples, owned; NULL while loading or when it has none */
    char note[256];  /* why there are none ("loading", no checkpoint, ...) */
    void *loader;    /* the loader thread's state (tui_pics.c) */
    uint64_t gen;    /* bumped whenever the samples shown change */
    int auto_tried;  /* the newest stored run was chosen once (nothing trained yet) */
    const samples *last_seen;
} tui_pics;

typedef struct tui_recon_state {
    int page;   /* first sample of the grid (by index, or by rank when worst) */
    int worst;  /* ordered by decreasing error */
    int *order; /* worst-first order of the samples shown (owned) */
    const samples *order_of;
    int seq, feature; /* LSTM: the sequence (position in the order) and the feature */
    int per_page;     /* pairs the last grid held */
    canvas wide;      /* sixel: the whole grid, cut into pictures of at most GFX_MAX_PX */
    tui_plot plot;    /* LSTM: original and reconstruction of one feature */
    int plot_ready;
} tui_recon_state;

typedef struct tui_latent_state {
    int method; /* 0 PCA, 1 t-SNE, 2 raw (latent dimension 2) */
    int want_tsne;
    float *z;        /* the points' latent vectors [n][L] (owned copy) */
    uint8_t *labels; /* n */
    int n, L;
    int64_t src_run;  /* the run the points belong to */
    uint64_t src_gen; /* the samples generation they came from (live runs) */
    float *xy;        /* n x 2 plotted positions */
    double explained[2];
    int cursor;         /* selected point, -1 none */
    int cur_px, cur_py; /* cursor position in plot pixels (arrows move it) */
    void *tsne;         /* the t-SNE worker (screen_latent.c) */
    int tsne_n;         /* points given to t-SNE */
    char status[160];
    char class_names[DS_MAX_CLASSES][24];
    int nclasses;
    int plot_y, plot_x, plot_rows, plot_cols; /* where the scatter is, for clicks */
    chart ch;                                 /* its last layout */
} tui_latent_state;

/* The samples screens 5 and 6 show now (NULL: none yet, see t->pics.note). */
const samples *tui_pics_current(tui *t);
/* Shows a finished run on screens 5 and 6 (0: back to the live / last run); starts loading. */
void tui_pics_select(tui *t, int64_t run);
/* Takes the loader's result when it is ready; 1 when something changed. */
int tui_pics_poll(tui *t);
void tui_pics_free(tui *t);
/* Parts of a line joined by two spaces in w cells at (y, x): while they do not fit, the part
 * with the lowest keep[] is left out whole (a number is never cut). Text is made visible. */
void tui_pics_line(tui *t, int y, int x, int w, const char *const parts[], const int keep[], int n,
                   attr_t a);
/* s made visible and wrapped at spaces into at most `rows` lines of w cells at (y, x).
 * Returns the lines used. */
int tui_pics_wrap(tui *t, int y, int x, int w, int rows, const char *s, attr_t a);
/* The run the picture screens are about (finished or live), 0 when none. */
int64_t tui_pics_run(tui *t);
/* The picture screens' own memory (screen_recon.c, screen_latent.c); t-SNE is stopped. */
void tui_recon_free(tui *t);
void tui_latent_free(tui *t);
void tui_latent_leave(tui *t); /* screen 5 is left: t-SNE stops */

typedef struct tui_screen {
    const char *name;
    const tui_key *keys; /* the screen's key table (help overlay, hints, dispatch) */
    void (*draw)(tui *t, int y, int x, int h, int w);
    /* An action from keys (or 0 with the raw key when the key is in no table); 1 handled. */
    int (*action)(tui *t, int action, int key);
    /* A click at (y, x); 1 handled. */
    int (*click)(tui *t, int y, int x);
    void (*show)(tui *t);         /* when switched to (may be NULL) */
    void (*after_update)(tui *t); /* after doupdate(): images go here (issue 5) */
    int (*editing)(tui *t);       /* 1 while the screen takes every key (a text field) */
} tui_screen;

/* The smallest window the screens are laid out for: 80x24, less the row tmux's status line
 * takes (an 80x24 terminal running tmux gives its pane 80x23; over SSH that is common). */
enum { TUI_MIN_COLS = 80, TUI_MIN_ROWS = 23 };

enum { TUI_NSCREENS = 7 };
extern const tui_screen screen_home, screen_train, screen_runs, screen_compare, screen_latent,
    screen_recon, screen_model;

/* One line of the runs table, with what a listing lacks (latent, sample sizes, the PCA
 * baseline). */
typedef struct tui_row {
    store_row r;
    int latent;          /* 0 when unknown */
    int train_n, test_n; /* the run's training and test samples, 0 when unknown */
    int marked;
    int pca; /* 0: not looked up yet, 1: found (pca_mse, pca_mae), -1: none cached */
    double pca_mse, pca_mae;
} tui_row;

typedef void (*tui_text_cb)(tui *t, const char *text);
typedef void (*tui_yes_cb)(tui *t); /* also the answer "no" (tui_ask_yn) */

typedef struct tui_train_state {
    int field;   /* the selected form field */
    int editing; /* typing into it */
    char buf[64];
    int blen;
    tui_plot loss, mae;
    char found_name[32]; /* the dataset `found` is about */
    int found;
    char err[512]; /* why the last `s` could not start a run ("" none): shown beside the form
                      until the next start */
} tui_train_state;

enum { RUNS_NCOLS = 19 }; /* the Runs table's columns (screen_runs.c) */

typedef struct tui_runs_state {
    panel list;
    int *view; /* indices into t->rows after filter and sort */
    int nview;
    int sort_col, sort_desc;
    char f_text[64], f_tag[64];
    int f_model, f_status; /* 0: any, else index + 1 into presets / statuses */
    int64_t f_sweep;       /* 0: any, else the runs of that sweep (Compare's elbow too) */
    int detail;            /* showing one run */
    int64_t detail_id;
    int detail_scroll;
    store_run drun;
    store_param *dparams;
    int ndparams;
    store_epoch *depochs;
    int ndepochs;
    float *dbl; /* the run's batch losses */
    int ndbl;
    int detail_stale;
    tui_plot dplot;
} tui_runs_state;

typedef struct tui_home_ds { /* a dataset as Home shows it */
    char name[24];
    int found;
    char dir[1024]; /* where it was found ("" for the synthetic one) */
    char why[512];  /* why it was not found */
} tui_home_ds;

typedef struct tui_cmp_run { /* a row of Compare's table, and its curve on the overlay */
    int64_t id;
    float *test; /* test loss per epoch (owned) */
    int n;
    long params;       /* 0 when not recorded */
    int train_n, seed; /* 0 when not recorded */
    double pca;        /* PCA baseline MSE at its latent; NaN when not computed */
    double noisy_mse;  /* a denoising run's noisy test inputs' MSE; NaN for other runs */
} tui_cmp_run;

typedef struct tui_elbow_pt { /* the finished runs of one latent size on the elbow chart */
    int latent, n;
    double mean, lo, hi; /* their test MSE: mean, lowest, highest */
    double pca;          /* PCA baseline MSE at this latent; NaN when not computed */
} tui_elbow_pt;

enum { TUI_ELBOW_MAX = 32 };

typedef struct tui_compare_state {
    int stale;
    tui_cmp_run *runs; /* the marked runs (at most 8), else the best CNN and best LSTM */
    int nruns, marked; /* marked: the rows are the marked runs */
    tui_plot plot, elbow;
    char pick_model[24], pick_dataset[32]; /* the elbow group the user chose with g ("" none) */
    char model[24], dataset[32];           /* the group shown */
    tui_elbow_pt pts[TUI_ELBOW_MAX];
    int npts, ngroups, left_out; /* left_out: runs of the group not finished (not on the chart) */
    int scroll;
    int64_t best_id[2]; /* best CNN and best LSTM run (0: none) */
    double pca[2];      /* their PCA baseline MSE; NaN when not available */
} tui_compare_state;

struct tui {
    const tui_app *app;
    store *st; /* the UI thread's store handle (app->st, or its replacement) */
    crt crt;
    int screen; /* 0..6 */
    int rows, cols;
    int quit, exit_code;
    int frame_urgent; /* the frame being drawn answers a key or a resize */
    int help;         /* the help overlay is open */
    int help_top;     /* its first line shown (it scrolls when longer than the window) */
    char msg[256];    /* transient message on the status bar */
    double msg_until;
    /* modal line prompt and yes/no question */
    int prompting;
    char prompt[96], pbuf[256];
    int plen;
    tui_text_cb prompt_cb;
    int asking;
    char question[512];
    tui_yes_cb yes_cb, no_cb;
    /* the form, and the run being trained with its parent's curves */
    tui_form form;
    int64_t form_parent; /* the run the form came from (the next run's parent), 0 none */
    tui_live live, parent;
    run_queue *queue;   /* runs to train after this one (a sweep), started when idle and no
                           question is open */
    run_queue *pending; /* runs asked about, not yet confirmed */
    /* the store as last read */
    tui_row *rows_v;
    int nrows;
    int store_dirty;
    double last_store_check;
    /* screen states */
    tui_train_state train;
    tui_runs_state runs;
    tui_compare_state cmp;
    int model_scroll;
    char *model_text; /* the summary of model_form */
    tui_form model_form;
    tui_home_ds home_ds[8]; /* the datasets Home lists (looked up when it is shown) */
    int nhome_ds;
    /* pictures (issue 5) */
    gfx gfx;
    tui_pics pics;
    tui_recon_state recon;
    tui_latent_state lat;
    int animating; /* a screen wants frames without input (t-SNE running, loading) */
};

/* Helpers for the screens (tui.c). */
void tui_message(tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tui_ask(tui *t, const char *question, tui_yes_cb yes);
/* A question with an answer for "no" too (any key but y is no). A question too long for the
 * status bar is shown in a box over the screen. */
void tui_ask_yn(tui *t, const char *question, tui_yes_cb yes, tui_yes_cb no);
void tui_prompt_open(tui *t, const char *prompt, const char *initial, tui_text_cb cb);
void tui_switch(tui *t, int screen);
/* Reads every run from the store into t->rows_v (after a change). */
int tui_reload_rows(tui *t, ae_err *err);
/* Looks up the run's PCA baseline in the store's cache once (tui_row.pca says what was found);
 * returns 1 when it has one. A run without one is asked again after the next reload. */
int tui_row_baseline(tui *t, tui_row *v);
/* The next run's parent: t->form_parent when it is a run of the same model kind as the form
 * (images or sequences), else 0 (tui_parent.c). */
int64_t tui_next_parent(const tui *t);
/* The model of t->form_parent when the interface knows it, else NULL. */
const char *tui_parent_model(const tui *t);
/* t->parent becomes run id's own curves (the live snapshot's when it is that run, else the
 * store's); id 0 empties it. */
void tui_parent_load(tui *t, int64_t id);
/* Starts a run from the form; messages on failure. */
void tui_start_training(tui *t);
/* Asks to queue one run of the form per latent size, saying what and roughly how long (from
 * the store's finished runs of that model and dataset); on yes they train one after another
 * after any run in progress, tagged "sweep". */
void tui_queue_sweep(tui *t, const int *latents, int n);
/* x: stops the run in progress; when runs are queued, asks whether to drop them too (none
 * starts until answered). */
void tui_stop_run(tui *t);
/* C: drops the queued runs (the one in progress goes on). */
void tui_cancel_queue(tui *t);
/* A line about the queue for the screens, "3 queued (latent 16, 32, 64), about 2m05s" (with
 * latents) or "3 queued, about 2m05s"; returns the number queued (0: nothing, out empty). */
int tui_queue_text(tui *t, char *out, size_t len, int latents);
/* Clears a rectangle. */
void tui_clear(int y, int x, int h, int w);
/* A cleared box with a frame (line drawing in a UTF-8 terminal, + - | otherwise) and a title
 * on its top edge: the help, questions. */
void tui_box(tui *t, int y, int x, int h, int w, const char *title);
/* Text from the store made visible and cut to w cells at (y, x). */
int tui_put_visible(tui *t, int y, int x, int w, const char *s, attr_t a);
/* "1.5k", "12.3s"/"4m05s", dates. */
void tui_fmt_duration(double s, char *out, size_t len);
void tui_fmt_time(double t, char *out, size_t len);
void tui_fmt_num(double v, char *out, size_t len);

#endif

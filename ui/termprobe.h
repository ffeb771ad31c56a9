/* termprobe.h: which pictures can this terminal show? Asked once, before initscr().
 *
 * Order of decision:
 *  1. AETUI_GRAPHICS=sixel|blocks|ascii wins (the probe still measures the cell size).
 *  2. GNU screen (STY set or TERM=screen*): text only; it passes no sixel.
 *  3. Otherwise /dev/tty is put in raw mode and asked, in one write, for the cell size in
 *     pixels (CSI 16 t, and CSI 14 t when TIOCGWINSZ has no pixel size) and last for the
 *     primary device attributes (DA1, CSI c), which every terminal answers; replies arrive in
 *     order, so the DA1 reply ends the wait. A terminal that answers nothing costs at most the
 *     deadline (500 ms). '4' among the DA1 attributes means sixel.
 *  4. Inside tmux, sixel only when `tmux display -p '#{client_termfeatures}'` lists sixel (the
 *     outer terminal has it and tmux passes it on).
 *  5. No sixel: Unicode blocks and braille when the locale is UTF-8 and TERM is not a bare
 *     console (linux, vt100, dumb), else ASCII.
 * Colour depth: 24-bit when COLORTERM says truecolor/24bit, 256 when TERM mentions 256color
 * (or COLORTERM is set at all), else 8. The terminal mode is restored on every path.
 *
 * termprobe_parse() is the pure part (bytes in, facts out) for tests and fuzzing.
 * Memory: everything is in the caller's structs. Threads: the probe touches the controlling
 * terminal, so call it from the main thread before the UI starts. */
#ifndef AE_TERMPROBE_H
#define AE_TERMPROBE_H

#include <stddef.h>

#include "err.h"

typedef enum termprobe_graphics {
    TERMPROBE_ASCII = 0,
    TERMPROBE_BLOCKS = 1, /* Unicode half blocks and braille */
    TERMPROBE_SIXEL = 2,
} termprobe_graphics;

/* What the replies in a byte string say. Fields stay 0 when their reply is absent. */
typedef struct termprobe_replies {
    int da1;       /* a complete DA1 reply (CSI ? ... c) was seen */
    int sixel;     /* ... and it listed attribute 4 */
    int attrs[32]; /* the DA1 parameters, in order */
    int nattrs;
    int cell_w, cell_h; /* from CSI 6 ; h ; w t (reply to CSI 16 t) */
    int text_w, text_h; /* from CSI 4 ; h ; w t (reply to CSI 14 t): the text area */
} termprobe_replies;

/* Scans bytes (7-bit CSI "ESC [" or 8-bit 0x9b) for the replies above, skipping anything else
 * (other sequences, stray text, a truncated reply at the end). Never fails. */
void termprobe_parse(const char *buf, size_t len, termprobe_replies *r);

typedef struct termprobe_opts {
    /* The environment, as strings (NULL = unset); termprobe_opts_from_env() fills these. */
    const char *aetui_graphics, *term, *colorterm, *tmux, *sty, *lc_all, *lc_ctype, *lang;
    const char *tty_path;      /* NULL: /dev/tty */
    int deadline_ms;           /* 0: 500 */
    int no_tty;                /* 1: ask no terminal (tests of the decision logic) */
    const char *tmux_features; /* non-NULL: use instead of running tmux (tests) */
} termprobe_opts;

void termprobe_opts_from_env(termprobe_opts *o);

typedef struct termprobe_result {
    termprobe_graphics graphics;
    int colors;              /* 8, 256 or 16777216 */
    int utf8;                /* the locale's charset is UTF-8 */
    int cell_w, cell_h;      /* pixels per cell, 0 when unknown */
    int cols, rows;          /* the terminal size in cells, 0 when unknown */
    const char *cell_source; /* "TIOCGWINSZ", "CSI 16 t", "CSI 14 t" or "unknown" */
    int asked;               /* the terminal was asked (DA1 written) */
    int answered;            /* the DA1 reply came before the deadline */
    int da1_sixel;           /* DA1 listed 4 */
    int in_tmux, in_screen, tmux_sixel;
    double probe_ms; /* time spent */
    char da1[96];    /* the DA1 reply as visible text ("^[[?62;4;22c"), or "" */
    char why[160];   /* one line: why this graphics mode */
} termprobe_result;

/* Decides the graphics mode (see the top of this file). Returns 0; -1 with err only for a
 * failure to restore the terminal's mode (then the caller should not start the UI). A tty
 * that cannot be opened or asked is not an error: the result says text and why. */
int termprobe_run(const termprobe_opts *o, termprobe_result *r, ae_err *err);

/* Several lines "graphics: sixel (DA1 lists 4)" ... for `aetui doctor`. Returns out. */
char *termprobe_describe(const termprobe_result *r, char *out, size_t outlen);

const char *termprobe_graphics_name(termprobe_graphics g);

#endif

/* crt.h: the terminal, owned for the life of the TUI (after htop's CRT.c).
 *
 * crt_init() sets up ncurses (UTF-8 locale expected to be set by the caller, cbreak, no echo,
 * keypad, mouse when the terminal reports it, hidden cursor) and picks the colour depth:
 * none when NO_COLOR is set or the terminal has no colours (TERM=vt100), else 8 colours, else
 * 256 (plot colours then map onto the xterm cube). Screens never name colours: they ask for a
 * role (crt_attr) or for a plot colour (crt_plot_attr), so degradation happens here, once.
 * The colours follow one rule, for light and dark terminals alike (contrast.h): text is in
 * the terminal's own colours, or in a colour readable on white and on black, or in a
 * foreground/background pair chosen together; 256-colour roles use colours 16-255, which
 * xterm's bold does not brighten; plots sit on a dark panel of their own (CRT_PANEL).
 * crt_done() restores the terminal; crt_resize() follows a new window size (TIOCGWINSZ).
 *
 * Signals are not handled here (src/ installs the handlers and tells the UI through its wake
 * descriptor). Memory: everything lives in the caller's struct. Threads: the UI thread only. */
#ifndef AE_CRT_H
#define AE_CRT_H

#include <curses.h>
#include <stdint.h>

#include "err.h"

enum crt_role {
    CRT_NORMAL,
    CRT_TAB,
    CRT_TAB_ACTIVE,
    CRT_STATUS,
    CRT_STATUS_KEY,
    CRT_HEADER,
    CRT_SELECTED,
    CRT_MARKED,
    CRT_DIM,
    CRT_GOOD,
    CRT_BAD,
    CRT_WARN,
    CRT_FIELD,
    CRT_FIELD_EDIT,
    CRT_TITLE,
    CRT_AXIS,
    CRT_PANEL, /* a chart's own background in the text back end (plots are drawn on it) */
    CRT_NROLES
};

/* The colours of a role at a colour depth (256 or 8): xterm colour numbers, -1 for the
 * terminal's default, and the attributes; the depth 0 gives the attributes alone. Every pair
 * obeys the rule in contrast.h (test_contrast checks them all). */
void crt_role_colors(int depth, int role, short *fg, short *bg, attr_t *attr);
/* The same for a plot colour (0xRRGGBB, with its xterm-256 index or -1): plots are drawn on
 * the CRT_PANEL background, in a foreground lifted until it reads on it. */
void crt_plot_colors(int depth, uint32_t rgb, int idx256, short *fg, short *bg, attr_t *attr);

typedef struct crt_opts {
    int no_color; /* NO_COLOR is set (non-empty) */
    int no_mouse;
} crt_opts;

typedef struct crt {
    int colors; /* 0 (none), 8 or 256 */
    int mouse;  /* the terminal reports mouse clicks */
    int utf8;
    int started;
    attr_t role[CRT_NROLES];
    unsigned char plot_pair[256]; /* 256 colours: the pair each plot colour is drawn with */
} crt;

/* Takes the terminal. Returns -1 with err when ncurses cannot start (no terminal, bad TERM). */
int crt_init(crt *c, const crt_opts *o, ae_err *err);
/* Gives the terminal back (idempotent). */
void crt_done(crt *c);
/* The attribute of a role (colour pair and bold/reverse as the depth allows). */
attr_t crt_attr(const crt *c, int role);
/* The attribute for a plot colour (0xRRGGBB, with its xterm-256 index when known, else -1). */
attr_t crt_plot_attr(const crt *c, uint32_t rgb, int idx256);
/* Reads the window size from the terminal and resizes ncurses' screens; returns 0. */
int crt_resize(crt *c);
/* Cells of the character at s (len > 0 bytes available; wide 2, controls 0, a malformed byte
 * 1); *adv gets its length in bytes (at least 1). */
int crt_char_width(const char *s, size_t len, size_t *adv);
/* Number of cells a UTF-8 string takes (wide characters count 2, controls 0). */
int crt_width(const char *s);
/* Draws s at (y, x) cut to at most w cells, in attr; pads with spaces to w when pad. Returns
 * the cells drawn. s is drawn as is: pass text from outside through text_visible() first. */
int crt_put(int y, int x, int w, const char *s, attr_t attr, int pad);

#endif

/* crt.c: the terminal for the TUI: ncurses set-up, colour roles with graceful degradation,
 * resize, restore, and width-aware text output (see crt.h).
 *
 * The idea: one table maps each role to a colour pair and an attribute for each depth (256,
 * 8, none); with no colour the roles fall back to bold, reverse and underline so that the
 * selection, the active tab and the status bar stay visible on a vt100. */
#include "crt.h"

#include "contrast.h"
#include "textgfx.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

typedef struct role_def {
    short fg256, bg256; /* 256 colours: xterm numbers 16..255, -1 the terminal's default */
    attr_t a256;
    short fg8, bg8; /* 8 colours */
    attr_t a8;
    attr_t mono; /* without colour */
} role_def;

/* Ratios (contrast.h) in the comments: fg on bg, or fg on white / on black. With 8 colours
 * no foreground reads on both white and black, so those roles keep the terminal's colours
 * and mark themselves with bold; bold never goes on colour 0-7 text that it would brighten
 * out of contrast (xterm's boldColors). */
static const role_def roles[CRT_NROLES] = {
    [CRT_NORMAL] = {-1, -1, 0, -1, -1, 0, 0},
    [CRT_TAB] = {231, 24, 0, 7, 4, 0, A_REVERSE},                                  /* 7.0 | 8.1 */
    [CRT_TAB_ACTIVE] = {16, 231, A_BOLD, 0, 7, A_UNDERLINE, A_BOLD | A_UNDERLINE}, /* 21 | 16.7 */
    [CRT_STATUS] = {16, 152, 0, 0, 6, 0, A_REVERSE},                               /* 13.5 | 10.6 */
    [CRT_STATUS_KEY] = {231, 24, A_BOLD, 7, 4, A_BOLD, A_BOLD},                    /* 7.0 | 8.1 */
    [CRT_HEADER] = {16, 152, 0, 0, 6, 0, A_REVERSE},                               /* 13.5 | 10.6 */
    [CRT_SELECTED] = {231, 25, 0, 7, 4, 0, A_REVERSE},                             /* 6.5 | 8.1 */
    [CRT_MARKED] = {16, 223, 0, 0, 3, 0, A_BOLD},                                  /* 15.6 | 12.3 */
    [CRT_DIM] = {243, -1, 0, -1, -1, 0, A_DIM},            /* 4.5 / 4.6 | default */
    [CRT_GOOD] = {29, -1, A_BOLD, -1, -1, A_BOLD, A_BOLD}, /* 4.5 / 4.6 | default */
    [CRT_BAD] = {231, 124, A_BOLD, 7, 1, 0, A_BOLD},       /* 7.4 | 4.7 */
    [CRT_WARN] = {16, 214, 0, 0, 3, 0, A_UNDERLINE},       /* 11.4 | 12.3 */
    [CRT_FIELD] = {-1, -1, A_BOLD, -1, -1, A_BOLD, 0},
    [CRT_FIELD_EDIT] = {16, 229, 0, 0, 3, 0, A_REVERSE | A_UNDERLINE}, /* 19.6 | 12.3 */
    [CRT_TITLE] = {63, -1, A_BOLD, -1, -1, A_BOLD, A_BOLD},            /* 4.6 / 4.6 | default */
    [CRT_AXIS] = {-1, -1, 0, -1, -1, 0, 0},
    [CRT_PANEL] = {252, 233, 0, 7, 0, 0, 0}, /* 14.4 | 16.7: the sixel charts' dark paper */
};

enum { PANEL_BG256 = 233, PANEL_BG8 = COLOR_BLACK, PAIR_PLOT = 32 };

/* The index k of fgs[0..n-1] whose colour is nearest to fg's (RGB distance). */
static int nearest_fg(const short *fgs, int n, short fg)
{
    uint32_t a = contrast_xterm_rgb(fg, 0);
    int best = 0;
    long bd = -1;
    for (int k = 0; k < n; k++) {
        uint32_t b = contrast_xterm_rgb(fgs[k], 0);
        long d = 0;
        for (int sh = 0; sh <= 16; sh += 8) {
            long e = (long)((a >> sh) & 255) - (long)((b >> sh) & 255);
            d += e * e;
        }
        if (bd < 0 || d < bd) bd = d, best = k;
    }
    return best;
}

void crt_role_colors(int depth, int role, short *fg, short *bg, attr_t *attr)
{
    const role_def *d = &roles[role >= 0 && role < CRT_NROLES ? role : CRT_NORMAL];
    if (depth >= 256)
        *fg = d->fg256, *bg = d->bg256, *attr = d->a256;
    else if (depth >= 8)
        *fg = d->fg8, *bg = d->bg8, *attr = d->a8;
    else
        *fg = *bg = -1, *attr = d->mono;
}

/* 8 colours: the hue of rgb as curses' RGB bits (red 1, green 2, blue 4), 7 for black. */
static short hue8(uint32_t rgb)
{
    int r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
    int mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
    int th = mx / 2 + 16;
    short col = (short)((r > th ? 1 : 0) | (g > th ? 2 : 0) | (b > th ? 4 : 0));
    return col ? col : 7;
}

void crt_plot_colors(int depth, uint32_t rgb, int idx256, short *fg, short *bg, attr_t *attr)
{
    *attr = 0;
    if (depth >= 256) {
        int idx = idx256 >= 16 && idx256 < 256 ? idx256 : textgfx_rgb_to_256(rgb);
        uint32_t paper = contrast_xterm_rgb(PANEL_BG256, 0);
        for (int k = 0; k < 8 && contrast_ratio(contrast_xterm_rgb(idx, 0), paper) < CONTRAST_MIN;
             k++) /* the nearest cube colour of a lifted colour may fall short: lift again */
            idx = textgfx_rgb_to_256(
                contrast_lift(contrast_xterm_rgb(idx, 0), paper, CONTRAST_MIN + 0.2 * (k + 1)));
        *fg = (short)idx, *bg = PANEL_BG256;
        return;
    }
    if (depth >= 8) {
        short col = hue8(rgb);
        if (col == COLOR_BLUE) col = COLOR_CYAN;                      /* blue on black is 2.1:1 */
        if (col == COLOR_RED || col == COLOR_MAGENTA) *attr = A_BOLD; /* shown bright */
        *fg = col, *bg = PANEL_BG8;
        return;
    }
    *fg = *bg = -1;
}

int crt_init(crt *c, const crt_opts *o, ae_err *err)
{
    memset(c, 0, sizeof *c);
    const char *cs = nl_langinfo(CODESET);
    c->utf8 = cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
    if (!newterm(NULL, stdout, stdin))
        return ae_fail(err, "cannot start the terminal interface (TERM=%.40s)",
                       getenv("TERM") ? getenv("TERM") : "unset");
    c->started = 1;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    c->colors = 0;
    if (!(o && o->no_color) && has_colors() && start_color() == OK) {
        use_default_colors();
        c->colors = (COLORS >= 256 && COLOR_PAIRS >= 256 + 64) ? 256 : 8;
    }
    for (int r = 0; r < CRT_NROLES; r++) {
        short fg, bg;
        attr_t at;
        crt_role_colors(c->colors, r, &fg, &bg, &at);
        if (!c->colors) {
            c->role[r] = at;
            continue;
        }
        init_pair((short)(r + 1), fg, bg);
        c->role[r] = COLOR_PAIR(r + 1) | at;
    }
    /* Plot colours get the pairs from PAIR_PLOT up. attr_t holds pair numbers up to 255
     * only, so the 256 plot colours share the pairs of the distinct foregrounds they lift
     * to (fewer than 224), and colours past that take the nearest pair already made. */
    if (c->colors == 256) {
        short fgs[256];
        int np = 0;
        for (int i = 0; i < 256; i++) {
            short fg, bg;
            attr_t at;
            crt_plot_colors(256, contrast_xterm_rgb(i, 0), i, &fg, &bg, &at);
            int k = 0;
            while (k < np && fgs[k] != fg) k++;
            if (k == np && PAIR_PLOT + np <= 255) {
                fgs[np++] = fg;
                init_pair((short)(PAIR_PLOT + k), fg, bg);
            } else if (k == np) {
                k = nearest_fg(fgs, np, fg);
            }
            c->plot_pair[i] = (unsigned char)(PAIR_PLOT + k);
        }
    } else if (c->colors == 8) {
        for (int i = 0; i < 8; i++) {
            short fg, bg;
            attr_t at;
            crt_plot_colors(8, contrast_xterm_rgb(i, 0), -1, &fg, &bg, &at);
            init_pair((short)(PAIR_PLOT + i), fg, bg);
        }
    }
    if (!(o && o->no_mouse)) {
        mmask_t got = mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                                    | BUTTON5_PRESSED
#endif
                                ,
                                NULL);
        c->mouse = got != 0;
        mouseinterval(0);
    }
    return 0;
}

void crt_done(crt *c)
{
    if (!c->started) return;
    c->started = 0;
    if (c->mouse) mousemask(0, NULL);
    curs_set(1);
    endwin();
}

attr_t crt_attr(const crt *c, int role)
{
    if (role < 0 || role >= CRT_NROLES) return 0;
    return c->role[role];
}

attr_t crt_plot_attr(const crt *c, uint32_t rgb, int idx256)
{
    if (!c->colors) return 0;
    if (c->colors == 256) {
        int idx = idx256 >= 16 && idx256 < 256 ? idx256 : textgfx_rgb_to_256(rgb);
        return COLOR_PAIR(c->plot_pair[idx]); /* its pair holds the lifted colour */
    }
    short fg, bg;
    attr_t at;
    crt_plot_colors(8, rgb, -1, &fg, &bg, &at);
    return COLOR_PAIR(PAIR_PLOT + fg) | at;
}

int crt_resize(crt *c)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resize_term(ws.ws_row, ws.ws_col);
    (void)c;
    clearok(curscr, TRUE);
    return 0;
}

int crt_char_width(const char *s, size_t len, size_t *adv)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t wc;
    size_t k = mbrtowc(&wc, s, len, &st);
    if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
        *adv = 1;
        return 1;
    }
    *adv = k;
    int w = wcwidth(wc);
    return w < 0 ? 0 : w;
}

int crt_width(const char *s)
{
    int w = 0;
    size_t len = strlen(s);
    while (len > 0) {
        size_t adv;
        w += crt_char_width(s, len, &adv);
        s += adv, len -= adv;
    }
    return w;
}

int crt_put(int y, int x, int w, const char *s, attr_t attr, int pad)
{
    if (w <= 0 || y < 0 || y >= LINES || x >= COLS) return 0;
    if (x + w > COLS) w = COLS - x;
    size_t len = strlen(s), bytes = 0;
    int used = 0;
    while (bytes < len) {
        size_t adv;
        int cw = crt_char_width(s + bytes, len - bytes, &adv);
        if (used + cw > w) break;
        used += cw, bytes += adv;
    }
    attron(attr);
    mvaddnstr(y, x, s, (int)bytes);
    if (pad)
        for (int i = used; i < w; i++) addch(' ');
    attroff(attr);
    return pad ? w : used;
}

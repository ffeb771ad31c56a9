/* crt.c: the terminal for the TUI: ncurses set-up, colour roles with graceful degradation,
 * resize, restore, and width-aware text output (see crt.h).
 *
 * The idea: one table maps each role to a colour pair and an attribute for each depth (256,
 * 8, none); with no colour the roles fall back to bold, reverse and underline so that the
 * selection, the active tab and the status bar stay visible on a vt100. */
#include "crt.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

typedef struct role_def {
    short fg, bg; /* 8-colour pair (-1: default) */
    attr_t attr;  /* with colour */
    attr_t mono;  /* without colour */
} role_def;

static const role_def roles[CRT_NROLES] = {
    [CRT_NORMAL] = {-1, -1, 0, 0},
    [CRT_TAB] = {COLOR_WHITE, COLOR_BLUE, 0, A_REVERSE},
    [CRT_TAB_ACTIVE] = {COLOR_BLACK, COLOR_CYAN, A_BOLD, A_BOLD | A_UNDERLINE},
    [CRT_STATUS] = {COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
    [CRT_STATUS_KEY] = {COLOR_WHITE, COLOR_BLUE, A_BOLD, A_BOLD},
    [CRT_HEADER] = {COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE},
    [CRT_SELECTED] = {COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE},
    [CRT_MARKED] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [CRT_DIM] = {COLOR_BLUE, -1, A_BOLD, A_DIM},
    [CRT_GOOD] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
    [CRT_BAD] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [CRT_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_UNDERLINE},
    [CRT_FIELD] = {COLOR_CYAN, -1, 0, 0},
    [CRT_FIELD_EDIT] = {COLOR_BLACK, COLOR_YELLOW, 0, A_REVERSE | A_UNDERLINE},
    [CRT_TITLE] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [CRT_AXIS] = {COLOR_WHITE, -1, 0, 0},
};

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
        if (!c->colors) {
            c->role[r] = roles[r].mono;
            continue;
        }
        init_pair((short)(r + 1), roles[r].fg, roles[r].bg);
        c->role[r] = COLOR_PAIR(r + 1) | roles[r].attr;
    }
    c->pair_plot = 32;
    if (c->colors == 256)
        for (int i = 0; i < 256; i++) init_pair((short)(c->pair_plot + i), (short)i, -1);
    else if (c->colors == 8)
        for (int i = 0; i < 8; i++) init_pair((short)(c->pair_plot + i), (short)i, -1);
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
    if (c->colors == 256 && idx256 >= 0 && idx256 < 256) return COLOR_PAIR(c->pair_plot + idx256);
    int r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
    int mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
    int th = mx / 2 + 16;
    int col = (r > th ? 1 : 0) | (g > th ? 2 : 0) | (b > th ? 4 : 0); /* RGB bits = curses */
    if (col == 0) col = 7;
    attr_t a = COLOR_PAIR(c->pair_plot + col);
    if (mx > 0xc0) a |= A_BOLD;
    return a;
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

/* Width of one code point starting at s (len bytes available); *adv gets its byte length. */
static int cp_width(const char *s, size_t len, size_t *adv)
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
        w += cp_width(s, len, &adv);
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
        int cw = cp_width(s + bytes, len - bytes, &adv);
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

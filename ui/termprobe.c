/* termprobe.c: choosing sixel, blocks or ASCII before initscr() (see termprobe.h).
 *
 * The only blocking risk is a terminal that never answers, so every wait is a poll() against
 * one monotonic deadline, the tty is opened O_NONBLOCK, and raw mode is undone on every path
 * out of the function that set it. Parsing the replies is a separate pure function. */
#include "termprobe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "text.h"

extern char **environ;

/* ---- parsing ---- */

void termprobe_parse(const char *buf, size_t len, termprobe_replies *r)
{
    memset(r, 0, sizeof *r);
    const unsigned char *p = (const unsigned char *)buf;
    size_t i = 0;
    while (i < len) {
        size_t start;
        if (p[i] == 0x1b && i + 1 < len && p[i + 1] == '[')
            start = i + 2;
        else if (p[i] == 0x9b)
            start = i + 1;
        else {
            i++;
            continue;
        }
        /* CSI [private] params [intermediates] final */
        size_t j = start;
        int priv = 0;
        if (j < len && (p[j] == '?' || p[j] == '>' || p[j] == '<' || p[j] == '=')) priv = p[j++];
        int params[32], np = 0;
        long cur = -1;
        int bad = 0;
        while (j < len && p[j] >= 0x30 && p[j] <= 0x3f) {
            if (p[j] >= '0' && p[j] <= '9') {
                if (cur < 0) cur = 0;
                if (cur < 1000000) cur = cur * 10 + (p[j] - '0');
            } else if (p[j] == ';') {
                if (np < 32) params[np++] = cur < 0 ? 0 : (int)cur;
                cur = -1;
            } else {
                bad = 1; /* ':' sub-parameters or a late private marker: not ours */
            }
            j++;
        }
        while (j < len && p[j] >= 0x20 && p[j] <= 0x2f) {
            bad = 1; /* intermediates: not a reply we asked for */
            j++;
        }
        if (j >= len) break; /* truncated at the end */
        unsigned char fin = p[j];
        if (fin < 0x40 || fin > 0x7e) {
            /* not a CSI after all (e.g. an ESC starting the next sequence): rescan from here */
            i = j;
            continue;
        }
        if ((cur >= 0 || np > 0) && np < 32) params[np++] = cur < 0 ? 0 : (int)cur;
        if (!bad && fin == 'c' && priv == '?') {
            r->da1 = 1;
            r->sixel = 0;
            r->nattrs = np;
            for (int k = 0; k < np; k++) {
                r->attrs[k] = params[k];
                /* attrs[0] is the device class (62, 63, 64, 65, or 1 for a VT100); the
                 * features follow */
                if (k > 0 && params[k] == 4) r->sixel = 1;
            }
        } else if (!bad && fin == 't' && !priv && np >= 3) {
            int hh = params[1], ww = params[2];
            if (params[0] == 6 && hh > 0 && ww > 0 && hh < 1000 && ww < 1000) {
                r->cell_h = hh;
                r->cell_w = ww;
            } else if (params[0] == 4 && hh > 0 && ww > 0 && hh < 100000 && ww < 100000) {
                r->text_h = hh;
                r->text_w = ww;
            }
        }
        i = j + 1;
    }
}

/* ---- environment ---- */

void termprobe_opts_from_env(termprobe_opts *o)
{
    memset(o, 0, sizeof *o);
    o->aetui_graphics = getenv("AETUI_GRAPHICS");
    o->term = getenv("TERM");
    o->colorterm = getenv("COLORTERM");
    o->tmux = getenv("TMUX");
    o->sty = getenv("STY");
    o->lc_all = getenv("LC_ALL");
    o->lc_ctype = getenv("LC_CTYPE");
    o->lang = getenv("LANG");
}

static int set(const char *s)
{
    return s && *s;
}

static int locale_utf8(const termprobe_opts *o)
{
    const char *l = set(o->lc_all) ? o->lc_all : set(o->lc_ctype) ? o->lc_ctype : o->lang;
    if (!set(l)) return 0;
    return strcasestr(l, "utf-8") || strcasestr(l, "utf8");
}

static int plain_console(const char *term)
{
    static const char *const names[] = {"dumb",  "linux", "vt100", "vt102",
                                        "vt220", "ansi",  "cons25"};
    if (!set(term)) return 1;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (strcmp(term, names[k]) == 0) return 1;
    return 0;
}

const char *termprobe_graphics_name(termprobe_graphics g)
{
    return g == TERMPROBE_SIXEL ? "sixel" : g == TERMPROBE_BLOCKS ? "blocks" : "ascii";
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static int remaining(double deadline)
{
    double left = deadline - now_ms();
    return left <= 0 ? 0 : (int)(left + 0.999);
}

/* ---- the tty conversation ---- */

typedef struct tty_answer {
    int asked, answered;
    termprobe_replies rep;
    char raw[256];
    size_t rawlen;
} tty_answer;

/* Writes the queries and reads until the DA1 reply or the deadline. The caller has put the
 * tty in raw mode. */
static void converse(int fd, const char *q, double deadline, tty_answer *a)
{
    size_t qlen = strlen(q), off = 0;
    while (off < qlen) {
        ssize_t n = write(fd, q + off, qlen - off);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) return;
        struct pollfd pf = {fd, POLLOUT, 0};
        int t = remaining(deadline);
        if (t == 0 || (poll(&pf, 1, t) < 0 && errno != EINTR)) return;
    }
    a->asked = 1;
    for (;;) {
        int t = remaining(deadline);
        if (t == 0) break;
        struct pollfd pf = {fd, POLLIN, 0};
        int pr = poll(&pf, 1, t);
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) break;
        if (pf.revents & (POLLERR | POLLNVAL)) break;
        if (a->rawlen >= sizeof a->raw - 1) break;
        ssize_t n = read(fd, a->raw + a->rawlen, sizeof a->raw - 1 - a->rawlen);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (n <= 0) break; /* hangup */
        a->rawlen += (size_t)n;
        termprobe_parse(a->raw, a->rawlen, &a->rep);
        if (a->rep.da1) {
            a->answered = 1;
            break;
        }
    }
}

/* ---- tmux ---- */

/* Runs `tmux display -p '#{client_termfeatures}'` and reads its output within the deadline.
 * Returns 0 with out filled, -1 when it could not be run or did not finish in time. */
static int tmux_features(char *out, size_t outlen, double deadline)
{
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0) return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    char *argv[] = {"tmux", "display", "-p", "#{client_termfeatures}", NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "tmux", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (rc != 0) {
        close(pfd[0]);
        return -1;
    }
    size_t len = 0;
    int done = 0;
    while (!done) {
        int t = remaining(deadline);
        if (t == 0) break;
        struct pollfd pf = {pfd[0], POLLIN, 0};
        int pr = poll(&pf, 1, t);
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) break;
        if (len + 1 >= outlen) break;
        ssize_t n = read(pfd[0], out + len, outlen - 1 - len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0)
            done = 1;
        else
            len += (size_t)n;
    }
    close(pfd[0]);
    out[len] = 0;
    if (!done) kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!done || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
    return 0;
}

static int lists_sixel(const char *features)
{
    /* a comma-separated list: "256,RGB,clipboard,...,sixel,..." */
    const char *p = features;
    while (p && *p) {
        size_t n = strcspn(p, ",\n ");
        if (n == 5 && strncmp(p, "sixel", 5) == 0) return 1;
        p += n;
        p += strspn(p, ",\n ");
    }
    return 0;
}

/* ---- the decision ---- */

int termprobe_run(const termprobe_opts *o, termprobe_result *r, ae_err *err)
{
    memset(r, 0, sizeof *r);
    double t0 = now_ms();
    int deadline_ms = o->deadline_ms > 0 ? o->deadline_ms : 500;
    double deadline = t0 + deadline_ms;
    int rc = 0;

    r->utf8 = locale_utf8(o);
    r->in_tmux = set(o->tmux);
    r->in_screen = set(o->sty) || (set(o->term) && strncmp(o->term, "screen", 6) == 0);
    /* tmux sets TERM=screen* too; inside tmux it is tmux that decides */
    if (r->in_tmux && !set(o->sty)) r->in_screen = 0;
    if (set(o->colorterm) &&
        (strcasecmp(o->colorterm, "truecolor") == 0 || strcasecmp(o->colorterm, "24bit") == 0))
        r->colors = 16777216;
    else if ((set(o->term) && strstr(o->term, "256color")) || set(o->colorterm))
        r->colors = 256;
    else
        r->colors = 8;
    r->cell_source = "unknown";

    int forced = -1;
    if (set(o->aetui_graphics)) {
        if (strcasecmp(o->aetui_graphics, "sixel") == 0)
            forced = TERMPROBE_SIXEL;
        else if (strcasecmp(o->aetui_graphics, "blocks") == 0)
            forced = TERMPROBE_BLOCKS;
        else if (strcasecmp(o->aetui_graphics, "ascii") == 0)
            forced = TERMPROBE_ASCII;
    }

    char tty_why[96] = "";
    tty_answer a;
    memset(&a, 0, sizeof a);
    if (!o->no_tty) {
        const char *path = o->tty_path ? o->tty_path : "/dev/tty";
        int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            snprintf(tty_why, sizeof tty_why, "cannot open %s: %s", path, strerror(errno));
        } else {
            struct winsize ws;
            memset(&ws, 0, sizeof ws);
            if (ioctl(fd, TIOCGWINSZ, &ws) == 0) {
                r->cols = ws.ws_col;
                r->rows = ws.ws_row;
                if (ws.ws_xpixel && ws.ws_ypixel && ws.ws_col && ws.ws_row) {
                    r->cell_w = ws.ws_xpixel / ws.ws_col;
                    r->cell_h = ws.ws_ypixel / ws.ws_row;
                    r->cell_source = "TIOCGWINSZ";
                }
            }
            int need_da1 = forced < 0 && !r->in_screen;
            int need_size = !r->cell_w && !r->in_screen;
            struct termios saved;
            if ((need_da1 || need_size) && tcgetattr(fd, &saved) == 0) {
                struct termios raw = saved;
                raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
                raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL | INLCR);
                raw.c_cc[VMIN] = 0;
                raw.c_cc[VTIME] = 0;
                if (tcsetattr(fd, TCSANOW, &raw) == 0) {
                    char q[32] = "";
                    if (need_size) strcat(q, r->cols ? "\x1b[16t\x1b[14t" : "\x1b[16t");
                    strcat(q, "\x1b[c"); /* last: every terminal answers it */
                    converse(fd, q, deadline, &a);
                    if (tcsetattr(fd, TCSANOW, &saved) != 0)
                        rc = ae_fail(err, "%s: cannot restore the terminal mode: %s", path,
                                     strerror(errno));
                } else {
                    snprintf(tty_why, sizeof tty_why, "%s: cannot set raw mode: %s", path,
                             strerror(errno));
                }
            } else if (need_da1 || need_size) {
                snprintf(tty_why, sizeof tty_why, "%s is not a terminal", path);
            }
            close(fd);
        }
    }
    r->asked = a.asked;
    r->answered = a.answered;
    r->da1_sixel = a.rep.sixel;
    if (a.rep.da1) {
        /* the visible form of the DA1 reply alone */
        const char *s = a.raw;
        size_t n = a.rawlen;
        for (size_t k = 0; k + 2 < a.rawlen; k++)
            if (a.raw[k] == 0x1b && a.raw[k + 1] == '[' && a.raw[k + 2] == '?') {
                s = a.raw + k;
                n = a.rawlen - k;
            }
        text_visible_n(s, n, r->da1, sizeof r->da1);
    }
    if (!r->cell_w && a.rep.cell_w) {
        r->cell_w = a.rep.cell_w;
        r->cell_h = a.rep.cell_h;
        r->cell_source = "CSI 16 t";
    }
    if (!r->cell_w && a.rep.text_w && r->cols && r->rows) {
        r->cell_w = a.rep.text_w / r->cols;
        r->cell_h = a.rep.text_h / r->rows;
        r->cell_source = r->cell_w && r->cell_h ? "CSI 14 t" : "unknown";
    }

    if (r->in_tmux && forced < 0) {
        char feats[512] = "";
        const char *f = o->tmux_features;
        if (!f) {
            /* tmux answers at once; allow it a little beyond the tty deadline */
            double d = now_ms() + 300;
            if (tmux_features(feats, sizeof feats, d) == 0) f = feats;
        }
        r->tmux_sixel = f && lists_sixel(f);
    }

    int text_mode = r->utf8 && !plain_console(o->term) ? TERMPROBE_BLOCKS : TERMPROBE_ASCII;
    if (forced >= 0) {
        r->graphics = (termprobe_graphics)forced;
        snprintf(r->why, sizeof r->why, "AETUI_GRAPHICS=%s", termprobe_graphics_name(r->graphics));
    } else if (r->in_screen) {
        r->graphics = text_mode;
        snprintf(r->why, sizeof r->why, "inside GNU screen: text only");
    } else if (r->in_tmux) {
        r->graphics = r->tmux_sixel ? TERMPROBE_SIXEL : text_mode;
        snprintf(r->why, sizeof r->why, "inside tmux: client_termfeatures %s sixel",
                 r->tmux_sixel ? "lists" : "lacks");
    } else if (r->da1_sixel) {
        r->graphics = TERMPROBE_SIXEL;
        snprintf(r->why, sizeof r->why, "DA1 lists 4");
    } else {
        r->graphics = text_mode;
        if (tty_why[0])
            snprintf(r->why, sizeof r->why, "%s", tty_why);
        else if (o->no_tty)
            snprintf(r->why, sizeof r->why, "terminal not asked");
        else if (!a.answered)
            snprintf(r->why, sizeof r->why, "no DA1 reply within %d ms", deadline_ms);
        else
            snprintf(r->why, sizeof r->why, "DA1 lacks 4 (no sixel)");
        if (text_mode == TERMPROBE_ASCII) {
            size_t l = strlen(r->why);
            snprintf(r->why + l, sizeof r->why - l, "; %s",
                     r->utf8 ? "plain console" : "locale not UTF-8");
        }
    }
    if (r->graphics == TERMPROBE_SIXEL && !r->cell_w) {
        r->cell_w = 10;
        r->cell_h = 20;
        r->cell_source = "default (not reported)";
    }
    r->probe_ms = now_ms() - t0;
    return rc;
}

char *termprobe_describe(const termprobe_result *r, char *out, size_t outlen)
{
    char cell[64], da1[128];
    if (r->cell_w)
        snprintf(cell, sizeof cell, "%dx%d px (%s)", r->cell_w, r->cell_h, r->cell_source);
    else
        snprintf(cell, sizeof cell, "unknown");
    if (r->answered)
        snprintf(da1, sizeof da1, "%s%s", r->da1, r->da1_sixel ? " (sixel)" : "");
    else
        snprintf(da1, sizeof da1, "%s", r->asked ? "no reply" : "not asked");
    snprintf(out, outlen,
             "graphics: %s (%s)\n"
             "colors: %d\n"
             "terminal: %dx%d cells, cell %s\n"
             "DA1: %s\n"
             "multiplexer: %s\n"
             "locale: %s\n"
             "probe: %.0f ms\n",
             termprobe_graphics_name(r->graphics), r->why, r->colors, r->cols, r->rows, cell, da1,
             r->in_tmux ? (r->tmux_sixel ? "tmux (client has sixel)" : "tmux (client lacks sixel)")
             : r->in_screen ? "GNU screen"
                            : "none",
             r->utf8 ? "UTF-8" : "not UTF-8", r->probe_ms);
    return out;
}

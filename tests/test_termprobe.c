/* test_termprobe.c: terminal probing.
 *
 * The reply parser on byte strings (DA1 with and without 4, cell and text sizes, 8-bit CSI,
 * DA2, garbage, truncation, random bytes); the decision logic with the tty left out
 * (AETUI_GRAPHICS, tmux features, GNU screen, colours, locale); and the whole probe against a
 * pseudo-terminal: one that answers nothing must cost at most 0.6 s, one that answers DA1 with
 * 4 must give sixel, and the terminal mode must be the same afterwards. */
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "termprobe.h"
#include "testlib.h"

static termprobe_replies parse(const char *s)
{
    termprobe_replies r;
    termprobe_parse(s, strlen(s), &r);
    return r;
}

static void test_parse(void)
{
    termprobe_replies r = parse("\x1b[?62;4;22c");
    CHECK(r.da1 && r.sixel && r.nattrs == 3 && r.attrs[0] == 62 && r.attrs[2] == 22,
          "foot-style DA1");
    r = parse("\x1b[?63;1;2;3;4;6;8;9;15;16;22;29c");
    CHECK(r.da1 && r.sixel, "VT340-style DA1");
    r = parse("\x1b[?62;22c");
    CHECK(r.da1 && !r.sixel, "DA1 without 4");
    r = parse("\x1b[?1;2c");
    CHECK(r.da1 && !r.sixel, "VT100 DA1");
    r = parse("\x1b[?64;14;42c");
    CHECK(r.da1 && !r.sixel, "14 and 42 are not 4");
    r = parse("\x1b[?4c");
    CHECK(r.da1 && !r.sixel, "4 as the device class is not sixel");
    r = parse("\x9b?65;4;6c");
    CHECK(r.da1 && r.sixel, "8-bit CSI");
    r = parse("\x1b[>41;350;0c");
    CHECK(!r.da1, "DA2 taken for DA1");

    r = parse("\x1b[6;20;10t");
    CHECK(r.cell_h == 20 && r.cell_w == 10 && !r.da1, "CSI 16 t reply");
    r = parse("\x1b[4;480;800t");
    CHECK(r.text_h == 480 && r.text_w == 800 && r.cell_w == 0, "CSI 14 t reply");
    r = parse("\x1b[6;18;9t\x1b[4;864;1440t\x1b[?65;4;6c");
    CHECK(r.cell_h == 18 && r.cell_w == 9 && r.text_w == 1440 && r.da1 && r.sixel,
          "all three replies");
    r = parse("\x1b[6;20t");
    CHECK(r.cell_w == 0 && r.cell_h == 0, "size with two parameters");
    r = parse("\x1b[6;0;10t\x1b[6;20;99999999999t");
    CHECK(r.cell_w == 0 && r.cell_h == 0, "zero or huge size accepted");
    r = parse("\x1b[8;24;80t");
    CHECK(r.cell_w == 0 && r.text_w == 0, "CSI 18 t reply taken for a size in pixels");

    /* garbage around, before and inside */
    r = parse("hello\x1b[?62;4;22cworld");
    CHECK(r.da1 && r.sixel, "text around");
    r = parse("\x1b\x1b[?62;4c");
    CHECK(r.da1 && r.sixel, "stray ESC before");
    r = parse("\x1b[?62;4\x1b[?62;22c");
    CHECK(r.da1 && !r.sixel, "an interrupted reply must not count");
    r = parse("\x1b[?62;4:1c");
    CHECK(!r.da1, "sub-parameters");
    r = parse("\x1b[?62;4 c");
    CHECK(!r.da1, "intermediate byte");
    r = parse("\x1b]11;rgb:0000/0000/0000\x1b\\\x1b[?62;4c");
    CHECK(r.da1 && r.sixel, "after an OSC reply");

    /* truncated */
    r = parse("\x1b[?62;4;22");
    CHECK(!r.da1 && !r.sixel, "truncated DA1");
    r = parse("\x1b[6;20;1");
    CHECK(r.cell_w == 0, "truncated size");
    r = parse("\x1b");
    CHECK(!r.da1, "lone ESC");
    r = parse("\x1b[");
    CHECK(!r.da1, "lone CSI");
    termprobe_parse("", 0, &r);
    CHECK(!r.da1, "empty");
    /* NUL bytes inside are just bytes */
    const char withnul[] = "\x1b[?62;4c\0\x1b[6;20;10t";
    termprobe_parse(withnul, sizeof withnul - 1, &r);
    CHECK(r.da1 && r.sixel && r.cell_w == 10, "NUL inside");
    /* many attributes: more than 32 are ignored, no overflow */
    char big[400] = "\x1b[?62";
    for (int i = 0; i < 60; i++) strcat(big, ";7");
    strcat(big, ";4c");
    r = parse(big);
    CHECK(r.da1 && r.nattrs == 32, "many attributes: %d", r.nattrs);

    /* random bytes never crash (and ASan watches) */
    unsigned seed = 12345;
    char buf[64];
    for (int k = 0; k < 20000; k++) {
        int n = (int)(seed % sizeof buf);
        for (int i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            static const char alphabet[] = "\x1b[?;0123456789ct\x9b>:4 ";
            buf[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        termprobe_parse(buf, (size_t)n, &r);
    }
    CHECK(1, "random bytes");
}

static termprobe_opts base_opts(void)
{
    termprobe_opts o;
    memset(&o, 0, sizeof o);
    o.term = "xterm-256color";
    o.lang = "en_US.UTF-8";
    o.no_tty = 1;
    return o;
}

static void test_decide(void)
{
    termprobe_result r;
    ae_err err;
    termprobe_opts o = base_opts();
    CHECK(termprobe_run(&o, &r, &err) == 0, "%s", err.msg);
    CHECK(r.graphics == TERMPROBE_BLOCKS && r.colors == 256 && r.utf8, "plain: %s %d",
          termprobe_graphics_name(r.graphics), r.colors);

    o.aetui_graphics = "sixel";
    termprobe_run(&o, &r, NULL);
    CHECK(r.graphics == TERMPROBE_SIXEL && strstr(r.why, "AETUI_GRAPHICS"), "forced sixel: %s",
          r.why);
    CHECK(r.cell_w > 0 && r.cell_h > 0, "sixel without a cell size gets a default");
    o.aetui_graphics = "ASCII";
    termprobe_run(&o, &r, NULL);
    CHECK(r.graphics == TERMPROBE_ASCII, "forced ascii");
    o.aetui_graphics = "bogus";
    termprobe_run(&o, &r, NULL);
    CHECK(r.graphics == TERMPROBE_BLOCKS, "bogus value ignored");

    /* forced wins over screen and tmux */
    o = base_opts();
    o.aetui_graphics = "blocks";
    o.sty = "1234.pts-0.host";
    termprobe_run(&o, &r, NULL);
    CHECK(r.graphics == TERMPROBE_BLOCKS && r.in_screen, "forced inside screen");

    o = base_opts();
    o.sty = "1234.pts-0.host";
    termprobe_run(&o, &r, NULL);
    CHECK(r.graphics == TERMPROBE_BLOCKS && strstr(r.why, "screen"), "screen: %s", r.why);
    o = base_opts();
    o.term = "screen-256color";
    termprobe_run(&o, &r, NULL);
    CHECK(r.in_screen && r.graphics != TERMPROBE_SIXEL, "TERM=screen*");

    o = base_opts();
    o.tmux = "/tmp/tmux-0/default,123,0";
    o.term = "tmux-256color";
    o.tmux_features = "256,RGB,bpaste,clipboard,extkeys,focus,margins,mouse,sixel,title";
    termprobe_run(&o, &r, NULL);
    CHECK(r.graphics == TERMPROBE_SIXEL && r.in_tmux && r.tmux_sixel, "tmux with sixel: %s", r.why);
    o.tmux_features = "256,RGB,bpaste,clipboard,sixelish";
    termprobe_run(&o, &r, NULL);
    CHECK(r.graphics == TERMPROBE_BLOCKS && !r.tmux_sixel, "tmux without sixel: %s", r.why);
    o.term = "screen-256color"; /* tmux's default TERM: still tmux, not screen */
    o.tmux_features = "sixel";
    termprobe_run(&o, &r, NULL);
    CHECK(r.graphics == TERMPROBE_SIXEL && !r.in_screen, "tmux with TERM=screen");

    /* asking a real tmux (here: none running, or not ours) is bounded and never sixel by
     * accident */
    o = base_opts();
    o.tmux = "/nonexistent/tmux-socket,1,0";
    double t0 = test_now();
    termprobe_run(&o, &r, NULL);
    CHECK(test_now() - t0 < 0.5, "tmux query took %.3f s", test_now() - t0);
    CHECK(r.in_tmux && r.graphics != TERMPROBE_SIXEL, "tmux unreachable: %s", r.why);

    o = base_opts();
    o.colorterm = "truecolor";
    termprobe_run(&o, &r, NULL);
    CHECK(r.colors == 16777216, "COLORTERM=truecolor");
    o.colorterm = "24bit";
    termprobe_run(&o, &r, NULL);
    CHECK(r.colors == 16777216, "COLORTERM=24bit");
    o.colorterm = NULL;
    o.term = "xterm";
    termprobe_run(&o, &r, NULL);
    CHECK(r.colors == 8, "TERM=xterm: %d", r.colors);

    o = base_opts();
    o.lang = "C";
    termprobe_run(&o, &r, NULL);
    CHECK(r.graphics == TERMPROBE_ASCII && !r.utf8, "C locale");
    o.lang = "en_US.UTF-8";
    o.lc_all = "C";
    termprobe_run(&o, &r, NULL);
    CHECK(r.graphics == TERMPROBE_ASCII, "LC_ALL wins over LANG");
    o = base_opts();
    o.term = "linux";
    termprobe_run(&o, &r, NULL);
    CHECK(r.graphics == TERMPROBE_ASCII, "linux console");

    char text[1024];
    termprobe_describe(&r, text, sizeof text);
    CHECK(strstr(text, "graphics: ascii") && strstr(text, "colors:") && strstr(text, "DA1:"),
          "describe:\n%s", text);

    /* a tty that does not exist is not an error */
    o = base_opts();
    o.no_tty = 0;
    o.tty_path = "/nonexistent/tty";
    CHECK(termprobe_run(&o, &r, &err) == 0, "%s", err.msg);
    CHECK(r.graphics == TERMPROBE_BLOCKS && strstr(r.why, "cannot open"), "why: %s", r.why);
    /* a file that is not a tty */
    o.tty_path = "/dev/null";
    CHECK(termprobe_run(&o, &r, &err) == 0, "%s", err.msg);
    CHECK(strstr(r.why, "not a terminal") != NULL, "why: %s", r.why);
}

/* ---- against a pseudo-terminal ---- */

typedef struct responder {
    int master;
    const char *reply; /* NULL: stay silent */
    char got[256];     /* what the probe wrote */
    size_t gotlen;
} responder;

static void *respond(void *arg)
{
    responder *rs = arg;
    double end = test_now() + 2.0;
    while (test_now() < end && rs->gotlen < sizeof rs->got - 1) {
        struct pollfd pf = {rs->master, POLLIN, 0};
        if (poll(&pf, 1, 50) <= 0) continue;
        ssize_t n = read(rs->master, rs->got + rs->gotlen, sizeof rs->got - 1 - rs->gotlen);
        if (n <= 0) break;
        rs->gotlen += (size_t)n;
        rs->got[rs->gotlen] = 0;
        if (strstr(rs->got, "\x1b[c")) {
            if (rs->reply && write(rs->master, rs->reply, strlen(rs->reply)) < 0) break;
            break;
        }
    }
    return NULL;
}

static int probe_pty(const char *reply, struct winsize ws, termprobe_result *r, responder *rs,
                     double *secs, int *mode_same)
{
    int master, slave;
    char name[256];
    if (openpty(&master, &slave, name, NULL, &ws) != 0) return -1;
    struct termios before, after;
    tcgetattr(slave, &before);
    memset(rs, 0, sizeof *rs);
    rs->master = master;
    rs->reply = reply;
    pthread_t th;
    pthread_create(&th, NULL, respond, rs);
    termprobe_opts o = base_opts();
    o.no_tty = 0;
    o.tty_path = name;
    ae_err err;
    double t0 = test_now();
    int rc = termprobe_run(&o, r, &err);
    *secs = test_now() - t0;
    pthread_join(th, NULL);
    tcgetattr(slave, &after);
    *mode_same = before.c_lflag == after.c_lflag && before.c_iflag == after.c_iflag &&
                 before.c_cc[VMIN] == after.c_cc[VMIN] && before.c_cc[VTIME] == after.c_cc[VTIME];
    close(slave);
    close(master);
    return rc;
}

static void test_pty(void)
{
    termprobe_result r;
    responder rs;
    double secs;
    int same;
    struct winsize ws = {.ws_row = 24, .ws_col = 80};

    /* silent terminal: the deadline, not a hang */
    if (probe_pty(NULL, ws, &r, &rs, &secs, &same) != 0) test_skip("openpty failed");
    CHECK(secs < 0.6, "silent terminal took %.3f s", secs);
    CHECK(secs > 0.3, "gave up too early: %.3f s", secs);
    CHECK(r.asked && !r.answered && r.graphics == TERMPROBE_BLOCKS, "silent: %s", r.why);
    CHECK(strstr(r.why, "no DA1 reply") != NULL, "why: %s", r.why);
    CHECK(same, "terminal mode not restored after silence");
    CHECK(strstr(rs.got, "\x1b[16t") && strstr(rs.got, "\x1b[14t") &&
              strstr(rs.got, "\x1b[c") > strstr(rs.got, "\x1b[16t"),
          "queries: size first, DA1 last");
    CHECK(r.cols == 80 && r.rows == 24, "size %dx%d", r.cols, r.rows);

    /* sixel terminal answering CSI 16 t and DA1 with 4 */
    if (probe_pty("\x1b[6;20;10t\x1b[?62;4;22c", ws, &r, &rs, &secs, &same) != 0)
        test_skip("openpty failed");
    CHECK(r.graphics == TERMPROBE_SIXEL && r.answered && r.da1_sixel, "sixel: %s", r.why);
    CHECK(r.cell_w == 10 && r.cell_h == 20 && strcmp(r.cell_source, "CSI 16 t") == 0,
          "cell %dx%d from %s", r.cell_w, r.cell_h, r.cell_source);
    CHECK(secs < 0.3, "answered probe took %.3f s", secs);
    CHECK(same, "terminal mode not restored");
    CHECK(strstr(r.da1, "?62;4;22c") != NULL, "DA1 shown as '%s'", r.da1);

    /* no sixel, size only from CSI 14 t */
    if (probe_pty("\x1b[4;480;800t\x1b[?62;22c", ws, &r, &rs, &secs, &same) != 0)
        test_skip("openpty failed");
    CHECK(r.graphics == TERMPROBE_BLOCKS && r.answered && !r.da1_sixel, "no sixel: %s", r.why);
    CHECK(r.cell_w == 10 && r.cell_h == 20 && strcmp(r.cell_source, "CSI 14 t") == 0,
          "cell %dx%d from %s", r.cell_w, r.cell_h, r.cell_source);

    /* pixel size from TIOCGWINSZ: no size queries at all */
    struct winsize wp = {.ws_row = 24, .ws_col = 80, .ws_xpixel = 720, .ws_ypixel = 432};
    if (probe_pty("\x1b[?65;4c", wp, &r, &rs, &secs, &same) != 0) test_skip("openpty failed");
    CHECK(r.graphics == TERMPROBE_SIXEL && r.cell_w == 9 && r.cell_h == 18 &&
              strcmp(r.cell_source, "TIOCGWINSZ") == 0,
          "TIOCGWINSZ cell %dx%d from %s", r.cell_w, r.cell_h, r.cell_source);
    CHECK(strstr(rs.got, "16t") == NULL && strstr(rs.got, "\x1b[c"), "asked for sizes anyway");

    char text[1024];
    termprobe_describe(&r, text, sizeof text);
    CHECK(strstr(text, "graphics: sixel") && strstr(text, "9x18 px (TIOCGWINSZ)"), "%s", text);
}

int main(void)
{
    test_parse();
    test_decide();
    test_pty();
    return test_done();
}

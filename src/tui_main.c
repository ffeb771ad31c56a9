/* tui_main.c: `aetui` with no subcommand (or `aetui tui`): the ncurses interface.
 *
 * This is the program's side of ui/tui.h: it probes the terminal (before initscr), opens the
 * UI thread's store handle, the event channel and the trainer thread, installs the signal
 * handlers, and hands tui_run a tui_app whose function pointers reach them.
 *
 * Signals: SIGINT (Ctrl-C) asks to quit like `q` (a second one while asked confirms); SIGTERM
 * and SIGHUP (an SSH drop) stop the run, wait until the trainer thread has written it to the
 * store (status stopped, epochs kept) and exit; SIGWINCH resizes. The handlers only set a flag
 * and wake the UI through the channel's eventfd. A fatal signal (SIGSEGV, SIGABRT, SIGBUS,
 * SIGFPE) puts the terminal back (saved termios, leave the alternate screen, show the
 * cursor, mouse off) before dying with the default action. */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "baseline_thread.h"
#include "blas.h"
#include "blas_setup.h"
#include "channel.h"
#include "cli.h"
#include "commands.h"
#include "paths.h"
#include "store.h"
#include "termcheck.h"
#include "termprobe.h"
#include "trainer_thread.h"
#include "tui.h"

/* Signal state: set by handlers, read by the UI thread through app.signals. */
static volatile sig_atomic_t g_sig;
static int g_wake_fd = -1;
static struct termios g_saved_tty;
static int g_have_tty;

static void on_signal(int sig)
{
    int bit = sig == SIGINT    ? TUI_SIG_INT
              : sig == SIGTERM ? TUI_SIG_TERM
              : sig == SIGHUP  ? TUI_SIG_HUP
                               : TUI_SIG_WINCH;
    g_sig |= bit;
    if (g_wake_fd >= 0) {
        uint64_t one = 1;
        if (write(g_wake_fd, &one, sizeof one) < 0) { /* already readable */
        }
    }
}

static void on_fatal(int sig)
{
    if (g_have_tty) tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_tty);
    static const char reset[] = "\033[?1000l\033[?1002l\033[?1006l\033[0m\033[?25h\033[?1049l\r\n";
    if (write(STDOUT_FILENO, reset, sizeof reset - 1) < 0) { /* nothing more to do */
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

typedef struct app_ctx {
    channel *ch;
    tthread tt;
    bthread *bt; /* the PCA baselines after runs */
    const char *db_path;
    store *st;     /* the UI thread's handle as last handed out */
    ino_t wal_ino; /* the WAL file that handle reads, 0 before it is seen */
} app_ctx;

static int a_drain(void *ctx, tui_live *live)
{
    app_ctx *a = ctx;
    return channel_drain(a->ch, live, cli_now());
}

static int a_signals(void *ctx)
{
    (void)ctx;
    int s = g_sig;
    g_sig = 0; /* a signal arriving between the two lines is seen at the next wake */
    return s;
}

static int a_start(void *ctx, const tui_form *form, int64_t parent, ae_err *err)
{
    app_ctx *a = ctx;
    return tthread_start(&a->tt, form, parent, err);
}

static void a_pause(void *ctx, int on)
{
    tthread_pause(&((app_ctx *)ctx)->tt, on);
}
static void a_stop(void *ctx)
{
    tthread_stop(&((app_ctx *)ctx)->tt);
}
static int a_busy(void *ctx)
{
    return tthread_busy(&((app_ctx *)ctx)->tt);
}
static void a_join(void *ctx)
{
    tthread_join(&((app_ctx *)ctx)->tt);
}
static void a_baseline(void *ctx, int64_t run)
{
    bthread_request(((app_ctx *)ctx)->bt, run);
}
static int a_baseline_busy(void *ctx)
{
    return bthread_busy(((app_ctx *)ctx)->bt);
}
static int64_t a_baseline_failed(void *ctx, char *why, int len)
{
    return bthread_failed(((app_ctx *)ctx)->bt, why, len);
}
static double a_now(void *ctx)
{
    (void)ctx;
    return cli_now();
}

/* Works around the store's open-time header check (db/store.c check_file), which opens and
 * closes the database file: in a process that already has a connection, that close drops the
 * process's POSIX locks on the file, so another process closing its connection believes it
 * is the last one, checkpoints and deletes the WAL, and our connection goes on reading the
 * deleted WAL, never seeing new runs. When the WAL file is gone or replaced, the handle is
 * reopened (closed first, so that nothing of ours holds the file), but never while the
 * trainer thread has its handle open (that would drop its locks too): after the run. */
static store *a_store_fresh(void *ctx, store *cur, int busy)
{
    app_ctx *a = ctx;
    busy = busy || bthread_busy(a->bt); /* the baseline thread's handle is open too */
    char wal[4200];
    snprintf(wal, sizeof wal, "%s-wal", a->db_path);
    struct stat sb;
    int have = stat(wal, &sb) == 0;
    if (have && (!a->wal_ino || sb.st_ino == a->wal_ino)) {
        a->wal_ino = sb.st_ino;
        return cur;
    }
    if (busy || (!have && !a->wal_ino)) return cur;
    ae_err err;
    store_close(cur);
    store *st = NULL;
    if (store_open(&st, a->db_path, STORE_CREATE, &err) &&
        store_open(&st, a->db_path, STORE_READONLY, &err)) {
        a->st = NULL; /* tui_run ends; cmd_tui reports it */
        return NULL;
    }
    a->st = st;
    a->wal_ino = 0;
    return st;
}

static int a_files_rm(void *ctx, int64_t run, ae_err *err)
{
    app_ctx *a = ctx;
    char dir[4096];
    if (!a->st) return ae_fail(err, "the store is closed");
    if (store_run_dir(a->st, run, dir, sizeof dir, err)) return -1;
    return paths_rm_tree(dir, err);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: aetui [--db PATH] [--data-dir DIR] [--screen N]\n\n"
               "Opens the interactive interface: train with live curves, browse, compare.\n"
               "  --db PATH       the run store (default: $AETUI_DB, else\n"
               "                  $XDG_DATA_HOME/aetui/aetui.db)\n"
               "  --data-dir DIR  searched first for the datasets, then the usual places\n"
               "  --screen N      open on screen N (1-7; 6: reconstructions of the newest run)\n\n"
               "Environment: NO_COLOR (no colours), AETUI_GRAPHICS=sixel|blocks|ascii,\n"
               "AETUI_TRACE=FILE (one line per frame: cause and time).\n"
               "Keys: 1-7 switch screens, ? lists the keys of a screen, q quits.\n");
}

int cmd_tui(int argc, char **argv)
{
    const char *C = "tui", *opt_db = NULL, *data_dir = NULL;
    int first_screen = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage(stdout);
            return CLI_OK;
        } else if (!strcmp(s, "--db") && i + 1 < argc) {
            opt_db = argv[++i];
        } else if (!strncmp(s, "--db=", 5)) {
            opt_db = s + 5;
        } else if ((!strcmp(s, "--screen") && i + 1 < argc) || !strncmp(s, "--screen=", 9)) {
            const char *v = s[8] == '=' ? s + 9 : argv[++i];
            if (v[0] < '1' || v[0] > '7' || v[1])
                return cli_usage(C, "--screen: 1 to 7, got '%s'", v);
            first_screen = v[0] - '1';
        } else if (!strcmp(s, "--data-dir") && i + 1 < argc) {
            data_dir = argv[++i];
        } else if (!strncmp(s, "--data-dir=", 11)) {
            data_dir = s + 11;
        } else if (!strcmp(s, "--db") || !strcmp(s, "--screen") || !strcmp(s, "--data-dir")) {
            return cli_usage(C, "%s needs a value", s);
        } else {
            return cli_usage(C, "unknown argument '%s' (aetui --help lists the commands)", s);
        }
    }
    if (data_dir && cli_text(C, "--data-dir", data_dir, 1023)) return CLI_USAGE;
    if (opt_db && cli_text(C, "--db", opt_db, 4000)) return CLI_USAGE;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return cli_usage(C, "the interface needs a terminal; the subcommands work without one "
                            "(aetui --help)");
    setlocale(LC_ALL, "");

    ae_err err;
    if (termcheck(STDOUT_FILENO, &err)) return cli_usage(C, "%s", err.msg);
    char db[4096];
    if (paths_db(opt_db, db, sizeof db, &err)) return cli_usage(C, "%s", err.msg);
    if (paths_mkdir_parent(db, &err)) return cli_usage(C, "%s", err.msg);
    store *st = NULL;
    if (store_open(&st, db, STORE_CREATE, &err)) return cli_usage(C, "%s", err.msg);

    /* the terminal probe must run before ncurses takes the terminal */
    termprobe_opts po;
    termprobe_opts_from_env(&po);
    termprobe_result pr;
    memset(&pr, 0, sizeof pr);
    if (termprobe_run(&po, &pr, &err)) {
        store_close(st);
        return cli_fail(C, "%s", err.msg);
    }

    app_ctx a;
    memset(&a, 0, sizeof a);
    a.db_path = db;
    a.st = st;
    if (channel_open(&a.ch, &err)) {
        store_close(st);
        return cli_fail(C, "%s", err.msg);
    }
    tthread_init(&a.tt, a.ch, db, data_dir);
    if (bthread_new(&a.bt, db, data_dir, &err)) {
        channel_close(a.ch);
        store_close(st);
        return cli_fail(C, "%s", err.msg);
    }

    FILE *trace = NULL;
    const char *tp = getenv("AETUI_TRACE");
    if (tp && *tp && !(trace = fopen(tp, "w"))) {
        bthread_end(a.bt);
        channel_close(a.ch);
        store_close(st);
        return cli_fail(C, "AETUI_TRACE: cannot write %s", tp);
    }
    const char *nc = getenv("NO_COLOR");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    tui_app app = {.ctx = &a,
                   .wake_fd = channel_fd(a.ch),
                   .drain = a_drain,
                   .signals = a_signals,
                   .start = a_start,
                   .pause = a_pause,
                   .stop = a_stop,
                   .busy = a_busy,
                   .join = a_join,
                   .run_files_rm = a_files_rm,
                   .store_fresh = a_store_fresh,
                   .now = a_now,
                   .baseline = a_baseline,
                   .baseline_busy = a_baseline_busy,
                   .baseline_failed = a_baseline_failed,
                   .st = st,
                   .db_path = db,
                   .data_dir = data_dir,
                   .blas_core = blas_corename(),
                   .blas_report = blas_setup_report(),
                   .threads = cores < 1    ? 1
                              : cores > 64 ? 64
                                           : (int)cores,
                   .graphics = termprobe_graphics_name(pr.graphics),
                   .graphics_why = pr.why,
                   .gfx_mode = (int)pr.graphics,
                   .cell_w = pr.cell_w,
                   .cell_h = pr.cell_h,
                   .in_tmux = pr.in_tmux,
                   .truecolor = pr.colors == 16777216,
                   .first_screen = first_screen,
                   .trace = trace,
                   .no_color = nc && *nc};

    g_wake_fd = channel_fd(a.ch);
    g_have_tty = tcgetattr(STDIN_FILENO, &g_saved_tty) == 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    struct sigaction fa;
    memset(&fa, 0, sizeof fa);
    fa.sa_handler = on_fatal;
    sigemptyset(&fa.sa_mask);
    fa.sa_flags = SA_RESETHAND;
    sigaction(SIGSEGV, &fa, NULL);
    sigaction(SIGBUS, &fa, NULL);
    sigaction(SIGFPE, &fa, NULL);
    sigaction(SIGABRT, &fa, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* ncurses installs its SIGWINCH handler only when none is set; ours is set first, so a
     * resize wakes poll() through the channel and tui_run resizes from TIOCGWINSZ. */
    struct sigaction wa;
    memset(&wa, 0, sizeof wa);
    wa.sa_handler = on_signal;
    sigemptyset(&wa.sa_mask);
    sigaction(SIGWINCH, &wa, NULL);
    int code = tui_run(&app, &err);
    g_wake_fd = -1;
    tthread_stop(&a.tt);
    tthread_join(&a.tt);
    bthread_end(a.bt);
    channel_close(a.ch);
    if (a.st) store_close(a.st);
    if (trace) fclose(trace);
    if (code < 0) return cli_fail(C, "%s", err.msg);
    if (!a.st) return cli_fail(C, "%s: the run store could not be reopened", db);
    switch (code) {
    case TUI_EXIT_TERM:
        return 128 + SIGTERM;
    case TUI_EXIT_HUP:
        return 128 + SIGHUP;
    case TUI_EXIT_INT:
        return 128 + SIGINT;
    default:
        return CLI_OK;
    }
}

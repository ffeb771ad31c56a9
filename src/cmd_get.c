/* cmd_get.c: `aetui get cifar10|mnist|fashion-mnist`, the standard datasets fetched, checked
 * and unpacked where `aetui doctor` and `aetui train` find them.
 *
 * Layout under the datasets folder D ($XDG_DATA_HOME/aetui/datasets, or --dir):
 *   D/.aetui-get/<dataset>/NAME.part   a download in progress (kept on failure: resumed)
 *   D/.aetui-get/<dataset>/NAME        a download whose checksums matched
 *   D/.aetui-get/<dataset>/unpack/     the dataset's folder being put together
 *   D/<folder>                         the finished dataset, renamed into place in one step
 * so a dataset folder is either whole or absent, whatever stops the command. The staging
 * folder is removed when the dataset is in place; a lock file in it keeps two `aetui get`
 * of the same dataset from writing the same files. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "dataset.h"
#include "fetch.h"
#include "get_sources.h"
#include "md5.h"
#include "paths.h"
#include "sha256.h"
#include "store_cli.h"
#include "targz.h"
#include "text.h"

#define GET_PATH 4096

static const char get_help[] =
    "usage: aetui get DATASET... [--dir DIR] [--mirror URL] [--retries N]\n"
    "                 [--connect-timeout S] [--stall-timeout S]\n"
    "\n"
    "Downloads a standard dataset (cifar10, mnist, fashion-mnist), checks the published\n"
    "checksums and unpacks it into the datasets folder, where aetui doctor and aetui train\n"
    "find it. An interrupted download resumes when the same command runs again.\n"
    "\n"
    "  --dir DIR            the datasets folder (default: $XDG_DATA_HOME/aetui/datasets,\n"
    "                       ~/.local/share/aetui/datasets); train then needs --data-dir DIR\n"
    "  --mirror URL         fetch the same file names from under URL instead (also\n"
    "                       $AETUI_MIRROR)\n"
    "  --retries N          retries after a transient failure (default 5)\n"
    "  --connect-timeout S  seconds to connect (default 30)\n"
    "  --stall-timeout S    give up an attempt after S seconds without data (default 60)\n"
    "\n"
    "$AETUI_GET_CHECKSUMS names a file of \"HEX  NAME\" lines (md5sum or sha256sum output)\n"
    "whose checksums replace the published ones: for tests and repackaged mirrors.\n";

static const char *const C = "get";

/* Set by SIGINT/SIGTERM/SIGHUP while downloading: the transfer stops, the partial file stays. */
static volatile sig_atomic_t get_cancel;

static void get_on_signal(int sig)
{
    (void)sig;
    get_cancel = 1;
}

typedef struct get_ui {
    int tty;          /* progress bar on stderr */
    int bar_shown;    /* a bar is on the line: clear it before printing */
    const char *file; /* the file downloading */
} get_ui;

/* a/b into out (GET_PATH bytes). The datasets folder is at most 2048 bytes and the names
 * under it are short, so nothing is cut; the check keeps that true. */
static void get_join(char *out, const char *a, const char *b)
{
    if (snprintf(out, GET_PATH, "%s/%s", a, b) >= GET_PATH) out[0] = 0;
}

static void get_human(double bytes, char *out, size_t len)
{
    if (bytes >= 1e9)
        snprintf(out, len, "%.2f GB", bytes / 1e9);
    else if (bytes >= 1e6)
        snprintf(out, len, "%.1f MB", bytes / 1e6);
    else if (bytes >= 1e3)
        snprintf(out, len, "%.1f kB", bytes / 1e3);
    else
        snprintf(out, len, "%.0f B", bytes);
}

static void get_clear_bar(get_ui *ui)
{
    if (ui->bar_shown) fputs("\r\033[K", stderr);
    ui->bar_shown = 0;
}

/* One line on stderr, fitted to the terminal's width (a wrapped line could not be redrawn
 * in place): "  NAME [=====>    ] 12.3 MB / 162.2 MB  4.1 MB/s  ETA 0:37". The bar shrinks,
 * then goes, on a narrow terminal. */
static void get_progress(void *ctx, int64_t have, int64_t total, double rate)
{
    get_ui *ui = ctx;
    if (!ui->tty) return;
    char h[32], t[32] = "?", r[32], eta[32] = "--:--", tail[160], bar[48] = "";
    get_human((double)have, h, sizeof h);
    get_human(rate, r, sizeof r);
    if (total > 0) {
        get_human((double)total, t, sizeof t);
        if (rate > 0) {
            long s = (long)((double)(total - have) / rate + 0.5);
            snprintf(eta, sizeof eta, "%ld:%02ld", s / 60, s % 60);
        }
    }
    snprintf(tail, sizeof tail, " %s / %s  %s/s  ETA %s", h, t, r, eta);
    struct winsize ws;
    int cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
    int room = cols - 1 - 2 - (int)strlen(ui->file) - (int)strlen(tail) - 3;
    int width = room > 30 ? 30 : room;
    if (total > 0 && width >= 8) {
        int fill = (int)((double)width * (double)have / (double)total);
        if (fill > width) fill = width;
        bar[0] = ' ';
        bar[1] = '[';
        for (int i = 0; i < width; i++) bar[2 + i] = i < fill ? '=' : i == fill ? '>' : ' ';
        bar[2 + width] = ']';
        bar[3 + width] = 0;
    }
    char line[512];
    snprintf(line, sizeof line, "  %s%s%s", ui->file, bar, tail);
    if (cols - 1 < (int)sizeof line && cols > 1) line[cols - 1] = 0;
    fprintf(stderr, "\r\033[K%s", line);
    ui->bar_shown = 1;
}

static void get_note(void *ctx, const char *msg)
{
    get_ui *ui = ctx;
    char vis[1400];
    get_clear_bar(ui);
    text_visible(msg, vis, sizeof vis);
    fprintf(stderr, "aetui get: %s\n", vis);
}

/* Does dir hold every file the dataset needs? The first missing one into *missing. */
static int get_complete(const get_source *src, const char *dir, const char **missing)
{
    for (int i = 0; src->needed[i]; i++) {
        char p[GET_PATH];
        struct stat st;
        get_join(p, dir, src->needed[i]);
        if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
            *missing = src->needed[i];
            return 0;
        }
    }
    return 1;
}

/* Checks a downloaded file's size and checksums. On a mismatch the message says which and
 * the caller removes the file. */
static int get_verify(const char *path, const char *url, const get_expect *ex, ae_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return ae_fail(err, "%s: cannot read: %s", path, strerror(errno));
    md5_ctx m;
    sha256_ctx s;
    md5_init(&m);
    sha256_init(&s);
    static unsigned char buf[1 << 16];
    size_t n;
    int64_t total = 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (ex->md5[0]) md5_update(&m, buf, n);
        if (ex->sha256[0]) sha256_update(&s, buf, n);
        total += (int64_t)n;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) return ae_fail(err, "%s: read error", path);
    const char *from = ex->overridden ? "$AETUI_GET_CHECKSUMS" : "the published";
    if (ex->size >= 0 && total != ex->size)
        return ae_fail(err, "%s: wrong size: %lld bytes, the published size is %lld", url,
                       (long long)total, (long long)ex->size);
    char hex[65];
    if (ex->md5[0]) {
        md5_hex(&m, hex);
        if (strcmp(hex, ex->md5))
            return ae_fail(err, "%s: checksum mismatch: MD5 %s, %s MD5 is %s", url, hex, from,
                           ex->md5);
    }
    if (ex->sha256[0]) {
        sha256_hex(&s, hex);
        if (strcmp(hex, ex->sha256))
            return ae_fail(err, "%s: checksum mismatch: SHA-256 %s, %s SHA-256 is %s", url, hex,
                           from, ex->sha256);
    }
    return 0;
}

static void get_url(char *out, size_t len, const char *base, const char *name)
{
    size_t bl = strlen(base);
    snprintf(out, len, "%s%s%s", base, bl && base[bl - 1] == '/' ? "" : "/", name);
}

static int64_t get_size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
}

/* Makes sure the folder has room for `need` more bytes (when the size is known). */
static int get_room(const char *dir, int64_t need, ae_err *err)
{
    struct statvfs vf;
    if (need <= 0 || statvfs(dir, &vf) != 0) return 0;
    double avail = (double)vf.f_bavail * (double)vf.f_frsize;
    if (avail >= (double)need) return 0;
    char a[32], b[32];
    get_human((double)need, a, sizeof a);
    get_human(avail, b, sizeof b);
    return ae_fail(err, "%s: disk full: %s needed, %s free", dir, a, b);
}

typedef struct get_req {
    const char *dir;    /* the datasets folder */
    const char *mirror; /* NULL: the table's hosts */
    int dir_given;      /* --dir: train needs --data-dir */
    fetch_opts fo;
    get_ui ui;
} get_req;

/* Brings one file into stage/NAME with matching checksums. Returns 0, 1 on failure, 130
 * when interrupted (messages printed). */
static int get_one_file(get_req *rq, const get_source *src, const get_file *gf, const char *stage)
{
    char done[GET_PATH], part[GET_PATH], url[GET_PATH], vis[GET_PATH * 2];
    get_expect ex;
    ae_err err;
    if (get_expect_for(gf, &ex, &err)) return cli_usage(C, "%s", err.msg);
    get_join(done, stage, gf->name);
    get_join(part, stage, gf->name);
    if (part[0]) strcat(part, ".part"); /* room: see get_join */

    const char *bases_default[5] = {0};
    const char *const *bases = src->bases;
    if (rq->mirror) {
        bases_default[0] = rq->mirror;
        bases = bases_default;
    }
    get_url(url, sizeof url, bases[0], gf->name);

    /* Checked already by an earlier run that stopped before unpacking. */
    if (get_size_of(done) >= 0) {
        if (get_verify(done, url, &ex, &err) == 0) {
            printf("  %s: downloaded before, checksums match\n", gf->name);
            return 0;
        }
        unlink(done);
    }
    int64_t have = get_size_of(part);
    if (ex.size >= 0 && have > ex.size) { /* longer than the file: cannot be a prefix */
        unlink(part);
        have = -1;
    }
    int need_fetch = !(ex.size >= 0 && have == ex.size);
    if (need_fetch && get_room(stage, ex.size - (have > 0 ? have : 0), &err))
        return cli_fail(C, "%s", err.msg);

    fetch_result res = {0};
    int fetched = !need_fetch;
    for (int b = 0; need_fetch && bases[b]; b++) {
        get_url(url, sizeof url, bases[b], gf->name);
        rq->ui.file = gf->name;
        if (fetch_url(url, part, &rq->fo, &res, &err) == 0) {
            fetched = 1;
            break;
        }
        get_clear_bar(&rq->ui);
        if (res.interrupted) {
            text_visible(part, vis, sizeof vis);
            cli_fail(C,
                     "interrupted; the partial download %s (%lld bytes) is kept: run the same "
                     "command again to resume",
                     vis, (long long)res.bytes);
            return 130;
        }
        if (bases[b + 1]) {
            char msg[700];
            snprintf(msg, sizeof msg, "%s; trying the next host", err.msg);
            get_note(&rq->ui, msg);
        }
    }
    get_clear_bar(&rq->ui);
    if (!fetched) {
        if (get_size_of(part) > 0) {
            text_visible(part, vis, sizeof vis);
            cli_fail(C, "%s (the partial download %s is kept: run again to resume)", err.msg, vis);
        } else {
            unlink(part);
            cli_fail(C, "%s", err.msg);
        }
        return CLI_FAIL;
    }
    if (need_fetch) {
        char sz[32], rate[32];
        get_human((double)res.bytes, sz, sizeof sz);
        get_human(res.seconds > 0 ? (double)(res.bytes - res.resumed_from) / res.seconds : 0, rate,
                  sizeof rate);
        text_visible(url, vis, sizeof vis);
        printf("  %s: %s from %s in %.1f s (%s/s", gf->name, sz, vis, res.seconds, rate);
        if (res.resumed_at > 0) printf(", resumed at %lld bytes", (long long)res.resumed_at);
        if (res.attempts > 1) printf(", %d attempts", res.attempts);
        printf(")\n");
    }
    if (get_verify(part, url, &ex, &err)) {
        unlink(part);
        cli_fail(C, "%s; the download is removed, nothing was unpacked", err.msg);
        return CLI_FAIL;
    }
    if (rename(part, done) != 0) return cli_fail(C, "%s: cannot rename: %s", part, strerror(errno));
    printf("  %s: %s%s%s match%s\n", gf->name, ex.md5[0] ? "MD5" : "",
           ex.md5[0] && ex.sha256[0] ? " and " : "", ex.sha256[0] ? "SHA-256" : "",
           ex.md5[0] && ex.sha256[0] ? "" : "es");
    fflush(stdout);
    return 0;
}

/* Puts the checked files together as the dataset's folder in stage/unpack/<folder>. */
static int get_assemble(const get_source *src, const char *stage, const char *tmp, ae_err *err)
{
    char from[GET_PATH], to[GET_PATH], folder[GET_PATH];
    if (paths_rm_tree(tmp, err)) return -1;
    if (mkdir(tmp, 0755) != 0) return ae_fail(err, "%s: cannot create: %s", tmp, strerror(errno));
    get_join(folder, tmp, src->folder);
    if (src->unpack) {
        for (int i = 0; i < src->nfiles; i++) {
            get_join(from, stage, src->files[i].name);
            if (targz_extract(from, tmp, err) < 0) return -1;
        }
    } else {
        if (mkdir(folder, 0755) != 0)
            return ae_fail(err, "%s: cannot create: %s", folder, strerror(errno));
        for (int i = 0; i < src->nfiles; i++) {
            get_join(from, stage, src->files[i].name);
            get_join(to, folder, src->files[i].name);
            if (link(from, to) != 0 && rename(from, to) != 0)
                return ae_fail(err, "%s: cannot move into %s: %s", from, folder, strerror(errno));
        }
    }
    const char *missing = NULL;
    if (!get_complete(src, folder, &missing))
        return ae_fail(err, "%s: the download holds no %s/%s", src->files[0].name, src->folder,
                       missing);
    return 0;
}

/* Holds stage/lock for the life of the process (released at exit). */
static int get_lock(const char *stage, const char *dataset, ae_err *err)
{
    char p[GET_PATH];
    get_join(p, stage, "lock");
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return ae_fail(err, "%s: cannot create: %s", p, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return ae_fail(err, "another aetui get is fetching %s into %s (lock %s)", dataset, stage,
                       p);
    }
    return fd;
}

/* Releases the lock and removes the staging folders when nothing is left in them (a kept
 * partial download keeps them). */
static void get_unlock(int lock, const char *stage, const char *dir)
{
    char p[GET_PATH];
    get_join(p, stage, "lock");
    unlink(p);
    close(lock);
    rmdir(stage);
    get_join(p, dir, ".aetui-get");
    rmdir(p); /* fails, and stays, while another dataset is being fetched */
}

/* Is the dataset's folder there already? 0: no; 1: whole (message printed); -1: something
 * else is in the way (message printed). */
static int get_already(const get_source *src, const char *final)
{
    char vis[GET_PATH * 2];
    const char *missing = "";
    struct stat st;
    if (lstat(final, &st) != 0) return 0;
    int dir = S_ISDIR(st.st_mode);
    if (dir && get_complete(src, final, &missing)) {
        text_visible(final, vis, sizeof vis);
        printf("%s: already in %s (nothing fetched)\n", src->dataset, vis);
        return 1;
    }
    cli_fail(C, "%s exists but is not a whole %s (%s%s): move it away and run again", final,
             src->dataset, dir ? "no " : "not a folder", dir ? missing : "");
    return -1;
}

static int get_dataset(get_req *rq, const get_source *src)
{
    char final[GET_PATH], stage[GET_PATH], tmp[GET_PATH], vis[GET_PATH * 2];
    ae_err err;
    get_join(final, rq->dir, src->folder);
    text_visible(final, vis, sizeof vis);
    int there = get_already(src, final);
    if (there) return there > 0 ? CLI_OK : CLI_FAIL;
    get_join(tmp, rq->dir, ".aetui-get");
    get_join(stage, tmp, src->dataset);
    get_join(tmp, stage, "unpack");
    char probe[GET_PATH];
    get_join(probe, stage, "x");
    if (paths_mkdir_parent(probe, &err)) return cli_fail(C, "%s", err.msg);
    int lock = get_lock(stage, src->dataset, &err);
    if (lock < 0) return cli_fail(C, "%s", err.msg);
    /* another get may have finished it while we waited for the lock */
    there = get_already(src, final);
    if (there) {
        get_unlock(lock, stage, rq->dir);
        return there > 0 ? CLI_OK : CLI_FAIL;
    }

    char from[GET_PATH * 2];
    text_visible(rq->mirror ? rq->mirror : src->bases[0], from, sizeof from);
    printf("%s: into %s, from %s\n", src->dataset, vis, from);
    fflush(stdout);
    struct sigaction sa = {0}, old_int, old_term, old_hup;
    sa.sa_handler = get_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    signal(SIGPIPE, SIG_IGN); /* a closed connection is an error from libcurl, not a death */
    int status = 0;
    for (int i = 0; i < src->nfiles && status == 0; i++)
        status = get_one_file(rq, src, &src->files[i], stage);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    if (status) {
        get_unlock(lock, stage, rq->dir);
        return status;
    }

    char built[GET_PATH];
    get_join(built, tmp, src->folder);
    if (get_assemble(src, stage, tmp, &err)) {
        ae_err e2;
        paths_rm_tree(tmp, &e2);
        /* a refused archive is removed too: it matched its checksums, so fetching it again
         * would give the same bytes, but it must not be unpacked later either */
        if (src->unpack)
            for (int i = 0; i < src->nfiles; i++) {
                char p[GET_PATH];
                get_join(p, stage, src->files[i].name);
                unlink(p);
            }
        get_unlock(lock, stage, rq->dir);
        return cli_fail(C, "%s; nothing was unpacked", err.msg);
    }
    if (rename(built, final) != 0) {
        int e = errno;
        ae_err e2;
        paths_rm_tree(tmp, &e2);
        get_unlock(lock, stage, rq->dir);
        return cli_fail(C, "%s: cannot move the dataset into place: %s", final, strerror(e));
    }
    /* the dataset is in place: the checked downloads and the lock go */
    for (int i = 0; i < src->nfiles; i++) {
        char p[GET_PATH];
        get_join(p, stage, src->files[i].name);
        unlink(p);
    }
    if (paths_rm_tree(tmp, &err)) get_note(&rq->ui, err.msg);
    get_unlock(lock, stage, rq->dir);
    printf("%s: ready in %s", src->dataset, vis);
    if (rq->dir_given) {
        char dvis[GET_PATH * 2];
        text_visible(rq->dir, dvis, sizeof dvis);
        printf(" (give --data-dir %s to train and doctor)\n", dvis);
    } else {
        printf("\n");
    }
    fflush(stdout);
    return 0;
}

static int get_check_url(const char *what, const char *url)
{
    if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
        return cli_usage(C, "%s: expected an http:// or https:// URL, got '%.200s'", what, url);
    if (strlen(url) > 1500) return cli_usage(C, "%s: URL too long", what);
    return 0;
}

int cmd_get(int argc, char **argv)
{
    static const struct option opts[] = {{"dir", required_argument, 0, 'd'},
                                         {"mirror", required_argument, 0, 'm'},
                                         {"retries", required_argument, 0, 'r'},
                                         {"connect-timeout", required_argument, 0, 'c'},
                                         {"stall-timeout", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    get_req rq;
    memset(&rq, 0, sizeof rq);
    int retries = 5, connect_s = 30, stall_s = 60, c;
    const char *dir = NULL, *mirror = NULL;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (!*optarg) return cli_usage(C, "--dir: empty path");
            if (strlen(optarg) > 2048) return cli_usage(C, "--dir: path too long");
            dir = optarg;
            break;
        case 'm':
            if (get_check_url("--mirror", optarg)) return CLI_USAGE;
            mirror = optarg;
            break;
        case 'r':
            if (cli_int(C, "--retries", optarg, 0, 100, &retries)) return CLI_USAGE;
            break;
        case 'c':
            if (cli_int(C, "--connect-timeout", optarg, 1, 3600, &connect_s)) return CLI_USAGE;
            break;
        case 's':
            if (cli_int(C, "--stall-timeout", optarg, 1, 3600, &stall_s)) return CLI_USAGE;
            break;
        case 'h':
            fputs(get_help, stdout);
            return CLI_OK;
        default:
            return scli_bad_option(C, c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage(C, "which dataset? %s (see aetui get --help)", get_source_names());
    for (int i = optind; i < argc; i++) {
        if (get_source_find(argv[i])) continue;
        if (ds_known(argv[i]))
            return cli_usage(C, "'%s' is made by aetui itself: nothing to fetch", argv[i]);
        return cli_usage(C, "unknown dataset '%.64s' (%s)", argv[i], get_source_names());
    }
    if (!mirror) {
        const char *env = getenv("AETUI_MIRROR");
        if (env && *env) {
            if (get_check_url("$AETUI_MIRROR", env)) return CLI_USAGE;
            mirror = env;
        }
    }

    char dirbuf[GET_PATH];
    ae_err err;
    if (dir) {
        snprintf(dirbuf, sizeof dirbuf, "%s", dir);
    } else if (ds_user_dir(dirbuf, sizeof dirbuf, &err)) {
        return cli_usage(C, "%s: give --dir DIR", err.msg);
    }
    size_t dl = strlen(dirbuf);
    while (dl > 1 && dirbuf[dl - 1] == '/') dirbuf[--dl] = 0;
    rq.dir = dirbuf;
    rq.dir_given = dir != NULL;
    rq.mirror = mirror;
    rq.ui.tty = isatty(STDERR_FILENO);
    rq.fo.connect_timeout = connect_s;
    rq.fo.stall_timeout = stall_s;
    rq.fo.retries = retries;
    rq.fo.progress = get_progress;
    rq.fo.note = get_note;
    rq.fo.ctx = &rq.ui;
    rq.fo.cancel = &get_cancel;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return cli_fail(C, "cannot initialise libcurl");
    int status = 0;
    for (int i = optind; i < argc && status == 0; i++)
        status = get_dataset(&rq, get_source_find(argv[i]));
    curl_global_cleanup();
    return status;
}

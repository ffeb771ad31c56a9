/* cmd_import.c: `aetui import SRC.db|DIR [...]`, other stores' runs merged into this one: a
 * store copied from a laptop or another server, or the shards a sweep's tasks wrote.
 *
 * The rows are copied by store_import (one transaction per source, runs known by UUID, so a
 * second import adds nothing); this file copies each run's files into the target's runs
 * directory. Checkpoints name the store they belong to and are checked against it before
 * they load, so the weights and state files are written anew naming the target store and the
 * run's new id (ckpt_reident: metadata and header only, the numbers bit for bit); the run's
 * UUID stays, so the files remain the same run's. Other files of the run are copied as they
 * are; temporary files of unfinished writes are not. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpoint.h"
#include "cli.h"
#include "commands.h"
#include "safetensors.h"
#include "store_cli.h"
#include "sweep.h"

static const char import_help[] =
    "usage: aetui import SRC.db|DIR [...] [--db PATH]\n"
    "\n"
    "Copies the runs of other run stores into this one: their parameters, epochs, tags,\n"
    "notes, artifacts, scores, the cached PCA baselines, and their checkpoint files (into\n"
    "this store's runs directory, rewritten to name this store). A DIR stands for every *.db\n"
    "in it and in DIR/shards (a sweep's directory). Runs are known by their UUID: importing\n"
    "the same store again adds nothing. Each source is one transaction. Runs still running\n"
    "in a source are left out (import again when they end). The host that trained a run is\n"
    "kept (aetui show, the Runs screen). A sweep's directory also records the sweep and links\n"
    "its members to their runs (aetui runs --sweep, aetui sweep status).\n"
    "\n"
    "  --db PATH   the target store (default: $AETUI_DB, else ~/.local/share/aetui/aetui.db)\n";

static const char C[] = "import";

/* The run directories made for the current source, removed again when it fails. */
typedef struct import_ctx {
    store *src, *dst;
    char (*made)[4096];
    int nmade, cap;
} import_ctx;

static int copy_plain(const char *from, const char *to, ae_err *err)
{
    FILE *f = fio_fopen_read(from, NULL, err);
    if (!f) return -1;
    st_atomic a;
    if (st_atomic_open(&a, to, err)) {
        fclose(f);
        return -1;
    }
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) st_atomic_write(&a, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        st_atomic_abort(&a);
        return ae_fail(err, "%s: read failed", from);
    }
    return st_atomic_commit(&a, err);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The source run's files: its directory in the source's runs directory, else the folder of
 * its checkpoint column (a store moved without renaming its folder); "" when neither is. */
static int source_dir(store *src, int64_t run, char *out, size_t len, ae_err *err)
{
    if (store_run_dir(src, run, out, len, err)) return -1;
    if (is_dir(out)) return 0;
    static store_run r;
    out[0] = 0;
    if (store_run_get(src, run, &r, err)) return -1;
    const char *slash = strrchr(r.checkpoint, '/');
    if (slash && (size_t)(slash - r.checkpoint) < len) {
        snprintf(out, len, "%.*s", (int)(slash - r.checkpoint), r.checkpoint);
        if (!is_dir(out)) out[0] = 0;
    }
    return 0;
}

static int copy_files(void *vctx, int64_t src_run, int64_t dst_run, int64_t dst_parent, char *dir,
                      size_t len, ae_err *err)
{
    import_ctx *c = vctx;
    char from[4096];
    if (source_dir(c->src, src_run, from, sizeof from, err)) return -1;
    if (!from[0]) return 0;
    DIR *d = opendir(from);
    if (!d) return ae_fail(err, "%s: %s", from, strerror(errno));
    if (c->nmade == c->cap) {
        int cap = c->cap ? 2 * c->cap : 64;
        void *m = realloc(c->made, sizeof *c->made * (size_t)cap);
        if (!m) {
            closedir(d);
            return ae_fail(err, "out of memory");
        }
        c->made = m, c->cap = cap;
    }
    if (store_run_dir_make(c->dst, dst_run, 1, dir, len, err)) {
        closedir(d);
        return -1;
    }
    snprintf(c->made[c->nmade++], sizeof c->made[0], "%s", dir);
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.' || strstr(e->d_name, ".tmp-")) continue;
        char a[4400], b[4400];
        snprintf(a, sizeof a, "%s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (lstat(a, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
        if (ends_with(e->d_name, ".safetensors") || ends_with(e->d_name, ".state"))
            rc = ckpt_reident(a, b, store_uuid(c->dst), dst_run, dst_parent, err);
        else
            rc = copy_plain(a, b, err);
    }
    closedir(d);
    return rc;
}

/* Removes the directories made for a source that failed (only the files import wrote). */
static void unmake(import_ctx *c)
{
    for (int i = 0; i < c->nmade; i++) {
        DIR *d = opendir(c->made[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char p[4400];
            snprintf(p, sizeof p, "%s/%s", c->made[i], e->d_name);
            unlink(p);
        }
        if (d) closedir(d);
        rmdir(c->made[i]);
    }
    c->nmade = 0;
}

static int same_file(const char *a, const char *b)
{
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* One source into dst; prints what it did. */
static int import_one(store *dst, const char *path)
{
    char shown[512];
    scli_visible(path, 200, shown, sizeof shown);
    if (same_file(path, store_path(dst)))
        return cli_usage(C, "%s: that is the target store itself", shown);
    ae_err err;
    store *src;
    if (store_open(&src, path, STORE_READONLY, &err)) return cli_usage(C, "%s", err.msg);
    import_ctx c = {src, dst, NULL, 0, 0};
    store_import_stats s;
    double t0 = cli_now();
    int rc = store_import(dst, src, copy_files, &c, &s, &err);
    if (rc) unmake(&c);
    free(c.made);
    store_close(src);
    if (rc) return cli_fail(C, "%s: nothing imported: %s", shown, err.msg);
    printf("%s: %d run%s added, %d already here", shown, s.added, s.added == 1 ? "" : "s",
           s.present);
    if (s.running) printf(", %d still running (left out; import again when they end)", s.running);
    if (s.baselines) printf(", %d baseline%s", s.baselines, s.baselines == 1 ? "" : "s");
    printf(" (%.2f s)\n", cli_now() - t0);
    return CLI_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory: every *.db in it and in its shards/ folder, in name order. */
static int import_dir(store *dst, const char *dir)
{
    char **names = NULL;
    int n = 0, cap = 0, rc = CLI_OK;
    static const char *const sub[] = {"", "/shards"};
    for (int k = 0; k < 2; k++) {
        char d[4200];
        snprintf(d, sizeof d, "%s%s", dir, sub[k]);
        DIR *h = opendir(d);
        struct dirent *e;
        while (h && (e = readdir(h))) {
            if (!ends_with(e->d_name, ".db") || e->d_name[0] == '.') continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                char **m = realloc(names, sizeof *names * (size_t)cap);
                if (!m) break;
                names = m;
            }
            size_t l = strlen(d) + strlen(e->d_name) + 2;
            if ((names[n] = malloc(l))) snprintf(names[n++], l, "%s/%s", d, e->d_name);
        }
        if (h) closedir(h);
    }
    if (!n) {
        char shown[512];
        scli_visible(dir, 200, shown, sizeof shown);
        rc = cli_usage(C, "%s: no run store (*.db) in it or in its shards/ folder", shown);
    }
    if (n) qsort(names, (size_t)n, sizeof *names, by_name); /* names is NULL when none */
    for (int i = 0; i < n; i++) {
        int r = import_one(dst, names[i]);
        if (r && !rc) rc = r;
        free(names[i]);
    }
    free(names);
    /* a sweep's directory: the sweep recorded here and its members linked to their runs */
    char manifest[4200];
    snprintf(manifest, sizeof manifest, "%s/sweep.tsv", dir);
    if (n && access(manifest, F_OK) == 0) {
        int r = sweep_import_links(C, dst, dir);
        if (r && !rc) rc = r;
    }
    return rc;
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *db = NULL;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'h':
            fputs(import_help, stdout);
            return CLI_OK;
        default:
            return scli_bad_option(C, c, argv);
        }
    }
    if (optind >= argc) return cli_usage(C, "usage: aetui import SRC.db|DIR [...] [--db PATH]");
    for (int i = optind; i < argc; i++) { /* every source exists before anything is changed */
        struct stat sb;
        if (stat(argv[i], &sb) != 0) {
            char shown[512];
            scli_visible(argv[i], 200, shown, sizeof shown);
            return cli_usage(C, "%s: %s", shown, strerror(errno));
        }
    }
    char path[4096];
    store *st;
    if (scli_path(C, db, path) || scli_open(C, path, 1, &st)) return CLI_USAGE;
    int rc = CLI_OK;
    for (int i = optind; i < argc; i++) {
        int r = is_dir(argv[i]) ? import_dir(st, argv[i]) : import_one(st, argv[i]);
        if (r && !rc) rc = r;
    }
    store_close(st);
    return rc;
}

/* cmd_sweep.c: `aetui sweep`, a grid of training runs recorded as one sweep (see sweep.h):
 *   aetui sweep [train options] --latent 8,16 --seed 1,2 [--model ..] [--dataset ..]
 *               [--jobs N | --slurm ...] [--dry-run] [--name NAME]
 *   aetui sweep --resume SWEEP [--jobs N]
 *   aetui sweep status SWEEP
 *   aetui sweep list
 * The options are read by hand: everything that is not the sweep's own goes to every member's
 * `aetui train` as given (train checks it; --dry-run shows the commands). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "paths.h"
#include "store_cli.h"
#include "sweep.h"

static const char C[] = "sweep";

static const char sweep_help[] =
    "usage: aetui sweep [train options] --latent 8,16,32,64 --seed 1,2,3\n"
    "                   [--model cnn,cnn-flat] [--dataset D,...] [--name NAME]\n"
    "                   [--jobs N | --slurm [--partition P] [--time T]\n"
    "                   [--cpus-per-task C] [--mem M] [--dir DIR] [--no-submit]]\n"
    "                   [--dry-run] [--db PATH]\n"
    "       aetui sweep --resume SWEEP [--jobs N] [--db PATH]\n"
    "       aetui sweep status SWEEP [--db PATH]\n"
    "       aetui sweep list [--db PATH]\n"
    "\n"
    "Trains the cross product of the lists (model x dataset x latent x seed), every member an\n"
    "`aetui train` run with the train options given and its own values, all recorded as one\n"
    "sweep in the store (aetui runs --sweep SWEEP; the Runs screen's W filter). Members have\n"
    "stable keys from their values (cnn-l16-s2). SWEEP is a sweep's id or name.\n"
    "\n"
    "  --dry-run          list the members and their commands; run nothing, record nothing\n"
    "  --jobs N           on this machine, N runs at a time with cores/N threads each\n"
    "                     (default 1); Ctrl-C stops them cleanly after their batch\n"
    "  --resume SWEEP     run what is left: members stopped go on where they stopped, members\n"
    "                     failed or never run start anew (a Slurm sweep is resubmitted)\n"
    "  --name NAME        a name for the sweep\n"
    "  --slurm            a Slurm job array, one task per member, each writing its own store\n"
    "                     shard under the sweep's directory (aetui import DIR brings them in)\n"
    "  --partition P, --time T, --mem M   passed to sbatch\n"
    "  --cpus-per-task C  per task (default 1), each run's --threads\n"
    "  --dir DIR          the sweep's directory, on a filesystem the nodes share (default\n"
    "                     STEM.sweeps/NAME-XXXXXXXX beside the store STEM.db)\n"
    "  --no-submit        write the job script but do not submit it\n"
    "  --db PATH          the run store (default: $AETUI_DB, else\n"
    "                     ~/.local/share/aetui/aetui.db)\n";

typedef struct sweep_opts {
    sweep_grid g;
    const char *db, *name, *resume, *dir;
    int jobs, dry, slurm;
    sweep_slurm_opts so;
} sweep_opts;

/* The value of argv[*i] ("--opt V" or "--opt=V") into *val; -1 (printed) when missing. */
static int take(char **argv, int argc, int *i, const char *opt, char **val)
{
    const char *a = argv[*i];
    size_t n = strlen(opt);
    if (a[n] == '=') {
        *val = (char *)a + n + 1;
        return 0;
    }
    if (*i + 1 >= argc) return cli_usage(C, "%s needs a value (see aetui sweep --help)", opt), -1;
    *val = argv[++*i];
    return 0;
}

static int is_opt(const char *a, const char *opt)
{
    size_t n = strlen(opt);
    return !strncmp(a, opt, n) && (a[n] == 0 || a[n] == '=');
}

static int parse(int argc, char **argv, sweep_opts *o)
{
    memset(o, 0, sizeof *o);
    o->jobs = 1, o->so.cpus = 1;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i], *v;
        if (!strcmp(a, "--dry-run")) {
            o->dry = 1;
        } else if (!strcmp(a, "--slurm")) {
            o->slurm = 1;
        } else if (!strcmp(a, "--no-submit")) {
            o->so.no_submit = 1;
        } else if (is_opt(a, "--jobs")) {
            if (take(argv, argc, &i, "--jobs", &v) || cli_int(C, "--jobs", v, 1, 64, &o->jobs))
                return -1;
        } else if (is_opt(a, "--cpus-per-task")) {
            if (take(argv, argc, &i, "--cpus-per-task", &v) ||
                cli_int(C, "--cpus-per-task", v, 1, 256, &o->so.cpus))
                return -1;
        } else if (is_opt(a, "--db") || is_opt(a, "--name") || is_opt(a, "--resume") ||
                   is_opt(a, "--partition") || is_opt(a, "--time") || is_opt(a, "--mem") ||
                   is_opt(a, "--dir")) {
            char opt[32];
            snprintf(opt, sizeof opt, "%.*s", (int)strcspn(a, "="), a);
            if (take(argv, argc, &i, opt, &v)) return -1;
            const char **slot = !strcmp(opt, "--db")          ? &o->db
                                : !strcmp(opt, "--name")      ? &o->name
                                : !strcmp(opt, "--resume")    ? &o->resume
                                : !strcmp(opt, "--partition") ? &o->so.partition
                                : !strcmp(opt, "--time")      ? &o->so.time
                                : !strcmp(opt, "--mem")       ? &o->so.mem
                                                              : &o->dir;
            if (strpbrk(v, "\t\n") || (!strcmp(opt, "--name") && strlen(v) > 63))
                return cli_usage(C, "%s: at most 63 bytes, no tab or line break", opt), -1;
            *slot = v;
        } else if (!strncmp(a, "--", 2) && strlen(a) > 2) {
            char opt[32];
            snprintf(opt, sizeof opt, "%.*s", (int)strcspn(a, "="), a);
            if (is_opt(a, "--model") || is_opt(a, "--dataset") || is_opt(a, "--latent") ||
                is_opt(a, "--seed")) {
                if (take(argv, argc, &i, opt, &v) || sweep_grid_option(C, &o->g, opt, v) < 0)
                    return -1;
                continue;
            }
            int val = sweep_train_option(C, a);
            if (val < 0) return -1;
            if (o->g.nbase + 2 > SWEEP_ARGS_MAX) return cli_usage(C, "too many train options"), -1;
            o->g.base[o->g.nbase++] = a;
            if (val) {
                if (i + 1 >= argc) return cli_usage(C, "%s needs a value", a), -1;
                if (strpbrk(argv[i + 1], "\t\n"))
                    return cli_usage(C, "%s: a value holds a tab or a line break", a), -1;
                o->g.base[o->g.nbase++] = argv[++i];
            }
        } else {
            return cli_usage(C, "unexpected argument '%s' (see aetui sweep --help)", a), -1;
        }
    }
    if (o->resume && (o->g.nmodels || o->g.ndatasets || o->g.nlatents || o->g.nseeds ||
                      o->g.nbase || o->slurm || o->dry))
        return cli_usage(C, "--resume SWEEP takes only --jobs and --db: the sweep keeps its "
                            "grid and options"),
               -1;
    if (!o->slurm && (o->so.partition || o->so.time || o->so.mem || o->so.no_submit || o->dir))
        return cli_usage(C, "--partition, --time, --mem, --dir and --no-submit go with --slurm"),
               -1;
    if (o->slurm && o->jobs > 1)
        return cli_usage(C, "--jobs is for this machine; Slurm runs the tasks as it can"), -1;
    return 0;
}

/* Does the base set --threads itself? */
static int base_has_threads(const sweep_grid *g)
{
    for (int i = 0; i < g->nbase; i++)
        if (is_opt(g->base[i], "--threads")) return 1;
    return 0;
}

static void print_cmd(const char *base, const char *args, int threads)
{
    printf("aetui train");
    for (const char *part[2] = {base, args}, **p = part; p < part + 2; p++) {
        if ((*p)[0]) putchar(' ');
        for (const char *s = *p; *s; s++) putchar(*s == '\n' ? ' ' : *s);
    }
    if (threads > 0) printf(" --threads %d", threads);
    putchar('\n');
}

static int open_store(const char *db, char *path, store **st)
{
    if (scli_path(C, db, path) || scli_open(C, path, 1, st)) return -1;
    if (store_readonly(*st)) {
        store_close(*st);
        return cli_usage(C, "%s: read-only, cannot record a sweep", path), -1;
    }
    return 0;
}

static int find_sweep(store *st, const char *arg, store_sweep *sw)
{
    ae_err err;
    int64_t id;
    int f = store_sweep_find(st, arg, &id, &err);
    if (f < 0) return cli_usage(C, "%s", err.msg), -1;
    if (!f) {
        char shown[128];
        scli_visible(arg, 60, shown, sizeof shown);
        return cli_usage(C, "sweep '%s': no such sweep (aetui sweep list)", shown), -1;
    }
    if (store_sweep_get(st, id, sw, &err)) return cli_usage(C, "%s", err.msg), -1;
    return 0;
}

static int cmd_list(int argc, char **argv)
{
    const char *db = NULL;
    for (int i = 1; i < argc; i++) {
        char *v;
        if (is_opt(argv[i], "--db")) {
            if (take(argv, argc, &i, "--db", &v)) return CLI_USAGE;
            db = v;
        } else
            return cli_usage(C, "sweep list: unexpected argument '%s'", argv[i]);
    }
    char path[4096];
    store *st;
    if (scli_path(C, db, path) || scli_open(C, path, 0, &st)) return CLI_USAGE;
    store_sweep *w;
    int n;
    ae_err err;
    if (store_sweeps_list(st, &w, &n, &err)) {
        store_close(st);
        return cli_usage(C, "%s", err.msg);
    }
    if (!n) fprintf(stderr, "no sweeps yet\n");
    for (int i = 0; i < n; i++) {
        char name[96], grid[600], when[32];
        scli_visible(w[i].name[0] ? w[i].name : "-", 24, name, sizeof name);
        scli_visible(w[i].grid, 80, grid, sizeof grid);
        scli_time(w[i].created, when, sizeof when);
        printf("%3lld  %-16s  %-5s  %3d/%-3d finished  %s  %s\n", (long long)w[i].id, name,
               w[i].scheduler, w[i].done, w[i].members, when, grid);
    }
    free(w);
    store_close(st);
    return CLI_OK;
}

static int cmd_status(int argc, char **argv)
{
    const char *db = NULL, *which = NULL;
    for (int i = 1; i < argc; i++) {
        char *v;
        if (is_opt(argv[i], "--db")) {
            if (take(argv, argc, &i, "--db", &v)) return CLI_USAGE;
            db = v;
        } else if (!which && argv[i][0] != '-')
            which = argv[i];
        else
            return cli_usage(C, "sweep status: unexpected argument '%s'", argv[i]);
    }
    if (!which) return cli_usage(C, "usage: aetui sweep status SWEEP [--db PATH]");
    char path[4096];
    store *st;
    if (scli_path(C, db, path) || scli_open(C, path, 0, &st)) return CLI_USAGE;
    store_sweep sw;
    if (find_sweep(st, which, &sw)) {
        store_close(st);
        return CLI_USAGE;
    }
    int rc = sweep_status(C, st, &sw, stdout);
    store_close(st);
    return rc;
}

int cmd_sweep(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(sweep_help, stdout);
            return CLI_OK;
        }
    if (argc > 1 && !strcmp(argv[1], "status")) return cmd_status(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "list")) return cmd_list(argc - 1, argv + 1);
    static sweep_opts o;
    if (parse(argc, argv, &o)) return CLI_USAGE;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = cores > 0 ? (int)(cores / o.jobs) : 1;
    if (threads < 1) threads = 1;
    char path[4096];
    store *st;
    ae_err err = {{0}};
    static store_sweep sw;
    if (o.resume) {
        if (open_store(o.db, path, &st)) return CLI_USAGE;
        int rc = CLI_USAGE;
        if (!find_sweep(st, o.resume, &sw))
            rc = !strcmp(sw.scheduler, "slurm")
                     ? sweep_slurm_resume(C, st, &sw)
                     : sweep_local_run(C, path, st, &sw, o.jobs, threads);
        store_close(st);
        return rc;
    }
    store_sweep_member *m;
    int n;
    if (sweep_grid_members(C, &o.g, &m, &n)) return CLI_USAGE;
    memset(&sw, 0, sizeof sw);
    sweep_grid_text(&o.g, sw.grid, sizeof sw.grid, sw.base, sizeof sw.base);
    snprintf(sw.name, sizeof sw.name, "%s", o.name ? o.name : "");
    snprintf(sw.scheduler, sizeof sw.scheduler, "%s", o.slurm ? "slurm" : "local");
    if (base_has_threads(&o.g)) threads = 0;
    if (o.slurm) threads = 0; /* the job script gives --threads from --cpus-per-task */
    if (o.dry) {
        printf("%d member%s (%s; %s):\n", n, n == 1 ? "" : "s", sw.grid,
               o.slurm ? "a Slurm job array" : "on this machine");
        for (int i = 0; i < n; i++) {
            printf("%4d  %-24s  ", m[i].member, m[i].key);
            print_cmd(sw.base, m[i].args, threads);
        }
        free(m);
        return CLI_OK;
    }
    if (open_store(o.db, path, &st)) {
        free(m);
        return CLI_USAGE;
    }
    store_uuid_new(sw.uuid);
    sw.created = (double)time(NULL);
    if (o.slurm) {
        char want[4200], probe[4300];
        if (o.dir) {
            snprintf(want, sizeof want, "%s", o.dir);
        } else {
            const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
            int stem = dot && (!slash || dot > slash) ? (int)(dot - path) : (int)strlen(path);
            snprintf(want, sizeof want, "%.*s.sweeps/%s-%.8s", stem, path,
                     sw.name[0] ? sw.name : "sweep", sw.uuid);
        }
        /* made now, so that its absolute path goes into the record and the job script */
        snprintf(probe, sizeof probe, "%s/shards/x", want);
        static char real[PATH_MAX];
        if (paths_mkdir_parent(probe, &err) || !realpath(want, real) ||
            strlen(real) >= sizeof sw.dir) {
            free(m);
            store_close(st);
            return cli_usage(C, "%s: cannot make the sweep's directory: %s", want,
                             err.msg[0] ? err.msg : strerror(errno));
        }
        snprintf(sw.dir, sizeof sw.dir, "%s", real);
    }
    int rc;
    if (store_sweep_add(st, &sw, m, n, &err)) {
        rc = cli_fail(C, "%s", err.msg);
    } else if (o.slurm) {
        sw.members = n;
        rc = sweep_slurm_launch(C, st, &sw, &o.so);
    } else {
        rc = sweep_local_run(C, path, st, &sw, o.jobs, threads);
    }
    free(m);
    store_close(st);
    return rc;
}

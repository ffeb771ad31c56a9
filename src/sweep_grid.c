/* sweep_grid.c: a sweep's grid, its members and its manifest (see sweep.h).
 *
 * Arguments are kept one per line (store and manifest alike), so an argument may hold spaces
 * and quotes but no line break or tab: those are refused when the sweep is made. */
#include "sweep.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "dspec.h"
#include "fileio.h"

/* Splits val at commas into out (pointers into val); the count, or -1 on an empty item. */
static int split_list(char *val, char **out, int max)
{
    int n = 0;
    for (char *p = val;;) {
        char *c = strchr(p, ',');
        if (c) *c = 0;
        if (!*p || n == max) return -1;
        out[n++] = p;
        if (!c) break;
        p = c + 1;
    }
    return n;
}

static int has_dup_int(const int *v, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (v[i] == v[j]) return 1;
    return 0;
}

int sweep_grid_option(const char *cmd, sweep_grid *g, const char *opt, char *val)
{
    char *items[SWEEP_LIST_MAX];
    int is_model = !strcmp(opt, "--model"), is_ds = !strcmp(opt, "--dataset");
    int is_lat = !strcmp(opt, "--latent"), is_seed = !strcmp(opt, "--seed");
    if (!is_model && !is_ds && !is_lat && !is_seed) return 0;
    if (strpbrk(val, "\t\n"))
        return cli_usage(cmd, "%s: a value holds a tab or a line break", opt), -1;
    int n = split_list(val, items, SWEEP_LIST_MAX);
    if (n < 0)
        return cli_usage(cmd, "%s: expected a comma-separated list of at most %d values, got '%s'",
                         opt, SWEEP_LIST_MAX, val),
               -1;
    for (int i = 0; i < n; i++) {
        if (is_model) g->models[g->nmodels++] = items[i];
        if (is_ds) g->datasets[g->ndatasets++] = items[i];
        if (is_lat && cli_int(cmd, "--latent", items[i], 1, 65536, &g->latents[g->nlatents++]))
            return -1;
        if (is_seed && cli_u64(cmd, "--seed", items[i], &g->seeds[g->nseeds++])) return -1;
        if (g->nmodels > SWEEP_LIST_MAX || g->ndatasets > SWEEP_LIST_MAX)
            return cli_usage(cmd, "%s: at most %d values", opt, SWEEP_LIST_MAX), -1;
    }
    if (is_lat && has_dup_int(g->latents, g->nlatents))
        return cli_usage(cmd, "--latent: a size is given twice"), -1;
    return 1;
}

int sweep_train_option(const char *cmd, const char *opt)
{
    static const char *const refused[] = {"--resume", "--from", "--json", "--no-record", "--force"};
    char name[64];
    size_t n = strcspn(opt, "=");
    snprintf(name, sizeof name, "%.*s", (int)(n < 63 ? n : 63), opt);
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (!strcmp(name, refused[i]))
            return cli_usage(cmd, "%s: not in a sweep (every member is a new recorded run)", name),
                   -1;
    if (strpbrk(opt, "\t\n"))
        return cli_usage(cmd, "%.40s: an option holds a tab or a line break", opt), -1;
    if (opt[n] == '=' || !strcmp(name, "--no-baseline")) return 0;
    for (const ds_spec_option *o = ds_spec_options; o->name; o++) /* --header, --no-header */
        if (!o->has_value && !strcmp(name + 2, o->name)) return 0;
    return 1;
}

static int add_arg(char *buf, size_t len, size_t *k, const char *a)
{
    int w = snprintf(buf + *k, len - *k, "%s%s", *k ? "\n" : "", a);
    if (w < 0 || (size_t)w >= len - *k) return -1;
    *k += (size_t)w;
    return 0;
}

int sweep_grid_members(const char *cmd, const sweep_grid *g, store_sweep_member **out, int *n)
{
    *out = NULL, *n = 0;
    if (!g->nmodels && !g->ndatasets && !g->nlatents && !g->nseeds)
        return cli_usage(cmd, "no grid: give lists to --latent, --seed, --model or --dataset "
                              "(aetui sweep --help)"),
               -1;
    int nm = g->nmodels ? g->nmodels : 1, nd = g->ndatasets ? g->ndatasets : 1;
    int nl = g->nlatents ? g->nlatents : 1, ns = g->nseeds ? g->nseeds : 1;
    long total = (long)nm * nd * nl * ns;
    if (total > SWEEP_MEMBERS_MAX)
        return cli_usage(cmd, "%ld runs in the grid; at most %d in one sweep", total,
                         SWEEP_MEMBERS_MAX),
               -1;
    store_sweep_member *m = calloc((size_t)total, sizeof *m);
    if (!m) return cli_fail(cmd, "out of memory"), -1;
    int k = 0;
    for (int a = 0; a < nm; a++)
        for (int b = 0; b < nd; b++)
            for (int c = 0; c < nl; c++)
                for (int d = 0; d < ns; d++, k++) {
                    store_sweep_member *x = &m[k];
                    x->member = k;
                    size_t ka = 0, kk = 0;
                    char v[32];
                    int bad = 0;
#define PART(fmt, val)                                                                             \
    kk += (size_t)snprintf(x->key + kk, kk < sizeof x->key ? sizeof x->key - kk : 0, "%s" fmt,     \
                           kk ? "-" : "", val)
                    if (g->nmodels) {
                        bad |= add_arg(x->args, sizeof x->args, &ka, "--model") ||
                               add_arg(x->args, sizeof x->args, &ka, g->models[a]);
                        PART("%s", g->models[a]);
                    }
                    if (g->ndatasets) {
                        bad |= add_arg(x->args, sizeof x->args, &ka, "--dataset") ||
                               add_arg(x->args, sizeof x->args, &ka, g->datasets[b]);
                        PART("%s", g->datasets[b]);
                    }
                    if (g->nlatents) {
                        snprintf(v, sizeof v, "%d", g->latents[c]);
                        bad |= add_arg(x->args, sizeof x->args, &ka, "--latent") ||
                               add_arg(x->args, sizeof x->args, &ka, v);
                        PART("l%s", v);
                    }
                    if (g->nseeds) {
                        snprintf(v, sizeof v, "%llu", (unsigned long long)g->seeds[d]);
                        bad |= add_arg(x->args, sizeof x->args, &ka, "--seed") ||
                               add_arg(x->args, sizeof x->args, &ka, v);
                        PART("s%s", v);
                    }
#undef PART
                    if (bad || kk >= sizeof x->key) {
                        free(m);
                        return cli_usage(cmd, "a model or dataset name is too long"), -1;
                    }
                }
    /* the same value twice in a list would make two members with one key */
    for (int i = 0; i < k; i++)
        for (int j = 0; j < i; j++)
            if (!strcmp(m[i].key, m[j].key)) {
                char key[64];
                snprintf(key, sizeof key, "%s", m[i].key);
                free(m);
                return cli_usage(cmd, "the grid has member %s twice (a value given twice?)", key),
                       -1;
            }
    *out = m, *n = k;
    return 0;
}

void sweep_grid_text(const sweep_grid *g, char *grid, size_t glen, char *base, size_t blen)
{
    size_t k = 0;
    grid[0] = base[0] = 0;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (k < glen) k += (size_t)snprintf(grid + k, glen - k, __VA_ARGS__);                      \
    } while (0)
    if (g->nmodels) ADD("%s--model ", k ? " " : "");
    for (int i = 0; i < g->nmodels; i++) ADD("%s%s", i ? "," : "", g->models[i]);
    if (g->ndatasets) ADD("%s--dataset ", k ? " " : "");
    for (int i = 0; i < g->ndatasets; i++) ADD("%s%s", i ? "," : "", g->datasets[i]);
    if (g->nlatents) ADD("%s--latent ", k ? " " : "");
    for (int i = 0; i < g->nlatents; i++) ADD("%s%d", i ? "," : "", g->latents[i]);
    if (g->nseeds) ADD("%s--seed ", k ? " " : "");
    for (int i = 0; i < g->nseeds; i++)
        ADD("%s%llu", i ? "," : "", (unsigned long long)g->seeds[i]);
#undef ADD
    size_t kb = 0;
    for (int i = 0; i < g->nbase; i++)
        if (add_arg(base, blen, &kb, g->base[i])) break;
}

int sweep_split_args(char *buf, char **argv, int max)
{
    int n = 0;
    if (!*buf) return 0;
    for (char *p = buf; n < max;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = 0;
        argv[n++] = p;
        if (!nl) break;
        p = nl + 1;
    }
    return n;
}

/* ---- the manifest ---------------------------------------------------------------------- */

/* Writes args kept one per line as tab-separated fields. */
static void put_args(FILE *f, const char *args)
{
    for (const char *p = args; *p; p++) fputc(*p == '\n' ? '\t' : *p, f);
}

int sweep_manifest_write(const char *dir, const store_sweep *sw, const store_sweep_member *m, int n,
                         ae_err *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.tsv", dir);
    fio_out o;
    if (fio_out_open(&o, path, 0, err)) return -1;
    fprintf(o.f, "aetui-sweep\t1\nuuid\t%s\nname\t%s\ncreated\t%.3f\ngrid\t%s\nbase\t", sw->uuid,
            sw->name, sw->created, sw->grid);
    put_args(o.f, sw->base);
    fputc('\n', o.f);
    for (int i = 0; i < n; i++) {
        fprintf(o.f, "member\t%d\t%s\t", m[i].member, m[i].key);
        put_args(o.f, m[i].args);
        fputc('\n', o.f);
    }
    return fio_out_commit(&o, err);
}

/* Copies a tab-separated rest of line into out as one argument per line. */
static void get_args(const char *s, char *out, size_t len)
{
    size_t k = 0;
    for (; *s && *s != '\n' && k + 1 < len; s++) out[k++] = *s == '\t' ? '\n' : *s;
    out[k] = 0;
}

static void get_field(const char *s, char *out, size_t len)
{
    size_t k = 0;
    for (; *s && *s != '\n' && *s != '\t' && k + 1 < len; s++) out[k++] = *s;
    out[k] = 0;
}

int sweep_manifest_read(const char *dir, store_sweep *sw, store_sweep_member **mo, int *no,
                        ae_err *err)
{
    *mo = NULL, *no = 0;
    memset(sw, 0, sizeof *sw);
    char path[4200];
    snprintf(path, sizeof path, "%s/sweep.tsv", dir);
    FILE *f = fio_fopen_read(path, NULL, err);
    if (!f) return -1;
    static char line[8192];
    int n = 0, cap = 0, ok = 0;
    store_sweep_member *m = NULL;
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = 0;
        const char *v = tab + 1;
        if (!strcmp(line, "aetui-sweep")) ok = 1;
        if (!strcmp(line, "uuid")) get_field(v, sw->uuid, sizeof sw->uuid);
        if (!strcmp(line, "name")) get_field(v, sw->name, sizeof sw->name);
        if (!strcmp(line, "created")) sw->created = strtod(v, NULL);
        if (!strcmp(line, "grid")) get_field(v, sw->grid, sizeof sw->grid);
        if (!strcmp(line, "base")) get_args(v, sw->base, sizeof sw->base);
        if (!strcmp(line, "member")) {
            if (n == cap) {
                cap = cap ? 2 * cap : 64;
                store_sweep_member *b = realloc(m, sizeof *m * (size_t)cap);
                if (!b) break;
                m = b;
            }
            store_sweep_member *x = &m[n];
            memset(x, 0, sizeof *x);
            char *end;
            long idx = strtol(v, &end, 10);
            if (end == v || *end != '\t' || idx != n) continue; /* members in order */
            get_field(end + 1, x->key, sizeof x->key);
            const char *a = strchr(end + 1, '\t');
            if (a) get_args(a + 1, x->args, sizeof x->args);
            x->member = (int)idx;
            n++;
        }
    }
    fclose(f);
    if (!ok || strlen(sw->uuid) != 36 || !n) {
        free(m);
        return ae_fail(err, "%s: not an aetui sweep manifest (or it lists no member)", path);
    }
    snprintf(sw->scheduler, sizeof sw->scheduler, "slurm");
    static char real[PATH_MAX];
    const char *d = realpath(dir, real) ? real : dir;
    if (strlen(d) >= sizeof sw->dir) {
        free(m);
        return ae_fail(err, "%s: the sweep's directory path is too long", dir);
    }
    memcpy(sw->dir, d, strlen(d) + 1);
    /* the job id, when it was submitted */
    snprintf(path, sizeof path, "%s/job", dir);
    FILE *j = fopen(path, "r");
    if (j) {
        if (fgets(sw->job, sizeof sw->job, j)) sw->job[strcspn(sw->job, "\n")] = 0;
        fclose(j);
    }
    sw->members = n;
    *mo = m, *no = n;
    return 0;
}

int sweep_self(char *out, size_t len, ae_err *err)
{
    ssize_t n = readlink("/proc/self/exe", out, len - 1);
    if (n <= 0 || (size_t)n >= len - 1)
        return ae_fail(err, "cannot find this program's path (/proc/self/exe): %s",
                       n < 0 ? strerror(errno) : "too long");
    out[n] = 0;
    return 0;
}

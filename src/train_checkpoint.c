/* train_checkpoint.c: writing a run's checkpoints as it trains, and reading its settings back
 * (see train_checkpoint.h).
 *
 * The idea: the trainer hands every on_epoch call a view of the model and of its whole state;
 * this observer turns that into three files written atomically (weights, best weights, state),
 * after the store recorded the epoch, so that at any instant the run's directory holds a
 * consistent last epoch that the store knows of. The settings of a
 * run travel inside its checkpoints' __metadata__ (every hyperparameter, doubles with 17
 * digits), so --resume and --from need nothing else to rebuild the configuration. */
#include "train_checkpoint.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checkpoint.h"
#include "cli.h"
#include "dspec.h"
#include "model.h"
#include "npy.h"
#include "paths.h"
#include "scaling.h"
#include "store_cli.h"

/* ---- metadata of a configuration ---------------------------------------------------- */

enum { META_MAX = 32 };

typedef struct meta_buf {
    st_kv kv[META_MAX];
    char val[META_MAX][1100];
    int n;
} meta_buf;

static void meta_add(meta_buf *m, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void meta_add(meta_buf *m, const char *key, const char *fmt, ...)
{
    if (m->n >= META_MAX) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->val[m->n], sizeof m->val[m->n], fmt, ap);
    va_end(ap);
    m->kv[m->n].key = key;
    m->kv[m->n].value = m->val[m->n];
    m->n++;
}

static void config_meta(meta_buf *m, const train_config *cfg, const char *scaling, int64_t run,
                        int64_t parent, int epoch, const char *weights, const char *store_id,
                        const char *run_id)
{
    m->n = 0;
    meta_add(m, "run_id", "%lld", (long long)run);
    meta_add(m, "store_uuid", "%s", store_id);
    meta_add(m, "run_uuid", "%s", run_id);
    if (parent > 0) meta_add(m, "parent_run", "%lld", (long long)parent);
    meta_add(m, "epoch", "%d", epoch);
    meta_add(m, "weights", "%s", weights);
    meta_add(m, "dataset", "%s", cfg->dataset);
    if (cfg->data_dir[0]) meta_add(m, "data_dir", "%s", cfg->data_dir);
    meta_add(m, "epochs", "%d", cfg->epochs);
    meta_add(m, "batch", "%d", cfg->batch);
    meta_add(m, "lr", "%.17g", cfg->lr);
    meta_add(m, "train", "%d", cfg->train_n);
    meta_add(m, "test", "%d", cfg->test_n);
    meta_add(m, "seed", "%llu", (unsigned long long)cfg->seed);
    meta_add(m, "threads", "%d", cfg->threads);
    meta_add(m, "clip", "%.17g", cfg->clip);
    meta_add(m, "flip", "%d", cfg->flip);
    meta_add(m, "shift", "%d", cfg->shift);
    meta_add(m, "cosine", "%d", cfg->cosine);
    if (cfg->data_spec[0]) meta_add(m, "data_spec", "%s", cfg->data_spec);
    if (scaling && m->n < META_MAX) { /* any length: not copied into val */
        m->kv[m->n].key = "data_scaling";
        m->kv[m->n++].value = scaling;
    }
    if (cfg->train_classes[0]) meta_add(m, "train_classes", "%s", cfg->train_classes);
    if (cfg->anomalies > 0) meta_add(m, "anomalies", "%.17g", cfg->anomalies);
    if (cfg->noise.kind) {
        char ns[48];
        noise_format(&cfg->noise, ns, sizeof ns);
        meta_add(m, "noise", "%s", ns);
    }
}

static int meta_int(const st_file *f, const char *key, long lo, long hi, int *out, ae_err *err)
{
    const char *v = st_meta(f, key);
    char *end;
    errno = 0;
    long x = v ? strtol(v, &end, 10) : 0;
    if (!v || !*v || *end || errno || x < lo || x > hi)
        return ae_fail(err, "%s: __metadata__ %s is %s%.32s%s", f->name, key, v ? "'" : "",
                       v ? v : "missing", v ? "'" : "");
    *out = (int)x;
    return 0;
}

static int meta_double(const st_file *f, const char *key, double *out, ae_err *err)
{
    const char *v = st_meta(f, key);
    char *end;
    double x = v ? strtod(v, &end) : 0;
    if (!v || !*v || *end)
        return ae_fail(err, "%s: __metadata__ %s is %s%.32s%s", f->name, key, v ? "'" : "",
                       v ? v : "missing", v ? "'" : "");
    *out = x;
    return 0;
}

int train_ckpt_config(const char *ckpt, train_config *cfg, ae_err *err)
{
    st_file f;
    if (st_read(ckpt, &f, err)) return -1;
    ckpt_info info;
    int rc = -1;
    if (ckpt_info_of(&f, &info, err) || train_config_defaults(cfg, info.model, err)) goto out;
    const char *ds = st_meta(&f, "dataset"), *dd = st_meta(&f, "data_dir"),
               *seed = st_meta(&f, "seed");
    if (!ds || strlen(ds) >= sizeof cfg->dataset) {
        ae_fail(err, "%s: __metadata__ has no dataset", f.name);
        goto out;
    }
    snprintf(cfg->dataset, sizeof cfg->dataset, "%s", ds);
    if (dd) snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s", dd);
    const char *spec = st_meta(&f, "data_spec");
    if (spec) { /* your own data: its spec, and its scaling read back from this file */
        if (strlen(spec) >= sizeof cfg->data_spec || strlen(ckpt) >= sizeof cfg->scaling_from) {
            ae_fail(err, "%s: __metadata__ data_spec is too long", f.name);
            goto out;
        }
        snprintf(cfg->data_spec, sizeof cfg->data_spec, "%s", spec);
        if (st_meta(&f, "data_scaling"))
            snprintf(cfg->scaling_from, sizeof cfg->scaling_from, "%s", ckpt);
    }
    cfg->latent = info.latent;
    char *end;
    errno = 0;
    unsigned long long s = seed ? strtoull(seed, &end, 10) : 0;
    if (!seed || !*seed || *end || errno) {
        ae_fail(err, "%s: __metadata__ seed is missing or not a number", f.name);
        goto out;
    }
    cfg->seed = s;
    if (meta_int(&f, "epochs", 1, 1000000, &cfg->epochs, err) ||
        meta_int(&f, "batch", 1, 65536, &cfg->batch, err) ||
        meta_int(&f, "train", 1, 100000000, &cfg->train_n, err) ||
        meta_int(&f, "test", 1, 100000000, &cfg->test_n, err) ||
        meta_int(&f, "threads", 1, 256, &cfg->threads, err) ||
        meta_int(&f, "flip", 0, 1, &cfg->flip, err) ||
        (st_meta(&f, "shift") && meta_int(&f, "shift", 0, 3, &cfg->shift, err)) ||
        meta_int(&f, "cosine", 0, 1, &cfg->cosine, err) || meta_double(&f, "lr", &cfg->lr, err) ||
        meta_double(&f, "clip", &cfg->clip, err) ||
        (st_meta(&f, "anomalies") && meta_double(&f, "anomalies", &cfg->anomalies, err)) ||
        noise_parse(st_meta(&f, "noise"), &cfg->noise, err))
        goto out;
    const char *tc = st_meta(&f, "train_classes");
    if (tc && strlen(tc) >= sizeof cfg->train_classes) {
        ae_fail(err, "%s: __metadata__ train_classes is too long", f.name);
        goto out;
    }
    if (tc) snprintf(cfg->train_classes, sizeof cfg->train_classes, "%s", tc);
    rc = train_config_check(cfg, err);
    if (rc) ae_wrap(err, "%s", f.name);
out:
    st_free(&f);
    return rc;
}

/* ---- the observer ------------------------------------------------------------------- */

static int ck_start(void *ctx, const train_info *info, ae_err *err)
{
    train_ckpt *c = ctx;
    if (c->next && c->next->on_start && c->next->on_start(c->next->ctx, info, err)) return -1;
    c->cfg = *info->cfg;
    if (info->dataset) snprintf(c->cfg.dataset, sizeof c->cfg.dataset, "%s", info->dataset);
    free(c->scaling);
    c->scaling = NULL;
    if (info->scaling && info->scaling->n > 0 && !(c->scaling = ds_scaling_to_json(info->scaling)))
        return ae_fail(err, "out of memory");
    c->run = c->rec ? train_record_run(c->rec) : 0;
    if (c->run <= 0) return 0;
    char dir[4096];
    if (store_run_dir_make(c->rec->st, c->run, !c->rec->reopen, dir, sizeof dir, err)) {
        free(c->scaling); /* on_end comes only after a start that went through */
        c->scaling = NULL;
        return -1;
    }
    if (!realpath(dir, c->dir)) snprintf(c->dir, sizeof c->dir, "%s", dir);
    store_run_dir_clean(c->rec->st, c->run);
    return 0;
}

static void ck_batch(void *ctx, int epoch, int batch, int nbatches, float loss, double running)
{
    train_ckpt *c = ctx;
    if (c->next && c->next->on_batch)
        c->next->on_batch(c->next->ctx, epoch, batch, nbatches, loss, running);
}

static int ck_record_paths(train_ckpt *c, const char *last, const char *best, const char *state,
                           ae_err *err)
{
    store *st = c->rec->st;
    char text[3 * 4300];
    int n = snprintf(text, sizeof text, "last\t%s\nbest\t%s\nstate\t%s", last, best, state);
    if (store_run_set_checkpoint(st, c->run, last, err) ||
        store_artifact_put(st, c->run, "checkpoints", "text", 3, 1, text, (size_t)n, err))
        return -1;
    return 0;
}

/* The epoch is recorded in the store first (next: the recorder), then its files are written:
 * best, last weights, and last the state a resume starts from. A kill anywhere in between
 * leaves the store ahead of the state by at most this epoch, never behind it, and a resume
 * redoes that epoch from the state (store_epoch_add replaces its row when recorded again). The
 * other order lost the epoch's row for good (issue 11). A refused epoch (NaN) writes nothing. */
static int ck_epoch(void *ctx, const train_epoch *ep, const float *losses, int nb, ae_err *err)
{
    train_ckpt *c = ctx;
    if (c->next && c->next->on_epoch && c->next->on_epoch(c->next->ctx, ep, losses, nb, err))
        return -1;
    if (c->run > 0 && ep->net && ep->state) {
        char last[4300], best[4300], state[4300];
        snprintf(last, sizeof last, "%s/%s", c->dir, TCKPT_LAST);
        snprintf(best, sizeof best, "%s/%s", c->dir, TCKPT_BEST);
        snprintf(state, sizeof state, "%s/%s", c->dir, TCKPT_STATE);
        static _Thread_local meta_buf m; /* 26 KB: off the trainer thread's stack */
        int64_t parent = c->rec ? c->rec->parent : 0;
        const char *sid = store_uuid(c->rec->st), *rid = train_record_uuid(c->rec);
        if (ep->state->best_epoch == ep->epoch) {
            config_meta(&m, &c->cfg, c->scaling, c->run, parent, ep->epoch, "best", sid, rid);
            if (ckpt_save(best, ep->net, c->cfg.model, m.kv, m.n, err)) return -1;
        }
        config_meta(&m, &c->cfg, c->scaling, c->run, parent, ep->epoch, "last", sid, rid);
        if (ckpt_save(last, ep->net, c->cfg.model, m.kv, m.n, err)) return -1;
        ckpt_state s = *ep->state;
        s.run = c->run;
        snprintf(s.store_uuid, sizeof s.store_uuid, "%s", sid);
        snprintf(s.run_uuid, sizeof s.run_uuid, "%s", rid);
        if (ckpt_state_save(state, &s, ep->net, err)) return -1;
        if (!c->recorded) {
            if (ck_record_paths(c, last, best, state, err)) return -1;
            c->recorded = 1;
        }
    }
    return 0;
}

static void ck_end(void *ctx, const train_result *res)
{
    train_ckpt *c = ctx;
    free(c->scaling);
    c->scaling = NULL;
    if (c->next && c->next->on_end) c->next->on_end(c->next->ctx, res);
}

train_observer train_ckpt_observer(train_ckpt *c, const char *db, train_record *rec,
                                   const train_observer *next)
{
    memset(c, 0, sizeof *c);
    snprintf(c->db, sizeof c->db, "%s", db ? db : "");
    c->rec = rec, c->next = next;
    return (train_observer){c, ck_start, ck_batch, ck_epoch, ck_end};
}

/* ---- finding a run's files ---------------------------------------------------------- */

static int is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Fails unless the file at path is run's (r) of store st, or older than identities. */
static int check_ident(store *st, const store_run *r, const char *path, ae_err *err)
{
    char have_store[37], have_run[37];
    if (ckpt_ident_read(path, have_store, have_run, err)) return -1;
    return ckpt_ident_check(path, have_store, have_run, store_uuid(st), r->uuid, r->id, err);
}

int train_ckpt_file(store *st, int64_t run, const char *name, char *out, size_t len, ae_err *err)
{
    static _Thread_local store_run r; /* large (notes) */
    char dir[4096];
    if (store_run_get(st, run, &r, err) || store_run_dir(st, run, dir, sizeof dir, err)) return -1;
    if ((size_t)snprintf(out, len, "%s/%s", dir, name) >= len)
        return ae_fail(err, "%s: path too long", dir);
    if (is_file(out)) return check_ident(st, &r, out, err);
    const char *slash = strrchr(r.checkpoint, '/');
    if (r.checkpoint[0] && slash) {
        char alt[4300];
        snprintf(alt, sizeof alt, "%.*s/%s", (int)(slash - r.checkpoint), r.checkpoint, name);
        if (is_file(alt) && strlen(alt) < len) {
            snprintf(out, len, "%s", alt);
            return check_ident(st, &r, out, err);
        }
    }
    return ae_fail(err,
                   "run %lld has no %s (looked in %s%s%s): it ended before its first epoch, "
                   "or was trained by an aetui without checkpoints",
                   (long long)run, name, dir, r.checkpoint[0] ? " and beside " : "", r.checkpoint);
}

/* ---- aetui train --resume / --from -------------------------------------------------- */

/* The value of option `name` in argv ("--name V" or "--name=V"), or NULL. */
static const char *arg_value(int argc, char **argv, const char *name, int *present)
{
    size_t n = strlen(name);
    const char *v = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) break;
        if (!strncmp(argv[i], name, n) && argv[i][n] == '=') {
            v = argv[i] + n + 1;
            if (present) *present = 1;
        } else if (!strcmp(argv[i], name)) {
            if (present) *present = 1;
            if (i + 1 < argc) v = argv[++i];
        }
    }
    return v;
}

int train_ckpt_args(const char *C, int argc, char **argv, train_config *cfg, int64_t *parent)
{
    int has_resume = 0, has_from = 0;
    const char *resume = arg_value(argc, argv, "--resume", &has_resume);
    const char *from = arg_value(argc, argv, "--from", &has_from);
    *parent = 0;
    if (!has_resume && !has_from) return CLI_OK;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help")) return CLI_OK; /* the command prints its help */
    if (has_resume && has_from) return cli_usage(C, "--resume and --from exclude each other");
    const char *which = has_resume ? "--resume" : "--from", *arg = has_resume ? resume : from;
    if (!arg) return cli_usage(C, "%s needs a run id", which);
    if (has_resume) { /* the run's own settings: only these may be given */
        static const char *const ok[] = {"--resume", "--epochs",    "--json",
                                         "--db",     "--no-record", "--force"};
        for (int i = 1; i < argc; i++) {
            if (strncmp(argv[i], "--", 2)) continue;
            int known = 0;
            for (size_t k = 0; k < sizeof ok / sizeof ok[0] && !known; k++) {
                size_t n = strlen(ok[k]);
                known = !strncmp(argv[i], ok[k], n) && (!argv[i][n] || argv[i][n] == '=');
            }
            if (!known && strcmp(argv[i], "--help"))
                return cli_usage(C,
                                 "%s: --resume continues a run with its own settings; only "
                                 "--epochs, --json, --db, --no-record and --force may be given",
                                 argv[i]);
            if (known && !strchr(argv[i], '=') && strcmp(argv[i], "--json") &&
                strcmp(argv[i], "--no-record") && strcmp(argv[i], "--force"))
                i++; /* skip the option's value */
        }
    }
    int64_t run;
    if (scli_opt_run_id(C, which, arg, &run)) return CLI_USAGE;
    char path[4096];
    store *st;
    int rc = scli_path(C, arg_value(argc, argv, "--db", NULL), path);
    if (rc || (rc = scli_open(C, path, 0, &st))) return rc;
    ae_err err;
    char weights[4300], state[4300];
    int e = store_run_exists(st, run, &err);
    if (e <= 0) {
        store_close(st);
        if (e < 0) return cli_usage(C, "%s", err.msg);
        return cli_usage(C, "%s %lld: no such run", which, (long long)run);
    }
    if (train_ckpt_file(st, run, TCKPT_LAST, weights, sizeof weights, &err) ||
        (has_resume && train_ckpt_file(st, run, TCKPT_STATE, state, sizeof state, &err))) {
        store_close(st);
        return cli_usage(C, "%s: %s", which, err.msg);
    }
    char ident_store[37], ident_run[37] = "";
    snprintf(ident_store, sizeof ident_store, "%s", store_uuid(st));
    static store_run r; /* large (notes): the CLI's main thread */
    char data_sha[65] = "";
    if (has_resume && store_run_get(st, run, &r, &err) == 0) {
        snprintf(ident_run, sizeof ident_run, "%s", r.uuid);
        snprintf(data_sha, sizeof data_sha, "%s", r.data_sha256);
    }
    store_close(st);
    if (train_ckpt_config(weights, cfg, &err)) return cli_usage(C, "%s: %s", which, err.msg);
    const char *model = arg_value(argc, argv, "--model", NULL);
    if (model && strcmp(model, cfg->model))
        return cli_usage(C, "--model %s: run %lld is a %s model, and %s keeps the model", model,
                         (long long)run, cfg->model, which);
    const char *src = has_resume ? state : weights;
    char *dst = has_resume ? cfg->resume_state : cfg->init_weights;
    if (strlen(src) >= sizeof cfg->resume_state)
        return cli_usage(C, "%s: path too long: %s", which, src);
    memcpy(dst, src, strlen(src) + 1);
    if (has_resume) { /* the trainer checks the state and the data are this run's */
        memcpy(cfg->ident_store, ident_store, sizeof ident_store);
        memcpy(cfg->ident_run, ident_run, sizeof ident_run);
        memcpy(cfg->data_sha256, data_sha, sizeof data_sha);
        int force = 0;
        for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
            force |= !strcmp(argv[i], "--force");
        cfg->force_data = force;
    }
    *parent = run;
    return CLI_OK;
}

/* ---- a run's model for inference ---------------------------------------------------- */

int train_ckpt_model(const char *C, const char *db, const char *run_arg, const char *weights,
                     int batch, run_model *m)
{
    memset(m, 0, sizeof *m);
    if (strcmp(weights, "last") && strcmp(weights, "best"))
        return cli_usage(C, "--weights: expected last or best, got '%s'", weights);
    if (scli_run_id(C, run_arg, &m->run)) return CLI_USAGE;
    char path[4096];
    store *st;
    int rc = scli_path(C, db, path);
    if (rc || (rc = scli_open(C, path, 0, &st))) return rc;
    ae_err err;
    int e = store_run_exists(st, m->run, &err);
    if (e <= 0) {
        store_close(st);
        if (e < 0) return cli_usage(C, "%s", err.msg);
        return cli_usage(C, "run %lld: no such run", (long long)m->run);
    }
    rc = train_ckpt_file(st, m->run, !strcmp(weights, "best") ? TCKPT_BEST : TCKPT_LAST, m->file,
                         sizeof m->file, &err);
    store_close(st);
    if (rc) return cli_usage(C, "%s", err.msg);
    st_file f;
    if (st_read(m->file, &f, &err)) return cli_usage(C, "%s", err.msg);
    net_init(&m->n, (net_shape){0});
    if (ckpt_info_of(&f, &m->info, &err)) goto bad;
    net_init(&m->n, m->info.input);
    if (model_build(&m->n, m->info.model, m->info.latent, &err) ||
        net_finalize(&m->n, batch, 1, &err) || ckpt_load_file(&f, &m->n, m->info.model, &err) ||
        ckpt_scaling_of(&f, &m->scaling, &err)) {
        ae_wrap(&err, "%s", m->file);
        goto bad;
    }
    const char *spec = st_meta(&f, "data_spec"), *ds = st_meta(&f, "dataset");
    if (spec) snprintf(m->data_spec, sizeof m->data_spec, "%.1023s", spec);
    if (ds) snprintf(m->dataset, sizeof m->dataset, "%.31s", ds);
    st_free(&f);
    return CLI_OK;
bad:
    st_free(&f);
    net_free(&m->n);
    ds_scaling_free(&m->scaling);
    return cli_usage(C, "%s", err.msg);
}

void train_ckpt_model_free(run_model *m)
{
    net_free(&m->n);
    ds_scaling_free(&m->scaling);
}

void train_ckpt_unscale(const run_model *m, float *y, int64_t n)
{
    if (m->scaling.n < 1 || m->n.input.rank != 2) return;
    ds_scaling_undo(&m->scaling, y, n * net_shape_size(&m->n.input) / m->scaling.n);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

/* A file in the run's data format, read with the run's options and scaling, every sample. */
static int own_input(const char *C, const run_model *m, const char *path, float **x, int64_t *n)
{
    ds_spec spec;
    ds_spec_init(&spec);
    snprintf(spec.name, sizeof spec.name, "%s", m->dataset);
    ae_err err;
    if (ds_spec_from_text(m->data_spec, &spec, &err))
        return cli_usage(C, "%s: data_spec: %s", m->file, err.msg);
    if (strlen(path) >= sizeof spec.path) return cli_usage(C, "%s: path too long", path);
    snprintf(spec.path, sizeof spec.path, "%s", path);
    spec.test_path[0] = spec.labels[0] = spec.test_labels[0] = 0;
    ds_load_req rq = {.fixed = m->scaling.n ? &m->scaling : NULL, .threads = 2, .whole = 1};
    dataset d;
    if (ds_spec_load(&spec, &rq, &d, NULL, &err)) return cli_usage(C, "%s", err.msg);
    const net_shape *in = &m->n.input;
    int fits = in->rank == 3 ? d.kind == DS_IMAGES && d.h == in->h && d.w == in->w && d.c == in->c
                             : d.kind == DS_SEQUENCES && d.t == in->h && d.f == in->c;
    if (!fits || d.n < 1) {
        char shape[64];
        ds_shape_text(&d, shape, sizeof shape);
        ds_free(&d);
        if (fits) return cli_usage(C, "%s: no samples", path);
        return cli_usage(C, "%s: samples of %s do not fit run %lld's %s model (%dx%d%s%.0d)", path,
                         shape, (long long)m->run, m->info.model, in->h,
                         in->rank == 3 ? in->w : in->c, in->rank == 3 ? "x" : "",
                         in->rank == 3 ? in->c : 0);
    }
    float *v = malloc(sizeof(float) * (size_t)d.n * d.dim);
    if (!v) {
        ds_free(&d);
        return cli_fail(C, "%s: out of memory", path);
    }
    for (int i = 0; i < d.n; i++) ds_sample(&d, i, v + (size_t)i * d.dim);
    *x = v, *n = d.n;
    ds_free(&d);
    return CLI_OK;
}

static void shape_text(const int64_t *s, int nd, char *buf, size_t len)
{
    size_t k = (size_t)snprintf(buf, len, "(");
    for (int d = 0; d < nd && k < len; d++)
        k += (size_t)snprintf(buf + k, len - k, "%s%lld", d ? ", " : "", (long long)s[d]);
    if (k < len) snprintf(buf + k, len - k, nd == 1 ? ",)" : ")");
}

int train_ckpt_input(const char *C, const run_model *m, const char *path, float **x, int64_t *n)
{
    *x = NULL, *n = 0;
    if (m->data_spec[0] && !ends_with(path, ".npy")) return own_input(C, m, path, x, n);
    const net_shape *in = &m->info.input;
    int images = in->rank == 3;
    npy_array a;
    ae_err err, err2;
    if (npy_read(path, NPY_FLOAT, &a, &err)) {
        if (!images || npy_read(path, NPY_UINT8, &a, &err2))
            return cli_usage(C, "%s%s", err.msg,
                             images ? " (a cnn takes uint8 0-255 or float32 in [0,1])" : "");
    }
    if (!images && in->h == 1 && a.ndim == 2) { /* N x D vectors: sequences of one step */
        a.ndim = 3, a.shape[2] = a.shape[1], a.shape[1] = 1;
    }
    int64_t want[4] = {-1, in->h, images ? in->w : in->c, in->c};
    int nd = images ? 4 : 3;
    int fits = a.ndim == nd;
    for (int d = 1; fits && d < nd; d++) fits = a.shape[d] == want[d];
    if (!fits) {
        char got[96], exp[96];
        shape_text(a.shape, a.ndim, got, sizeof got);
        if (images)
            snprintf(exp, sizeof exp, "(N, %d, %d, %d)", in->h, in->w, in->c);
        else
            snprintf(exp, sizeof exp, "(N, %d, %d)", in->h, in->c);
        npy_free(&a);
        return cli_usage(C, "%s: shape %s does not fit run %lld's %s model: expected %s%s", path,
                         got, (long long)m->run, m->info.model, exp,
                         images ? " (N x H x W x C)" : " (N x T x F)");
    }
    if (a.shape[0] < 1) {
        npy_free(&a);
        return cli_usage(C, "%s: no samples", path);
    }
    float *v = malloc(sizeof(float) * (size_t)(a.count ? a.count : 1));
    if (!v) {
        npy_free(&a);
        return cli_fail(C, "%s: out of memory", path);
    }
    if (a.kind == NPY_UINT8) {
        /* scaled as the trainer scales (ds_gather: times 1/255), so that a run's own data
         * exported and read back gives the values the model saw, bit for bit */
        const uint8_t *u = a.data;
        const float scale = 1.0f / 255.0f;
        for (int64_t i = 0; i < a.count; i++) v[i] = u[i] * scale;
    } else {
        const float *f = a.data;
        for (int64_t i = 0; i < a.count; i++) {
            if (!isfinite(f[i]) || (images && (f[i] < 0.0f || f[i] > 1.0f))) {
                char sv[32];
                snprintf(sv, sizeof sv, "%g", f[i]);
                free(v);
                npy_free(&a);
                return cli_usage(C, "%s: value %s at index %lld is %s", path, sv, (long long)i,
                                 images ? "outside [0, 1] (images are uint8 0-255 or float32 "
                                          "in [0, 1])"
                                        : "not a finite number");
            }
            v[i] = f[i];
        }
    }
    *n = a.shape[0], *x = v;
    if (!images && m->scaling.n == in->c) /* in the data's units: scaled as in training */
        ds_scaling_apply(&m->scaling, v, a.count / in->c);
    npy_free(&a);
    return CLI_OK;
}

int train_ckpt_apply(run_model *m, const float *x, int64_t n, int encode, float *out)
{
    return model_apply(&m->n, x, n, encode, out);
}

/* train_record.c: recording a training run in the run store (see train_record.h).
 *
 * The idea: the trainer knows nothing of SQLite; this observer turns its four moments into
 * store transactions, so what is in the store at any instant is a prefix of the run: the run
 * row, then whole epochs, then its end. A kill -9 between two epochs leaves every completed
 * epoch and a 'running' row, which the next store_open marks 'interrupted'. The checkpoint
 * observer (train_checkpoint.c) writes an epoch's files after this one committed its row, so
 * the store is never behind the files a resume starts from. */
#include "train_record.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scaling.h"

int train_record_open(train_record *rec, store *st, int64_t parent_run, ae_err *err)
{
    memset(rec, 0, sizeof *rec);
    if (!st) return ae_fail(err, "no run store to record into");
    if (store_readonly(st))
        return ae_fail(err, "%s: the run store is read-only, so runs cannot be recorded%s%s",
                       store_path(st), store_notice(st)[0] ? ": " : "", store_notice(st));
    if (parent_run > 0) {
        int e = store_run_exists(st, parent_run, err);
        if (e < 0) return -1;
        if (!e) return ae_fail(err, "run %lld: no such run to retrain", (long long)parent_run);
    }
    rec->st = st;
    rec->parent = parent_run > 0 ? parent_run : 0;
    return 0;
}

void train_record_reopen(train_record *rec, int64_t run)
{
    rec->reopen = run;
}

int64_t train_record_run(const train_record *rec)
{
    return rec->run;
}

const char *train_record_uuid(const train_record *rec)
{
    return rec->uuid;
}

const char *train_record_error(const train_record *rec)
{
    return rec->end_error ? rec->err.msg : NULL;
}

static void param_num(store_param *p, int *n, const char *name, double v)
{
    store_param *q = &p[(*n)++];
    memset(q, 0, sizeof *q);
    snprintf(q->name, sizeof q->name, "%s", name);
    q->num = v;
}

static void param_text(store_param *p, int *n, const char *name, const char *v)
{
    store_param *q = &p[(*n)++];
    memset(q, 0, sizeof *q);
    snprintf(q->name, sizeof q->name, "%s", name);
    q->is_text = 1;
    snprintf(q->text, sizeof q->text, "%s", v ? v : "");
}

static int rec_start(void *ctx, const train_info *info, ae_err *err)
{
    train_record *rec = ctx;
    const train_config *cfg = info->cfg;
    if (rec->reopen) {
        static _Thread_local store_run r; /* large (notes): off the trainer thread's stack */
        if (store_run_get(rec->st, rec->reopen, &r, err)) return -1;
        if (store_run_reopen(rec->st, rec->reopen, info->first_epoch, err)) return -1;
        rec->run = rec->reopen;
        snprintf(rec->uuid, sizeof rec->uuid, "%s", r.uuid);
        return rec->next && rec->next->on_start ? rec->next->on_start(rec->next->ctx, info, err)
                                                : 0;
    }
    static _Thread_local store_run run; /* large (notes): off the trainer thread's stack */
    memset(&run, 0, sizeof run);
    store_uuid_new(run.uuid);
    run.parent = rec->parent;
    snprintf(run.model, sizeof run.model, "%s", cfg->model);
    snprintf(run.dataset, sizeof run.dataset, "%s", info->dataset ? info->dataset : cfg->dataset);
    snprintf(run.status, sizeof run.status, "running");
    run.pid = getpid();
    run.pid_start = store_proc_start(run.pid);
    gethostname(run.host, sizeof run.host - 1);
    snprintf(run.version, sizeof run.version, "%s", AETUI_VERSION);
    snprintf(run.blas_core, sizeof run.blas_core, "%s", info->blas_core ? info->blas_core : "");
    run.threads = cfg->threads;
    run.seed = cfg->seed;
    snprintf(run.data_sha256, sizeof run.data_sha256, "%s",
             info->data_sha256 ? info->data_sha256 : "");

    store_param p[32];
    int n = 0;
    param_text(p, &n, "model", cfg->model);
    param_text(p, &n, "dataset", run.dataset);
    if (cfg->data_dir[0]) param_text(p, &n, "data_dir", cfg->data_dir);
    if (info->data_spec) param_text(p, &n, "data_spec", info->data_spec);
    param_num(p, &n, "latent", cfg->latent);
    param_num(p, &n, "epochs", cfg->epochs);
    param_num(p, &n, "batch", cfg->batch);
    param_num(p, &n, "train", cfg->train_n);
    param_num(p, &n, "test", cfg->test_n);
    param_num(p, &n, "threads", cfg->threads);
    param_num(p, &n, "lr", cfg->lr);
    param_num(p, &n, "clip", cfg->clip);
    param_text(p, &n, "augment",
               cfg->flip && cfg->shift ? "flip+shift"
               : cfg->flip             ? "flip"
               : cfg->shift            ? "shift"
                                       : "none");
    param_text(p, &n, "schedule", cfg->cosine ? "cosine" : "constant");
    if (cfg->train_classes[0]) param_text(p, &n, "train_classes", cfg->train_classes);
    if (cfg->anomalies > 0) param_num(p, &n, "anomalies", cfg->anomalies);
    if (cfg->noise.kind) { /* a denoising run: its corruption and the noisy inputs' error */
        char ns[48];
        noise_format(&cfg->noise, ns, sizeof ns);
        param_text(p, &n, "noise", ns);
        param_num(p, &n, "noisy_mse", info->noisy_test_mse);
    }
    if (cfg->seed <= (1ull << 53)) {
        param_num(p, &n, "seed", (double)cfg->seed);
    } else { /* a double cannot hold it exactly */
        char s[32];
        snprintf(s, sizeof s, "%llu", (unsigned long long)cfg->seed);
        param_text(p, &n, "seed", s);
    }
    param_num(p, &n, "params", (double)info->params);
    param_num(p, &n, "input_dim", info->input_dim);
    param_num(p, &n, "batches", info->nbatches);
    if (info->nfiles > 0) {
        char files[sizeof p[0].text] = "";
        for (int i = 0; i < info->nfiles; i++) {
            const char *f = info->files[i], *base = strrchr(f, '/');
            size_t used = strlen(files);
            snprintf(files + used, sizeof files - used, "%s%s", i ? " " : "", base ? base + 1 : f);
        }
        param_text(p, &n, "data_files", files);
    }
    if (store_run_begin(rec->st, &run, p, n, &rec->run, err)) return -1;
    snprintf(rec->uuid, sizeof rec->uuid, "%s", run.uuid);

    if (info->scaling && info->scaling->n > 0) { /* applied by every later use of the data */
        char *json = ds_scaling_to_json(info->scaling);
        if (!json) return ae_fail(err, "out of memory");
        int rc = store_artifact_put(rec->st, rec->run, "data_scaling", "text", info->scaling->n, 1,
                                    json, strlen(json), err);
        free(json);
        if (rc) return -1;
    }
    if (info->nclasses > 0 && info->class_names) { /* for the latent view's legend */
        char names[1024] = "";
        for (int i = 0; i < info->nclasses; i++) {
            size_t used = strlen(names);
            snprintf(names + used, sizeof names - used, "%s%s", i ? "\n" : "",
                     info->class_names[i]);
        }
        if (store_artifact_put(rec->st, rec->run, "class_names", "text", info->nclasses, 1, names,
                               strlen(names), err))
            return -1;
    }
    if (rec->next && rec->next->on_start) return rec->next->on_start(rec->next->ctx, info, err);
    return 0;
}

static void rec_batch(void *ctx, int epoch, int batch, int nbatches, float loss, double running)
{
    train_record *rec = ctx;
    if (rec->next && rec->next->on_batch)
        rec->next->on_batch(rec->next->ctx, epoch, batch, nbatches, loss, running);
}

static int rec_epoch(void *ctx, const train_epoch *ep, const float *losses, int nb, ae_err *err)
{
    train_record *rec = ctx;
    int finite = isfinite(ep->train_loss) && isfinite(ep->train_mae) && isfinite(ep->test_loss) &&
                 isfinite(ep->test_mae);
    for (int i = 0; finite && i < nb; i++) finite = isfinite(losses[i]);
    if (!finite) {
        rec->diverged = 1;
        return ae_fail(err, "epoch %d: the loss is not a finite number (train %g, test %g)",
                       ep->epoch, ep->train_loss, ep->test_loss);
    }
    store_epoch e = {
        .epoch = ep->epoch,
        .train_loss = ep->train_loss,
        .train_mae = ep->train_mae,
        .test_loss = ep->test_loss,
        .test_mae = ep->test_mae,
        .seconds = ep->seconds,
        .samples_per_sec = ep->samples_per_sec,
        .lr = ep->lr,
    };
    if (store_epoch_add(rec->st, rec->run, &e, losses, nb, err)) return -1;
    if (rec->next && rec->next->on_epoch)
        return rec->next->on_epoch(rec->next->ctx, ep, losses, nb, err);
    return 0;
}

static void rec_end(void *ctx, const train_result *res)
{
    train_record *rec = ctx;
    if (rec->run > 0) {
        const char *status = res->status;
        const char *message = res->message;
        if (rec->diverged && strcmp(status, "diverged") != 0) status = "diverged";
        if (!store_status_valid(status) || !strcmp(status, "running")) status = "failed";
        if (!strcmp(status, "finished")) message = "";
        ae_err e;
        if (res->latents && res->labels && res->n_test > 0 && res->latent > 0 &&
            store_latents_put(rec->st, rec->run, res->latents, res->labels, res->n_test,
                              res->latent, &e)) {
            rec->end_error = 1;
            rec->err = e;
        }
        /* the summary stays what the recorded epochs made it: a number of an epoch that could
         * not be recorded (full disk) never reaches it */
        if (store_run_end(rec->st, rec->run, status, message, &e)) {
            rec->end_error = 1;
            rec->err = e;
        }
    }
    if (rec->next && rec->next->on_end) rec->next->on_end(rec->next->ctx, res);
}

train_observer train_record_observer(train_record *rec, const train_observer *next)
{
    rec->next = next;
    return (train_observer){
        .ctx = rec,
        .on_start = rec_start,
        .on_batch = rec_batch,
        .on_epoch = rec_epoch,
        .on_end = rec_end,
    };
}

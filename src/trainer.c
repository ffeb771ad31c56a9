/* trainer.c: one training run (see trainer.h).
 *
 * Data parallel over the engine's own worker threads: every batch is split by index into one
 * slice per thread; each thread gathers its slice, runs forward and backward on its own
 * workspace into its own gradient buffer; the driving thread then sums the buffers in thread
 * order and takes one Adam step. OpenBLAS runs single-threaded inside each worker, so small
 * GEMMs (the LSTM's) pay no thread hand-off, and the summation order is fixed: the same seed
 * and thread count give the same numbers. Nothing is allocated inside the epoch loop. */
#include "trainer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "blas.h"
#include "checkpoint.h"
#include "dataset.h"
#include "dspec.h"
#include "model.h"
#include "net.h"
#include "optim.h"
#include "rng.h"
#include "workers.h"

/* Random streams of a seed: one each for initial weights and the data order. */
enum { STREAM_INIT = 1, STREAM_ORDER = 2, STREAM_AUGMENT = 3 };

int train_config_defaults(train_config *cfg, const char *model, ae_err *err)
{
    const model_preset *p = model_preset_find(model);
    if (!p) return ae_fail(err, "unknown model '%s'", model ? model : "");
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->model, sizeof cfg->model, "%s", p->name);
    cfg->latent = p->latent, cfg->epochs = p->epochs, cfg->batch = p->batch;
    cfg->train_n = p->train_n, cfg->test_n = p->test_n, cfg->lr = p->lr;
    cfg->flip = p->flip, cfg->shift = p->shift, cfg->cosine = p->cosine;
    if (p->noise && noise_parse(p->noise, &cfg->noise, err)) return -1;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    cfg->threads = cores < 1 ? 1 : cores > 64 ? 64 : (int)cores;
    cfg->seed = 1;
    return 0;
}

int train_config_resolve(train_config *cfg, ae_err *err)
{
    const model_preset *p = model_preset_find(cfg->model);
    if (!p) return ae_fail(err, "unknown model '%s'", cfg->model);
    if (cfg->data_spec[0]) { /* your own data: the model says what it takes when built */
        if (!cfg->dataset[0]) return ae_fail(err, "your own data needs a name");
        return 0;
    }
    if (cfg->dataset[0]) {
        if (!ds_known(cfg->dataset)) return ae_fail(err, "unknown dataset '%s'", cfg->dataset);
        if (ds_kind_of(cfg->dataset) != p->kind)
            return ae_fail(err, "model %s takes %s, and %s holds %s", p->name,
                           p->kind == DS_IMAGES ? "images" : "sequences", cfg->dataset,
                           p->kind == DS_IMAGES ? "sequences" : "images");
        return 0;
    }
    if (p->kind == DS_SEQUENCES) {
        snprintf(cfg->dataset, sizeof cfg->dataset, "%s", p->default_dataset);
        return 0;
    }
    /* images: cifar10 when its files are found, else fashion-mnist, else say what is missing */
    char dir[1024];
    const char *dd = cfg->data_dir[0] ? cfg->data_dir : NULL;
    static const char *const order[] = {"cifar10", "fashion-mnist", "mnist"};
    for (int i = 0; i < 3; i++)
        if (ds_locate(order[i], dd, dir, sizeof dir, NULL) == 0) {
            snprintf(cfg->dataset, sizeof cfg->dataset, "%s", order[i]);
            return 0;
        }
    return ae_fail(err,
                   "no image dataset found%s%s (looked for CIFAR-10 and Fashion-MNIST; "
                   "apt-get install dataset-fashion-mnist, or pass --data-dir)",
                   dd ? " in " : "", dd ? dd : "");
}

int train_config_check(const train_config *c, ae_err *err)
{
    if (!model_preset_find(c->model)) return ae_fail(err, "unknown model '%s'", c->model);
    if (c->latent < 1 || c->latent > 65536)
        return ae_fail(err, "latent size %d is out of range (1 to 65536)", c->latent);
    if (c->epochs < 1 || c->epochs > 1000000)
        return ae_fail(err, "epochs %d is out of range (1 to 1000000)", c->epochs);
    if (c->batch < 1 || c->batch > 65536)
        return ae_fail(err, "batch size %d is out of range (1 to 65536)", c->batch);
    int least = c->data_spec[0] ? 0 : 1; /* your own data: 0 is every sample */
    if (c->train_n < least) return ae_fail(err, "training samples must be at least 1");
    if (c->test_n < least) return ae_fail(err, "test samples must be at least 1");
    if (!(c->lr > 0 && c->lr <= 1e9))
        return ae_fail(err, "learning rate %g is out of range (above 0, at most 1e9)", c->lr);
    if (c->threads < 1 || c->threads > 256)
        return ae_fail(err, "threads %d is out of range (1 to 256)", c->threads);
    if (!(c->clip >= 0)) return ae_fail(err, "gradient clip %g is negative", c->clip);
    if (c->shift < 0 || c->shift > 3)
        return ae_fail(err, "augmentation shift %d is out of range (0 to 3 pixels)", c->shift);
    if (!(c->anomalies >= 0 && c->anomalies <= 0.5))
        return ae_fail(err, "anomalies %g: the fraction must be 0 to 0.5", c->anomalies);
    if (c->anomalies > 0 && c->dataset[0] && strcmp(c->dataset, "sines"))
        return ae_fail(err, "--anomalies injects into the sines set only (the dataset is %s)",
                       c->dataset);
    if (c->noise.kind < NOISE_NONE || c->noise.kind > NOISE_SALTPEPPER)
        return ae_fail(err, "noise kind %d is unknown", c->noise.kind);
    return 0;
}

void train_result_free(train_result *r)
{
    free(r->latents);
    free(r->labels);
    r->latents = NULL, r->labels = NULL;
}

/* Your own data: both splits from the spec, with a resumed run's scaling when it has one;
 * cfg's sample counts become the loaded ones, so the record says what was trained on. */
static int train_load_own(train_config *cfg, dataset *tr, dataset *te, ae_err *err)
{
    ds_spec spec;
    ds_spec_init(&spec);
    snprintf(spec.name, sizeof spec.name, "%s", cfg->dataset);
    if (ds_spec_from_text(cfg->data_spec, &spec, err)) return -1;
    ds_scaling fixed = {0};
    if (cfg->scaling_from[0] && ckpt_scaling_read(cfg->scaling_from, &fixed, err)) return -1;
    ds_load_req rq = {.ntrain = cfg->train_n,
                      .ntest = cfg->test_n,
                      .fixed = fixed.n ? &fixed : NULL,
                      .threads = cfg->threads};
    int rc = ds_spec_load(&spec, &rq, tr, te, err);
    ds_scaling_free(&fixed);
    if (rc) return -1;
    cfg->train_n = tr->n, cfg->test_n = te->n;
    if (tr->n < 1 || te->n < 1)
        return ae_fail(err, "%s: %d training and %d test samples: both splits need at least one",
                       spec.path, tr->n, te->n);
    return 0;
}

/* ---- the data-parallel step ---- */

typedef struct job {
    net *n;
    const dataset *ds;
    const int *idx; /* the batch's sample indices */
    int B, nthreads, backward, latent_only;
    float **xbuf;             /* per-thread input buffers (batch_cap samples) */
    float **aug_tmp;          /* per-thread scratch of one image for augmentation */
    const unsigned char *aug; /* per batch sample: AUG_FLIP | shifts (training only), or NULL */
    double *sse, *sae;
    float *latents; /* when latent_only: (B, latent) output rows */
    /* denoising: the corruption, per-thread buffers for the noisy input, and the draw's key:
     * training (seed, epoch, batch, place), test (NOISE_TEST_SEED, test index) */
    const noise_spec *noise;
    float **nbuf;
    uint64_t seed;
    int epoch, batch, test;
} job;

static void slice_of(const job *j, int part, int *b0, int *nb)
{
    *b0 = (int)((long)j->B * part / j->nthreads);
    *nb = (int)((long)j->B * (part + 1) / j->nthreads) - *b0;
}

/* Augmentation of one training image, drawn by the driving thread so runs repeat: bit 0
 * mirrors it left to right, bits 1-3 and 4-6 hold the horizontal and vertical shift plus
 * AUG_SHIFT_BIAS (edge pixels repeat into the space uncovered). */
enum { AUG_FLIP = 1, AUG_SHIFT_BIAS = 3 };

static unsigned char aug_draw(rng *r, int flip, int shift)
{
    unsigned v = flip ? (unsigned)(rng_next(r) >> 63) : 0;
    if (shift) {
        int dx = (int)rng_below(r, 2 * (uint64_t)shift + 1) - shift;
        int dy = (int)rng_below(r, 2 * (uint64_t)shift + 1) - shift;
        v |= (unsigned)(dx + AUG_SHIFT_BIAS) << 1 | (unsigned)(dy + AUG_SHIFT_BIAS) << 4;
    } else {
        v |= AUG_SHIFT_BIAS << 1 | AUG_SHIFT_BIAS << 4;
    }
    return (unsigned char)v;
}

/* Applies each image's augmentation in place (NHWC); tmp holds one image. */
static void augment_images(float *x, const unsigned char *aug, int nb, const dataset *ds,
                           float *tmp)
{
    const int H = ds->h, W = ds->w, C = ds->c;
    for (int k = 0; k < nb; k++) {
        float *img = x + (long)k * H * W * C;
        int flip = aug[k] & AUG_FLIP;
        int dx = ((aug[k] >> 1) & 7) - AUG_SHIFT_BIAS, dy = ((aug[k] >> 4) & 7) - AUG_SHIFT_BIAS;
        if (!flip && !dx && !dy) continue;
        memcpy(tmp, img, sizeof(float) * H * W * C);
        for (int y = 0; y < H; y++) {
            int sy = y - dy < 0 ? 0 : y - dy >= H ? H - 1 : y - dy;
            for (int xx = 0; xx < W; xx++) {
                int sx = xx - dx < 0 ? 0 : xx - dx >= W ? W - 1 : xx - dx;
                if (flip) sx = W - 1 - sx;
                memcpy(img + ((long)y * W + xx) * C, tmp + ((long)sy * W + sx) * C,
                       sizeof(float) * C);
            }
        }
    }
}

/* Corrupts the nb samples of a slice in place (as gathered: images and flat models'
 * samples sample-major, other sequences time-major), each with its own keyed draw. */
static void corrupt(const job *j, float *x, int b0, int nb)
{
    const dataset *ds = j->ds;
    int images = ds->kind == DS_IMAGES, flat = images || net_flat_io(j->n);
    for (int k = 0; k < nb; k++) {
        uint64_t seed = j->test ? NOISE_TEST_SEED : j->seed;
        uint64_t a = j->test ? NOISE_KEY_TEST : (uint64_t)j->epoch;
        uint64_t b = j->test ? (uint64_t)j->idx[b0 + k] : (uint64_t)j->batch;
        uint64_t c = j->test ? 0 : (uint64_t)(b0 + k);
        if (flat) /* sample-major: images, and the models on flat vectors */
            noise_apply(j->noise, x + (long)k * ds->dim, 1, ds->dim, ds->dim, images, seed, a, b,
                        c);
        else /* time-major: sample k's step t at (t * nb + k) * f */
            noise_apply(j->noise, x + (long)k * ds->f, ds->t, ds->f, (long)nb * ds->f, 0, seed, a,
                        b, c);
    }
}

static void run_part(void *ctx, int part)
{
    job *j = ctx;
    int b0, nb;
    slice_of(j, part, &b0, &nb);
    j->sse[part] = j->sae[part] = 0;
    if (nb == 0) {
        if (j->backward) memset(j->n->ws[part].grads, 0, sizeof(float) * j->n->nparams);
        return;
    }
    float *x = j->xbuf[part];
    if (net_flat_io(j->n))
        ds_gather_flat(j->ds, j->idx + b0, nb, x);
    else
        ds_gather(j->ds, j->idx + b0, nb, x);
    if (j->aug) augment_images(x, j->aug + b0, nb, j->ds, j->aug_tmp[part]);
    const float *xin = x; /* what the model sees; the loss is always against the clean x */
    if (j->noise && j->noise->kind && !j->latent_only) {
        float *xn = j->nbuf[part];
        memcpy(xn, x, sizeof(float) * nb * j->ds->dim);
        corrupt(j, xn, b0, nb);
        xin = xn;
    }
    if (j->latent_only) {
        const float *z = net_forward(j->n, part, x, nb, j->n->latent_layer);
        int L = net_latent_size(j->n);
        memcpy(j->latents + (long)b0 * L, z, sizeof(float) * nb * L);
        return;
    }
    const float *y = net_forward(j->n, part, xin, nb, j->n->nlayers - 1);
    long count = (long)nb * j->ds->dim;
    j->sse[part] = loss_sse(y, x, count);
    j->sae[part] = loss_sae(y, x, count);
    if (!j->backward) return;
    float *dy = net_dy_buffer(j->n, part);
    loss_mse_grad(dy, y, x, count, 1.0f / ((float)j->B * (float)j->ds->dim));
    net_backward(j->n, part, xin, dy, nb);
}

/* Sums the per-thread gradients into net->grads, in thread order. */
static void reduce_grads(net *n)
{
    for (int t = 1; t < n->nws; t++) {
        const float *g = n->ws[t].grads;
        for (long i = 0; i < n->nparams; i++) n->grads[i] += g[i];
    }
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* Mean squared and absolute error over a whole dataset, in batches of the workspace size. */
static void evaluate(workers *wk, job *j, const int *order, double *mse, double *mae)
{
    const dataset *ds = j->ds;
    double sse = 0, sae = 0;
    int step = j->n->batch_cap * j->nthreads;
    for (int s = 0; s < ds->n; s += step) {
        j->idx = order + s;
        j->B = ds->n - s < step ? ds->n - s : step;
        workers_run(wk, run_part, j);
        for (int t = 0; t < j->nthreads; t++) sse += j->sse[t], sae += j->sae[t];
    }
    *mse = sse / ((double)ds->n * ds->dim);
    *mae = sae / ((double)ds->n * ds->dim);
}

/* MSE of the test set's noisy inputs against the clean ones (the test draws, see corrupt);
 * buf holds at least one sample. */
static double noisy_mse(const dataset *te, const noise_spec *ns, float *buf)
{
    double sse = 0;
    float *clean = buf + te->dim; /* buf holds a batch of samples: room for two */
    for (int i = 0; i < te->n; i++) {
        ds_sample(te, i, clean);
        memcpy(buf, clean, sizeof(float) * te->dim);
        /* one sample alone: its time-major and sample-major layouts are the same */
        noise_apply(ns, buf, 1, te->dim, te->dim, te->kind == DS_IMAGES, NOISE_TEST_SEED,
                    NOISE_KEY_TEST, (uint64_t)i, 0);
        for (int k = 0; k < te->dim; k++) {
            double d = (double)buf[k] - clean[k];
            sse += d * d;
        }
    }
    return sse / ((double)te->n * te->dim);
}

static void compute_latents(workers *wk, job *j, const int *order, float *out)
{
    int step = j->n->batch_cap * j->nthreads, L = net_latent_size(j->n);
    j->latent_only = 1;
    for (int s = 0; s < j->ds->n; s += step) {
        j->idx = order + s;
        j->B = j->ds->n - s < step ? j->ds->n - s : step;
        j->latents = out + (long)s * L;
        workers_run(wk, run_part, j);
    }
    j->latent_only = 0;
}

int train_run(const train_config *cfg_in, const train_observer *obs, train_control *ctl,
              train_result *res, ae_err *err)
{
    train_config cfg = *cfg_in;
    memset(res, 0, sizeof *res);
    snprintf(res->status, sizeof res->status, "failed");
    dataset tr = {0}, te = {0};
    net n;
    memset(&n, 0, sizeof n);
    workers *wk = NULL;
    int *order = NULL, *test_order = NULL, started = 0, rc = -1, nthreads = cfg.threads;
    float **xbuf = NULL, *batch_losses = NULL;
    unsigned char *flips = NULL;
    float **aug_tmp = NULL, **nbuf = NULL;
    double *sums = NULL;

    if (train_config_resolve(&cfg, err) || train_config_check(&cfg, err)) goto out;
    if (cfg.data_spec[0]) {
        if (train_load_own(&cfg, &tr, &te, err)) goto out;
        uint8_t mask[DS_MAX_CLASSES];
        char norm[sizeof cfg.train_classes];
        if (cfg.train_classes[0] &&
            (ds_class_list(&tr, cfg.train_classes, mask, norm, sizeof norm, err) ||
             ds_keep_classes(&tr, mask, tr.n, err))) {
            ae_wrap(err, "training classes");
            goto out;
        }
        if (cfg.train_classes[0]) memcpy(cfg.train_classes, norm, sizeof norm), cfg.train_n = tr.n;
    } else {
        ds_options o = {.data_dir = cfg.data_dir[0] ? cfg.data_dir : NULL, .n = cfg.train_n};
        char norm[sizeof cfg.train_classes];
        if (ds_load_classes(cfg.dataset, &o, cfg.train_classes, &tr, norm, sizeof norm, err))
            goto out;
        if (cfg.train_classes[0]) {
            memcpy(cfg.train_classes, norm, sizeof norm);
            cfg.train_n = tr.n; /* fewer when the classes hold fewer */
        }
        o.n = cfg.test_n;
        o.anomalies = cfg.anomalies;
        if (ds_load(cfg.dataset, DS_TEST, &o, &te, err)) goto out;
    }
    if (cfg.data_sha256[0] && strcmp(cfg.data_sha256, tr.sha256) && !cfg.force_data) {
        ae_fail(err,
                "the training data changed since the run was trained (SHA-256 of its %d samples "
                "now %.12s..., then %.12s...): resuming would go on with other data; --force "
                "resumes anyway",
                tr.n, tr.sha256, cfg.data_sha256);
        goto out;
    }
    if (ds_same_shape(&tr, &te, err) || noise_check(&cfg.noise, tr.kind == DS_IMAGES, err))
        goto out;

    net_shape in =
        tr.kind == DS_IMAGES ? (net_shape){3, tr.h, tr.w, tr.c} : (net_shape){2, tr.t, 1, tr.f};
    net_init(&n, in);
    int cap = (cfg.batch + nthreads - 1) / nthreads;
    if (cap < 8) cap = 8; /* evaluation batches are at least 8 per thread */
    if (model_build(&n, cfg.model, cfg.latent, err) || net_finalize(&n, cap, nthreads, err))
        goto out;
    rng r_init, r_order;
    rng_seed_stream(&r_init, cfg.seed, STREAM_INIT);
    rng_seed_stream(&r_order, cfg.seed, STREAM_ORDER);
    rng r_aug;
    rng_seed_stream(&r_aug, cfg.seed, STREAM_AUGMENT);
    int do_aug = (cfg.flip || cfg.shift) && tr.kind == DS_IMAGES;
    if (net_init_params(&n, &r_init, err)) goto out;
    if (cfg.init_weights[0] && ckpt_load(cfg.init_weights, &n, cfg.model, err)) goto out;

    blas_set_threads(1);
    if (!(wk = workers_start(nthreads, err))) goto out;
    int nbatches = (tr.n + cfg.batch - 1) / cfg.batch;
    order = malloc(sizeof(int) * tr.n);
    test_order = malloc(sizeof(int) * te.n);
    xbuf = calloc((size_t)nthreads, sizeof(float *));
    batch_losses = malloc(sizeof(float) * nbatches);
    sums = calloc(2 * (size_t)nthreads, sizeof(double));
    flips = malloc((size_t)cfg.batch);
    aug_tmp = calloc((size_t)nthreads, sizeof(float *));
    nbuf = calloc((size_t)nthreads, sizeof(float *));
    if (!order || !test_order || !xbuf || !batch_losses || !sums || !flips || !aug_tmp || !nbuf) {
        ae_fail(err, "out of memory");
        goto out;
    }
    for (int t = 0; t < nthreads; t++)
        if (!(xbuf[t] = malloc(sizeof(float) * (size_t)cap * tr.dim)) ||
            !(aug_tmp[t] = malloc(sizeof(float) * (size_t)tr.dim)) ||
            (cfg.noise.kind && !(nbuf[t] = malloc(sizeof(float) * (size_t)cap * tr.dim)))) {
            ae_fail(err, "out of memory");
            goto out;
        }
    for (int i = 0; i < tr.n; i++) order[i] = i;
    for (int i = 0; i < te.n; i++) test_order[i] = i;
    /* --resume: weights, moments, generators and the position in the data order */
    ckpt_state rs = {0};
    int ep0 = 1, mid = 0;
    if (cfg.resume_state[0]) {
        if (ckpt_state_load(cfg.resume_state, &rs, &n, cfg.model, err)) goto out;
        if (ckpt_ident_check(cfg.resume_state, rs.store_uuid, rs.run_uuid, cfg.ident_store,
                             cfg.ident_run, rs.run, err)) {
            ckpt_state_free(&rs);
            goto out;
        }
        if (rs.n_train != tr.n || rs.nbatches != nbatches) {
            ae_fail(err,
                    "%s: the state of a run with %d training samples in %d batches, not %d in %d",
                    cfg.resume_state, rs.n_train, rs.nbatches, tr.n, nbatches);
            ckpt_state_free(&rs);
            goto out;
        }
        memcpy(order, rs.order, sizeof(int) * tr.n);
        memcpy(batch_losses, rs.batch_losses, sizeof(float) * nbatches);
        memcpy(r_order.s, rs.rng_order, sizeof r_order.s);
        memcpy(r_aug.s, rs.rng_aug, sizeof r_aug.s);
        mid = rs.batch < rs.nbatches;
        ep0 = mid ? rs.epoch : rs.epoch + 1;
        free(rs.order), free(rs.batch_losses);
        rs.order = NULL, rs.batch_losses = NULL;
        if (ep0 > cfg.epochs) {
            ae_fail(err, "the run has done %d epochs already: ask for more with --epochs",
                    rs.epoch);
            goto out;
        }
    }

    const char *files[DS_MAX_FILES];
    for (int i = 0; i < tr.nfiles; i++) files[i] = tr.files[i];
    const char *classes[DS_MAX_CLASSES];
    for (int i = 0; i < tr.nclasses; i++) classes[i] = tr.class_names[i];
    train_info info = {
        &cfg,     cfg.dataset,     tr.sha256, files,       tr.nfiles, n.nparams, tr.dim,
        nbatches, blas_corename(), classes,   tr.nclasses, ep0,       NULL,      NULL,
        0};
    if (cfg.data_spec[0]) info.data_spec = cfg.data_spec, info.scaling = &tr.scaling;
    if (cfg.noise.kind) info.noisy_test_mse = noisy_mse(&te, &cfg.noise, xbuf[0]);
    res->params = n.nparams;
    if (obs && obs->on_start && obs->on_start(obs->ctx, &info, err)) goto out;
    started = 1;

    adam opt;
    adam_init(&opt, cfg.lr);
    opt.t = rs.adam_t;
    job j = {.n = &n,
             .ds = &tr,
             .nthreads = nthreads,
             .backward = 1,
             .xbuf = xbuf,
             .aug_tmp = aug_tmp,
             .sse = sums,
             .sae = sums + nthreads,
             .noise = cfg.noise.kind ? &cfg.noise : NULL,
             .nbuf = nbuf,
             .seed = cfg.seed};
    res->best_test_loss = INFINITY;
    if (cfg.resume_state[0])
        res->best_test_loss = rs.best_test_loss, res->best_epoch = rs.best_epoch;
    double train_time = 0, first_loss = -1;
    long samples = 0;
    snprintf(res->status, sizeof res->status, "finished");
    for (int ep = ep0; ep <= cfg.epochs; ep++) {
        double t0 = now(), sae_sum = 0, loss_sum = 0, before = 0;
        long ep_samples = 0, samples_before = 0;
        int done = 0;
        if (ep == ep0 && mid) /* resuming inside an epoch: its order, sums and time so far */
            done = rs.batch, loss_sum = rs.loss_sum, sae_sum = rs.sae_sum,
            ep_samples = samples_before = rs.ep_samples, before = rs.ep_seconds;
        else
            rng_shuffle(&r_order, order, tr.n);
        for (int b = done; b < nbatches; b++) {
            while (ctl && atomic_load(&ctl->pause) && !atomic_load(&ctl->stop)) {
                struct timespec ts = {0, 20 * 1000 * 1000};
                nanosleep(&ts, NULL);
                t0 += 0.02; /* paused time is not training time */
            }
            if (ctl && atomic_load(&ctl->stop)) break;
            j.ds = &tr, j.backward = 1;
            j.idx = order + (long)b * cfg.batch;
            j.B = tr.n - b * cfg.batch < cfg.batch ? tr.n - b * cfg.batch : cfg.batch;
            if (do_aug) {
                for (int k = 0; k < j.B; k++) flips[k] = aug_draw(&r_aug, cfg.flip, cfg.shift);
                j.aug = flips;
            }
            if (cfg.cosine) { /* decay to zero over all the run's steps */
                double progress =
                    (double)((long)(ep - 1) * nbatches + b) / ((long)cfg.epochs * nbatches);
                opt.lr = cfg.lr * 0.5 * (1 + cos(3.14159265358979323846 * progress));
            }
            j.epoch = ep, j.batch = b;
            workers_run(wk, run_part, &j);
            j.aug = NULL;
            double sse = 0, sae = 0;
            for (int t = 0; t < nthreads; t++) sse += sums[t], sae += sums[nthreads + t];
            double loss = sse / ((double)j.B * tr.dim);
            if (first_loss < 0) first_loss = loss;
            if (isfinite(loss) && loss > 1e4 * (first_loss > 1e-3 ? first_loss : 1e-3)) {
                snprintf(res->status, sizeof res->status, "diverged");
                snprintf(res->message, sizeof res->message,
                         "the loss exploded to %g (%g at the first batch) at epoch %d, batch "
                         "%d: lower the learning rate (now %g) or set a gradient clip",
                         loss, first_loss, ep, b + 1, cfg.lr);
                break;
            }
            if (!isfinite(loss)) {
                snprintf(res->status, sizeof res->status, "diverged");
                snprintf(res->message, sizeof res->message,
                         "the loss became %s at epoch %d, batch %d: lower the learning rate "
                         "(now %g) or set a gradient clip",
                         isnan(loss) ? "NaN" : "infinite", ep, b + 1, cfg.lr);
                break;
            }
            reduce_grads(&n);
            adam_step(&opt, n.params, n.grads, n.m, n.v, n.nparams, cfg.clip);
            batch_losses[b] = (float)loss;
            loss_sum += loss;
            sae_sum += sae;
            ep_samples += j.B;
            done = b + 1;
            if (obs && obs->on_batch)
                obs->on_batch(obs->ctx, ep, b + 1, nbatches, (float)loss, loss_sum / done);
        }
        double secs = now() - t0 + before; /* the whole epoch's, over both processes */
        if (!strcmp(res->status, "diverged") || done == 0) break;
        train_epoch e = {ep,
                         loss_sum / done,
                         sae_sum / ((double)ep_samples * tr.dim),
                         0,
                         0,
                         secs,
                         ep_samples / (secs > 0 ? secs : 1e-9),
                         opt.lr,
                         NULL,
                         NULL};
        j.ds = &te, j.backward = 0, j.test = 1;
        evaluate(wk, &j, test_order, &e.test_loss, &e.test_mae);
        j.test = 0;
        if (!isfinite(e.test_loss)) {
            snprintf(res->status, sizeof res->status, "diverged");
            snprintf(res->message, sizeof res->message,
                     "the test loss became non-finite at epoch %d", ep);
            break;
        }
        /* the result takes this epoch once the observers have recorded it: a run that could
         * not record it (a full disk) never reports its numbers */
        double best_loss = res->best_test_loss;
        int best_ep = res->best_epoch;
        if (e.test_loss < best_loss) best_loss = e.test_loss, best_ep = ep;
        ckpt_state snap = {.epoch = ep,
                           .batch = done,
                           .nbatches = nbatches,
                           .adam_t = opt.t,
                           .n_train = tr.n,
                           .order = order,
                           .batch_losses = batch_losses,
                           .loss_sum = loss_sum,
                           .sae_sum = sae_sum,
                           .ep_samples = ep_samples,
                           .best_test_loss = best_loss,
                           .best_epoch = best_ep,
                           .ep_seconds = secs};
        snprintf(snap.model, sizeof snap.model, "%s", cfg.model);
        memcpy(snap.rng_order, r_order.s, sizeof snap.rng_order);
        memcpy(snap.rng_aug, r_aug.s, sizeof snap.rng_aug);
        e.net = &n, e.state = &snap;
        if (obs && obs->on_epoch && obs->on_epoch(obs->ctx, &e, batch_losses, done, err)) {
            snprintf(res->status, sizeof res->status, "failed");
            snprintf(res->message, sizeof res->message, "%s", err->msg);
            break;
        }
        res->epochs_done = ep;
        res->test_mse = e.test_loss, res->test_mae = e.test_mae;
        res->best_test_loss = best_loss, res->best_epoch = best_ep;
        train_time += secs - before, samples += ep_samples - samples_before;
        if (done < nbatches || (ctl && atomic_load(&ctl->stop))) {
            snprintf(res->status, sizeof res->status, "stopped");
            snprintf(res->message, sizeof res->message, "stopped by request during epoch %d", ep);
            break;
        }
    }
    res->train_seconds = train_time;
    res->samples_per_sec = samples / (train_time > 0 ? train_time : 1e-9);
    if (!isfinite(res->best_test_loss)) res->best_test_loss = 0;
    if (res->epochs_done > 0 && strcmp(res->status, "diverged")) {
        int L = net_latent_size(&n);
        res->latents = malloc(sizeof(float) * (size_t)te.n * L);
        res->labels = malloc((size_t)te.n);
        if (res->latents && res->labels) {
            j.ds = &te;
            compute_latents(wk, &j, test_order, res->latents);
            memcpy(res->labels, te.labels, (size_t)te.n);
            res->n_test = te.n, res->latent = L;
        } else {
            train_result_free(res);
        }
    }
    rc = strcmp(res->status, "failed") ? 0 : -1;
out:
    if (rc && err && !res->message[0]) snprintf(res->message, sizeof res->message, "%s", err->msg);
    if (started && obs && obs->on_end) obs->on_end(obs->ctx, res);
    if (xbuf)
        for (int t = 0; t < nthreads; t++) free(xbuf[t]);
    if (aug_tmp)
        for (int t = 0; t < nthreads; t++) free(aug_tmp[t]);
    if (nbuf)
        for (int t = 0; t < nthreads; t++) free(nbuf[t]);
    free(aug_tmp), free(nbuf);
    free(xbuf), free(order), free(test_order), free(batch_losses), free(sums), free(flips);
    workers_stop(wk);
    net_free(&n);
    ds_free(&tr), ds_free(&te);
    return rc;
}

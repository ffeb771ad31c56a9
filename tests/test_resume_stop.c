/* test_resume_stop.c: a run stopped in the middle of an epoch (train_control.stop after the
 * first batch of epoch 2), then resumed from its state file, ends as the uninterrupted run of
 * the same seed does: same final test MSE and test-set latent vectors (to float tolerance).
 * This is the path the CLI test (test_resume.sh) cannot reach reliably: resuming inside an
 * epoch, with the saved data order, generators and the epoch's partial sums. Uses the real
 * recorder and checkpoint observers on a store in a temporary directory; lstm on tiny sines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "model.h"
#include "paths.h"
#include "store.h"
#include "testlib.h"
#include "train_checkpoint.h"
#include "train_record.h"
#include "trainer.h"

typedef struct stopper {
    train_control *ctl;
    int epoch, batch; /* stop after this batch of this epoch (0: never) */
} stopper;

static void stop_batch(void *ctx, int epoch, int batch, int nbatches, float loss, double running)
{
    stopper *s = ctx;
    if (epoch == s->epoch && batch == s->batch) atomic_store(&s->ctl->stop, 1);
}

/* Trains cfg recording into the store at db (parent: 0 or the run it resumes). */
static int train(const char *db, const train_config *cfg, int64_t parent, int stop_epoch,
                 int stop_batch_no, train_result *res)
{
    ae_err err;
    store *st;
    if (store_open(&st, db, STORE_CREATE, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    train_control ctl;
    atomic_init(&ctl.stop, 0);
    atomic_init(&ctl.pause, 0);
    stopper sp = {&ctl, stop_epoch, stop_batch_no};
    train_observer last = {&sp, NULL, stop_batch, NULL, NULL};
    train_record rec;
    train_ckpt ck;
    if (train_record_open(&rec, st, parent, &err)) {
        store_close(st);
        return -1;
    }
    train_observer recorder = train_record_observer(&rec, &last);
    train_observer obs = train_ckpt_observer(&ck, db, &rec, &recorder);
    int rc = train_run(cfg, &obs, &ctl, res, &err);
    if (rc) fprintf(stderr, "train: %s\n", err.msg);
    store_close(st);
    return rc;
}

int main(void)
{
    char dir[1024], da[1200], db_b[1200], path[1400], state[1400];
    double stopped_part = 0;
    test_tmpdir("resume_stop", dir, sizeof dir);
    snprintf(da, sizeof da, "%s/a/aetui.db", dir);
    snprintf(db_b, sizeof db_b, "%s/b/aetui.db", dir);
    ae_err err;
    paths_mkdir_parent(da, &err);
    paths_mkdir_parent(db_b, &err);

    train_config cfg;
    train_config_defaults(&cfg, "lstm", &err);
    cfg.train_n = 96, cfg.test_n = 16, cfg.epochs = 3, cfg.batch = 32, cfg.threads = 2;
    cfg.seed = 3;
    train_result full, stopped, resumed;
    if (train(da, &cfg, 0, 0, 0, &full)) return test_done(), 1;
    CHECK(!strcmp(full.status, "finished") && full.epochs_done == 3, "full: %s %d", full.status,
          full.epochs_done);

    if (train(db_b, &cfg, 0, 2, 1, &stopped)) return test_done(), 1;
    CHECK(!strcmp(stopped.status, "stopped") && stopped.epochs_done == 2, "stopped: %s %d",
          stopped.status, stopped.epochs_done);
    snprintf(path, sizeof path, "%s/b/aetui.runs/1/%s", dir, TCKPT_LAST);
    snprintf(state, sizeof state, "%s/b/aetui.runs/1/%s", dir, TCKPT_STATE);

    /* the state says: epoch 2, one batch of three done */
    {
        net n;
        ckpt_info info;
        CHECK(ckpt_info_read(path, &info, &err) == 0, "%s", err.msg);
        net_init(&n, info.input);
        model_build(&n, info.model, info.latent, &err);
        net_finalize(&n, 8, 1, &err);
        ckpt_state s;
        CHECK(ckpt_state_load(state, &s, &n, "lstm", &err) == 0, "%s", err.msg);
        CHECK(s.epoch == 2 && s.batch == 1 && s.nbatches == 3 && s.run == 1 && s.adam_t == 4,
              "state: epoch %d batch %d/%d run %lld t %ld", s.epoch, s.batch, s.nbatches,
              (long long)s.run, s.adam_t);
        CHECK(s.ep_seconds > 0, "the epoch's time so far: %g", s.ep_seconds);
        store *st;
        store_run r1;
        if (store_open(&st, db_b, 0, &err) == 0) {
            CHECK(store_run_get(st, 1, &r1, &err) == 0 && !strcmp(s.run_uuid, r1.uuid) &&
                      !strcmp(s.store_uuid, store_uuid(st)) && s.run_uuid[0],
                  "the state names its store and run: %s %s", s.store_uuid, s.run_uuid);
            store_close(st);
        }
        stopped_part = s.ep_seconds;
        ckpt_state_free(&s);
        net_free(&n);
    }

    train_config cfg2;
    CHECK(train_ckpt_config(path, &cfg2, &err) == 0, "config: %s", err.msg);
    CHECK(cfg2.train_n == 96 && cfg2.test_n == 16 && cfg2.epochs == 3 && cfg2.batch == 32 &&
              cfg2.threads == 2 && cfg2.seed == 3 && cfg2.lr == cfg.lr &&
              !strcmp(cfg2.dataset, "sines") && cfg2.latent == cfg.latent,
          "settings from the checkpoint");
    if (strlen(state) >= sizeof cfg2.resume_state) return test_done(), 1;
    memcpy(cfg2.resume_state, state, strlen(state) + 1);
    if (train(db_b, &cfg2, 1, 0, 0, &resumed)) return test_done(), 1;
    CHECK(!strcmp(resumed.status, "finished") && resumed.epochs_done == 3, "resumed: %s %d",
          resumed.status, resumed.epochs_done);
    CHECK(fabs(resumed.test_mse - full.test_mse) <= 1e-6 * fabs(full.test_mse),
          "test MSE: resumed %.9g, uninterrupted %.9g", resumed.test_mse, full.test_mse);
    int same = resumed.latents && full.latents && resumed.n_test == full.n_test &&
               resumed.latent == full.latent;
    double worst = 0;
    for (long i = 0; same && i < (long)full.n_test * full.latent; i++) {
        double d = fabs(resumed.latents[i] - full.latents[i]);
        if (d > worst) worst = d;
    }
    CHECK(same && worst <= 1e-5, "latents differ by up to %g", worst);
    printf("resumed inside epoch 2: test MSE %.9g vs %.9g, latents within %g\n", resumed.test_mse,
           full.test_mse, worst);

    /* the store knows where the files are; the redone epoch counts its first part's time */
    store *st;
    if (store_open(&st, db_b, 0, &err) == 0) {
        store_epoch *e;
        int ne;
        CHECK(store_epochs_get(st, 2, &e, &ne, &err) == 0 && ne == 2 && e[0].epoch == 2 &&
                  e[0].seconds >= stopped_part,
              "epoch 2 of the resumed run: %g s, its first part %g s", ne ? e[0].seconds : -1,
              stopped_part);
        free(e);
        store_run r;
        CHECK(store_run_get(st, 2, &r, &err) == 0 && r.parent == 1 &&
                  strstr(r.checkpoint, "/b/aetui.runs/2/last.safetensors"),
              "run 2: parent %lld checkpoint %s", (long long)r.parent, r.checkpoint);
        char dtype[16];
        int rows, cols;
        void *data;
        size_t len;
        CHECK(store_artifact_get(st, 2, "checkpoints", dtype, &rows, &cols, &data, &len, &err) ==
                      0 &&
                  data && rows == 3 && memmem(data, len, "best\t", 5),
              "checkpoints artifact");
        free(data);
        store_close(st);
    }
    train_result_free(&full);
    train_result_free(&stopped);
    train_result_free(&resumed);
    return test_done();
}

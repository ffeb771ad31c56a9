/* cmd_show.c: `aetui show RUN`, everything recorded about one run: what it was (model, data,
 * hyperparameters), where and how it ran (environment), how it went (summary, per-epoch table),
 * and what people said about it (tags, notes). As text for a terminal or as one JSON object.
 *
 * Everything read here goes through the store's readers; the per-batch losses are not read
 * (only their count per epoch is shown), so a long run shows quickly. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dataset.h"
#include "model.h"
#include "noise.h"
#include "paths.h"
#include "run_data.h"
#include "store_cli.h"

static const char show_help[] =
    "usage: aetui show RUN [--json] [--db PATH]\n"
    "\n"
    "Shows one run: hyperparameters, environment (with whether its training data is still\n"
    "the same: it is read again and hashed), summary, the per-epoch table, tags, notes.\n"
    "\n"
    "  --json      one JSON object, for scripts\n"
    "  --db PATH   the run store (default: $AETUI_DB, else ~/.local/share/aetui/aetui.db)\n";

typedef struct show_data {
    store_run run;
    store_summary sum;
    store_param *params;
    int nparams;
    store_epoch *epochs;
    int nepochs;
    char (*tags)[STORE_TAG_MAX + 1];
    int ntags;
    run_data data; /* the training data now against the run's hash */
} show_data;

/* A denoising run's noise and its noisy test inputs' MSE, from its parameters; 0 when the run
 * is not one. PSNR (peak 1) only for images, whose values are in [0, 1]. */
static int denoise_of(const show_data *d, const char **noise, double *noisy_mse, int *images)
{
    *noise = NULL, *noisy_mse = NAN;
    for (int i = 0; i < d->nparams; i++) {
        const store_param *p = &d->params[i];
        if (!strcmp(p->name, "noise") && p->is_text) *noise = p->text;
        if (!strcmp(p->name, "noisy_mse") && !p->is_text) *noisy_mse = p->num;
    }
    const model_preset *mp = model_preset_find(d->run.model);
    *images = mp && mp->kind == DS_IMAGES;
    return *noise && isfinite(*noisy_mse);
}

static void show_line(const char *label, const char *value)
{
    char vis[2048];
    scli_visible(value, 0, vis, sizeof vis);
    printf("  %-14s %s\n", label, vis);
}

static void print_text(const show_data *d, const char *run_dir, const char *store_id)
{
    const store_run *r = &d->run;
    const store_summary *s = &d->sum;
    char a[2048], b[64], c[64];
    scli_visible(r->model, 0, a, sizeof a);
    scli_visible(r->dataset, 0, b, sizeof b);
    scli_visible(r->status, 0, c, sizeof c);
    printf("run %lld: %s on %s, %s\n", (long long)r->id, a, b, c);
    if (d->data.state == RUN_DATA_CHANGED)
        printf("  warning        the training data changed since this run (see \"data now\")\n");
    if (r->name[0]) show_line("name", r->name);
    if (r->message[0]) show_line("message", r->message);
    if (r->parent) {
        snprintf(a, sizeof a, "run %lld", (long long)r->parent);
        show_line("retrains", a);
    }
    scli_time(r->created, a, sizeof a);
    show_line("created", a);
    scli_time(r->finished, a, sizeof a);
    show_line("ended", a);

    printf("\nenvironment\n");
    show_line("aetui", r->version);
    show_line("host", r->host);
    show_line("uuid", r->uuid);
    show_line("store", store_id[0] ? store_id : "-");
    snprintf(a, sizeof a, "%lld", (long long)r->pid);
    show_line("pid", a);
    show_line("BLAS core", r->blas_core[0] ? r->blas_core : "-");
    snprintf(a, sizeof a, "%d", r->threads);
    show_line("threads", a);
    snprintf(a, sizeof a, "%llu", (unsigned long long)r->seed);
    show_line("seed", a);
    show_line("data sha256", r->data_sha256[0] ? r->data_sha256 : "-");
    if (d->data.state == RUN_DATA_SAME)
        show_line("data now", "the same");
    else if (d->data.state == RUN_DATA_CHANGED)
        snprintf(a, sizeof a, "CHANGED: sha256 %s", d->data.now), show_line("data now", a);
    else if (d->data.state == RUN_DATA_UNAVAILABLE)
        snprintf(a, sizeof a, "not checked: %s", d->data.why), show_line("data now", a);
    show_line("files", run_dir);
    if (r->checkpoint[0]) show_line("checkpoint", r->checkpoint);

    if (d->nparams) printf("\nhyperparameters\n");
    for (int i = 0; i < d->nparams; i++) {
        const store_param *p = &d->params[i];
        char name[128];
        scli_visible(p->name, 32, name, sizeof name);
        if (p->is_text)
            scli_visible(p->text, 0, a, sizeof a);
        else
            snprintf(a, sizeof a, "%.10g", p->num);
        printf("  %-14s %s\n", name, a);
    }

    printf("\nsummary\n");
    if (!s->has) {
        printf("  no epoch completed\n");
    } else {
        snprintf(a, sizeof a, "%d", s->epochs);
        show_line("epochs", a);
        if (s->best_epoch) {
            snprintf(a, sizeof a, "%.6g (epoch %d)", s->best_test_loss, s->best_epoch);
            show_line("best test loss", a);
        }
        scli_num(s->test_mse, a, sizeof a);
        show_line("test MSE", a);
        scli_num(s->test_mae, a, sizeof a);
        show_line("test MAE", a);
        const char *noise;
        double nm;
        int images;
        if (denoise_of(d, &noise, &nm, &images)) { /* against the clean test images */
            show_line("noise", noise);
            if (images) {
                snprintf(a, sizeof a, "MSE %.6g, PSNR %.2f dB", nm, noise_psnr(nm));
                show_line("noisy input", a);
                snprintf(a, sizeof a, "MSE %.6g, PSNR %.2f dB", s->test_mse,
                         noise_psnr(s->test_mse));
                show_line("denoised", a);
            } else {
                snprintf(a, sizeof a, "MSE %.6g", nm);
                show_line("noisy input", a);
            }
        }
        scli_duration(s->seconds, a, sizeof a);
        show_line("training time", a);
        scli_num(s->samples_per_sec, a, sizeof a);
        show_line("samples/s", a);
    }
    if (d->ntags) {
        a[0] = 0;
        for (int i = 0; i < d->ntags; i++)
            snprintf(a + strlen(a), sizeof a - strlen(a), "%s%s", i ? ", " : "", d->tags[i]);
        printf("\n");
        show_line("tags", a);
    }
    if (r->notes[0]) {
        static char notes[4 * STORE_NOTE_MAX + 16]; /* ^X forms take twice the bytes */
        scli_visible(r->notes, 0, notes, sizeof notes);
        printf("\nnotes\n  %s\n", notes);
    }

    if (d->nepochs) {
        static const char *const head[] = {"EPOCH",     "TRAIN LOSS", "TRAIN MAE",
                                           "TEST LOSS", "TEST MAE",   "SECONDS",
                                           "SAMPLES/S", "LR",         "BATCHES"};
        printf("\n");
        int w[9];
        for (int k = 0; k < 9; k++) w[k] = (int)strlen(head[k]);
        for (int k = 0; k < 9; k++) {
            if (w[k] < 9) w[k] = 9;
            if (k) printf("  ");
            printf("%*s", w[k], head[k]);
        }
        printf("\n");
        for (int i = 0; i < d->nepochs; i++) {
            const store_epoch *e = &d->epochs[i];
            printf("%*d  %*.6g  %*.6g  %*.6g  %*.6g  %*.2f  %*.0f  %*.3g  %*d\n", w[0], e->epoch,
                   w[1], e->train_loss, w[2], e->train_mae, w[3], e->test_loss, w[4], e->test_mae,
                   w[5], e->seconds, w[6], e->samples_per_sec, w[7], e->lr, w[8], e->nbatches);
        }
    }
}

static void json_field_str(const char *name, const char *v, int comma)
{
    printf("%s\"%s\": ", comma ? ", " : "", name);
    scli_json_str(stdout, v);
}

static void json_field_num(const char *name, double v)
{
    printf(", \"%s\": ", name);
    scli_json_num(stdout, v);
}

static void print_json(const show_data *d, const char *run_dir, const char *store_id)
{
    const store_run *r = &d->run;
    const store_summary *s = &d->sum;
    printf("{\"id\": %lld, \"parent\": ", (long long)r->id);
    if (r->parent)
        printf("%lld", (long long)r->parent);
    else
        printf("null");
    json_field_str("uuid", r->uuid, 1);
    json_field_str("store_uuid", store_id, 1);
    json_field_str("name", r->name, 1);
    json_field_str("model", r->model, 1);
    json_field_str("dataset", r->dataset, 1);
    json_field_str("status", r->status, 1);
    json_field_str("message", r->message, 1);
    printf(", \"created\": %.3f, \"started\": %.3f, \"finished\": ", r->created, r->started);
    if (r->finished > 0)
        printf("%.3f", r->finished);
    else
        printf("null");
    printf(",\n \"environment\": {\"pid\": %lld", (long long)r->pid);
    json_field_str("host", r->host, 1);
    json_field_str("version", r->version, 1);
    json_field_str("blas_core", r->blas_core, 1);
    printf(", \"threads\": %d, \"seed\": %llu", r->threads, (unsigned long long)r->seed);
    json_field_str("data_sha256", r->data_sha256, 1);
    printf(", \"data_check\": {");
    json_field_str("state", run_data_state_name(d->data.state), 0);
    json_field_str("sha256_now", d->data.now, 1);
    json_field_str("message", d->data.why, 1);
    printf("}");
    json_field_str("checkpoint", r->checkpoint, 1);
    json_field_str("files", run_dir, 1);
    printf("},\n \"params\": {");
    for (int i = 0; i < d->nparams; i++) {
        const store_param *p = &d->params[i];
        if (i) printf(", ");
        scli_json_str(stdout, p->name);
        printf(": ");
        if (p->is_text)
            scli_json_str(stdout, p->text);
        else
            scli_json_num(stdout, p->num);
    }
    printf("},\n \"summary\": ");
    if (!s->has) {
        printf("null");
    } else {
        printf("{\"epochs\": %d, \"best_epoch\": %d", s->epochs, s->best_epoch);
        json_field_num("best_test_loss", s->best_test_loss);
        json_field_num("test_mse", s->test_mse);
        json_field_num("test_mae", s->test_mae);
        json_field_num("train_loss", s->train_loss);
        json_field_num("seconds", s->seconds);
        json_field_num("samples_per_sec", s->samples_per_sec);
        const char *noise;
        double nm;
        int images;
        if (denoise_of(d, &noise, &nm, &images)) {
            json_field_num("noisy_mse", nm);
            if (images) {
                json_field_num("noisy_psnr", noise_psnr(nm));
                json_field_num("test_psnr", noise_psnr(s->test_mse));
            }
        }
        printf("}");
    }
    printf(",\n \"tags\": [");
    for (int i = 0; i < d->ntags; i++) {
        if (i) printf(", ");
        scli_json_str(stdout, d->tags[i]);
    }
    printf("],\n ");
    json_field_str("notes", r->notes, 0);
    printf(",\n \"epochs\": [");
    for (int i = 0; i < d->nepochs; i++) {
        const store_epoch *e = &d->epochs[i];
        printf("%s\n  {\"epoch\": %d", i ? "," : "", e->epoch);
        json_field_num("train_loss", e->train_loss);
        json_field_num("train_mae", e->train_mae);
        json_field_num("test_loss", e->test_loss);
        json_field_num("test_mae", e->test_mae);
        json_field_num("seconds", e->seconds);
        json_field_num("samples_per_sec", e->samples_per_sec);
        json_field_num("lr", e->lr);
        printf(", \"batches\": %d}", e->nbatches);
    }
    printf("%s]}\n", d->nepochs ? "\n " : "");
}

int cmd_show(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'},
                                         {"db", required_argument, 0, 'd'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *db = NULL;
    int json = 0, c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            json = 1;
            break;
        case 'd':
            db = optarg;
            break;
        case 'h':
            fputs(show_help, stdout);
            return CLI_OK;
        default:
            return scli_bad_option("show", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage("show", "which run? (aetui show RUN; aetui runs lists them)");
    if (optind + 1 < argc)
        return cli_usage("show", "one run at a time (unexpected '%s')", argv[optind + 1]);
    int64_t id;
    if (scli_run_id("show", argv[optind], &id)) return CLI_USAGE;
    char path[4096];
    store *st;
    if (scli_path("show", db, path) || scli_open("show", path, 0, &st)) return CLI_USAGE;

    static show_data d; /* large (notes): the CLI's main thread only */
    memset(&d, 0, sizeof d);
    ae_err err;
    int rc = CLI_OK;
    if (store_run_get(st, id, &d.run, &err) || store_summary_get(st, id, &d.sum, &err) ||
        store_params_get(st, id, &d.params, &d.nparams, &err) ||
        store_epochs_get(st, id, &d.epochs, &d.nepochs, &err) ||
        store_tags_get(st, id, &d.tags, &d.ntags, &err) || run_data_check(st, id, &d.data, &err)) {
        rc = cli_usage("show", "%s", err.msg);
    } else {
        char dir[4096];
        if (store_run_dir(st, id, dir, sizeof dir, &err)) dir[0] = 0;
        if (json)
            print_json(&d, dir, store_uuid(st));
        else
            print_text(&d, dir, store_uuid(st));
        if (fflush(stdout) != 0) rc = cli_fail("show", "cannot write the output");
    }
    free(d.params);
    free(d.epochs);
    free(d.tags);
    store_close(st);
    return rc;
}

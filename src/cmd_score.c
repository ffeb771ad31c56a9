/* cmd_score.c: `aetui score`, a run's reconstruction error as an anomaly score (issue 13).
 *
 * Scores the run's training split (where the threshold comes from) and the split asked for,
 * sets the threshold (by default the 0.99 quantile of the training scores), and with labels
 * (the data's own: sines' injected anomalies, the classes a run was not trained on; or
 * --labels) reports ROC-AUC, average precision, and at the threshold precision, recall, F1,
 * accuracy and the confusion matrix (core/anomaly.h: scikit-learn's conventions). The PCA
 * baseline is scored beside it with --baseline pca. The result is stored with the run (table
 * scores), so that the run list shows its ROC-AUC; --out writes one CSV row per sample,
 * --errors the per-step (sequences) or per-pixel (images) error of every sample as .npy. */
#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "anomaly.h"
#include "cli.h"
#include "commands.h"
#include "npy.h"
#include "scoring.h"
#include "store_cli.h"

static void help(void)
{
    printf("usage: aetui score RUN [--split test|train] [--labels Y] [--metric mse|mae|max]\n"
           "                  [--threshold X | --quantile Q | --sigma K] [--baseline pca]\n"
           "                  [--out scores.csv] [--errors E.npy] [--json] [--weights last|best]\n"
           "                  [--threads N] [--no-store] [--db PATH]\n"
           "\n"
           "Scores every sample of a split by how badly the run's autoencoder rebuilds it,\n"
           "sets a threshold and, with labels, measures how well the score finds anomalies.\n"
           "\n"
           "  --split S        test (default) or train\n"
           "  --labels Y       1 = anomaly, 0 = normal for each scored sample: a .npy vector\n"
           "                   or a text file of one 0 or 1 per line (default: the data's own:\n"
           "                   sines' injected anomalies, or the classes the run was not\n"
           "                   trained on with --train-classes)\n"
           "  --metric M       mse (default): mean squared error of the reconstruction; mae:\n"
           "                   mean absolute error; max: the largest error of one value\n"
           "  --threshold X    flag scores above X\n"
           "  --quantile Q     flag scores above the Q-quantile of the training scores\n"
           "                   (default 0.99)\n"
           "  --sigma K        flag scores above mean + K std of the training scores\n"
           "  --baseline pca   score the PCA baseline (k = the run's latent size, fitted on the\n"
           "                   same training samples) the same way, beside the autoencoder\n"
           "  --out FILE       one CSV row per sample: index, score, label, class, kind,\n"
           "                   flagged (and the PCA's score and flag)\n"
           "  --errors FILE    the error map of every sample as .npy: N x T (sequences: mean\n"
           "                   squared error over the features at each step) or N x H x W\n"
           "                   (images: mean absolute error over the channels at each pixel)\n"
           "  --json           the result as one JSON object on stdout\n"
           "  --weights W      last (default) or best (lowest test loss)\n"
           "  --threads N      inference threads (default: all cores)\n"
           "  --no-store       do not store the scores with the run\n"
           "  --db PATH        the run store (default: $AETUI_DB, else\n"
           "                   ~/.local/share/aetui/aetui.db)\n");
}

enum { RULE_QUANTILE, RULE_SIGMA, RULE_FIXED };

typedef struct rule {
    int kind;
    double v;
} rule;

static int threshold_of(const rule *r, const float *train, int n, double *thr, char *text,
                        size_t len, ae_err *err)
{
    if (r->kind == RULE_FIXED) {
        *thr = r->v;
        snprintf(text, len, "fixed");
        return 0;
    }
    if (r->kind == RULE_QUANTILE) {
        snprintf(text, len, "quantile %g", r->v);
        return anom_quantile(train, n, r->v, thr, err);
    }
    double m, sd;
    if (anom_mean_std(train, n, &m, &sd, err)) return -1;
    *thr = m + r->v * sd;
    snprintf(text, len, "sigma %g", r->v);
    return 0;
}

/* --labels: a .npy vector (any number type; non-zero = anomaly) or text lines of 0 or 1. */
static int read_labels(const char *C, const char *path, int n, uint8_t **out)
{
    uint8_t *y = malloc((size_t)n);
    if (!y) return cli_fail(C, "out of memory");
    size_t len = strlen(path);
    if (len > 4 && !strcmp(path + len - 4, ".npy")) {
        npy_array a;
        ae_err err;
        if (npy_read(path, NPY_FLOAT, &a, &err)) {
            free(y);
            return cli_usage(C, "--labels: %s", err.msg);
        }
        if (a.count != n) {
            npy_free(&a);
            free(y);
            return cli_usage(C, "--labels: %s holds %lld values for %d scored samples", path,
                             (long long)a.count, n);
        }
        for (int i = 0; i < n; i++) y[i] = ((float *)a.data)[i] != 0;
        npy_free(&a);
    } else {
        FILE *f = fopen(path, "r");
        if (!f) {
            free(y);
            return cli_usage(C, "--labels: cannot read %s", path);
        }
        char line[256];
        int k = 0, lineno = 0;
        while (fgets(line, sizeof line, f)) {
            lineno++;
            char *p = line;
            while (*p == ' ' || *p == '\t') p++;
            char *e = p + strlen(p);
            while (e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
                *--e = 0;
            if (!*p) continue; /* blank lines */
            if (strcmp(p, "0") && strcmp(p, "1")) {
                int words = 0;
                for (const char *q = p; *q; q++) words |= isalpha((unsigned char)*q);
                if (lineno == 1 && words) continue; /* a header such as "label" */
                fclose(f);
                free(y);
                return cli_usage(C, "--labels: %s line %d: expected 0 or 1, got '%.40s'", path,
                                 lineno, p);
            }
            if (k < n) y[k] = *p == '1';
            k++;
        }
        fclose(f);
        if (k != n) {
            free(y);
            return cli_usage(C, "--labels: %s holds %d labels for %d scored samples", path, k, n);
        }
    }
    *out = y;
    return CLI_OK;
}

typedef struct outcome {
    const char *method;
    const float *score, *train;
    double thr;
    char rule[48];
    anom_metrics m;
    long flagged;
} outcome;

static int evaluate(outcome *o, int n, const uint8_t *label, ae_err *err)
{
    o->flagged = 0;
    for (int i = 0; i < n; i++) o->flagged += o->score[i] > o->thr;
    if (!label) {
        memset(&o->m, 0, sizeof o->m);
        o->m.roc_auc = o->m.avg_precision = NAN;
        o->m.threshold = o->thr;
        o->m.n = n;
        return 0;
    }
    return anom_evaluate(o->score, label, n, o->thr, &o->m, err);
}

static void json_outcome(const outcome *o, int labelled)
{
    printf("{\"method\":\"%s\",\"threshold\":%.9g,\"rule\":", o->method, o->thr);
    cli_json_str(stdout, o->rule);
    printf(",\"flagged\":%ld", o->flagged);
    if (labelled) {
        printf(",\"roc_auc\":");
        scli_json_num(stdout, o->m.roc_auc);
        printf(",\"avg_precision\":");
        scli_json_num(stdout, o->m.avg_precision);
        printf(",\"precision\":%.9g,\"recall\":%.9g,\"f1\":%.9g,\"accuracy\":%.9g,"
               "\"confusion\":{\"tp\":%ld,\"fp\":%ld,\"tn\":%ld,\"fn\":%ld}",
               o->m.precision, o->m.recall, o->m.f1, o->m.accuracy, o->m.tp, o->m.fp, o->m.tn,
               o->m.fn);
    }
    printf("}");
}

static void text_outcome(const outcome *o, const char *name, int labelled)
{
    char auc[16] = "-", ap[16] = "-";
    if (labelled && !isnan(o->m.roc_auc)) snprintf(auc, sizeof auc, "%.4f", o->m.roc_auc);
    if (labelled && !isnan(o->m.avg_precision)) snprintf(ap, sizeof ap, "%.4f", o->m.avg_precision);
    if (labelled)
        printf("  %-14s %11.6g  %7s  %7s  %9.4f  %6.4f  %6.4f  %8.4f  %7ld\n", name, o->thr, auc,
               ap, o->m.precision, o->m.recall, o->m.f1, o->m.accuracy, o->flagged);
    else
        printf("  %-14s %11.6g  %7ld\n", name, o->thr, o->flagged);
}

static int write_csv(const char *C, const char *path, const scoring *s, const uint8_t *label,
                     const outcome *ae, const outcome *pc)
{
    fio_out o;
    int rc = cli_out_open(C, path, 0, &o);
    if (rc) return rc;
    fprintf(o.f, "index,score,label,class,kind,flagged%s\n", pc ? ",pca_score,pca_flagged" : "");
    for (int i = 0; i < s->n; i++) {
        char cls[64];
        scli_visible(s->class_names[s->cls[i]], 24, cls, sizeof cls);
        for (char *p = cls; *p; p++)
            if (*p == ',' || *p == '"') *p = ' ';
        fprintf(o.f, "%d,%.9g,%s,%s,%s,%d", i, s->score[i], label ? label[i] ? "1" : "0" : "", cls,
                s->kind_of ? ds_anomaly_names[s->kind_of[i]] : "", ae->score[i] > ae->thr);
        if (pc) fprintf(o.f, ",%.9g,%d", pc->score[i], pc->score[i] > pc->thr);
        fputc('\n', o.f);
    }
    return cli_out_commit(C, &o);
}

static int write_errors(const char *C, const char *path, const scoring_src *src, const scoring *s)
{
    fio_out o;
    int rc = cli_out_open(C, path, 0, &o);
    if (rc) return rc;
    int mdim = s->kind == DS_IMAGES ? s->h * s->w : s->t;
    enum { BLK = 512 };
    int *idx = malloc(sizeof(int) * BLK);
    float *x = malloc(sizeof(float) * BLK * (size_t)s->dim),
          *y = malloc(sizeof(float) * BLK * (size_t)s->dim),
          *maps = malloc(sizeof(float) * (size_t)s->n * mdim);
    ae_err err;
    if (!idx || !x || !y || !maps) {
        rc = cli_fail(C, "out of memory for the error maps of %d samples", s->n);
        goto out;
    }
    for (int b = 0; b < s->n; b += BLK) {
        int B = s->n - b < BLK ? s->n - b : BLK;
        for (int k = 0; k < B; k++) idx[k] = b + k;
        if (scoring_samples(src, s->split, idx, B, x, y, &err)) {
            rc = cli_fail(C, "%s", err.msg);
            goto out;
        }
        for (int k = 0; k < B; k++)
            score_map(s, x + (size_t)k * s->dim, y + (size_t)k * s->dim,
                      maps + (size_t)(b + k) * mdim);
    }
    int64_t shape[3] = {s->n, s->kind == DS_IMAGES ? s->h : s->t, s->w};
    if (npy_fput_f32(o.f, path, maps, s->kind == DS_IMAGES ? 3 : 2, shape, &err)) {
        rc = cli_fail(C, "%s", err.msg);
        goto out;
    }
    rc = cli_out_commit(C, &o);
    free(idx), free(x), free(y), free(maps);
    return rc;
out:
    fio_out_abort(&o);
    free(idx), free(x), free(y), free(maps);
    return rc;
}

static void to_store(const outcome *o, const scoring *s, const uint8_t *label, store_scores *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->method, sizeof r->method, "%s", o->method);
    snprintf(r->metric, sizeof r->metric, "%s", score_metric_names[s->metric]);
    snprintf(r->split, sizeof r->split, "%s", s->split == DS_TEST ? "test" : "train");
    snprintf(r->rule, sizeof r->rule, "%s", o->rule);
    r->n = s->n, r->n_train = s->n_train, r->n_pos = label ? o->m.n_pos : -1;
    r->threshold = o->thr;
    r->roc_auc = o->m.roc_auc, r->avg_precision = o->m.avg_precision;
    r->precision = o->m.precision, r->recall = o->m.recall, r->f1 = o->m.f1;
    r->accuracy = o->m.accuracy;
    r->tp = o->m.tp, r->fp = o->m.fp, r->tn = o->m.tn, r->fn = o->m.fn;
}

int cmd_score(int argc, char **argv)
{
    static const struct option opts[] = {
        {"split", required_argument, 0, 's'},    {"labels", required_argument, 0, 'y'},
        {"metric", required_argument, 0, 'm'},   {"threshold", required_argument, 0, 'x'},
        {"quantile", required_argument, 0, 'q'}, {"sigma", required_argument, 0, 'k'},
        {"baseline", required_argument, 0, 'b'}, {"out", required_argument, 0, 'o'},
        {"errors", required_argument, 0, 'e'},   {"json", no_argument, 0, 'J'},
        {"weights", required_argument, 0, 'w'},  {"threads", required_argument, 0, 'j'},
        {"no-store", no_argument, 0, 'N'},       {"db", required_argument, 0, 'd'},
        {"help", no_argument, 0, 'h'},           {0, 0, 0, 0}};
    const char *C = "score", *db = NULL, *labels_path = NULL, *out_path = NULL, *errors_path = NULL,
               *weights = "last";
    int split = DS_TEST, metric = SCORE_MSE, pca = 0, json = 0, nostore = 0, nrules = 0, c;
    long nproc = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = nproc > 0 && nproc < 256 ? (int)nproc : 1;
    rule ru = {RULE_QUANTILE, 0.99};
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (strcmp(optarg, "test") && strcmp(optarg, "train"))
                return cli_usage(C, "--split: expected test or train, got '%s'", optarg);
            split = !strcmp(optarg, "test") ? DS_TEST : DS_TRAIN;
            break;
        case 'y':
            labels_path = optarg;
            break;
        case 'm':
            if ((metric = score_metric_parse(optarg)) < 0)
                return cli_usage(C, "--metric: expected mse, mae or max, got '%s'", optarg);
            break;
        case 'x':
            nrules++, ru.kind = RULE_FIXED;
            if (cli_double(C, "--threshold", optarg, -1e300, 1e300, &ru.v)) return CLI_USAGE;
            break;
        case 'q':
            nrules++, ru.kind = RULE_QUANTILE;
            if (cli_double(C, "--quantile", optarg, 0, 1, &ru.v)) return CLI_USAGE;
            break;
        case 'k':
            nrules++, ru.kind = RULE_SIGMA;
            if (cli_double(C, "--sigma", optarg, -1e6, 1e6, &ru.v)) return CLI_USAGE;
            break;
        case 'b':
            if (strcmp(optarg, "pca"))
                return cli_usage(C, "--baseline: the one baseline is pca, got '%s'", optarg);
            pca = 1;
            break;
        case 'o':
            out_path = optarg;
            break;
        case 'e':
            errors_path = optarg;
            break;
        case 'J':
            json = 1;
            break;
        case 'w':
            if (strcmp(optarg, "last") && strcmp(optarg, "best"))
                return cli_usage(C, "--weights: expected last or best, got '%s'", optarg);
            weights = optarg;
            break;
        case 'j':
            if (cli_int(C, "--threads", optarg, 1, 256, &threads)) return CLI_USAGE;
            break;
        case 'N':
            nostore = 1;
            break;
        case 'd':
            db = optarg;
            break;
        case 'h':
            help();
            return CLI_OK;
        default:
            return scli_bad_option(C, c, argv);
        }
    }
    if (optind >= argc) return cli_usage(C, "which run? (aetui score RUN; aetui runs lists them)");
    if (optind + 1 < argc)
        return cli_usage(C, "one run at a time (unexpected '%s')", argv[optind + 1]);
    if (nrules > 1)
        return cli_usage(C, "--threshold, --quantile and --sigma choose the threshold: one of "
                            "them at most");
    int64_t run;
    if (scli_run_id(C, argv[optind], &run)) return CLI_USAGE;
    char path[4096];
    store *st;
    int rc = scli_path(C, db, path);
    if (rc || (rc = scli_open(C, path, 0, &st))) return rc;
    ae_err err;
    int e = store_run_exists(st, run, &err);
    if (e <= 0) {
        store_close(st);
        if (e < 0) return cli_fail(C, "%s", err.msg);
        return cli_usage(C, "run %lld: no such run", (long long)run);
    }
    scoring_src src;
    if (scoring_src_get(st, run, weights, &src, &err)) {
        store_close(st);
        return cli_usage(C, "%s", err.msg);
    }
    /* opened before the work, so that a bad path fails at once */
    if (out_path && access(out_path, F_OK) != 0) {
        FILE *t = fopen(out_path, "w");
        if (!t) {
            store_close(st);
            return cli_usage(C, "--out: cannot write %s", out_path);
        }
        fclose(t), remove(out_path);
    }
    scoring *s;
    if (scoring_compute(&src, split, metric, pca, threads, &s, &err)) {
        store_close(st);
        return cli_fail(C, "%s", err.msg);
    }
    uint8_t *label = s->label, *own = NULL;
    if (labels_path) {
        if ((rc = read_labels(C, labels_path, s->n, &own))) goto done;
        label = own;
    }
    outcome ae = {"ae", s->score, s->train_score, 0, "", {0}, 0}, pc = ae;
    pc.method = "pca", pc.score = s->pca_score, pc.train = s->pca_train_score;
    if (threshold_of(&ru, s->train_score, s->n_train, &ae.thr, ae.rule, sizeof ae.rule, &err) ||
        evaluate(&ae, s->n, label, &err) ||
        (pca && (threshold_of(&ru, s->pca_train_score, s->n_train, &pc.thr, pc.rule, sizeof pc.rule,
                              &err) ||
                 evaluate(&pc, s->n, label, &err)))) {
        rc = cli_fail(C, "%s", err.msg);
        goto done;
    }
    int npos = 0;
    if (label)
        for (int i = 0; i < s->n; i++) npos += label[i];
    if (out_path && (rc = write_csv(C, out_path, s, label, &ae, pca ? &pc : NULL))) goto done;
    if (errors_path && (rc = write_errors(C, errors_path, &src, s))) goto done;
    char stored[600] = "";
    if (!nostore && store_readonly(st))
        snprintf(stored, sizeof stored, "not stored: the store is read-only");
    else if (!nostore) {
        store_scores r;
        to_store(&ae, s, label, &r);
        if (store_scores_put(st, run, &r, s->score, label, s->train_score, &err) ||
            (pca && (to_store(&pc, s, label, &r),
                     store_scores_put(st, run, &r, s->pca_score, label, s->pca_train_score, &err))))
            snprintf(stored, sizeof stored, "not stored: %.560s", err.msg);
    }
    const char *sp = split == DS_TEST ? "test" : "train";
    if (json) {
        printf("{\"run\":%lld,\"model\":", (long long)run);
        cli_json_str(stdout, s->model);
        printf(",\"dataset\":");
        cli_json_str(stdout, s->dataset);
        printf(",\"split\":\"%s\",\"metric\":\"%s\",\"n\":%d,\"n_train\":%d,\"labelled\":%s,"
               "\"n_anomalies\":",
               sp, score_metric_names[metric], s->n, s->n_train, label ? "true" : "false");
        if (label)
            printf("%d", npos);
        else
            printf("null");
        printf(",\"seconds\":{\"load\":%.3f,\"inference\":%.3f,\"pca\":%.3f},"
               "\"samples_per_sec\":%.1f,\"results\":[",
               s->load_s, s->infer_s, s->pca_s, s->infer_s > 0 ? s->infer_samples / s->infer_s : 0);
        json_outcome(&ae, label != NULL);
        if (pca) printf(","), json_outcome(&pc, label != NULL);
        printf("],\"stored\":%s}\n", nostore || stored[0] ? "false" : "true");
    } else {
        printf("run %lld: %s on %s, %s split: %d samples", (long long)run, s->model, s->dataset, sp,
               s->n);
        if (label) printf(", %d anomalous", npos);
        printf("; score = reconstruction %s\n", metric == SCORE_MSE   ? "MSE"
                                                : metric == SCORE_MAE ? "MAE"
                                                                      : "max |error|");
        char rt[96];
        if (ru.kind == RULE_FIXED)
            snprintf(rt, sizeof rt, "fixed at %g", ru.v);
        else if (ru.kind == RULE_QUANTILE)
            snprintf(rt, sizeof rt, "the %g quantile of the %d training scores", ru.v, s->n_train);
        else
            snprintf(rt, sizeof rt, "mean + %g std of the %d training scores", ru.v, s->n_train);
        printf("threshold: %s\n", rt);
        if (label)
            printf("  %-14s %11s  %7s  %7s  %9s  %6s  %6s  %8s  %7s\n", "", "threshold", "ROC-AUC",
                   "AP", "precision", "recall", "F1", "accuracy", "flagged");
        else
            printf("  %-14s %11s  %7s\n", "", "threshold", "flagged");
        text_outcome(&ae, "autoencoder", label != NULL);
        char pname[32];
        snprintf(pname, sizeof pname, "PCA (k = %d)", s->latent);
        if (pca) text_outcome(&pc, pname, label != NULL);
        if (label)
            printf("confusion at the threshold (autoencoder): tp %ld  fp %ld  tn %ld  fn %ld\n",
                   ae.m.tp, ae.m.fp, ae.m.tn, ae.m.fn);
        else
            printf("no labels: give --labels Y for ROC-AUC and the rest\n");
    }
    if (stored[0] && !nostore) fprintf(stderr, "aetui score: %.500s\n", stored);
    rc = CLI_OK;
done:
    free(own);
    scoring_free(s);
    store_close(st);
    return rc;
}

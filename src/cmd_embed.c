/* cmd_embed.c: `aetui embed`, a 2-D layout of a matrix's rows (PCA or t-SNE) as CSV.
 *
 * The idea: three small steps with a plain struct between them, so that another source of
 * points is one more loader. load_npy() reads --input (and --labels) into an embed_points,
 * load_run() a recorded run's test-set latent vectors and labels from the run store
 * (`aetui embed RUN`); embed_compute() runs PCA or t-SNE on it (t-SNE reporting progress on
 * stderr through its publication callback); write_csv() writes `x,y,label`. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "npy.h"
#include "pca.h"
#include "store_cli.h"
#include "tsne.h"

static const char embed_help[] =
    "usage: aetui embed --input X.npy [--labels L.npy] --method pca|tsne [--perplexity P]\n"
    "                   [--iterations N] [--seed S] [--threads N] [--quiet] --out Y.csv\n"
    "       aetui embed RUN --method pca|tsne [options] --out Y.csv [--db PATH]\n"
    "\n"
    "Lays the rows of a matrix out in two dimensions and writes them as CSV with a header:\n"
    "x,y,label (label empty when no labels are given). With RUN, the rows are the recorded\n"
    "run's test-set latent vectors at the end of training, labelled with their classes.\n"
    "\n"
    "  RUN               a run id (aetui runs lists them)\n"
    "  --db PATH         the run store (default: $AETUI_DB, else\n"
    "                    ~/.local/share/aetui/aetui.db)\n"
    "  --input X.npy     float32, float64 or uint8 array (uint8 scaled to [0,1]), N x D,\n"
    "                    C order\n"
    "  --labels L.npy    integer class labels, N values (int64, int32, int16, int8, uint8)\n"
    "  --method M        pca (first two principal components) or tsne (Barnes-Hut t-SNE)\n"
    "  --perplexity P    t-SNE perplexity (default 30, lowered for small N; at most (N-1)/3)\n"
    "  --iterations N    t-SNE iterations (default 1000)\n"
    "  --seed S          t-SNE seed (used by the random initialisation only; PCA start is\n"
    "                    deterministic)\n"
    "  --threads N       t-SNE threads (default 2); the layout does not depend on it\n"
    "  --quiet           no progress on stderr\n"
    "  --out Y.csv       the output file\n";

enum { METHOD_NONE, METHOD_PCA, METHOD_TSNE };

typedef struct embed_opts {
    const char *input, *labels, *out, *run, *db;
    const char *what; /* the source named in messages: the input file or "run N" */
    int method, iterations, threads, quiet;
    double perplexity;
    uint64_t seed;
} embed_opts;

/* The points to lay out: n rows of d floats, and labels (NULL when unknown). */
typedef struct embed_points {
    int n, d;
    float *x;
    int32_t *labels;
} embed_points;

static void points_free(embed_points *p)
{
    free(p->x);
    free(p->labels);
    memset(p, 0, sizeof *p);
}

/* --input and --labels. Returns a CLI status. */
static int load_npy(const embed_opts *o, embed_points *pts)
{
    ae_err err = {{0}};
    npy_array a, l;
    memset(pts, 0, sizeof *pts);
    if (npy_read(o->input, NPY_UNIT, &a, &err)) return cli_usage("embed", "%s", err.msg);
    if (a.ndim != 2 || a.shape[0] > 100000000 || a.shape[1] > 100000000) {
        int ndim = a.ndim; /* npy_free zeroes a */
        long long rows = a.shape[0], cols = a.shape[1];
        npy_free(&a);
        if (ndim == 2)
            return cli_usage("embed", "%s: %lld x %lld is too large", o->input, rows, cols);
        return cli_usage("embed", "%s: expected a 2-D array (N x D), got %d dimensions", o->input,
                         ndim);
    }
    pts->n = (int)a.shape[0];
    pts->d = (int)a.shape[1];
    pts->x = a.data; /* taken over */
    if (pts->n < 2 || pts->d < 1) {
        points_free(pts); /* a.data with it; a.shape is still a's */
        return cli_usage("embed", "%s: need at least 2 rows and 1 column, got %lld x %lld",
                         o->input, (long long)a.shape[0], (long long)a.shape[1]);
    }
    if (!o->labels) return CLI_OK;
    if (npy_read(o->labels, NPY_LABELS, &l, &err)) {
        points_free(pts);
        return cli_usage("embed", "%s", err.msg);
    }
    if (l.count != pts->n || (l.ndim != 1 && !(l.ndim == 2 && l.shape[1] == 1))) {
        long long got = l.count; /* npy_free zeroes l, points_free pts */
        int want = pts->n;
        npy_free(&l);
        points_free(pts);
        return cli_usage("embed", "%s: expected %d labels (a 1-D array), got %lld", o->labels, want,
                         got);
    }
    pts->labels = l.data;
    return CLI_OK;
}

/* RUN: the run's stored test-set latent vectors and labels. Returns a CLI status. */
static int load_run(const embed_opts *o, embed_points *pts)
{
    const char *C = "embed";
    memset(pts, 0, sizeof *pts);
    int64_t id;
    char path[4096];
    store *st = NULL;
    int rc = scli_run_id(C, o->run, &id);
    if (!rc) rc = scli_path(C, o->db, path);
    if (!rc) rc = scli_open(C, path, 0, &st);
    if (rc) return rc;
    ae_err err = {{0}};
    float *lat = NULL;
    uint8_t *lab = NULL;
    int n = 0, d = 0;
    int exists = store_run_exists(st, id, &err);
    if (exists == 1 && store_latents_get(st, id, &lat, &lab, &n, &d, &err) == 0 && n == 0)
        rc = cli_usage(C,
                       "run %lld has no stored latent vectors (it ended before its first epoch "
                       "was evaluated)",
                       (long long)id);
    else if (exists == 0)
        rc = cli_usage(C, "run %lld: no such run in %s", (long long)id, path);
    else if (exists < 0 || err.msg[0])
        rc = cli_usage(C, "%s", err.msg);
    else if (n < 2 || d < 1)
        rc = cli_usage(C, "run %lld: %d latent vectors of size %d, need at least 2 of size >= 1",
                       (long long)id, n, d);
    store_close(st);
    if (rc) {
        free(lat);
        free(lab);
        return rc;
    }
    pts->n = n;
    pts->d = d;
    pts->x = lat; /* taken over */
    if (lab) {
        pts->labels = malloc((size_t)n * sizeof *pts->labels);
        if (!pts->labels) {
            free(lab);
            points_free(pts);
            return cli_fail(C, "out of memory");
        }
        for (int i = 0; i < n; i++) pts->labels[i] = lab[i];
        free(lab);
    }
    return CLI_OK;
}

typedef struct progress {
    int quiet, last_phase, last_it;
} progress;

static void on_publish(void *user, const tsne_status *st, const float *xy)
{
    progress *pr = user;
    if (pr->quiet) return;
    static const char *names[] = {"",     "nearest neighbours", "affinities", "optimising",
                                  "done", "cancelled",          "failed"};
    int phase_changed = st->phase != pr->last_phase;
    if (st->phase == TSNE_OPTIMISING && !phase_changed && st->iteration - pr->last_it < 100) return;
    pr->last_phase = st->phase;
    pr->last_it = st->iteration;
    if (st->phase == TSNE_OPTIMISING || st->phase == TSNE_DONE) {
        fprintf(stderr, "aetui embed: t-SNE iteration %d/%d", st->iteration, st->iterations);
        if (!isnan(st->kl)) fprintf(stderr, ", KL %.4f", st->kl);
        fprintf(stderr, " (%.1f s)%s\n", st->elapsed_s, st->phase == TSNE_DONE ? " done" : "");
    } else if (st->phase > 0 && st->phase < 7) {
        fprintf(stderr, "aetui embed: t-SNE %s (%.1f s)\n", names[st->phase], st->elapsed_s);
    }
}

/* The layout of pts into xy (n x 2). Returns a CLI status. */
static int embed_compute(const embed_opts *o, const embed_points *pts, float *xy)
{
    ae_err err = {{0}};
    int n = pts->n, d = pts->d;
    if (o->method == METHOD_PCA) {
        pca p;
        int k = d < 2 ? d : 2;
        float *z = malloc((size_t)n * k * sizeof *z);
        if (!z) return cli_fail("embed", "out of memory");
        if (pca_fit(&p, pts->x, n, d, k, &err) || pca_project(&p, pts->x, n, z, &err)) {
            free(z);
            return cli_usage("embed", "%s: %s", o->what, err.msg);
        }
        if (!o->quiet)
            fprintf(stderr, "aetui embed: PCA, explained variance %.4f + %.4f\n", p.ratio[0],
                    k > 1 ? p.ratio[1] : 0.0);
        for (int i = 0; i < n; i++) {
            xy[2 * i] = z[(size_t)i * k];
            xy[2 * i + 1] = k > 1 ? z[(size_t)i * k + 1] : 0.0f;
        }
        pca_free(&p);
        free(z);
        return CLI_OK;
    }
    tsne_params tp;
    memset(&tp, 0, sizeof tp);
    tp.perplexity = o->perplexity;
    tp.iterations = o->iterations;
    tp.threads = o->threads;
    tp.seed = o->seed;
    progress pr = {o->quiet, -1, 0};
    tp.on_publish = on_publish;
    tp.user = &pr;
    tsne *t = tsne_create(pts->x, n, d, &tp, &err);
    if (!t) return cli_usage("embed", "%s: %s", o->what, err.msg);
    if (!o->quiet)
        fprintf(stderr, "aetui embed: t-SNE of %d x %d, perplexity %g, %d threads\n", n, d,
                tsne_perplexity(t), o->threads ? o->threads : 2);
    int rc = tsne_run(t, &err);
    if (rc == 0) tsne_snapshot(t, xy, NULL);
    tsne_free(t);
    if (rc) return cli_fail("embed", "%s", rc < 0 ? err.msg : "cancelled");
    return CLI_OK;
}

/* The layout as CSV into o (opened before the work), committed. */
static int write_csv(fio_out *o, const float *xy, const int32_t *labels, int n)
{
    FILE *f = o->f;
    fputs("x,y,label\n", f);
    for (int i = 0; i < n; i++) {
        fprintf(f, "%.9g,%.9g,", xy[2 * i], xy[2 * i + 1]);
        if (labels) fprintf(f, "%d", labels[i]);
        fputc('\n', f);
    }
    return cli_out_commit("embed", o);
}

int cmd_embed(int argc, char **argv)
{
    static const struct option opts[] = {{"input", required_argument, 0, 'i'},
                                         {"labels", required_argument, 0, 'l'},
                                         {"method", required_argument, 0, 'm'},
                                         {"perplexity", required_argument, 0, 'p'},
                                         {"iterations", required_argument, 0, 'n'},
                                         {"seed", required_argument, 0, 's'},
                                         {"threads", required_argument, 0, 't'},
                                         {"out", required_argument, 0, 'o'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"db", required_argument, 0, 'B'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    embed_opts o;
    memset(&o, 0, sizeof o);
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (cli_text("embed", "--input", optarg, 4000)) return CLI_USAGE;
            o.input = optarg;
            break;
        case 'l':
            if (cli_text("embed", "--labels", optarg, 4000)) return CLI_USAGE;
            o.labels = optarg;
            break;
        case 'o':
            if (cli_text("embed", "--out", optarg, 4000)) return CLI_USAGE;
            o.out = optarg;
            break;
        case 'q':
            o.quiet = 1;
            break;
        case 'B':
            o.db = optarg;
            break;
        case 'm':
            if (!strcmp(optarg, "pca"))
                o.method = METHOD_PCA;
            else if (!strcmp(optarg, "tsne"))
                o.method = METHOD_TSNE;
            else
                return cli_usage("embed", "--method: '%s' is not pca or tsne", optarg);
            break;
        case 'p':
            if (cli_double("embed", "--perplexity", optarg, 1e-3, 1e6, &o.perplexity))
                return CLI_USAGE;
            break;
        case 'n':
            if (cli_int("embed", "--iterations", optarg, 1, 1000000, &o.iterations))
                return CLI_USAGE;
            break;
        case 's':
            if (cli_u64("embed", "--seed", optarg, &o.seed)) return CLI_USAGE;
            break;
        case 't':
            if (cli_int("embed", "--threads", optarg, 1, 64, &o.threads)) return CLI_USAGE;
            break;
        case 'h':
            fputs(embed_help, stdout);
            return CLI_OK;
        case ':':
            return cli_usage("embed", "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage("embed", "unknown option '%s' (see aetui embed --help)",
                             argv[optind - 1]);
        }
    }
    if (optind < argc) o.run = argv[optind++];
    if (optind < argc)
        return cli_usage("embed", "unexpected argument '%s' (see aetui embed --help)",
                         argv[optind]);
    if (o.run && (o.input || o.labels))
        return cli_usage("embed", "give either RUN or --input X.npy, not both");
    if (!o.run && o.db) return cli_usage("embed", "--db is for embed RUN");
    if (!o.run && !o.input)
        return cli_usage("embed", "RUN or --input X.npy is required (see aetui embed --help)");
    if (o.method == METHOD_NONE) return cli_usage("embed", "--method pca|tsne is required");
    if (!o.out) return cli_usage("embed", "--out Y.csv is required");
    if (o.method == METHOD_PCA && (o.perplexity || o.iterations))
        return cli_usage("embed", "--perplexity and --iterations are for --method tsne");

    char what[64];
    if (o.run) snprintf(what, sizeof what, "run %.40s", o.run);
    o.what = o.run ? what : o.input;
    embed_points pts;
    int rc = o.run ? load_run(&o, &pts) : load_npy(&o, &pts);
    if (rc) return rc;
    float *xy = malloc((size_t)2 * pts.n * sizeof *xy);
    if (!xy) {
        points_free(&pts);
        return cli_fail("embed", "out of memory for %d points", pts.n);
    }
    fio_out out; /* opened before the work, so that a bad --out fails at once */
    if ((rc = cli_out_open("embed", o.out, 0, &out))) {
        free(xy);
        points_free(&pts);
        return rc;
    }
    double t0 = cli_now();
    rc = embed_compute(&o, &pts, xy);
    if (rc == CLI_OK)
        rc = write_csv(&out, xy, pts.labels, pts.n);
    else
        fio_out_abort(&out);
    if (rc == CLI_OK && !o.quiet)
        fprintf(stderr, "aetui embed: %d points in %.2f s -> %s\n", pts.n, cli_now() - t0, o.out);
    free(xy);
    points_free(&pts);
    return rc;
}

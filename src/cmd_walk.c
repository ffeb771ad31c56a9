/* cmd_walk.c: `aetui interpolate`, `aetui traverse` and `aetui sample`, walks in a run's latent
 * space (issue 14).
 *
 * Each rebuilds the run's model from its checkpoint (as encode does), loads the split of the
 * run's data it needs as the trainer loaded it (dataset, directory and sample count from the
 * checkpoint's metadata), encodes, makes the codes of the walk (core/walk.h), decodes them
 * (model_decode) and writes a picture (PNG or sixel, ui/walk_draw.h) and/or the decoded values
 * (.npy, float32, count x the samples' shape, row-major over the picture's grid). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "dataset.h"
#include "export_pictures.h"
#include "model.h"
#include "npy.h"
#include "pca.h"
#include "store_cli.h"
#include "train_checkpoint.h"
#include "walk.h"
#include "walk_draw.h"

enum { W_INTERPOLATE, W_TRAVERSE, W_SAMPLE };
enum { STREAM_WALK_SAMPLE = 11 }; /* the sampler's own stream of --seed */

#define WALK_PAPER 0x181818u
#define WALK_INK   0xd0d0d0u

typedef struct walk_opts {
    int kind;
    const char *cmd, *db, *weights, *out, *npy;
    int sixel;
    int from, to, steps, slerp; /* interpolate (steps: traverse too) */
    int axes;                   /* traverse */
    double range;
    int n; /* sample */
    uint64_t seed;
} walk_opts;

static void help(const walk_opts *o)
{
    if (o->kind == W_INTERPOLATE)
        printf("usage: aetui interpolate RUN --from I --to J [--steps K] [--slerp] OUTPUT\n\n"
               "Decodes K codes on the line from test sample I's code to test sample J's (the\n"
               "ends are the two codes themselves, so they decode to the two reconstructions).\n\n"
               "  --from I, --to J   test samples (0-based, in the run's test split)\n"
               "  --steps K          decoded samples, ends included (default 8, 2 to 64)\n"
               "  --slerp            spherical interpolation (great circle, norm linear)\n");
    else if (o->kind == W_TRAVERSE)
        printf("usage: aetui traverse RUN [--axes N] [--range S] [--steps K] OUTPUT\n\n"
               "A PCA of the test set's codes: row j decodes the mean code moved along principal\n"
               "axis j from -S to +S standard deviations in K steps (the middle one the mean).\n\n"
               "  --axes N    rows: principal axes (default 6, at most the latent size)\n"
               "  --range S   standard deviations each way (default 3)\n"
               "  --steps K   columns (default 7)\n");
    else
        printf("usage: aetui sample RUN [--n N] [--seed S] OUTPUT\n\n"
               "Fits a Gaussian (mean and full covariance) to the training set's codes and\n"
               "decodes N codes drawn from it. A plain autoencoder is not a generative model:\n"
               "its codes need not fill a Gaussian, so some samples will be poor.\n\n"
               "  --n N       samples (default 16, 1 to 256)\n"
               "  --seed S    the generator's seed (default 1): the same seed, the same samples\n");
    printf("\nOUTPUT, one or more of:\n"
           "  --out FILE.png   the picture as PNG\n"
           "  --sixel          the picture as sixel on standard output\n"
           "  --npy FILE       the decoded values (float32, count x the samples' shape)\n"
           "  --weights W      last (default) or best\n"
           "  --db PATH        the run store (default: $AETUI_DB, else "
           "~/.local/share/aetui/aetui.db)\n");
}

static int parse(walk_opts *o, int argc, char **argv, const char **run)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'},
                                         {"weights", required_argument, 0, 'w'},
                                         {"out", required_argument, 0, 'o'},
                                         {"sixel", no_argument, 0, 'x'},
                                         {"npy", required_argument, 0, 'y'},
                                         {"from", required_argument, 0, 'F'},
                                         {"to", required_argument, 0, 'T'},
                                         {"steps", required_argument, 0, 'k'},
                                         {"slerp", no_argument, 0, 'S'},
                                         {"axes", required_argument, 0, 'a'},
                                         {"range", required_argument, 0, 'r'},
                                         {"n", required_argument, 0, 'n'},
                                         {"seed", required_argument, 0, 's'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    /* which options belong to which command */
    static const char *const own[] = {"FTkS", "akr", "ns"};
    const char *C = o->cmd;
    int c, li;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, &li)) != -1) {
        if (strchr("FTkSakrns", c) && c && !strchr(own[o->kind], c))
            return cli_usage(C, "--%s is not an option of %s (see --help)", opts[li].name, C);
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'w':
            o->weights = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'x':
            o->sixel = 1;
            break;
        case 'y':
            o->npy = optarg;
            break;
        case 'F':
            if (cli_int(C, "--from", optarg, 0, 100000000, &o->from)) return CLI_USAGE;
            break;
        case 'T':
            if (cli_int(C, "--to", optarg, 0, 100000000, &o->to)) return CLI_USAGE;
            break;
        case 'k':
            if (cli_int(C, "--steps", optarg, o->kind == W_INTERPOLATE ? 2 : 1, 64, &o->steps))
                return CLI_USAGE;
            break;
        case 'S':
            o->slerp = 1;
            break;
        case 'a':
            if (cli_int(C, "--axes", optarg, 1, 64, &o->axes)) return CLI_USAGE;
            break;
        case 'r':
            if (cli_double(C, "--range", optarg, 0, 100, &o->range)) return CLI_USAGE;
            break;
        case 'n':
            if (cli_int(C, "--n", optarg, 1, 256, &o->n)) return CLI_USAGE;
            break;
        case 's':
            if (cli_u64(C, "--seed", optarg, &o->seed)) return CLI_USAGE;
            break;
        case 'h':
            help(o);
            return -1;
        default:
            return scli_bad_option(C, c, argv);
        }
    }
    if (optind >= argc) return cli_usage(C, "which run? (aetui %s RUN ..., see --help)", C);
    if (optind + 1 < argc)
        return cli_usage(C, "one run at a time (unexpected '%s')", argv[optind + 1]);
    *run = argv[optind];
    if (!o->out && !o->npy && !o->sixel)
        return cli_usage(C, "nothing to write: give --out FILE.png, --sixel or --npy FILE");
    if (o->kind == W_INTERPOLATE && (o->from < 0 || o->to < 0))
        return cli_usage(C, "--from and --to are required (test sample numbers)");
    return CLI_OK;
}

/* The split's samples [first, first + count) encoded into z (count x latent). */
static int encode_split(run_model *m, const dataset *ds, int first, int count, float *z)
{
    enum { CHUNK = 512 };
    long dim = ds->dim, L = net_latent_size(&m->n);
    float *x = malloc(sizeof(float) * CHUNK * dim);
    int idx[CHUNK];
    if (!x) return -1;
    for (int s = 0; s < count; s += CHUNK) {
        int b = count - s < CHUNK ? count - s : CHUNK;
        for (int k = 0; k < b; k++) idx[k] = first + s + k;
        ds_gather_flat(ds, idx, b, x);
        if (model_apply(&m->n, x, b, 1, z + (long)s * L)) {
            free(x);
            return -1;
        }
    }
    free(x);
    return 0;
}

/* The picture: an optional column of originals on each side (interpolate), the decoded grid,
 * a title line on top, row labels on the left, column labels under the title. */
typedef struct walk_pic {
    const char *title;
    const char *const *row_labels; /* rows, or NULL */
    const char *const *col_labels; /* cols, or NULL */
    const float *ends;             /* interpolate: the two originals, or NULL */
} walk_pic;

static int draw(const net_shape *shape, int rows, int cols, int count, const float *v,
                const walk_pic *p, canvas *cv, ae_err *err)
{
    walk_grid g = {.shape = *shape, .rows = rows, .cols = cols, .count = count, .gap = 4};
    g.paper = 0x000000u, g.frame = 0x606060u;
    int ncols = cols + (p->ends ? 2 : 0), endgap = p->ends ? 12 : 0;
    int label_w = 0;
    if (p->row_labels)
        for (int r = 0; r < rows; r++) {
            int w = canvas_text_width(p->row_labels[r], 1) + 8;
            if (w > label_w) label_w = w;
        }
    if (shape->rank == 3) {
        /* tiles at a whole multiple of the image (up to 3x), the picture within 1000 pixels */
        int sc = 3;
        while (sc > 1 && 16 + label_w + ncols * (shape->w * sc + g.gap) + 2 * endgap > 1000) sc--;
        g.tw = shape->w * sc, g.th = shape->h * sc;
    } else {
        g.tw = 120, g.th = 64;
    }
    int title_h = CANVAS_FONT_H + 8, colh = p->col_labels ? CANVAS_FONT_H + 4 : 0;
    int W = 8 + label_w + ncols * (g.tw + g.gap) + 2 * endgap + 8;
    int tw = canvas_text_width(p->title, 1) + 16;
    if (W < tw) W = tw;
    int H = title_h + colh + rows * (g.th + g.gap) + 8;
    if (canvas_init(cv, W, H, err)) return -1;
    canvas_clear(cv, WALK_PAPER);
    canvas_text(cv, 8, 6, p->title, 1, WALK_INK);
    g.x = 8 + label_w + (p->ends ? g.tw + g.gap + endgap : 0);
    g.y = title_h + colh;
    if (p->row_labels)
        for (int r = 0; r < rows; r++)
            canvas_text(cv, 8, g.y + r * (g.th + g.gap) + (g.th - CANVAS_FONT_H) / 2,
                        p->row_labels[r], 1, WALK_INK);
    if (p->col_labels)
        for (int k = 0; k < cols; k++) {
            const char *s = p->col_labels[k];
            int x = g.x + k * (g.tw + g.gap) + (g.tw - canvas_text_width(s, 1)) / 2;
            canvas_text(cv, x, title_h, s, 1, WALK_INK);
        }
    if (shape->rank == 2) { /* one value scale for the grid and the originals */
        walk_seq_range(shape, v, count, &g.lo, &g.hi);
        float lo2, hi2;
        if (p->ends) {
            walk_seq_range(shape, p->ends, 2, &lo2, &hi2);
            g.lo = lo2 < g.lo ? lo2 : g.lo, g.hi = hi2 > g.hi ? hi2 : g.hi;
        }
    }
    if (walk_draw_grid(cv, &g, v, err)) return -1;
    if (p->ends) { /* the originals beside the strip */
        long dim = net_shape_size(shape);
        int xr = g.x + cols * (g.tw + g.gap) + endgap;
        if (walk_draw_tile(cv, &g, 8 + label_w, g.y, p->ends, g.lo, g.hi, err) ||
            walk_draw_tile(cv, &g, xr, g.y, p->ends + dim, g.lo, g.hi, err))
            return -1;
    }
    return 0;
}

static int write_outputs(const walk_opts *o, const net_shape *shape, int count, const float *v,
                         const canvas *cv)
{
    const char *C = o->cmd;
    ae_err err;
    int rc;
    if (o->npy) {
        fio_out f;
        if ((rc = cli_out_open(C, o->npy, 0, &f))) return rc;
        int64_t sh[4] = {count, shape->h, shape->rank == 3 ? shape->w : shape->c, shape->c};
        if (npy_fput_f32(f.f, o->npy, v, shape->rank == 3 ? 4 : 3, sh, &err)) {
            fio_out_abort(&f);
            return cli_fail(C, "%s", err.msg);
        }
        if ((rc = cli_out_commit(C, &f))) return rc;
    }
    if (o->out) {
        fio_out f;
        if ((rc = cli_out_open(C, o->out, 0, &f))) return rc;
        if (export_emit(cv, 0, f.f, &err)) {
            fio_out_abort(&f);
            return cli_fail(C, "%s: %s", o->out, err.msg);
        }
        if ((rc = cli_out_commit(C, &f))) return rc;
    }
    if (o->sixel) {
        if (export_emit(cv, 1, stdout, &err) || fflush(stdout))
            return cli_fail(C, "standard output: %s", err.msg);
    }
    return CLI_OK;
}

static int walk(walk_opts *o, int argc, char **argv)
{
    const char *C = o->cmd, *run_arg = NULL;
    int rc = parse(o, argc, argv, &run_arg);
    if (rc) return rc < 0 ? CLI_OK : rc;
    run_model m;
    if ((rc = train_ckpt_model(C, o->db, run_arg, o->weights, 64, &m))) return rc;
    ae_err err;
    train_config cfg;
    dataset ds = {0};
    canvas cv = {0};
    float *z = NULL, *codes = NULL, *v = NULL, *ends = NULL;
    char **labels = NULL;
    int count = 0, rows = 1, cols = 0;
    const net_shape *shape = &m.n.input;
    long dim = net_shape_size(shape), L = net_latent_size(&m.n);
    int split = o->kind == W_SAMPLE ? DS_TRAIN : DS_TEST;
    if (train_ckpt_config(m.file, &cfg, &err)) {
        rc = cli_fail(C, "%s", err.msg);
        goto out;
    }
    ds_options dso = {.data_dir = cfg.data_dir[0] ? cfg.data_dir : NULL,
                      .n = split == DS_TRAIN ? cfg.train_n : cfg.test_n};
    if (ds_load(cfg.dataset, split, &dso, &ds, &err)) {
        rc = cli_fail(C, "run %lld's %s data: %s", (long long)m.run,
                      split == DS_TRAIN ? "training" : "test", err.msg);
        goto out;
    }
    if (ds.dim != dim) {
        rc = cli_fail(C, "run %lld: its data now has %d values a sample, its model takes %ld",
                      (long long)m.run, ds.dim, dim);
        goto out;
    }
    char title[256];
    walk_pic pic = {.title = title};
    if (o->kind == W_INTERPOLATE) {
        if (o->from >= ds.n || o->to >= ds.n) {
            rc = cli_usage(C, "--%s %d: the run's test split has samples 0 to %d",
                           o->from >= ds.n ? "from" : "to", o->from >= ds.n ? o->from : o->to,
                           ds.n - 1);
            goto out;
        }
        count = cols = o->steps;
        z = malloc(sizeof(float) * 2 * L);
        ends = malloc(sizeof(float) * 2 * dim);
        codes = malloc(sizeof(float) * (size_t)count * L);
        if (!z || !ends || !codes) goto oom;
        int idx[2] = {o->from, o->to};
        ds_gather_flat(&ds, idx, 2, ends);
        if (model_apply(&m.n, ends, 2, 1, z)) goto oom;
        walk_interpolate(z, z + L, (int)L, count, o->slerp, codes);
        pic.ends = ends;
        snprintf(title, sizeof title, "run %lld: test #%d (%s) to #%d (%s), %s, %d steps",
                 (long long)m.run, o->from, ds.class_names[ds.labels[o->from]], o->to,
                 ds.class_names[ds.labels[o->to]], o->slerp ? "spherical" : "linear", count);
    } else if (o->kind == W_TRAVERSE) {
        if (ds.n < 2) {
            rc = cli_fail(C, "run %lld: a PCA of the codes needs at least 2 test samples",
                          (long long)m.run);
            goto out;
        }
        rows = o->axes < L ? o->axes : (int)L;
        if (rows > ds.n - 1) rows = ds.n - 1;
        cols = o->steps;
        count = rows * cols;
        z = malloc(sizeof(float) * (size_t)ds.n * L);
        codes = malloc(sizeof(float) * (size_t)count * L);
        labels = calloc((size_t)rows + cols, sizeof(char *));
        if (!z || !codes || !labels || encode_split(&m, &ds, 0, ds.n, z)) goto oom;
        pca p;
        if (pca_fit(&p, z, ds.n, (int)L, rows, &err)) {
            rc = cli_fail(C, "run %lld: PCA of the codes: %s", (long long)m.run, err.msg);
            goto out;
        }
        walk_traverse(&p, rows, cols, o->range, codes);
        double var = 0;
        for (int j = 0; j < rows; j++) var += p.ratio[j];
        pca_free(&p);
        for (int j = 0; j < rows + cols; j++) {
            if (!(labels[j] = malloc(24))) goto oom;
            if (j < rows)
                snprintf(labels[j], 24, "PC%d", j + 1);
            else
                snprintf(labels[j], 24, "%+.3g sd", walk_traverse_t(j - rows, cols, o->range));
        }
        pic.row_labels = (const char *const *)labels;
        pic.col_labels = (const char *const *)labels + rows;
        snprintf(title, sizeof title,
                 "run %lld: the codes' principal axes (%d of %ld, %.0f%% of the variance), "
                 "mean +- %g sd",
                 (long long)m.run, rows, L, 100 * var, o->range);
    } else {
        count = o->n;
        cols = count < 8 ? count : 8;
        rows = (count + cols - 1) / cols;
        z = malloc(sizeof(float) * (size_t)ds.n * L);
        codes = malloc(sizeof(float) * (size_t)count * L);
        if (!z || !codes || encode_split(&m, &ds, 0, ds.n, z)) goto oom;
        walk_gauss g;
        if (walk_gauss_fit(&g, z, ds.n, (int)L, &err)) {
            rc = cli_fail(C, "run %lld: %s", (long long)m.run, err.msg);
            goto out;
        }
        rng r;
        rng_seed_stream(&r, o->seed, STREAM_WALK_SAMPLE);
        walk_gauss_sample(&g, &r, count, codes);
        walk_gauss_free(&g);
        snprintf(title, sizeof title,
                 "run %lld: %d samples of a Gaussian fit to %d training codes (seed %llu); not a "
                 "generative model: some are poor",
                 (long long)m.run, count, ds.n, (unsigned long long)o->seed);
    }
    v = malloc(sizeof(float) * (size_t)count * dim);
    if (!v || model_decode(&m.n, codes, count, v)) goto oom;
    if ((o->out || o->sixel) && draw(shape, rows, cols, count, v, &pic, &cv, &err)) {
        rc = cli_fail(C, "the picture: %s", err.msg);
        goto out;
    }
    rc = write_outputs(o, shape, count, v, &cv);
    goto out;
oom:
    rc = cli_fail(C, "out of memory");
out:
    if (labels)
        for (int j = 0; j < rows + cols; j++) free(labels[j]);
    free(labels);
    canvas_free(&cv);
    free(z), free(codes), free(v), free(ends);
    ds_free(&ds);
    train_ckpt_model_free(&m);
    return rc;
}

static int walk_cmd(int kind, const char *name, int argc, char **argv)
{
    walk_opts o = {.kind = kind, .cmd = name, .weights = "last", .from = -1, .to = -1};
    o.steps = kind == W_INTERPOLATE ? 8 : 7;
    o.axes = 6, o.range = 3, o.n = 16, o.seed = 1;
    return walk(&o, argc, argv);
}

int cmd_interpolate(int argc, char **argv)
{
    return walk_cmd(W_INTERPOLATE, "interpolate", argc, argv);
}

int cmd_traverse(int argc, char **argv)
{
    return walk_cmd(W_TRAVERSE, "traverse", argc, argv);
}

int cmd_sample(int argc, char **argv)
{
    return walk_cmd(W_SAMPLE, "sample", argc, argv);
}

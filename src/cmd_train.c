/* cmd_train.c: `aetui train`, a headless training run.
 *
 * Output: a progress bar on stderr when it is a terminal, one line per epoch otherwise; with
 * --json one JSON object per epoch and a summary object on stdout, one per line.
 * Ctrl-C stops at the end of the current batch, evaluates, and still prints the summary; a
 * second Ctrl-C ends the process at once. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "blas_setup.h"
#include "cli.h"
#include "commands.h"
#include "data_args.h"
#include "data_reg.h"
#include "dataset.h"
#include "model.h"
#include "store_cli.h"
#include "train_checkpoint.h"
#include "train_record.h"
#include "trainer.h"

static train_control *g_ctl; /* for the signal handler */

static void on_sigint(int sig)
{
    (void)sig;
    if (g_ctl && !atomic_load(&g_ctl->stop)) {
        atomic_store(&g_ctl->stop, 1);
        static const char msg[] = "\naetui train: stopping after this batch "
                                  "(Ctrl-C again to quit at once)\n";
        if (write(2, msg, sizeof msg - 1) < 0) { /* nothing to do */
        }
        return;
    }
    _exit(130);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: aetui train [--model M] [--dataset D | --data PATH [data options]]\n"
               "                   [--data-dir DIR] [--latent N]\n"
               "                   [--epochs N] [--batch N] [--lr X] [--train N] [--test N]\n"
               "                   [--seed N] [--threads N] [--clip X] [--augment A]\n"
               "                   [--schedule S] [--json] [--db PATH] [--no-record]\n"
               "                   [--no-baseline] [--train-classes LIST | --normal-class K]\n"
               "                   [--anomalies FRAC]\n"
               "       aetui train --resume RUN [--epochs N] [--json] [--db PATH] [--force]\n"
               "       aetui train --from RUN [options]\n\n"
               "Trains an autoencoder and evaluates it on the test split after every epoch.\n\n"
               "  --model M      ");
    for (const model_preset *p = model_presets; p->name; p++)
        fprintf(f, "%s%s", p == model_presets ? "" : "|", p->name);
    fprintf(f, " (default cnn)\n");
    for (const model_preset *p = model_presets; p->name; p++)
        fprintf(f, "                   %-10s %s\n", p->name, p->summary);
    fprintf(f, "  --dataset D    cifar10|fashion-mnist|mnist|sines (cnn: cifar10 when found,\n"
               "                 else fashion-mnist; lstm: sines)\n"
               "  --data PATH    your own data: a folder of PNG/JPEG images (subfolders name\n"
               "                 the classes), a .npy array, a CSV of one sample per row, or\n"
               "                 a long time series (with --window); the model defaults to\n"
               "                 what suits it, --train/--test to every sample of each split\n"
               "  --data-dir DIR where the dataset files are (default: $AETUI_DATA,\n"
               "                 ~/.local/share/aetui/datasets, /usr/share/datasets)\n"
               "  --latent N     latent size (cnn 32, lstm 20)\n"
               "  --epochs N     epochs (cnn 25, lstm 30)\n"
               "  --batch N      batch size (32)\n"
               "  --lr X         Adam learning rate (0.001)\n"
               "  --train N      training samples, the first N (cnn 8000, lstm 3200)\n"
               "  --test N       test samples, the first N (cnn 2000, lstm 800)\n"
               "  --seed N       random seed for weights and data order (1)\n"
               "  --threads N    worker threads (default: all cores)\n"
               "  --clip X       clip the global gradient norm to X (default: off)\n"
               "  --augment A    none|flip|shift|flip+shift: random horizontal flips and/or\n"
               "                 shifts by up to 2 pixels of training images (default: the\n"
               "                 model's: cnn-flat flips and shifts, cnn-deep flips)\n"
               "  --schedule S   constant|cosine learning rate (default: the model's)\n"
               "  --noise N      a denoising autoencoder: gaussian:SIGMA, mask:P or\n"
               "                 saltpepper:P corrupts the input afresh every batch, the\n"
               "                 target is the clean sample; test inputs corrupted once\n"
               "                 (the same for every run with this noise)\n"
               "  --json         one JSON object per epoch and a summary on stdout\n"
               "  --db PATH      the run store (default: $AETUI_DB, else\n"
               "                 ~/.local/share/aetui/aetui.db)\n"
               "  --no-record    do not record the run in the store\n"
               "  --no-baseline  skip the PCA linear baseline after training (pca_test_mse:\n"
               "                 PCA with k = latent on the same samples; cached in the store)\n"
               "  --resume RUN   continue RUN where it stopped, with its settings: the same run\n"
               "                 goes on in the store; --epochs N sets the total\n"
               "  --force        with --resume: go on although the training data changed\n"
               "  --train-classes LIST  train only on these classes (numbers or names, comma-\n"
               "                 separated: the normal data for anomaly detection); the test\n"
               "                 split keeps every class, the others are the anomalies.\n"
               "                 --train N counts the samples of these classes\n"
               "  --normal-class K  the same for one class\n"
               "  --anomalies FRAC  sines: inject spikes, level shifts, frequency changes and\n"
               "                 flat-lines into about FRAC (0 to 0.5) of the test sequences\n"
               "  --from RUN     a new run, child of RUN, starting from RUN's last weights,\n"
               "                 with RUN's settings as defaults\n"
               "\nWith --data PATH (values are scaled per feature on the training split, and\n"
               "the scaling is recorded with the run):\n");
    data_args_help(f);
}

typedef struct progress {
    const train_config *cfg;
    int json, tty, epochs;
    double t_start, t_epoch, last_draw;
    long params;
    char dataset[32];
    int train_n, test_n; /* as loaded (your own data: every sample when not given) */
    double noisy_mse;    /* denoising: the noisy test inputs' MSE (0: not denoising) */
    int psnr;            /* images: PSNR is shown (values in [0, 1]) */
} progress;

static void fmt_eta(double s, char *out, size_t len)
{
    if (!(s >= 0) || s > 359999) s = 0;
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(out, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(out, len, "%ld:%02ld", t / 60, t % 60);
}

static int p_start(void *ctx, const train_info *info, ae_err *err)
{
    progress *p = ctx;
    p->params = info->params;
    snprintf(p->dataset, sizeof p->dataset, "%s", info->dataset);
    p->train_n = info->cfg->train_n, p->test_n = info->cfg->test_n;
    p->t_start = p->t_epoch = cli_now();
    p->noisy_mse = info->cfg->noise.kind ? info->noisy_test_mse : 0;
    const model_preset *mp = model_preset_find(info->cfg->model);
    p->psnr = mp && mp->kind == DS_IMAGES;
    if (!p->json)
        fprintf(stderr,
                "aetui train: %s on %s (%d train, %d test), latent %d, %ld parameters, "
                "%d threads, BLAS %s\n",
                info->cfg->model, info->dataset, info->cfg->train_n, info->cfg->test_n,
                info->cfg->latent, info->params, info->cfg->threads, info->blas_core);
    if (!p->json && info->cfg->noise.kind) {
        char ns[48], ps[48] = "";
        noise_format(&info->cfg->noise, ns, sizeof ns);
        if (p->psnr) snprintf(ps, sizeof ps, ", PSNR %.2f dB", noise_psnr(p->noisy_mse));
        fprintf(stderr,
                "aetui train: denoising, noise %s: the noisy test inputs' MSE against the clean "
                "%.6f%s\n",
                ns, p->noisy_mse, ps);
    }
    return 0;
}

static void p_batch(void *ctx, int epoch, int batch, int nbatches, float loss, double running)
{
    progress *p = ctx;
    if (!p->tty) return;
    double t = cli_now();
    if (batch == 1) p->t_epoch = t;
    if (t - p->last_draw < 0.1 && batch != nbatches) return;
    p->last_draw = t;
    double el = t - p->t_epoch, per_batch = el / batch;
    double left = per_batch * (nbatches - batch) +
                  per_batch * nbatches * (p->epochs - epoch); /* evaluation time not counted */
    char eta[32];
    fmt_eta(left, eta, sizeof eta);
    int width = 24, fill = (int)((long)width * batch / nbatches);
    char bar[32];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
    bar[width] = 0;
    double sps = el > 0 ? batch * p->cfg->batch / el : 0;
    fprintf(stderr, "\r\033[Kepoch %d/%d [%s] %d/%d  %.0f samples/s  loss %.5f  ETA %s", epoch,
            p->epochs, bar, batch, nbatches, sps, running, eta);
    (void)loss;
}

static int p_epoch(void *ctx, const train_epoch *e, const float *bl, int nb, ae_err *err)
{
    progress *p = ctx;
    (void)bl, (void)nb;
    if (p->tty) fprintf(stderr, "\r\033[K");
    int psnr = p->noisy_mse > 0 && p->psnr; /* denoising images: the test PSNR too */
    if (p->json) {
        printf("{\"epoch\":%d,\"train_loss\":%.8g,\"train_mae\":%.8g,\"test_loss\":%.8g,"
               "\"test_mae\":%.8g,\"seconds\":%.4f,\"samples_per_sec\":%.1f",
               e->epoch, e->train_loss, e->train_mae, e->test_loss, e->test_mae, e->seconds,
               e->samples_per_sec);
        if (psnr) printf(",\"test_psnr\":%.4f", noise_psnr(e->test_loss));
        printf("}\n");
        fflush(stdout);
    }
    char ps[32] = "";
    if (psnr) snprintf(ps, sizeof ps, "  PSNR %.2f dB", noise_psnr(e->test_loss));
    if (!p->json || !p->tty)
        fprintf(stderr,
                "epoch %3d/%d  train loss %.6f mae %.5f  test loss %.6f mae %.5f%s  %.1fs  "
                "%.0f samples/s\n",
                e->epoch, p->epochs, e->train_loss, e->train_mae, e->test_loss, e->test_mae, ps,
                e->seconds, e->samples_per_sec);
    return 0;
}

/* Finds --model's value before the other options, since the defaults depend on it; without
 * one, your own data's kind chooses (data_args_model). */
static const char *find_model(int argc, char **argv, const ds_spec *own)
{
    const char *m = NULL; /* the last --model counts, as for every other option */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) break;
        if (!strcmp(argv[i], "--model") && i + 1 < argc)
            m = argv[++i];
        else if (!strncmp(argv[i], "--model=", 8))
            m = argv[i] + 8;
    }
    return m ? m : own ? data_args_model(own) : "cnn";
}

/* --dataset NAME, not a built-in set: a dataset registered in the store (--db) gives its
 * spec; *found 0 leaves the name for train_config_resolve to refuse. */
static int registered_spec(const char *C, int argc, char **argv, ds_spec *own, int *found)
{
    const char *name = NULL, *db = NULL;
    for (int i = 1; i < argc - 1 && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--dataset")) name = argv[i + 1];
        if (!strcmp(argv[i], "--db")) db = argv[i + 1];
    }
    *found = 0;
    if (!name || ds_known(name)) return CLI_OK;
    char path[4096];
    store *st;
    int rc = scli_path(C, db, path);
    if (rc) return rc;
    if (access(path, F_OK)) return CLI_OK; /* no store: nothing registered */
    if ((rc = scli_open(C, path, 0, &st))) return rc;
    ae_err err;
    int r = data_reg_spec(st, name, own, &err);
    store_close(st);
    if (r < 0) return cli_usage(C, "--dataset: %s", err.msg);
    *found = r;
    return CLI_OK;
}

/* --data PATH [options]: the spec's text and name into cfg; every sample unless --train or
 * --test say otherwise. */
static int own_data_config(const char *C, ds_spec *spec, train_config *cfg, int argc, char **argv)
{
    ae_err err;
    char text[DS_SPEC_TEXT_MAX];
    if (ds_spec_to_text(spec, text, sizeof text, &err)) return cli_usage(C, "--data: %s", err.msg);
    if (strlen(text) >= sizeof cfg->data_spec) return cli_usage(C, "--data: options too long");
    snprintf(cfg->data_spec, sizeof cfg->data_spec, "%s", text);
    snprintf(cfg->dataset, sizeof cfg->dataset, "%s", spec->name);
    cfg->scaling_from[0] = 0; /* fitted anew on this data */
    int train = 0, test = 0;
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        train |= !strcmp(argv[i], "--train") || !strncmp(argv[i], "--train=", 8);
        test |= !strcmp(argv[i], "--test") || !strncmp(argv[i], "--test=", 7);
    }
    if (!train) cfg->train_n = 0;
    if (!test) cfg->test_n = 0;
    return CLI_OK;
}

int cmd_train(int argc, char **argv)
{
    static struct option opts[64] = {{"model", required_argument, 0, 'm'},
                                     {"dataset", required_argument, 0, 'd'},
                                     {"data-dir", required_argument, 0, 'D'},
                                     {"latent", required_argument, 0, 'l'},
                                     {"epochs", required_argument, 0, 'e'},
                                     {"batch", required_argument, 0, 'b'},
                                     {"lr", required_argument, 0, 'r'},
                                     {"train", required_argument, 0, 'n'},
                                     {"test", required_argument, 0, 't'},
                                     {"seed", required_argument, 0, 's'},
                                     {"threads", required_argument, 0, 'j'},
                                     {"clip", required_argument, 0, 'c'},
                                     {"json", no_argument, 0, 'J'},
                                     {"help", no_argument, 0, 'h'},
                                     {"augment", required_argument, 0, 'A'},
                                     {"schedule", required_argument, 0, 'S'},
                                     {"db", required_argument, 0, 'B'},
                                     {"no-record", no_argument, 0, 'N'},
                                     {"no-baseline", no_argument, 0, 1000},
                                     {"resume", required_argument, 0, 'R'},
                                     {"from", required_argument, 0, 'F'},
                                     {"force", no_argument, 0, 1001},
                                     {"data", required_argument, 0, 1002},
                                     {"train-classes", required_argument, 0, 1102},
                                     {"normal-class", required_argument, 0, 1103},
                                     {"anomalies", required_argument, 0, 1104},
                                     {"noise", required_argument, 0, 1003},
                                     {0, 0, 0, 0}};
    static int nopts;
    if (!nopts) {
        while (opts[nopts].name) nopts++;
        nopts = data_args_getopt(opts, nopts);
    }
    const char *C = "train";
    train_config cfg;
    ae_err err;
    static ds_spec own; /* --data PATH and its options, read first (data_args.h) */
    int own_seen = 0;
    int drc = data_args_read(C, argc, argv, "--data", &own, &own_seen);
    if (drc) return drc;
    int has_data = own.path[0] != 0;
    if (own_seen && !has_data)
        return cli_usage(C, "the dataset options (--window, --size, ...) go with --data PATH");
    if (has_data && (drc = data_args_finish(C, &own))) return drc;
    int registered = 0; /* --dataset NAME of a dataset registered in the store */
    if (!has_data && (drc = registered_spec(C, argc, argv, &own, &registered))) return drc;
    const char *model = find_model(argc, argv, has_data || registered ? &own : NULL);
    if (train_config_defaults(&cfg, model, &err)) {
        cli_usage(C, "--model: %s (aetui train --help lists the models)", err.msg);
        return CLI_USAGE;
    }
    int64_t parent = 0; /* --resume RUN / --from RUN: RUN's settings and files */
    int ckrc = train_ckpt_args(C, argc, argv, &cfg, &parent);
    if (ckrc) return ckrc;
    int json = 0, opt, record = 1, with_baseline = 1;
    const char *opt_db = NULL;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (opt) {
        case 'm':
        case 'R':
        case 'F':
            break;
        case 'd':
            if (has_data) return cli_usage(C, "--dataset and --data exclude each other");
            if (cli_text(C, "--dataset", optarg, sizeof cfg.dataset - 1)) return CLI_USAGE;
            snprintf(cfg.dataset, sizeof cfg.dataset, "%s", optarg);
            cfg.data_spec[0] = cfg.scaling_from[0] = 0; /* --from RUN on another dataset */
            if (registered && (drc = own_data_config(C, &own, &cfg, argc, argv))) return drc;
            break;
        case 1002: /* --data and the dataset options: read by data_args_read */
            break;
        case 'D':
            if (cli_text(C, "--data-dir", optarg, sizeof cfg.data_dir - 1)) return CLI_USAGE;
            snprintf(cfg.data_dir, sizeof cfg.data_dir, "%s", optarg);
            break;
        case 'l':
            if (cli_int(C, "--latent", optarg, 1, 65536, &cfg.latent)) return CLI_USAGE;
            break;
        case 'e':
            if (cli_int(C, "--epochs", optarg, 1, 1000000, &cfg.epochs)) return CLI_USAGE;
            break;
        case 'b':
            if (cli_int(C, "--batch", optarg, 1, 65536, &cfg.batch)) return CLI_USAGE;
            break;
        case 'r':
            if (cli_double(C, "--lr", optarg, 1e-12, 1e9, &cfg.lr)) return CLI_USAGE;
            break;
        case 'n':
            if (cli_int(C, "--train", optarg, 1, 100000000, &cfg.train_n)) return CLI_USAGE;
            break;
        case 't':
            if (cli_int(C, "--test", optarg, 1, 100000000, &cfg.test_n)) return CLI_USAGE;
            break;
        case 's':
            if (cli_u64(C, "--seed", optarg, &cfg.seed)) return CLI_USAGE;
            break;
        case 'j':
            if (cli_int(C, "--threads", optarg, 1, 256, &cfg.threads)) return CLI_USAGE;
            break;
        case 'c':
            if (cli_double(C, "--clip", optarg, 0, 1e30, &cfg.clip)) return CLI_USAGE;
            break;
        case 'J':
            json = 1;
            break;
        case 'B':
            if (cli_text(C, "--db", optarg, 4000)) return CLI_USAGE;
            opt_db = optarg;
            break;
        case 'N':
            record = 0;
            break;
        case 1000:
            with_baseline = 0;
            break;
        case 1001: /* read by train_ckpt_args */
            if (!cfg.resume_state[0])
                return cli_usage(C, "--force goes with --resume (resume on changed data)");
            break;
        case 1102:
        case 1103:
            if (!*optarg || strlen(optarg) >= sizeof cfg.train_classes)
                return cli_usage(C, "%s: expected a class number or name%s",
                                 opt == 1102 ? "--train-classes" : "--normal-class",
                                 opt == 1102 ? " or a list of them separated by commas" : "");
            if (opt == 1103 && strchr(optarg, ','))
                return cli_usage(C, "--normal-class: one class (--train-classes takes a list)");
            snprintf(cfg.train_classes, sizeof cfg.train_classes, "%s", optarg);
            break;
        case 1104:
            if (cli_double(C, "--anomalies", optarg, 0, 0.5, &cfg.anomalies)) return CLI_USAGE;
            break;
        case 1003:
            if (noise_parse(optarg, &cfg.noise, &err)) return cli_usage(C, "--noise: %s", err.msg);
            break;
        case 'A':
            if (strcmp(optarg, "flip") && strcmp(optarg, "none") && strcmp(optarg, "shift") &&
                strcmp(optarg, "flip+shift"))
                return cli_usage(C, "--augment: expected none, flip, shift or flip+shift, got '%s'",
                                 optarg);
            cfg.flip = strstr(optarg, "flip") != NULL;
            cfg.shift = strstr(optarg, "shift") ? 2 : 0;
            break;
        case 'S':
            if (strcmp(optarg, "cosine") && strcmp(optarg, "constant"))
                return cli_usage(C, "--schedule: expected constant or cosine, got '%s'", optarg);
            cfg.cosine = !strcmp(optarg, "cosine");
            break;
        case 'h':
            usage(stdout);
            return CLI_OK;
        case ':':
            return cli_usage(C, "%s needs a value", argv[optind - 1]);
        default:
            if (opt >= DATA_ARG_CODE && opt < DATA_ARG_CODE + data_args_count()) break;
            return cli_usage(C, "unknown option '%s' (aetui train --help)", argv[optind - 1]);
        }
    }
    if (optind < argc) return cli_usage(C, "unexpected argument '%s'", argv[optind]);
    if (has_data && (drc = own_data_config(C, &own, &cfg, argc, argv))) return drc;
    if (cfg.dataset[0] && train_config_resolve(&cfg, &err))
        return cli_usage(C, "--dataset: %s%s", err.msg,
                         cfg.data_spec[0] || ds_known(cfg.dataset)
                             ? ""
                             : " (nor registered: aetui data ls lists yours)");
    if (train_config_check(&cfg, &err)) return cli_usage(C, "%s", err.msg);

    progress p = {&cfg, json, isatty(2), cfg.epochs, 0, 0, 0, 0, "", cfg.train_n, cfg.test_n, 0, 0};
    const train_observer printer = {&p, p_start, p_batch, p_epoch, NULL};
    train_observer obs = printer;
    store *st = NULL;
    train_record rec;
    if (record) {
        char path[4096];
        int rc = scli_path(C, opt_db, path);
        if (rc) return rc;
        if ((rc = scli_open(C, path, 1, &st))) return rc;
        if (store_readonly(st)) {
            store_close(st);
            return cli_usage(C,
                             "%s: read-only, cannot record the run (--no-record trains "
                             "without recording)",
                             path);
        }
        int added = 0; /* --data PATH is registered under its file's name */
        if (has_data && (data_reg_auto(st, &own, cfg.threads, &added, &err) ||
                         own_data_config(C, &own, &cfg, argc, argv))) {
            store_close(st);
            return cli_usage(C, "%s", err.msg);
        }
        if (added)
            fprintf(stderr, "aetui train: registered dataset %s (aetui data show %s)\n", own.name,
                    own.name);
        if (train_record_open(&rec, st, cfg.resume_state[0] ? 0 : parent, &err)) {
            store_close(st);
            return cli_usage(C, "%s", err.msg);
        }
        if (cfg.resume_state[0]) train_record_reopen(&rec, parent); /* the same run goes on */
        obs = train_record_observer(&rec, &printer);
        static train_observer recorder; /* checkpoints are written, then the epoch recorded */
        static train_ckpt ck;
        recorder = obs;
        obs = train_ckpt_observer(&ck, path, &rec, &recorder);
    }
    train_control ctl;
    atomic_init(&ctl.stop, 0);
    atomic_init(&ctl.pause, 0);
    g_ctl = &ctl;
    struct sigaction sa = {0};
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL); /* a closed terminal or ssh session: stop cleanly, as the TUI */

    train_result res;
    int rc = train_run(&cfg, &obs, &ctl, &res, &err);
    if (p.tty) fprintf(stderr, "\r\033[K");
    long long run_id = st ? (long long)train_record_run(&rec) : 0;
    if (st && train_record_error(&rec))
        cli_fail(C, "run %lld was not recorded completely: %s", run_id, train_record_error(&rec));
    /* The PCA baseline once training has freed its memory; cached in the store (baseline.h). */
    baseline_res bl;
    double bl_mse = NAN, bl_mae = NAN;
    if (rc == 0 && with_baseline) {
        baseline_req brq = {.dataset = p.dataset,
                            .data_dir = cfg.data_dir,
                            .data_spec = cfg.data_spec,
                            .scaling_from = cfg.scaling_from};
        brq.train = p.train_n, brq.test = p.test_n, brq.latent = cfg.latent;
        brq.threads = cfg.threads;
        brq.classes = cfg.train_classes, brq.anomalies = cfg.anomalies;
        ae_err berr = {{0}};
        if (baseline_get(&brq, st, &bl, &berr) == 0)
            bl_mse = bl.b.mse, bl_mae = bl.b.mae;
        else
            fprintf(stderr, "aetui train: no PCA baseline: %s\n", berr.msg);
        if (bl.warning[0]) fprintf(stderr, "aetui train: PCA baseline: %s\n", bl.warning);
    }
    /* What the summary says is what the store holds: over every part of a resumed run, and
     * nothing of an epoch that was never recorded. Without a store, this process's epochs. */
    store_summary sum = {.has = res.epochs_done > 0,
                         .epochs = res.epochs_done,
                         .best_epoch = res.best_epoch,
                         .best_test_loss = res.best_test_loss,
                         .test_mse = res.test_mse,
                         .test_mae = res.test_mae,
                         .seconds = res.train_seconds,
                         .samples_per_sec = res.samples_per_sec};
    if (st && run_id > 0) {
        ae_err serr = {{0}};
        if (store_summary_get(st, run_id, &sum, &serr)) {
            cli_fail(C, "run %lld: cannot read its summary back: %s", run_id, serr.msg);
            sum.has = 0;
        }
    }
    if (!sum.has) sum.epochs = 0;
    if (st) store_close(st);
    if (rc) {
        /* a missing or bad dataset is bad input (2); anything else a run-time failure */
        int code = p.params ? CLI_FAIL : CLI_USAGE;
        cli_fail(C, "%s", err.msg);
        train_result_free(&res);
        return code;
    }
    if (json) {
        printf(
            "{\"summary\":true,\"run\":%lld,\"status\":\"%s\",\"model\":\"%s\",\"dataset\":\"%s\","
            "\"latent\":%d,\"epochs\":%d,\"epochs_done\":%d,\"batch\":%d,\"lr\":%g,"
            "\"train_samples\":%d,\"test_samples\":%d,\"seed\":%llu,\"threads\":%d,"
            "\"params\":%ld",
            run_id, res.status, cfg.model, p.dataset, cfg.latent, cfg.epochs, sum.epochs, cfg.batch,
            cfg.lr, p.train_n, p.test_n, (unsigned long long)cfg.seed, cfg.threads, res.params);
        /* null, not 0, for what no recorded epoch gave */
        static const char *const name[] = {"test_mse",       "test_mae",      "best_epoch",
                                           "best_test_loss", "train_seconds", "samples_per_sec"};
        const double val[] = {sum.test_mse,       sum.test_mae, sum.best_epoch,
                              sum.best_test_loss, sum.seconds,  sum.samples_per_sec};
        for (int i = 0; i < 6; i++) {
            printf(",\"%s\":", name[i]);
            scli_json_num(stdout, sum.has ? val[i] : NAN);
        }
        printf(",\"message\":");
        cli_json_str(stdout, res.message);
        if (cfg.noise.kind) {
            char ns[48];
            noise_format(&cfg.noise, ns, sizeof ns);
            printf(",\"noise\":\"%s\",\"noisy_mse\":%.8g", ns, p.noisy_mse);
            if (p.psnr)
                printf(",\"noisy_psnr\":%.4f,\"test_psnr\":%.4f", noise_psnr(p.noisy_mse),
                       noise_psnr(sum.has ? sum.test_mse : res.test_mse));
        }
        printf(",\"pca_test_mse\":");
        scli_json_num(stdout, bl_mse);
        printf(",\"pca_test_mae\":");
        scli_json_num(stdout, bl_mae);
        printf("}\n");
    }
    char bl_text[96] = "";
    if (!isnan(bl_mse))
        snprintf(bl_text, sizeof bl_text, "; PCA baseline (k = %d) MSE %.6f, MAE %.5f", cfg.latent,
                 bl_mse, bl_mae);
    if (sum.has)
        fprintf(stderr,
                "aetui train: %s after %d epoch%s: test MSE %.6f, MAE %.5f (best epoch %d), "
                "%.1f s, %.0f samples/s%s\n",
                res.status, sum.epochs, sum.epochs == 1 ? "" : "s", sum.test_mse, sum.test_mae,
                sum.best_epoch, sum.seconds, sum.samples_per_sec, bl_text);
    else
        fprintf(stderr, "aetui train: %s before an epoch was %s%s\n", res.status,
                st ? "recorded" : "completed", bl_text);
    if (cfg.noise.kind && (sum.has || res.epochs_done > 0)) {
        double mse = sum.has ? sum.test_mse : res.test_mse;
        char ps[96] = "";
        if (p.psnr)
            snprintf(ps, sizeof ps, ", PSNR %.2f dB -> %.2f dB", noise_psnr(p.noisy_mse),
                     noise_psnr(mse));
        fprintf(stderr,
                "aetui train: denoising: test MSE against the clean, noisy input %.6f -> "
                "output %.6f%s\n",
                p.noisy_mse, mse, ps);
    }
    if (res.message[0]) fprintf(stderr, "aetui train: %s\n", res.message);
    train_result_free(&res);
    g_ctl = NULL;
    if (!strcmp(res.status, "diverged")) return CLI_FAIL;
    return CLI_OK;
}

/* cmd_runs.c: `aetui runs`, the list of recorded runs, as an aligned table or as JSON.
 *
 * The idea: one query (store_runs_list) gives every line with its summary and tags; the table
 * is then measured (widths of the visible forms) and printed. A missing store is not an error
 * here: there are simply no runs yet. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "model.h"
#include "store_cli.h"

static const char runs_help[] =
    "usage: aetui runs [--model M] [--status S] [--tag T] [--sweep SWEEP] [--sort COLUMN]\n"
    "                  [--limit N] [--json] [--db PATH]\n"
    "\n"
    "Lists the recorded runs, newest first.\n"
    "\n"
    "  --model M      only runs of model M (cnn, lstm, ...)\n"
    "  --status S     only runs with status S: running, finished, stopped, diverged, failed,\n"
    "                 interrupted\n"
    "  --tag T        only runs tagged T\n"
    "  --sweep SWEEP  only the runs of a sweep (its id or name: aetui sweep list)\n"
    "  --sort COLUMN  id, created, name, model, dataset, status, epochs, best, mse, mae,\n"
    "                 seconds, auc (ROC-AUC from aetui score), or any hyperparameter (lr, latent, "
    "batch, ...), numerically;\n"
    "                 a leading '-' sorts descending (default: -id)\n"
    "  --limit N      at most N runs\n"
    "  --json         one JSON array, for scripts\n"
    "  --db PATH      the run store (default: $AETUI_DB, else\n"
    "                 $XDG_DATA_HOME/aetui/aetui.db, ~/.local/share/aetui/aetui.db)\n";

enum { NCOL = 12 };

static void print_json(const store_row *rows, int n, const char *sort_param)
{
    printf("[");
    for (int i = 0; i < n; i++) {
        const store_row *r = &rows[i];
        const store_summary *s = &rows[i].sum;
        printf("%s\n  {\"id\": %lld, \"parent\": ", i ? "," : "", (long long)r->id);
        if (r->parent)
            printf("%lld", (long long)r->parent);
        else
            printf("null");
        printf(", \"name\": ");
        scli_json_str(stdout, r->name);
        printf(", \"model\": ");
        scli_json_str(stdout, r->model);
        printf(", \"dataset\": ");
        scli_json_str(stdout, r->dataset);
        printf(", \"status\": ");
        scli_json_str(stdout, r->status);
        printf(", \"host\": ");
        scli_json_str(stdout, r->host);
        if (r->sweep)
            printf(", \"sweep\": %lld", (long long)r->sweep);
        else
            printf(", \"sweep\": null");
        printf(", \"message\": ");
        scli_json_str(stdout, r->message);
        printf(", \"created\": %.3f", r->created);
        printf(", \"epochs\": %d, \"best_epoch\": ", s->has ? s->epochs : 0);
        if (s->has && s->best_epoch)
            printf("%d", s->best_epoch);
        else
            printf("null");
        printf(", \"best_test_loss\": ");
        scli_json_num(stdout, s->best_test_loss);
        printf(", \"test_mse\": ");
        scli_json_num(stdout, s->test_mse);
        printf(", \"test_mae\": ");
        scli_json_num(stdout, s->test_mae);
        printf(", \"roc_auc\": ");
        scli_json_num(stdout, r->roc_auc);
        printf(", \"seconds\": ");
        scli_json_num(stdout, s->has ? s->seconds : NAN);
        printf(", \"tags\": [");
        const char *t = rows[i].tags;
        for (int k = 0; *t; k++) {
            const char *comma = strchr(t, ',');
            size_t len = comma ? (size_t)(comma - t) : strlen(t);
            char tag[STORE_TAG_MAX + 1];
            snprintf(tag, sizeof tag, "%.*s", (int)len, t);
            if (k) printf(", ");
            scli_json_str(stdout, tag);
            t += len + (comma ? 1 : 0);
        }
        printf("]");
        if (sort_param) {
            printf(", \"sort_value\": ");
            if (rows[i].sort_is_text)
                scli_json_str(stdout, rows[i].sort_text);
            else
                scli_json_num(stdout, rows[i].sort_num);
        }
        printf("}");
    }
    printf("%s]\n", n ? "\n" : "");
}

static int is_column(const char *name)
{
    for (int i = 0; store_sort_columns[i]; i++)
        if (!strcmp(name, store_sort_columns[i])) return 1;
    return 0;
}

static void print_table(const store_row *rows, int n, const char *sort_param)
{
    static const char *const head[NCOL + 1] = {
        "ID",       "MODEL",   "DATASET", "STATUS",  "EPOCHS", "BEST", "TEST MSE",
        "TEST MAE", "ROC-AUC", "TIME",    "CREATED", "TAGS",   "NAME"};
    static const int right[NCOL + 1] = {1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0};
    int any_auc = 0; /* the ROC-AUC column only when a run was scored (aetui score) */
    for (int i = 0; i < n; i++) any_auc |= !isnan(rows[i].roc_auc);
    int ncol = NCOL + 1; /* + the sort parameter, when sorting by one */
    typedef char cell[160];
    cell *cells = calloc((size_t)(n + 1) * (size_t)(ncol + 1), sizeof(cell));
    if (!cells) {
        cli_fail("runs", "out of memory");
        return;
    }
    int w[NCOL + 2] = {0};
#define CELL(r, c) cells[(size_t)(r) * (size_t)(ncol + 1) + (size_t)(c)]
    for (int c = 0; c < ncol; c++) snprintf(CELL(0, c), sizeof(cell), "%s", head[c]);
    if (sort_param) scli_visible(sort_param, 16, CELL(0, ncol), sizeof(cell));
    for (int i = 0; i < n; i++) {
        const store_row *r = &rows[i];
        const store_summary *s = &rows[i].sum;
        cell *row = &CELL(i + 1, 0);
        snprintf(row[0], sizeof(cell), "%lld", (long long)r->id);
        scli_visible(r->model, 12, row[1], sizeof(cell));
        scli_visible(r->dataset, 16, row[2], sizeof(cell));
        scli_visible(r->status, 12, row[3], sizeof(cell));
        snprintf(row[4], sizeof(cell), "%d", s->has ? s->epochs : 0);
        if (s->has && s->best_epoch)
            snprintf(row[5], sizeof(cell), "%.4g@%d", s->best_test_loss, s->best_epoch);
        else
            snprintf(row[5], sizeof(cell), "-");
        scli_num(s->test_mse, row[6], sizeof(cell));
        scli_num(s->test_mae, row[7], sizeof(cell));
        if (isnan(r->roc_auc))
            snprintf(row[8], sizeof(cell), "-");
        else
            snprintf(row[8], sizeof(cell), "%.4f", r->roc_auc);
        scli_duration(s->has ? s->seconds : NAN, row[9], sizeof(cell));
        scli_time(r->created, row[10], sizeof(cell));
        scli_visible(rows[i].tags, 24, row[11], sizeof(cell));
        scli_visible(r->name, 24, row[12], sizeof(cell));
        if (sort_param) {
            if (rows[i].sort_is_text)
                scli_visible(rows[i].sort_text, 16, row[13], sizeof(cell));
            else
                scli_num(rows[i].sort_num, row[13], sizeof(cell));
        }
    }
    int cols = ncol + (sort_param ? 1 : 0);
    for (int i = 0; i <= n; i++)
        for (int c = 0; c < cols; c++) {
            int cw = scli_width(CELL(i, c));
            if (cw > w[c]) w[c] = cw;
        }
    char *line = malloc((size_t)(cols + 1) * (sizeof(cell) + 2) + 64);
    if (!line) {
        free(cells);
        cli_fail("runs", "out of memory");
        return;
    }
    for (int i = 0; i <= n; i++) {
        /* the sort parameter's column goes right after ID, where the eye looks */
        int order[NCOL + 2], k = 0;
        order[k++] = 0;
        if (sort_param) order[k++] = ncol;
        for (int c = 1; c < ncol; c++)
            if (c != 8 || any_auc) order[k++] = c;
        size_t len = 0;
        for (int j = 0; j < k; j++) {
            int c = order[j];
            int r = c == ncol ? 1 : right[c];
            int pad = w[c] - scli_width(CELL(i, c));
            if (j) line[len++] = ' ', line[len++] = ' ';
            for (int q = 0; r && q < pad; q++) line[len++] = ' ';
            size_t cl = strlen(CELL(i, c));
            memcpy(line + len, CELL(i, c), cl);
            len += cl;
            for (int q = 0; !r && q < pad; q++) line[len++] = ' ';
        }
        while (len && line[len - 1] == ' ') len--; /* no trailing blanks */
        line[len++] = '\n';
        fwrite(line, 1, len, stdout);
    }
    free(line);
#undef CELL
    free(cells);
}

int cmd_runs(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'}, {"status", required_argument, 0, 's'},
        {"tag", required_argument, 0, 't'},   {"sweep", required_argument, 0, 'w'},
        {"sort", required_argument, 0, 'o'},  {"limit", required_argument, 0, 'n'},
        {"json", no_argument, 0, 'j'},        {"db", required_argument, 0, 'd'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    store_filter f = {0};
    const char *db = NULL, *sweep = NULL;
    int json = 0, c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'm':
            if (cli_text("runs", "--model", optarg, 200)) return CLI_USAGE;
            if (!model_preset_find(optarg)) { /* a typo would list nothing, silently */
                char names[512] = "";
                for (const model_preset *p = model_presets; p->name; p++)
                    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                             p == model_presets ? "" : ", ", p->name);
                return cli_usage("runs", "--model: '%s' is not a model (%s)", optarg, names);
            }
            f.model = optarg;
            break;
        case 's':
            if (!store_status_valid(optarg))
                return cli_usage("runs",
                                 "--status: '%s' is not a status (running, finished, stopped, "
                                 "diverged, failed, interrupted)",
                                 optarg);
            f.status = optarg;
            break;
        case 't':
            if (cli_text("runs", "--tag", optarg, 200)) return CLI_USAGE;
            f.tag = optarg;
            break;
        case 'w':
            sweep = optarg;
            break;
        case 'o':
            if (cli_text("runs", "--sort", optarg, 200)) return CLI_USAGE;
            f.sort = optarg;
            break;
        case 'n':
            if (cli_int("runs", "--limit", optarg, 1, 1000000000, &f.limit)) return CLI_USAGE;
            break;
        case 'j':
            json = 1;
            break;
        case 'd':
            db = optarg;
            break;
        case 'h':
            fputs(runs_help, stdout);
            return CLI_OK;
        default:
            return scli_bad_option("runs", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage("runs", "unexpected argument '%s' (see aetui runs --help)", argv[optind]);
    char path[4096];
    if (scli_path("runs", db, path)) return CLI_USAGE;
    struct stat sb;
    if (stat(path, &sb) != 0) { /* no store yet: no runs */
        if (json)
            printf("[]\n");
        else
            fprintf(stderr, "no runs yet (no run store at %s)\n", path);
        return CLI_OK;
    }
    store *st;
    if (scli_open("runs", path, 0, &st)) return CLI_USAGE;
    store_row *rows;
    int n;
    ae_err err;
    if (sweep) {
        int found = store_sweep_find(st, sweep, &f.sweep, &err);
        if (found <= 0) {
            store_close(st);
            if (found < 0) return cli_usage("runs", "%s", err.msg);
            char shown[128];
            scli_visible(sweep, 60, shown, sizeof shown);
            return cli_usage("runs", "--sweep: no sweep '%s' (aetui sweep list)", shown);
        }
    }
    if (store_runs_list(st, &f, &rows, &n, &err)) {
        store_close(st);
        if (!strncmp(err.msg, "unknown sort column", 19)) ae_wrap(&err, "--sort");
        return cli_usage("runs", "%s", err.msg);
    }
    const char *sp = f.sort ? f.sort + (f.sort[0] == '-') : NULL;
    if (sp && is_column(sp)) sp = NULL;
    if (json)
        print_json(rows, n, sp);
    else if (n == 0)
        fprintf(stderr, "no runs%s\n", f.model || f.status || f.tag || sweep ? " match" : " yet");
    else
        print_table(rows, n, sp);
    free(rows);
    store_close(st);
    if (fflush(stdout) != 0) return cli_fail("runs", "cannot write the output");
    return CLI_OK;
}

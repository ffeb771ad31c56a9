/* cmd_rm.c: `aetui rm RUN... [--yes]`, deleting runs: their rows (everything hangs off the
 * run and goes with it) and their directory in the store's runs directory (STEM.runs/<id>/).
 *
 * The idea: check everything before deleting anything (every id exists, none is still
 * training), then ask on the terminal, then delete run by run, the row before the files (a
 * crash in between leaves an orphan directory, never a run whose checkpoint is gone). Without
 * a terminal to ask on, nothing is deleted unless --yes says so. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "paths.h"
#include "store_cli.h"

static const char rm_help[] =
    "usage: aetui rm RUN... [--yes] [--db PATH]\n"
    "\n"
    "Deletes runs: their records and their files. Asks first unless --yes.\n"
    "\n"
    "  --yes, -y   do not ask (needed when standard input is not a terminal)\n"
    "  --db PATH   the run store (default: $AETUI_DB, else ~/.local/share/aetui/aetui.db)\n";

/* Asks on stderr, reads stdin; 1 for yes. */
static int rm_confirm(int n, const int64_t *ids)
{
    fprintf(stderr, "delete %s", n == 1 ? "run" : "runs");
    for (int i = 0; i < n && i < 20; i++) fprintf(stderr, " %lld", (long long)ids[i]);
    if (n > 20) fprintf(stderr, " ... (%d runs)", n);
    fprintf(stderr, " and %s files? [y/N] ", n == 1 ? "its" : "their");
    fflush(stderr);
    char line[64];
    if (!fgets(line, sizeof line, stdin)) return 0;
    return !strcmp(line, "y\n") || !strcmp(line, "Y\n") || !strcmp(line, "yes\n");
}

int cmd_rm(int argc, char **argv)
{
    static const struct option opts[] = {{"yes", no_argument, 0, 'y'},
                                         {"db", required_argument, 0, 'd'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *db = NULL;
    int yes = 0, c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hy", opts, NULL)) != -1) {
        switch (c) {
        case 'y':
            yes = 1;
            break;
        case 'd':
            db = optarg;
            break;
        case 'h':
            fputs(rm_help, stdout);
            return CLI_OK;
        default:
            return scli_bad_option("rm", c, argv);
        }
    }
    int n = argc - optind;
    if (n <= 0) return cli_usage("rm", "which runs? (aetui rm RUN... ; aetui runs lists them)");
    int64_t *ids = malloc((size_t)n * sizeof *ids);
    if (!ids) return cli_fail("rm", "out of memory");
    for (int i = 0; i < n; i++)
        if (scli_run_id("rm", argv[optind + i], &ids[i])) {
            free(ids);
            return CLI_USAGE;
        }
    char path[4096];
    store *st = NULL;
    int rc = CLI_OK;
    if (scli_path("rm", db, path) || scli_open("rm", path, 0, &st)) {
        free(ids);
        return CLI_USAGE;
    }
    ae_err err;
    static store_run r; /* large (notes): the CLI's main thread only */
    for (int i = 0; i < n && rc == CLI_OK; i++) {
        if (store_run_get(st, ids[i], &r, &err))
            rc = cli_usage("rm", "%s", err.msg);
        else if (!strcmp(r.status, "running"))
            rc = cli_usage("rm",
                           "run %lld is still running (pid %lld on %s); stop it first, nothing "
                           "deleted",
                           (long long)ids[i], (long long)r.pid, r.host);
    }
    if (rc == CLI_OK && store_readonly(st))
        rc = cli_usage("rm", "%s: the store is read-only; nothing deleted", path);
    if (rc == CLI_OK && !yes) {
        if (!isatty(STDIN_FILENO))
            rc = cli_usage("rm", "standard input is not a terminal to ask on: add --yes to "
                                 "delete without asking; nothing deleted");
        else if (!rm_confirm(n, ids)) {
            fprintf(stderr, "nothing deleted\n");
            rc = CLI_FAIL;
        }
    }
    for (int i = 0; i < n && rc == CLI_OK; i++) {
        char dir[4096];
        int dup = 0;
        for (int k = 0; k < i; k++) dup |= ids[k] == ids[i];
        if (dup) continue;
        if (store_run_delete(st, ids[i], &err)) {
            rc = cli_usage("rm", "%s", err.msg);
            break;
        }
        if (store_run_dir(st, ids[i], dir, sizeof dir, &err) || paths_rm_tree(dir, &err))
            rc = cli_fail("rm", "run %lld deleted, but its files: %s", (long long)ids[i], err.msg);
        else
            printf("deleted run %lld\n", (long long)ids[i]);
    }
    store_close(st);
    free(ids);
    return rc;
}

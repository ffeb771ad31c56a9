/* cmd_tag.c: `aetui tag RUN TAG...` and `aetui untag RUN TAG...`, labels on runs that
 * `aetui runs --tag T` filters by. Adding a tag a run has, or removing one it has not, is
 * fine (the command says what it did). A tag is 1 to 63 bytes without commas or control
 * characters; every tag is checked before any is written. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "store_cli.h"

static int tag_main(const char *cmd, int add, int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *db = NULL;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'h':
            printf("usage: aetui %s RUN TAG... [--db PATH]\n\n"
                   "%s tags %s a run. A tag: 1 to %d bytes, no commas or control characters.\n\n"
                   "  --db PATH   the run store (default: $AETUI_DB, else "
                   "~/.local/share/aetui/aetui.db)\n",
                   cmd, add ? "Adds" : "Removes", add ? "to" : "from", STORE_TAG_MAX);
            return CLI_OK;
        default:
            return scli_bad_option(cmd, c, argv);
        }
    }
    if (argc - optind < 2) return cli_usage(cmd, "usage: aetui %s RUN TAG...", cmd);
    int64_t id;
    if (scli_run_id(cmd, argv[optind], &id)) return CLI_USAGE;
    for (int i = optind + 1; i < argc; i++) {
        const char *t = argv[i];
        size_t len = strlen(t);
        if (len == 0) return cli_usage(cmd, "empty tag");
        if (len > STORE_TAG_MAX)
            return cli_usage(cmd, "tag '%s' is too long (%zu bytes, at most %d)", t, len,
                             STORE_TAG_MAX);
        for (const unsigned char *p = (const unsigned char *)t; *p; p++)
            if (*p < 0x20 || *p == 0x7f || *p == ',')
                return cli_usage(cmd, "tag '%s': no commas or control characters", t);
    }
    char path[4096];
    store *st;
    if (scli_path(cmd, db, path) || scli_open(cmd, path, 0, &st)) return CLI_USAGE;
    ae_err err;
    int rc = CLI_OK;
    int e = store_run_exists(st, id, &err);
    if (e <= 0)
        rc = e < 0 ? cli_usage(cmd, "%s", err.msg)
                   : cli_usage(cmd, "run %lld: no such run", (long long)id);
    for (int i = optind + 1; i < argc && rc == CLI_OK; i++) {
        if ((add ? store_tag_add : store_tag_remove)(st, id, argv[i], &err))
            rc = cli_usage(cmd, "%s", err.msg);
    }
    store_close(st);
    return rc;
}

int cmd_tag(int argc, char **argv)
{
    return tag_main("tag", 1, argc, argv);
}

int cmd_untag(int argc, char **argv)
{
    return tag_main("untag", 0, argc, argv);
}

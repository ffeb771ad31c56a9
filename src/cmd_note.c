/* cmd_note.c: `aetui note RUN TEXT`, the run's free-text notes (replaced; "" clears them).
 * Several words after RUN are joined with spaces, so quoting is optional. The text is kept
 * as given and shown with control characters made visible. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "store_cli.h"

static const char note_help[] =
    "usage: aetui note RUN TEXT [--db PATH]\n"
    "\n"
    "Sets a run's notes to TEXT (words joined with spaces; \"\" clears them; at most 4000\n"
    "bytes). Put -- before a TEXT that starts with '-'.\n"
    "\n"
    "  --db PATH   the run store (default: $AETUI_DB, else ~/.local/share/aetui/aetui.db)\n";

int cmd_note(int argc, char **argv)
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
            fputs(note_help, stdout);
            return CLI_OK;
        default:
            return scli_bad_option("note", c, argv);
        }
    }
    if (argc - optind < 2) return cli_usage("note", "usage: aetui note RUN TEXT");
    int64_t id;
    if (scli_run_id("note", argv[optind], &id)) return CLI_USAGE;
    static char text[STORE_NOTE_MAX + 1];
    size_t len = 0;
    for (int i = optind + 1; i < argc; i++) {
        size_t l = strlen(argv[i]) + (i > optind + 1);
        if (len + l > STORE_NOTE_MAX)
            return cli_usage("note", "note too long (at most %d bytes)", STORE_NOTE_MAX);
        if (i > optind + 1) text[len++] = ' ';
        memcpy(text + len, argv[i], strlen(argv[i]));
        len += strlen(argv[i]);
    }
    text[len] = 0;
    char path[4096];
    store *st;
    if (scli_path("note", db, path) || scli_open("note", path, 0, &st)) return CLI_USAGE;
    ae_err err;
    int rc = CLI_OK;
    if (store_run_set_notes(st, id, text, &err)) rc = cli_usage("note", "%s", err.msg);
    store_close(st);
    return rc;
}

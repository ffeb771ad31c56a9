/* store_cli.h: what the run store's subcommands (runs, show, export, rm, tag, untag, note)
 * share: opening the store with messages, reading run ids, and printing for a terminal
 * (text made visible, columns aligned) or for scripts (JSON). Main thread of the CLI only.
 *
 * Every failure prints one line "aetui CMD: ..." on stderr and returns CLI_USAGE (2): the issue
 * asks for status 2 for unknown runs, bad columns, unwritable directories, locked or corrupt
 * files alike. */
#ifndef AE_STORE_CLI_H
#define AE_STORE_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "store.h"

/* Resolves the store's path (--db, $AETUI_DB, default) into path (4096 bytes). */
int scli_path(const char *cmd, const char *opt_db, char *path);
/* Opens the store at path; with create, makes its directory and the file when missing.
 * Prints the read-only notice of a newer schema on stderr. */
int scli_open(const char *cmd, const char *path, int create, store **st);
/* A run id: a positive integer. */
int scli_run_id(const char *cmd, const char *arg, int64_t *id);
/* The same given to an option (train --resume RUN): the message names the option. */
int scli_opt_run_id(const char *cmd, const char *opt, const char *arg, int64_t *id);
/* Reports an unknown option or a missing value, from getopt_long's return value c. */
int scli_bad_option(const char *cmd, int c, char **argv);

/* JSON: a string from any bytes (invalid UTF-8 becomes U+FFFD, controls and C1 controls are
 * escaped, so the output is valid JSON and safe on a terminal); a number or null for NaN. */
void scli_json_str(FILE *f, const char *s);
void scli_json_num(FILE *f, double v);

/* The visible form of s (text_visible) cut to at most max columns (0: no limit), with "…"
 * when cut. */
void scli_visible(const char *s, int max, char *out, size_t outlen);
/* Columns that a visible UTF-8 string takes (one per code point). */
int scli_width(const char *s);
/* Prints s padded to width columns, right-aligned when right. */
void scli_cell(FILE *f, const char *s, int width, int right);
/* "2026-11-27 15:20" in local time, "-" for 0. */
void scli_time(double t, char *out, size_t len);
/* "12.3s", "4m05s", "2h03m"; "-" for NaN. */
void scli_duration(double s, char *out, size_t len);
/* %.4g, or "-" for NaN. */
void scli_num(double v, char *out, size_t len);

#endif

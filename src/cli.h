/* cli.h: helpers every subcommand uses to read its options and report bad ones.
 *
 * Bad usage is one line on stderr, "aetui CMD: --option: problem", and exit status 2.
 * The parse functions print that line themselves and return -1, so a command does
 *     if (cli_int("train", "--latent", optarg, 1, 4096, &cfg.latent)) return 2; */
#ifndef AE_CLI_H
#define AE_CLI_H

#include <stdint.h>

/* Exit statuses. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

int cli_int(const char *cmd, const char *opt, const char *val, long lo, long hi, int *out);
int cli_u64(const char *cmd, const char *opt, const char *val, uint64_t *out);
int cli_double(const char *cmd, const char *opt, const char *val, double lo, double hi,
               double *out);

/* A path or name given to OPT: not empty (an empty --db or --data-dir is a slip, not "the
 * default"), at most max bytes, no control characters. Prints the problem and returns
 * CLI_USAGE, else CLI_OK. */
#include <stddef.h>
int cli_text(const char *cmd, const char *opt, const char *val, size_t max);

/* Prints "aetui CMD: message" on stderr and returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints "aetui CMD: message" on stderr and returns CLI_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Output files, for every command that writes one: core/fileio's fio_out (atomic over a
 * regular file or a symlink's target, direct into a FIFO or a device, every write error
 * caught) with the CLI's messages. cli_out_open prints the problem and returns CLI_USAGE when
 * the path cannot be written (a directory, a missing folder, no permission); cli_out_commit
 * prints it and returns CLI_FAIL on a write error (a full disk, /dev/full). flags: FIO_DASH
 * when "-" means standard output. */
#include "fileio.h"
int cli_out_open(const char *cmd, const char *path, int flags, fio_out *o);
int cli_out_commit(const char *cmd, fio_out *o);

/* Writes s to f as a JSON string literal (quotes included), escaping as JSON requires. */
#include <stdio.h>
void cli_json_str(FILE *f, const char *s);

/* Wall-clock seconds (monotonic). */
double cli_now(void);

#endif

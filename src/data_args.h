/* data_args.h: your own data's options on a command line (aetui train --data PATH ...,
 * aetui data add NAME PATH ...), read into a dataset spec (core/dspec.h).
 *
 * The dataset options (ds_spec_options: --size, --window, --label-col, ...) are read in a
 * pass of their own before the command's getopt loop, which then only skips them
 * (data_args_getopt adds them to its table), so each command keeps its own parser.
 *
 * Not thread-safe (argv, getopt); the CLI's main thread. */
#ifndef AE_DATA_ARGS_H
#define AE_DATA_ARGS_H

#include <getopt.h>
#include <stdio.h>

#include "dspec.h"

/* getopt_long codes of the dataset options: DATA_ARG_CODE + their index in ds_spec_options. */
#define DATA_ARG_CODE 3000

/* Reads every dataset option in argv (up to "--") into spec (initialised first) and, with
 * data_opt ("--data" for train; NULL when the path is positional), its value into spec->path.
 * *seen: 1 when any dataset option or data_opt was given. Prints the problem and returns
 * CLI_USAGE for a bad value, else CLI_OK. */
int data_args_read(const char *cmd, int argc, char **argv, const char *data_opt, ds_spec *spec,
                   int *seen);

/* Completes a spec whose path is set: format detected and options checked against it, the
 * paths made absolute, the name (when "") from the file's name. Prints the problem and
 * returns CLI_USAGE, or CLI_OK. */
int data_args_finish(const char *cmd, ds_spec *spec);

/* Appends the dataset options to a getopt_long table of n entries (room for
 * data_args_count() more and the terminator); returns the new count. */
int data_args_count(void);
int data_args_getopt(struct option *opts, int n);

/* The model that suits a spec when none was asked for: cnn for images, dense for plain
 * vectors (a .npy of N x D), lstm for sequences. */
const char *data_args_model(const ds_spec *spec);

/* Prints the dataset options' help lines, indented as the commands' help is. */
void data_args_help(FILE *f);

#endif

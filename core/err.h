/* err.h: the error convention of library code (core, models, db, ui).
 *
 * A function that can fail takes an `ae_err *` last, returns 0 on success and -1 on failure,
 * and on failure writes one line into err->msg naming the thing and the problem
 * ("data_batch_1.bin: truncated: 30729000 bytes, expected 30730000"). Library code never
 * prints and never exits; src/ decides. `err` may be NULL when the caller does not care. */
#ifndef AE_ERR_H
#define AE_ERR_H

#include <stddef.h>

typedef struct ae_err {
    char msg[512];
} ae_err;

/* Formats the message into err (when not NULL) and returns -1, so that
 * `return ae_fail(err, "...", ...);` reads naturally. */
int ae_fail(ae_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prepends "prefix: " to an existing message (adds context on the way up), unless the
 * message already starts with it. */
int ae_wrap(ae_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif

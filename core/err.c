/* err.c: formatting of library error messages (see err.h). */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int ae_fail(ae_err *err, const char *fmt, ...)
{
    if (!err) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int ae_wrap(ae_err *err, const char *fmt, ...)
{
    if (!err) return -1;
    char prefix[256], old[sizeof err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->msg, sizeof old);
    size_t n = strlen(prefix);
    /* a message that already starts with this context (a file name the callee put there)
     * is left as it is: "f: f: problem" reads as two files */
    if (!strncmp(old, prefix, n) && old[n] == ':' && old[n + 1] == ' ') return -1;
    if (n > sizeof err->msg - 3) n = sizeof err->msg - 3;
    memcpy(err->msg, prefix, n);
    memcpy(err->msg + n, ": ", 2);
    size_t rest = sizeof err->msg - n - 3;
    size_t k = strnlen(old, rest);
    memcpy(err->msg + n + 2, old, k);
    err->msg[n + 2 + k] = 0;
    return -1;
}

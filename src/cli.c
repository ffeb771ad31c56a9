/* cli.c: option parsing and error reporting shared by the subcommands (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text.h"

static void say(const char *cmd, const char *fmt, va_list ap)
{
    char msg[1024], vis[2048];
    vsnprintf(msg, sizeof msg, fmt, ap);
    text_visible(msg, vis, sizeof vis); /* messages may quote user input */
    fprintf(stderr, "aetui %s: %s\n", cmd, vis);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(cmd, fmt, ap);
    va_end(ap);
    return CLI_USAGE;
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(cmd, fmt, ap);
    va_end(ap);
    return CLI_FAIL;
}

/* The number's text as written: digits with an optional sign (and for a real number a point
 * and an exponent), nothing around it. strtol and strtod skip leading blanks and read "0x10",
 * "inf" and "nan"; a value such as " 8" or "1e3 " is a typing slip, not a number. */
static int plain_number(const char *s, int real)
{
    if (*s == '-' || *s == '+') s++;
    if (!*s) return 0;
    int digits = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits = 1;
        else if (!real || !strchr(".eE+-", *s))
            return 0;
    }
    return digits;
}

int cli_int(const char *cmd, const char *opt, const char *val, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = val && plain_number(val, 0) ? strtol(val, &end, 10) : 0;
    if (!val || !plain_number(val, 0) || *end) {
        cli_usage(cmd, "%s: expected an integer, got '%s'", opt, val ? val : "");
        return -1;
    }
    if (errno || v < lo || v > hi) {
        cli_usage(cmd, "%s: %s is out of range (%ld to %ld)", opt, val, lo, hi);
        return -1;
    }
    *out = (int)v;
    return 0;
}

int cli_u64(const char *cmd, const char *opt, const char *val, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!val || !plain_number(val, 0) || *val == '-' || *val == '+') {
        cli_usage(cmd, "%s: expected a non-negative integer, got '%s'", opt, val ? val : "");
        return -1;
    }
    unsigned long long v = strtoull(val, &end, 10);
    if (*end || errno) {
        cli_usage(cmd, "%s: %s is out of range (0 to %llu)", opt, val,
                  (unsigned long long)UINT64_MAX);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_double(const char *cmd, const char *opt, const char *val, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = val && plain_number(val, 1) ? strtod(val, &end) : 0;
    if (!val || !plain_number(val, 1) || *end) {
        cli_usage(cmd, "%s: expected a number, got '%s'", opt, val ? val : "");
        return -1;
    }
    if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1) || v < lo || v > hi) {
        cli_usage(cmd, "%s: %s is out of range (%g to %g)", opt, val, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_text(const char *cmd, const char *opt, const char *val, size_t max)
{
    if (!val || !*val) return cli_usage(cmd, "%s: empty value", opt);
    size_t n = strlen(val);
    if (n > max) return cli_usage(cmd, "%s: too long (%zu bytes, at most %zu)", opt, n, max);
    for (const unsigned char *p = (const unsigned char *)val; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return cli_usage(cmd, "%s: '%s' has a control character", opt, val);
    return CLI_OK;
}

int cli_out_open(const char *cmd, const char *path, int flags, fio_out *o)
{
    ae_err err;
    if (fio_out_open(o, path, flags, &err)) return cli_usage(cmd, "%s", err.msg);
    return CLI_OK;
}

int cli_out_commit(const char *cmd, fio_out *o)
{
    ae_err err;
    if (fio_out_commit(o, &err)) return cli_fail(cmd, "%s", err.msg);
    return CLI_OK;
}

void cli_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

double cli_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

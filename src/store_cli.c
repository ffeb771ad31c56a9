/* store_cli.c: helpers of the run store's subcommands (see store_cli.h). */
#include "store_cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "paths.h"
#include "text.h"

int scli_path(const char *cmd, const char *opt_db, char *path)
{
    ae_err err;
    if (paths_db(opt_db, path, 4096, &err)) return cli_usage(cmd, "%s", err.msg);
    return 0;
}

int scli_open(const char *cmd, const char *path, int create, store **st)
{
    ae_err err;
    if (create && paths_mkdir_parent(path, &err)) return cli_usage(cmd, "%s", err.msg);
    if (store_open(st, path, create ? STORE_CREATE : 0, &err)) return cli_usage(cmd, "%s", err.msg);
    if (store_notice(*st)[0]) fprintf(stderr, "aetui %s: note: %s\n", cmd, store_notice(*st));
    return 0;
}

/* A positive decimal integer with nothing around it. */
static int parse_id(const char *arg, int64_t *id)
{
    char *end;
    errno = 0;
    if (!arg || !(*arg >= '0' && *arg <= '9')) return -1;
    long long v = strtoll(arg, &end, 10);
    if (*end || errno || v <= 0) return -1;
    *id = v;
    return 0;
}

int scli_run_id(const char *cmd, const char *arg, int64_t *id)
{
    if (parse_id(arg, id))
        return cli_usage(cmd, "'%s' is not a run id (a positive integer, as `aetui runs` lists)",
                         arg ? arg : "");
    return 0;
}

int scli_opt_run_id(const char *cmd, const char *opt, const char *arg, int64_t *id)
{
    if (parse_id(arg, id))
        return cli_usage(cmd,
                         "%s: '%s' is not a run id (a positive integer, as `aetui runs` lists)",
                         opt, arg ? arg : "");
    return 0;
}

int scli_bad_option(const char *cmd, int c, char **argv)
{
    const char *opt = argv[optind - 1];
    if (c == ':') return cli_usage(cmd, "%s needs a value (see aetui %s --help)", opt, cmd);
    return cli_usage(cmd, "unknown option '%s' (see aetui %s --help)", opt, cmd);
}

/* Length of the valid UTF-8 sequence at s (0 when malformed) and its code point. */
static int utf8_dec(const unsigned char *s, unsigned *cp)
{
    unsigned c = s[0];
    int len;
    if (c < 0x80) return *cp = c, 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, *cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, *cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, *cp = c & 0x07;
    else
        return 0;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        *cp = (*cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && *cp < 0x800) || (len == 4 && (*cp < 0x10000 || *cp > 0x10ffff))) return 0;
    if (*cp >= 0xd800 && *cp <= 0xdfff) return 0;
    return len;
}

void scli_json_str(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', f);
    while (*p) {
        unsigned cp;
        int len = utf8_dec(p, &cp);
        if (!len) {
            fputs("\\ufffd", f), p++;
        } else if (cp == '"' || cp == '\\') {
            fprintf(f, "\\%c", (char)cp), p++;
        } else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029) {
            fprintf(f, "\\u%04x", cp), p += len;
        } else {
            fwrite(p, 1, (size_t)len, f), p += len;
        }
    }
    fputc('"', f);
}

void scli_json_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.9g", v);
    else
        fputs("null", f);
}

int scli_width(const char *s)
{
    int w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xc0) != 0x80) w++;
    return w;
}

void scli_visible(const char *s, int max, char *out, size_t outlen)
{
    text_visible(s, out, outlen);
    if (max <= 0 || scli_width(out) <= max) return;
    int w = 0;
    size_t i = 0;
    for (; out[i]; i++) {
        if ((out[i] & 0xc0) != 0x80) {
            if (w == max - 1) break;
            w++;
        }
    }
    if (i + 4 <= outlen)
        memcpy(out + i, "\xe2\x80\xa6", 4); /* … and the NUL */
    else
        out[i] = 0;
}

void scli_cell(FILE *f, const char *s, int width, int right)
{
    int pad = width - scli_width(s);
    if (right)
        for (int i = 0; i < pad; i++) fputc(' ', f);
    fputs(s, f);
    if (!right)
        for (int i = 0; i < pad; i++) fputc(' ', f);
}

void scli_time(double t, char *out, size_t len)
{
    if (!(t > 0)) {
        snprintf(out, len, "-");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, len, "%Y-%m-%d %H:%M", &tm);
}

void scli_duration(double s, char *out, size_t len)
{
    if (!isfinite(s))
        snprintf(out, len, "-");
    else if (s < 60)
        snprintf(out, len, "%.1fs", s);
    else if (s < 3600)
        snprintf(out, len, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
    else
        snprintf(out, len, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

void scli_num(double v, char *out, size_t len)
{
    if (isfinite(v))
        snprintf(out, len, "%.4g", v);
    else
        snprintf(out, len, "-");
}

/* dspec.c: dataset specs: options, text form, names (see dspec.h). Loading is in dsload.c. */
#include "dspec.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csv.h"

/* Which formats an option is for. */
enum {
    F_FOLDER = 1 << DSF_FOLDER,
    F_NPY = 1 << DSF_NPY,
    F_CSV = 1 << DSF_CSV,
    F_SERIES = 1 << DSF_SERIES,
    F_ALL = F_FOLDER | F_NPY | F_CSV | F_SERIES
};

const ds_spec_option ds_spec_options[] = {
    {"format", 1,
     "folder|npy|csv|series (default: a folder, *.npy, else csv; series with --window)"},
    {"test-data", 1, "PATH: a separate test file or folder (else --test-frac of the data)"},
    {"test-frac", 1,
     "F: the share held out for testing, per class when labelled; of a long "
     "series, its last F (0.2)"},
    {"split-seed", 1, "N: the seed of the shuffle that splits train and test (1)"},
    {"scale", 1,
     "minmax|zscore|none: per-feature scaling of sequences and vectors, fitted on "
     "the training split (minmax)"},
    {"size", 1, "HxW: folder: resize every image (area averaging down, bilinear up)"},
    {"crop", 1, "center|none: folder: cut to the aspect ratio of --size first (none)"},
    {"channels", 1, "1|3: folder: gray or RGB (default: 3 when any image is in colour)"},
    {"labels", 1, "Y.npy: npy: the samples' integer labels"},
    {"test-labels", 1, "Y.npy: npy: the labels of --test-data"},
    {"label-col", 1, "K|none: csv: the label column (default: column 1 when it holds labels)"},
    {"header", 0, "csv, series: the first row is a header (default: detected)"},
    {"no-header", 0, "csv, series: the first row is data"},
    {"features", 1, "F: csv: values per time step (a row of T*F values, row-major; 1)"},
    {"window", 1, "T: series: cut the series into windows of T rows"},
    {"stride", 1, "S: series: rows between window starts (default T/4)"},
    {"columns", 1, "a,b: series: the value columns, by name or number (default: all but time)"},
    {"time-col", 1, "NAME|K|none: series: the time column (default: found by name or dates)"},
    {"missing", 1, "error|drop|zero|interpolate: series: empty cells, NaN, inf (error)"},
    {"delimiter", 1, "comma|semicolon|tab|spaces: csv, series (default: detected)"},
    {NULL, 0, NULL},
};

static const int option_formats[] = {
    F_ALL,
    F_ALL,
    F_ALL,
    F_ALL,
    F_ALL,
    F_FOLDER,
    F_FOLDER,
    F_FOLDER,
    F_NPY,
    F_NPY,
    F_CSV,
    F_CSV | F_SERIES,
    F_CSV | F_SERIES,
    F_CSV,
    F_SERIES,
    F_SERIES,
    F_SERIES,
    F_SERIES,
    F_SERIES,
    F_CSV | F_SERIES,
};

static const char *const format_names[] = {"", "folder", "npy", "csv", "series"};
static const char *const missing_names[] = {"error", "drop", "zero", "interpolate"};

const char *ds_format_name(int f)
{
    return f >= 1 && f <= 4 ? format_names[f] : "?";
}

int ds_format_of(const char *name)
{
    for (int f = 1; f <= 4; f++)
        if (name && !strcmp(name, format_names[f])) return f;
    return -1;
}

void ds_spec_init(ds_spec *s)
{
    memset(s, 0, sizeof *s);
    s->label_col = DS_AUTO;
    s->header = DS_AUTO;
    s->test_frac = 0.2;
    s->split_seed = 1;
    s->scale = DS_SCALE_MINMAX;
}

const ds_spec_option *ds_spec_option_find(const char *name)
{
    for (const ds_spec_option *o = ds_spec_options; o->name; o++)
        if (name && !strcmp(o->name, name)) return o;
    return NULL;
}

static int whole(const char *opt, const char *v, long lo, long hi, int *out, ae_err *err)
{
    char *end;
    errno = 0;
    long x = v ? strtol(v, &end, 10) : 0;
    if (!v || !*v || *end || errno || x < lo || x > hi || isspace((unsigned char)*v))
        return ae_fail(err, "--%s: expected a whole number from %ld to %ld, got '%.40s'", opt, lo,
                       hi, v ? v : "");
    *out = (int)x;
    return 0;
}

static int copy_str(const char *opt, const char *v, char *dst, size_t cap, ae_err *err)
{
    if (!v || !*v) return ae_fail(err, "--%s: needs a value", opt);
    if (strlen(v) >= cap) return ae_fail(err, "--%s: longer than %zu bytes", opt, cap - 1);
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return ae_fail(err, "--%s: control characters are not allowed", opt);
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

int ds_spec_set(ds_spec *s, const char *opt, const char *v, ae_err *err)
{
    const ds_spec_option *o = ds_spec_option_find(opt);
    if (!o) return ae_fail(err, "--%s: not a data option", opt ? opt : "");
    if (o->has_value && !v) return ae_fail(err, "--%s needs a value", opt);
    if (!strcmp(opt, "format")) {
        int f = ds_format_of(v);
        if (f < 0)
            return ae_fail(err, "--format: expected folder, npy, csv or series, got '%.40s'", v);
        s->format = f;
    } else if (!strcmp(opt, "test-data")) {
        return copy_str(opt, v, s->test_path, sizeof s->test_path, err);
    } else if (!strcmp(opt, "labels")) {
        return copy_str(opt, v, s->labels, sizeof s->labels, err);
    } else if (!strcmp(opt, "test-labels")) {
        return copy_str(opt, v, s->test_labels, sizeof s->test_labels, err);
    } else if (!strcmp(opt, "test-frac")) {
        char *end;
        double f = strtod(v, &end);
        /* digits and a point only: strtod also reads " 0.2", hex ("0x1p-3") and "nan" */
        if (end == v || *end || !(f >= 0 && f < 1) || strspn(v, "0123456789.eE+-") != strlen(v))
            return ae_fail(err, "--test-frac: expected a number from 0 to below 1, got '%.40s'", v);
        s->test_frac = f;
    } else if (!strcmp(opt, "split-seed")) {
        char *end;
        errno = 0;
        unsigned long long x = strtoull(v, &end, 10);
        if (!*v || *end || errno || *v == '-' || isspace((unsigned char)*v))
            return ae_fail(err, "--split-seed: expected a whole number, got '%.40s'", v);
        s->split_seed = x;
    } else if (!strcmp(opt, "scale")) {
        int k = ds_scale_kind(v);
        if (k < 0) return ae_fail(err, "--scale: expected minmax, zscore or none, got '%.40s'", v);
        s->scale = k;
    } else if (!strcmp(opt, "size")) {
        int h, w, used = 0;
        if (sscanf(v, "%d%*[xX]%d%n", &h, &w, &used) != 2 || v[used] || h < 1 || w < 1 ||
            h > 4096 || w > 4096 || !isdigit((unsigned char)v[0]))
            return ae_fail(err,
                           "--size: expected HxW with sides from 1 to 4096, like 64x64, got "
                           "'%.40s'",
                           v);
        s->size_h = h, s->size_w = w;
    } else if (!strcmp(opt, "crop")) {
        if (strcmp(v, "center") && strcmp(v, "centre") && strcmp(v, "none"))
            return ae_fail(err, "--crop: expected center or none, got '%.40s'", v);
        s->crop = strcmp(v, "none") != 0;
    } else if (!strcmp(opt, "channels")) {
        if (strcmp(v, "1") && strcmp(v, "3"))
            return ae_fail(err, "--channels: expected 1 (gray) or 3 (RGB), got '%.40s'", v);
        s->channels = v[0] - '0';
    } else if (!strcmp(opt, "label-col")) {
        if (!strcmp(v, "none"))
            s->label_col = 0;
        else if (!strcmp(v, "auto"))
            s->label_col = DS_AUTO;
        else if (whole(opt, v, 1, 1000000, &s->label_col, err))
            return ae_fail(err,
                           "--label-col: expected a column number (from 1) or none, got "
                           "'%.40s'",
                           v);
    } else if (!strcmp(opt, "header")) {
        s->header = 1;
    } else if (!strcmp(opt, "no-header")) {
        s->header = 0;
    } else if (!strcmp(opt, "features")) {
        return whole(opt, v, 1, 1000000, &s->features, err);
    } else if (!strcmp(opt, "window")) {
        return whole(opt, v, 1, 1000000, &s->window, err);
    } else if (!strcmp(opt, "stride")) {
        return whole(opt, v, 1, 1000000, &s->stride, err);
    } else if (!strcmp(opt, "columns")) {
        return copy_str(opt, v, s->columns, sizeof s->columns, err);
    } else if (!strcmp(opt, "time-col")) {
        return copy_str(opt, v, s->time_col, sizeof s->time_col, err);
    } else if (!strcmp(opt, "missing")) {
        for (int k = 0; k < 4; k++)
            if (!strcmp(v, missing_names[k])) {
                s->missing = k;
                return 0;
            }
        return ae_fail(err, "--missing: expected error, drop, zero or interpolate, got '%.40s'", v);
    } else if (!strcmp(opt, "delimiter")) {
        static const char *const dn[] = {"comma", "semicolon", "tab", "spaces"};
        static const int dv[] = {CSV_COMMA, CSV_SEMI, CSV_TAB, CSV_SPACES};
        for (int k = 0; k < 4; k++)
            if (!strcmp(v, dn[k])) {
                s->delim = dv[k];
                return 0;
            }
        return ae_fail(err, "--delimiter: expected comma, semicolon, tab or spaces, got '%.40s'",
                       v);
    }
    return 0;
}

/* Whether option k differs from its default in s. */
static int option_set(const ds_spec *s, int k)
{
    const char *n = ds_spec_options[k].name;
    if (!strcmp(n, "format")) return 0; /* the text's first word */
    if (!strcmp(n, "test-data")) return s->test_path[0] != 0;
    if (!strcmp(n, "test-frac")) return s->test_frac != 0.2;
    if (!strcmp(n, "split-seed")) return s->split_seed != 1;
    if (!strcmp(n, "scale")) return s->scale != DS_SCALE_MINMAX;
    if (!strcmp(n, "size")) return s->size_h > 0;
    if (!strcmp(n, "crop")) return s->crop != 0;
    if (!strcmp(n, "channels")) return s->channels != 0;
    if (!strcmp(n, "labels")) return s->labels[0] != 0;
    if (!strcmp(n, "test-labels")) return s->test_labels[0] != 0;
    if (!strcmp(n, "label-col")) return s->label_col != DS_AUTO;
    if (!strcmp(n, "header")) return s->header == 1;
    if (!strcmp(n, "no-header")) return s->header == 0;
    if (!strcmp(n, "features")) return s->features > 1;
    if (!strcmp(n, "window")) return s->window > 0;
    if (!strcmp(n, "stride")) return s->stride > 0;
    if (!strcmp(n, "columns")) return s->columns[0] != 0;
    if (!strcmp(n, "time-col")) return s->time_col[0] != 0;
    if (!strcmp(n, "missing")) return s->missing != DS_MISSING_ERROR;
    if (!strcmp(n, "delimiter")) return s->delim != CSV_DETECT;
    return 0;
}

static void option_value(const ds_spec *s, int k, char *buf, size_t len)
{
    const char *n = ds_spec_options[k].name;
    buf[0] = 0;
    if (!strcmp(n, "test-data"))
        snprintf(buf, len, "%s", s->test_path);
    else if (!strcmp(n, "test-frac"))
        snprintf(buf, len, "%.17g", s->test_frac);
    else if (!strcmp(n, "split-seed"))
        snprintf(buf, len, "%llu", (unsigned long long)s->split_seed);
    else if (!strcmp(n, "scale"))
        snprintf(buf, len, "%s", ds_scale_name(s->scale));
    else if (!strcmp(n, "size"))
        snprintf(buf, len, "%dx%d", s->size_h, s->size_w);
    else if (!strcmp(n, "crop"))
        snprintf(buf, len, "center");
    else if (!strcmp(n, "channels"))
        snprintf(buf, len, "%d", s->channels);
    else if (!strcmp(n, "labels"))
        snprintf(buf, len, "%s", s->labels);
    else if (!strcmp(n, "test-labels"))
        snprintf(buf, len, "%s", s->test_labels);
    else if (!strcmp(n, "label-col")) {
        if (s->label_col == 0)
            snprintf(buf, len, "none");
        else
            snprintf(buf, len, "%d", s->label_col);
    } else if (!strcmp(n, "features"))
        snprintf(buf, len, "%d", s->features);
    else if (!strcmp(n, "window"))
        snprintf(buf, len, "%d", s->window);
    else if (!strcmp(n, "stride"))
        snprintf(buf, len, "%d", s->stride);
    else if (!strcmp(n, "columns"))
        snprintf(buf, len, "%s", s->columns);
    else if (!strcmp(n, "time-col"))
        snprintf(buf, len, "%s", s->time_col);
    else if (!strcmp(n, "missing"))
        snprintf(buf, len, "%s", missing_names[s->missing & 3]);
    else if (!strcmp(n, "delimiter"))
        snprintf(buf, len, "%s",
                 s->delim == CSV_COMMA  ? "comma"
                 : s->delim == CSV_SEMI ? "semicolon"
                 : s->delim == CSV_TAB  ? "tab"
                                        : "spaces");
}

/* Appends word to buf (at *k), single-quoted when it holds anything a shell would read
 * differently. Returns -1 when it does not fit. */
static int put_word(char *buf, int len, int *k, const char *w)
{
    int plain = *w != 0;
    for (const char *p = w; *p && plain; p++)
        plain = isalnum((unsigned char)*p) || strchr("_@%+=:,./-", *p);
    int need = plain ? (int)strlen(w) : 2 + (int)strlen(w) * 4;
    if (*k + need + 2 >= len) return -1;
    if (*k) buf[(*k)++] = ' ';
    if (plain) {
        memcpy(buf + *k, w, strlen(w));
        *k += (int)strlen(w);
    } else {
        buf[(*k)++] = '\'';
        for (const char *p = w; *p; p++) {
            if (*p == '\'') {
                memcpy(buf + *k, "'\\''", 4);
                *k += 4;
            } else {
                buf[(*k)++] = *p;
            }
        }
        buf[(*k)++] = '\'';
    }
    buf[*k] = 0;
    return 0;
}

int ds_spec_options_text(const ds_spec *s, char *buf, int len, ae_err *err)
{
    int k = 0;
    if (len < 1) return ae_fail(err, "no room for the options");
    buf[0] = 0;
    for (int i = 0; ds_spec_options[i].name; i++) {
        if (!option_set(s, i)) continue;
        char opt[40], val[1100];
        snprintf(opt, sizeof opt, "--%s", ds_spec_options[i].name);
        option_value(s, i, val, sizeof val);
        if (put_word(buf, len, &k, opt) ||
            (ds_spec_options[i].has_value && put_word(buf, len, &k, val)))
            return ae_fail(err, "the data options are longer than %d bytes", len - 1);
    }
    return 0;
}

int ds_spec_to_text(const ds_spec *s, char *buf, int len, ae_err *err)
{
    if (len > DS_SPEC_TEXT_MAX) len = DS_SPEC_TEXT_MAX;
    int k = 0;
    char opts[DS_SPEC_TEXT_MAX];
    if (!s->format || !s->path[0]) return ae_fail(err, "the data spec has no format or no path");
    if (put_word(buf, len, &k, ds_format_name(s->format)) || put_word(buf, len, &k, s->path) ||
        ds_spec_options_text(s, opts, sizeof opts, err))
        return ae_fail(err, "%s: the path and options are longer than %d bytes", s->path, len - 1);
    if (opts[0]) {
        if (k + 1 + (int)strlen(opts) >= len)
            return ae_fail(err, "%s: the path and options are longer than %d bytes", s->path,
                           len - 1);
        buf[k++] = ' ';
        memcpy(buf + k, opts, strlen(opts) + 1);
    }
    return 0;
}

/* The next shell word of *p into w (quotes and backslashes as a POSIX shell reads them);
 * 1, 0 at the end, -1 when a quote is not closed. */
static int next_word(const char **p, char *w, size_t cap)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t' || *s == '\n') s++;
    if (!*s) return 0;
    size_t n = 0;
    while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
        char c = *s++;
        if (c == '\'') {
            while (*s && *s != '\'') {
                if (n + 1 < cap) w[n++] = *s;
                s++;
            }
            if (*s != '\'') return -1;
            s++;
        } else if (c == '"') {
            while (*s && *s != '"') {
                if (*s == '\\' && (s[1] == '"' || s[1] == '\\')) s++;
                if (n + 1 < cap) w[n++] = *s;
                s++;
            }
            if (*s != '"') return -1;
            s++;
        } else {
            if (c == '\\' && *s) c = *s++;
            if (n + 1 < cap) w[n++] = c;
        }
    }
    w[n] = 0;
    *p = s;
    return 1;
}

int ds_spec_from_text(const char *text, ds_spec *s, ae_err *err)
{
    char name[32];
    memcpy(name, s->name, sizeof name);
    ds_spec_init(s);
    memcpy(s->name, name, sizeof name);
    const char *p = text ? text : "";
    char w[1100], v[1100];
    if (next_word(&p, w, sizeof w) != 1 || (s->format = ds_format_of(w)) < 0) {
        s->format = 0;
        return ae_fail(err, "data spec '%.60s': does not start with folder, npy, csv or series",
                       text ? text : "");
    }
    int got = next_word(&p, w, sizeof w);
    if (got != 1 || copy_str("path", w, s->path, sizeof s->path, err))
        return ae_fail(err, "data spec '%.60s': %s", text,
                       got < 0 ? "a quote is not closed" : "no path");
    int rc;
    while ((rc = next_word(&p, w, sizeof w)) == 1) {
        if (strncmp(w, "--", 2)) return ae_fail(err, "data spec: '%.40s' is not an option", w);
        const ds_spec_option *o = ds_spec_option_find(w + 2);
        if (!o) return ae_fail(err, "data spec: unknown option '%.40s'", w);
        if (o->has_value && next_word(&p, v, sizeof v) != 1)
            return ae_fail(err, "data spec: %s needs a value", w);
        if (ds_spec_set(s, w + 2, o->has_value ? v : NULL, err)) return -1;
    }
    if (rc < 0) return ae_fail(err, "data spec '%.60s': a quote is not closed", text);
    return 0;
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcasecmp(s + a - b, suffix);
}

/* Makes a path absolute (realpath), so a run's record finds it from any directory. */
static int absolute(char *path, size_t cap, const char *what, ae_err *err)
{
    if (!path[0]) return 0;
    char *r = realpath(path, NULL);
    if (!r)
        return ae_fail(err, "%s: %s", path,
                       errno == ENOENT ? "no such file or folder" : strerror(errno));
    if (strlen(r) >= cap) {
        free(r);
        return ae_fail(err, "%s: the path is longer than %zu bytes", path, cap - 1);
    }
    snprintf(path, cap, "%s", r);
    free(r);
    (void)what;
    return 0;
}

int ds_spec_detect(ds_spec *s, ae_err *err)
{
    if (!s->path[0]) return ae_fail(err, "no data path");
    if (absolute(s->path, sizeof s->path, "data", err) ||
        absolute(s->test_path, sizeof s->test_path, "--test-data", err) ||
        absolute(s->labels, sizeof s->labels, "--labels", err) ||
        absolute(s->test_labels, sizeof s->test_labels, "--test-labels", err))
        return -1;
    int dir = is_dir(s->path);
    if (!s->format)
        s->format = dir                          ? DSF_FOLDER
                    : ends_with(s->path, ".npy") ? DSF_NPY
                    : s->window > 0              ? DSF_SERIES
                                                 : DSF_CSV;
    if (s->format == DSF_FOLDER && !dir)
        return ae_fail(err, "%s: not a folder (--format folder)", s->path);
    if (s->format != DSF_FOLDER && dir)
        return ae_fail(err, "%s: a folder, and --format %s reads a file", s->path,
                       ds_format_name(s->format));
    if (s->test_path[0] && is_dir(s->test_path) != (s->format == DSF_FOLDER))
        return ae_fail(err, "%s: --test-data must be a %s like the data", s->test_path,
                       s->format == DSF_FOLDER ? "folder" : "file");
    for (int k = 0; ds_spec_options[k].name; k++)
        if (option_set(s, k) && !(option_formats[k] & (1 << s->format)))
            return ae_fail(err, "--%s is not for %s data (%s)", ds_spec_options[k].name,
                           ds_format_name(s->format),
                           s->format == DSF_CSV && !strcmp(ds_spec_options[k].name, "stride")
                               ? "a long series needs --window"
                               : "see aetui data --help");
    if (s->format == DSF_SERIES && s->window < 1)
        return ae_fail(err, "%s: a long time series needs --window T (the rows in a window)",
                       s->path);
    if (s->format == DSF_NPY && s->test_labels[0] && !s->test_path[0])
        return ae_fail(err, "--test-labels goes with --test-data");
    if (s->format == DSF_NPY && s->test_path[0] && (!s->labels[0]) != (!s->test_labels[0]))
        return ae_fail(err, "--labels and --test-labels go together when there is --test-data");
    if ((s->size_h > 0) == 0 && s->crop) return ae_fail(err, "--crop center goes with --size HxW");
    return 0;
}

void ds_spec_default_name(const char *path, char name[32])
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path ? path : "");
    size_t n = strlen(tmp);
    while (n > 1 && tmp[n - 1] == '/') tmp[--n] = 0;
    const char *base = strrchr(tmp, '/');
    base = base ? base + 1 : tmp;
    char b[1024];
    snprintf(b, sizeof b, "%s", base);
    char *dot = strrchr(b, '.');
    if (dot && dot != b) *dot = 0;
    int k = 0;
    for (const char *p = b; *p && k < DS_NAME_MAX; p++) {
        char c = *p;
        if (!(isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-')) c = '_';
        if (k == 0 && (c == '-' || c == '.')) c = '_';
        name[k++] = c;
    }
    name[k] = 0;
    if (!k) snprintf(name, 32, "data");
    if (ds_known(name)) snprintf(name + strlen(name), 32 - strlen(name), "-own");
}

int ds_name_check(const char *name, ae_err *err)
{
    size_t n = name ? strlen(name) : 0;
    if (n < 1 || n > DS_NAME_MAX)
        return ae_fail(err, "a dataset name has 1 to %d characters", DS_NAME_MAX);
    if (name[0] == '-' || name[0] == '.')
        return ae_fail(err, "a dataset name does not start with '%c'", name[0]);
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)name[i]) || name[i] == '.' || name[i] == '_' ||
              name[i] == '-'))
            return ae_fail(err, "a dataset name holds letters, digits, '.', '_' and '-' only");
    if (ds_known(name)) return ae_fail(err, "'%s' is a built-in dataset's name", name);
    return 0;
}

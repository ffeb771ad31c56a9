/* safetensors.c: the safetensors reader and writer (see safetensors.h).
 *
 * The idea: the header is a tiny, fixed grammar (an object of tensor entries and one object of
 * strings), so the parser is a direct recursive descent over exactly that grammar rather than
 * a general JSON tree: every byte is accounted for, and each way a file can be wrong has its
 * own message. Validation of the offsets comes after parsing, on the table: sorted by name for
 * duplicates, sorted by offset for overlaps, gaps and coverage of the data section. */
#include "safetensors.h"

#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the header parser ---------------------------------------------------------------- */

typedef struct jp {
    const unsigned char *s;
    size_t n, i;
    const char *file;
    ae_err *err;
    st_file *out;
    int tcap, mcap;
} jp;

static int jfail(jp *p, const char *what)
{
    if (p->i >= p->n)
        return ae_fail(p->err, "%s: bad header JSON: %s, but the header ends", p->file, what);
    unsigned char c = p->s[p->i];
    if (c >= 0x20 && c < 0x7f)
        return ae_fail(p->err, "%s: bad header JSON at byte %zu: %s, found '%c'", p->file, p->i,
                       what, c);
    return ae_fail(p->err, "%s: bad header JSON at byte %zu: %s, found byte 0x%02x", p->file, p->i,
                   what, c);
}

static void jws(jp *p)
{
    while (p->i < p->n &&
           (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' || p->s[p->i] == '\r'))
        p->i++;
}

static int jpeek(jp *p)
{
    return p->i < p->n ? p->s[p->i] : -1;
}

static int jexpect(jp *p, char c, const char *what)
{
    jws(p);
    if (jpeek(p) != (unsigned char)c) return jfail(p, what);
    p->i++;
    return 0;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int read_hex4(jp *p, unsigned *out)
{
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        int h = p->i < p->n ? hexval(p->s[p->i]) : -1;
        if (h < 0) return jfail(p, "expected four hex digits after \\u");
        v = v * 16 + (unsigned)h, p->i++;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(unsigned char *o, unsigned cp)
{
    if (cp < 0x80) return o[0] = (unsigned char)cp, 1;
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xc0 | cp >> 6), o[1] = (unsigned char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xe0 | cp >> 12), o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
        o[2] = (unsigned char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (unsigned char)(0xf0 | cp >> 18), o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
    o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f)), o[3] = (unsigned char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp, min;
    if (c < 0x80) return 1;
    if ((c & 0xe0) == 0xc0)
        len = 2, cp = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0)
        len = 3, cp = c & 0x0f, min = 0x800;
    else if ((c & 0xf8) == 0xf0)
        len = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if (len > n) return 0;
    for (size_t k = 1; k < len; k++) {
        if ((s[k] & 0xc0) != 0x80) return 0;
        cp = cp << 6 | (s[k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return len;
}

/* A string (the opening quote next) into a malloc'd, NUL-terminated copy. */
static int jstring(jp *p, char **out, const char *what)
{
    *out = NULL;
    jws(p);
    if (jpeek(p) != '"') return jfail(p, what);
    p->i++;
    size_t start = p->i, cap = 0;
    /* the decoded string is never longer than the raw one */
    while (p->i < p->n && p->s[p->i] != '"') {
        if (p->s[p->i] == '\\') p->i++;
        p->i++;
    }
    cap = p->i - start + 1;
    p->i = start;
    unsigned char *o = malloc(cap);
    if (!o) return ae_fail(p->err, "%s: out of memory reading the header", p->file);
    size_t k = 0;
    for (;;) {
        if (p->i >= p->n) {
            free(o);
            return jfail(p, "unterminated string");
        }
        unsigned c = p->s[p->i];
        if (c == '"') {
            p->i++;
            break;
        }
        if (c < 0x20) {
            free(o);
            return jfail(p, "control character in a string");
        }
        if (c == '\\') {
            p->i++;
            int e = jpeek(p);
            const char *simple = "\"\\/bfnrt", *val = "\"\\/\b\f\n\r\t";
            const char *hit = e > 0 ? strchr(simple, e) : NULL;
            if (hit) {
                o[k++] = (unsigned char)val[hit - simple];
                p->i++;
                continue;
            }
            if (e != 'u') {
                free(o);
                return jfail(p, "bad escape in a string");
            }
            p->i++;
            unsigned cp = 0;
            if (read_hex4(p, &cp)) return free(o), -1;
            if (cp >= 0xdc00 && cp <= 0xdfff) {
                free(o);
                return jfail(p, "lone low surrogate in a string");
            }
            if (cp >= 0xd800 && cp <= 0xdbff) {
                unsigned lo = 0;
                if (p->i + 1 >= p->n || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u') {
                    free(o);
                    return jfail(p, "high surrogate without its low half");
                }
                p->i += 2;
                if (read_hex4(p, &lo)) return free(o), -1;
                if (lo < 0xdc00 || lo > 0xdfff) {
                    free(o);
                    return jfail(p, "high surrogate without its low half");
                }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            }
            if (cp == 0) {
                free(o);
                return jfail(p, "NUL character in a string");
            }
            k += put_utf8(o + k, cp);
            continue;
        }
        size_t l = utf8_len(p->s + p->i, p->n - p->i);
        if (!l) {
            free(o);
            return jfail(p, "invalid UTF-8 in a string");
        }
        memcpy(o + k, p->s + p->i, l);
        k += l, p->i += l;
    }
    o[k] = 0;
    *out = (char *)o;
    return 0;
}

/* A non-negative integer without sign, fraction or exponent, at most 2^63-1. */
static int juint(jp *p, uint64_t *out, const char *what)
{
    jws(p);
    int c = jpeek(p);
    if (c < '0' || c > '9') {
        if (c == '-') return jfail(p, "negative number");
        return jfail(p, what);
    }
    if (c == '0' && p->i + 1 < p->n && p->s[p->i + 1] >= '0' && p->s[p->i + 1] <= '9')
        return jfail(p, "number with a leading zero");
    uint64_t v = 0;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') {
        unsigned d = p->s[p->i] - '0';
        if (v > (UINT64_C(0x7fffffffffffffff) - d) / 10) return jfail(p, "number too large");
        v = v * 10 + d, p->i++;
    }
    c = jpeek(p);
    if (c == '.' || c == 'e' || c == 'E') return jfail(p, "expected an integer");
    *out = v;
    return 0;
}

/* '[' uint (',' uint)* ']' or '[' ']' into v (at most max). */
static int juint_array(jp *p, uint64_t *v, int max, int *count, const char *what)
{
    if (jexpect(p, '[', what)) return -1;
    *count = 0;
    jws(p);
    if (jpeek(p) == ']') {
        p->i++;
        return 0;
    }
    for (;;) {
        if (*count >= max) return jfail(p, "too many values in an array");
        if (juint(p, &v[(*count)++], "expected a non-negative integer")) return -1;
        jws(p);
        int c = jpeek(p);
        p->i++;
        if (c == ']') return 0;
        if (c != ',') {
            p->i--;
            return jfail(p, "expected ',' or ']'");
        }
    }
}

static int grow(void **arr, int n, int *cap, size_t elem)
{
    if (n < *cap) return 0;
    int nc = *cap ? *cap * 2 : 16;
    void *q = realloc(*arr, (size_t)nc * elem);
    if (!q) return -1;
    *arr = q, *cap = nc;
    return 0;
}

static int parse_meta(jp *p)
{
    st_file *f = p->out;
    if (jexpect(p, '{', "expected '{' to open __metadata__")) return -1;
    jws(p);
    if (jpeek(p) == '}') {
        p->i++;
        return 0;
    }
    for (;;) {
        if (grow((void **)&f->meta, f->nmeta, &p->mcap, sizeof *f->meta))
            return ae_fail(p->err, "%s: out of memory reading the header", p->file);
        st_kv *kv = &f->meta[f->nmeta];
        char *key = NULL, *value = NULL;
        kv->key = kv->value = NULL;
        if (jstring(p, &key, "expected a string key in __metadata__")) return -1;
        kv->key = key;
        f->nmeta++;
        if (jexpect(p, ':', "expected ':'")) return -1;
        jws(p);
        if (jpeek(p) != '"') return jfail(p, "__metadata__ values must be strings");
        if (jstring(p, &value, "expected a string")) return -1;
        kv->value = value;
        for (int k = 0; k < f->nmeta - 1; k++)
            if (!strcmp(f->meta[k].key, kv->key))
                return ae_fail(p->err, "%s: __metadata__ has the key '%.64s' twice", p->file,
                               kv->key);
        jws(p);
        int c = jpeek(p);
        if (c == '}') {
            p->i++;
            return 0;
        }
        if (c != ',') return jfail(p, "expected ',' or '}' in __metadata__");
        p->i++;
    }
}

static int parse_tensor(jp *p, st_tensor *t)
{
    char *dtype = NULL;
    int have_shape = 0, have_off = 0;
    if (jexpect(p, '{', "expected '{' to open a tensor entry")) return -1;
    for (;;) {
        char *key;
        if (jstring(p, &key, "expected a key of a tensor entry")) goto fail;
        if (jexpect(p, ':', "expected ':'")) {
            free(key);
            goto fail;
        }
        int rc = 0;
        if (!strcmp(key, "dtype")) {
            if (dtype)
                rc = ae_fail(p->err, "%s: tensor '%.64s': dtype given twice", p->file, t->name);
            else
                rc = jstring(p, &dtype, "expected a dtype string");
        } else if (!strcmp(key, "shape")) {
            uint64_t v[ST_MAX_DIMS];
            if (have_shape)
                rc = ae_fail(p->err, "%s: tensor '%.64s': shape given twice", p->file, t->name);
            else if (!(rc = juint_array(p, v, ST_MAX_DIMS, &t->ndim, "expected a shape array"))) {
                have_shape = 1;
                for (int d = 0; d < t->ndim; d++) t->shape[d] = (int64_t)v[d];
            }
        } else if (!strcmp(key, "data_offsets")) {
            uint64_t v[2];
            int cnt;
            if (have_off)
                rc = ae_fail(p->err, "%s: tensor '%.64s': data_offsets given twice", p->file,
                             t->name);
            else if (!(rc = juint_array(p, v, 2, &cnt, "expected a data_offsets array"))) {
                if (cnt != 2)
                    rc = ae_fail(p->err, "%s: tensor '%.64s': data_offsets needs two numbers",
                                 p->file, t->name);
                have_off = 1, t->begin = v[0], t->end = v[1];
            }
        } else {
            rc = ae_fail(p->err, "%s: tensor '%.64s': unknown key '%.32s'", p->file, t->name, key);
        }
        free(key);
        if (rc) goto fail;
        jws(p);
        int c = jpeek(p);
        if (c == '}') {
            p->i++;
            break;
        }
        if (c != ',') {
            jfail(p, "expected ',' or '}' in a tensor entry");
            goto fail;
        }
        p->i++;
    }
    if (!dtype || !have_shape || !have_off) {
        ae_fail(p->err, "%s: tensor '%.64s': no %s", p->file, t->name,
                !dtype        ? "dtype"
                : !have_shape ? "shape"
                              : "data_offsets");
        goto fail;
    }
    if (strcmp(dtype, "F32")) {
        ae_fail(p->err, "%s: tensor '%.64s': dtype %.16s is not supported (only F32)", p->file,
                t->name, dtype);
        goto fail;
    }
    free(dtype);
    return 0;
fail:
    free(dtype);
    return -1;
}

static int parse_header(jp *p)
{
    st_file *f = p->out;
    int have_meta = 0;
    jws(p);
    if (jpeek(p) != '{') return jfail(p, "the header must be a JSON object");
    p->i++;
    jws(p);
    if (jpeek(p) == '}') {
        p->i++;
    } else {
        for (;;) {
            char *key;
            if (jstring(p, &key, "expected a tensor name")) return -1;
            if (jexpect(p, ':', "expected ':'")) return free(key), -1;
            if (!strcmp(key, "__metadata__")) {
                free(key);
                if (have_meta) return ae_fail(p->err, "%s: __metadata__ given twice", p->file);
                have_meta = 1;
                if (parse_meta(p)) return -1;
            } else {
                if (!key[0]) {
                    free(key);
                    return ae_fail(p->err, "%s: a tensor with an empty name", p->file);
                }
                if (grow((void **)&f->tensors, f->ntensors, &p->tcap, sizeof *f->tensors)) {
                    free(key);
                    return ae_fail(p->err, "%s: out of memory reading the header", p->file);
                }
                st_tensor *t = &f->tensors[f->ntensors++];
                memset(t, 0, sizeof *t);
                t->name = key;
                if (parse_tensor(p, t)) return -1;
            }
            jws(p);
            int c = jpeek(p);
            if (c == '}') {
                p->i++;
                break;
            }
            if (c != ',') return jfail(p, "expected ',' or '}'");
            p->i++;
        }
    }
    jws(p);
    if (p->i != p->n) return jfail(p, "expected the end of the header after the object");
    return 0;
}

/* ---- validation ----------------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const st_tensor *const *)a)->name, (*(const st_tensor *const *)b)->name);
}

static int by_offset(const void *a, const void *b)
{
    const st_tensor *x = *(const st_tensor *const *)a, *y = *(const st_tensor *const *)b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end) return x->end < y->end ? -1 : 1;
    return 0;
}

static void shape_str(const st_tensor *t, char *buf, size_t len)
{
    size_t k = 0;
    k += (size_t)snprintf(buf, len, "[");
    for (int d = 0; d < t->ndim && k < len; d++)
        k += (size_t)snprintf(buf + k, len - k, "%s%lld", d ? "," : "", (long long)t->shape[d]);
    if (k < len) snprintf(buf + k, len - k, "]");
}

static int validate(st_file *f, ae_err *err)
{
    const char *file = f->name;
    uint64_t data_len = f->len - f->data_off;
    for (int i = 0; i < f->ntensors; i++) {
        st_tensor *t = &f->tensors[i];
        uint64_t count = 1;
        for (int d = 0; d < t->ndim; d++) {
            uint64_t s = (uint64_t)t->shape[d];
            if (s && count > (UINT64_C(1) << 60) / s)
                return ae_fail(err, "%s: tensor '%.64s': shape too large", file, t->name);
            count *= s;
        }
        t->count = (int64_t)count;
        if (t->end < t->begin)
            return ae_fail(err, "%s: tensor '%.64s': data_offsets [%llu, %llu] run backwards", file,
                           t->name, (unsigned long long)t->begin, (unsigned long long)t->end);
        if (t->end > data_len)
            return ae_fail(err,
                           "%s: tensor '%.64s': data_offsets [%llu, %llu] lie outside the data "
                           "(%llu bytes)",
                           file, t->name, (unsigned long long)t->begin, (unsigned long long)t->end,
                           (unsigned long long)data_len);
        if (t->end - t->begin != count * 4) {
            char s[128];
            shape_str(t, s, sizeof s);
            return ae_fail(err,
                           "%s: tensor '%.64s': F32 of shape %s needs %llu bytes, data_offsets "
                           "[%llu, %llu] give %llu",
                           file, t->name, s, (unsigned long long)(count * 4),
                           (unsigned long long)t->begin, (unsigned long long)t->end,
                           (unsigned long long)(t->end - t->begin));
        }
    }
    if (f->ntensors <= 0) {
        if (data_len)
            return ae_fail(err, "%s: %llu bytes of data but no tensors", file,
                           (unsigned long long)data_len);
        return 0;
    }
    const st_tensor **idx = malloc(sizeof *idx * (size_t)f->ntensors);
    if (!idx) return ae_fail(err, "%s: out of memory", file);
    for (int i = 0; i < f->ntensors; i++) idx[i] = &f->tensors[i];
    int rc = 0;
    qsort(idx, (size_t)f->ntensors, sizeof *idx, by_name);
    for (int i = 1; i < f->ntensors && !rc; i++)
        if (!strcmp(idx[i - 1]->name, idx[i]->name))
            rc = ae_fail(err, "%s: the tensor '%.64s' is named twice", file, idx[i]->name);
    if (!rc) {
        qsort(idx, (size_t)f->ntensors, sizeof *idx, by_offset);
        uint64_t pos = 0;
        const st_tensor *prev = NULL;
        for (int i = 0; i < f->ntensors && !rc; i++) {
            const st_tensor *t = idx[i];
            if (t->begin < pos)
                rc = ae_fail(err, "%s: tensors '%.64s' and '%.64s' overlap", file,
                             prev ? prev->name : "?", t->name);
            else if (t->begin > pos)
                rc = ae_fail(err, "%s: %llu bytes before tensor '%.64s' belong to no tensor", file,
                             (unsigned long long)(t->begin - pos), t->name);
            if (t->end > pos) pos = t->end, prev = t;
        }
        if (!rc && pos != data_len)
            rc = ae_fail(err, "%s: %llu bytes after the last tensor belong to no tensor", file,
                         (unsigned long long)(data_len - pos));
    }
    free(idx);
    return rc;
}

/* ---- reading -------------------------------------------------------------------------- */

void st_free(st_file *f)
{
    for (int i = 0; i < f->ntensors; i++) free(f->tensors[i].name);
    for (int i = 0; i < f->nmeta; i++) free((void *)f->meta[i].key), free((void *)f->meta[i].value);
    free(f->tensors);
    free(f->meta);
    free(f->buf);
    memset(f, 0, sizeof *f);
}

static void set_name(st_file *f, const char *name)
{
    size_t n = strlen(name);
    if (n < sizeof f->name)
        snprintf(f->name, sizeof f->name, "%s", name);
    else
        snprintf(f->name, sizeof f->name, "...%s", name + n - (sizeof f->name - 4));
}

static int parse_owned(st_file *f, ae_err *err)
{
    const char *file = f->name;
    if (f->len < 8)
        return ae_fail(err, "%s: too short for a safetensors file (%zu bytes)", file, f->len);
    uint64_t hl = 0;
    for (int k = 7; k >= 0; k--) hl = hl << 8 | f->buf[k];
    if (hl > ST_MAX_HEADER)
        return ae_fail(err, "%s: header length %llu is absurd (not a safetensors file?)", file,
                       (unsigned long long)hl);
    if (hl > f->len - 8)
        return ae_fail(err,
                       "%s: header length %llu runs past the end of the file (%zu bytes): "
                       "truncated or not a safetensors file",
                       file, (unsigned long long)hl, f->len);
    if (hl < 2)
        return ae_fail(err, "%s: header of %llu bytes is too short", file, (unsigned long long)hl);
    f->data_off = 8 + (size_t)hl;
    jp p = {f->buf + 8, (size_t)hl, 0, file, err, f, 0, 0};
    if (parse_header(&p) || validate(f, err)) return -1;
    return 0;
}

int st_parse(const void *buf, size_t len, const char *name, st_file *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    set_name(out, name);
    out->buf = malloc(len ? len : 1);
    if (!out->buf) return ae_fail(err, "%s: out of memory for %zu bytes", out->name, len);
    if (len) memcpy(out->buf, buf, len);
    out->len = len;
    if (parse_owned(out, err)) {
        st_free(out);
        return -1;
    }
    return 0;
}

int st_read(const char *path, st_file *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    set_name(out, path);
    int64_t size;
    int fd = fio_open_read(path, &size, err); /* a FIFO or a device is refused, not waited on */
    if (fd < 0) return -1;
    size_t len = (size_t)size;
    out->buf = malloc(len ? len : 1);
    if (!out->buf) {
        close(fd);
        return ae_fail(err, "%s: out of memory for %zu bytes", out->name, len);
    }
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, out->buf + got, len - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            int e = errno;
            close(fd);
            char name[256];
            memcpy(name, out->name, sizeof name);
            st_free(out);
            return ae_fail(err, "%s: read failed: %s", name, r ? strerror(e) : "file shrank");
        }
        got += (size_t)r;
    }
    close(fd);
    out->len = len;
    if (parse_owned(out, err)) {
        st_free(out);
        return -1;
    }
    return 0;
}

const st_tensor *st_find(const st_file *f, const char *name)
{
    for (int i = 0; i < f->ntensors; i++)
        if (!strcmp(f->tensors[i].name, name)) return &f->tensors[i];
    return NULL;
}

const char *st_meta(const st_file *f, const char *key)
{
    for (int i = 0; i < f->nmeta; i++)
        if (!strcmp(f->meta[i].key, key)) return f->meta[i].value;
    return NULL;
}

void st_values(const st_file *f, const st_tensor *t, float *out)
{
    const unsigned char *p = f->buf + f->data_off + t->begin;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(out, p, (size_t)t->count * 4);
#else
    for (int64_t i = 0; i < t->count; i++, p += 4) {
        uint32_t u =
            (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        memcpy(out + i, &u, 4);
    }
#endif
}

/* ---- atomic writing ------------------------------------------------------------------- */

int st_atomic_open(st_atomic *a, const char *path, ae_err *err)
{
    memset(a, 0, sizeof *a);
    if (snprintf(a->path, sizeof a->path, "%s", path) >= (int)sizeof a->path)
        return ae_fail(err, "%s: path too long", path);
    /* the pid in the name: a file left by a killed process is known as such (store_dirs.c) */
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp-%ld-XXXXXX", path, (long)getpid());
    int fd = mkstemp(a->tmp);
    if (fd < 0)
        return ae_fail(err, "%s: cannot create a temporary file: %s", path, strerror(errno));
    fchmod(fd, 0644);
    a->f = fdopen(fd, "wb");
    if (!a->f) {
        close(fd);
        unlink(a->tmp);
        return ae_fail(err, "%s: cannot open a temporary file: %s", path, strerror(errno));
    }
    return 0;
}

void st_atomic_write(st_atomic *a, const void *p, size_t n)
{
    if (!a->failed && n && fwrite(p, 1, n, a->f) != n) a->failed = errno ? errno : EIO;
}

void st_atomic_abort(st_atomic *a)
{
    if (a->f) fclose(a->f);
    a->f = NULL;
    unlink(a->tmp);
}

int st_atomic_commit(st_atomic *a, ae_err *err)
{
    int e = a->failed;
    if (!e && fflush(a->f) != 0) e = errno;
    if (!e && fsync(fileno(a->f)) != 0) e = errno;
    if (fclose(a->f) != 0 && !e) e = errno;
    a->f = NULL;
    if (!e && rename(a->tmp, a->path) != 0) e = errno;
    if (e) {
        unlink(a->tmp);
        return ae_fail(err, "%s: cannot write: %s", a->path, strerror(e));
    }
    fio_sync_dir(a->path);
    return 0;
}

/* ---- writing -------------------------------------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 1024;
        while (nc < b->n + n + 1) nc *= 2;
        char *q = realloc(b->p, nc);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q, b->cap = nc;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void sb_fmt(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_fmt(sbuf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) sb_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void sb_str(sbuf *b, const char *s)
{
    sb_put(b, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') {
            char e[2] = {'\\', (char)*c};
            sb_put(b, e, 2);
        } else if (*c < 0x20) {
            sb_fmt(b, "\\u%04x", *c);
        } else {
            sb_put(b, (const char *)c, 1);
        }
    }
    sb_put(b, "\"", 1);
}

int st_write(const char *path, const st_kv *meta, int nmeta, const st_out *t, int n, ae_err *err)
{
    for (int i = 0; i < n; i++) {
        if (!t[i].name || !t[i].name[0] || !strcmp(t[i].name, "__metadata__"))
            return ae_fail(err, "%s: tensor %d has no usable name", path, i);
        if (t[i].ndim < 0 || t[i].ndim > ST_MAX_DIMS)
            return ae_fail(err, "%s: tensor '%s' has %d dimensions", path, t[i].name, t[i].ndim);
        for (int j = 0; j < i; j++)
            if (!strcmp(t[i].name, t[j].name))
                return ae_fail(err, "%s: tensor '%s' given twice", path, t[i].name);
    }
    sbuf h = {0};
    sb_put(&h, "{", 1);
    if (nmeta > 0) {
        sb_str(&h, "__metadata__");
        sb_put(&h, ":{", 2);
        for (int i = 0; i < nmeta; i++) {
            if (i) sb_put(&h, ",", 1);
            sb_str(&h, meta[i].key);
            sb_put(&h, ":", 1);
            sb_str(&h, meta[i].value);
        }
        sb_put(&h, "}", 1);
    }
    uint64_t off = 0;
    for (int i = 0; i < n; i++) {
        uint64_t count = 1;
        for (int d = 0; d < t[i].ndim; d++) count *= (uint64_t)t[i].shape[d];
        if (i || nmeta > 0) sb_put(&h, ",", 1);
        sb_str(&h, t[i].name);
        sb_fmt(&h, ":{\"dtype\":\"F32\",\"shape\":[");
        for (int d = 0; d < t[i].ndim; d++)
            sb_fmt(&h, "%s%lld", d ? "," : "", (long long)t[i].shape[d]);
        sb_fmt(&h, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)off,
               (unsigned long long)(off + count * 4));
        off += count * 4;
    }
    sb_put(&h, "}", 1);
    while ((8 + h.n) % 8) sb_put(&h, " ", 1);
    if (h.oom) {
        free(h.p);
        return ae_fail(err, "%s: out of memory", path);
    }
    st_atomic a;
    if (st_atomic_open(&a, path, err)) {
        free(h.p);
        return -1;
    }
    unsigned char len8[8];
    for (int k = 0; k < 8; k++) len8[k] = (unsigned char)((uint64_t)h.n >> (8 * k));
    st_atomic_write(&a, len8, 8);
    st_atomic_write(&a, h.p, h.n);
    free(h.p);
    for (int i = 0; i < n; i++) {
        uint64_t count = 1;
        for (int d = 0; d < t[i].ndim; d++) count *= (uint64_t)t[i].shape[d];
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        st_atomic_write(&a, t[i].data, (size_t)count * 4);
#else
        for (uint64_t k = 0; k < count; k++) {
            uint32_t u;
            memcpy(&u, t[i].data + k, 4);
            unsigned char b[4] = {(unsigned char)u, (unsigned char)(u >> 8),
                                  (unsigned char)(u >> 16), (unsigned char)(u >> 24)};
            st_atomic_write(&a, b, 4);
        }
#endif
    }
    return st_atomic_commit(&a, err);
}

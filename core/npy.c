/* npy.c: the .npy reader and writer (see npy.h).
 *
 * The header is parsed by a tiny recursive-descent reader for the one Python literal NumPy
 * writes: a dict of exactly three keys with a string, a bool and a tuple of integers. The data
 * is read straight into the caller's array when no conversion is needed, else through a
 * temporary buffer. Nothing trusts a length from the file before checking it against the
 * bytes that are really there. */
#include "npy.h"

#include "checked.h"
#include "fileio.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "npy.c assumes a little-endian host"
#endif

/* The dtypes we read. */
enum { SRC_F4, SRC_F8, SRC_U1, SRC_I1, SRC_I2, SRC_I4, SRC_I8 };

typedef struct header {
    int src, itemsize, ndim;
    int64_t shape[NPY_MAX_DIMS], count;
    char descr[8];
} header;

static const char magic[6] = {(char)0x93, 'N', 'U', 'M', 'P', 'Y'};

/* ---- the header dict ---------------------------------------------------------------- */

typedef struct lexer {
    const char *s, *end;
} lexer;

static void skip_ws(lexer *lx)
{
    while (lx->s < lx->end && (*lx->s == ' ' || *lx->s == '\t' || *lx->s == '\n' || *lx->s == '\r'))
        lx->s++;
}

static int accept(lexer *lx, char c)
{
    skip_ws(lx);
    if (lx->s < lx->end && *lx->s == c) {
        lx->s++;
        return 1;
    }
    return 0;
}

/* A quoted string into buf (at most cap-1 characters); 0 on success. */
static int read_string(lexer *lx, char *buf, int cap)
{
    skip_ws(lx);
    if (lx->s >= lx->end || (*lx->s != '\'' && *lx->s != '"')) return -1;
    char q = *lx->s++;
    int n = 0;
    while (lx->s < lx->end && *lx->s != q) {
        if (*lx->s == '\\' || n >= cap - 1) return -1;
        buf[n++] = *lx->s++;
    }
    if (lx->s >= lx->end) return -1;
    lx->s++;
    buf[n] = 0;
    return 0;
}

static int read_int(lexer *lx, int64_t *v)
{
    skip_ws(lx);
    int64_t x = 0;
    int digits = 0;
    while (lx->s < lx->end && *lx->s >= '0' && *lx->s <= '9') {
        if (x > (INT64_MAX - 9) / 10) return -1;
        x = x * 10 + (*lx->s++ - '0');
        digits++;
    }
    if (!digits) return -1;
    if (lx->s < lx->end && *lx->s == 'L') lx->s++; /* Python 2 longs */
    *v = x;
    return 0;
}

static int word(lexer *lx, const char *w)
{
    skip_ws(lx);
    size_t n = strlen(w);
    if ((size_t)(lx->end - lx->s) >= n && !memcmp(lx->s, w, n)) {
        lx->s += n;
        return 1;
    }
    return 0;
}

static int set_dtype(header *h, const char *descr, const char *name, ae_err *err)
{
    static const struct {
        const char *code;
        int src, size;
    } types[] = {{"f4", SRC_F4, 4}, {"f8", SRC_F8, 8}, {"u1", SRC_U1, 1}, {"i1", SRC_I1, 1},
                 {"i2", SRC_I2, 2}, {"i4", SRC_I4, 4}, {"i8", SRC_I8, 8}};
    char order = descr[0];
    const char *code = descr + 1;
    if (order != '<' && order != '|' && order != '=' && order != '>')
        return ae_fail(err, "%s: unsupported dtype '%s'", name, descr);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(code, types[i].code)) continue;
        if (order == '>' && types[i].size > 1)
            return ae_fail(err, "%s: big-endian dtype '%s' is not supported", name, descr);
        h->src = types[i].src;
        h->itemsize = types[i].size;
        h->descr[0] = order;
        memcpy(h->descr + 1, types[i].code, 3); /* two letters and the terminator */
        return 0;
    }
    return ae_fail(err, "%s: unsupported dtype '%s' (float32, float64, uint8 or integer labels)",
                   name, descr);
}

static int parse_dict(const char *text, size_t len, const char *name, header *h, ae_err *err)
{
    lexer lx = {text, text + len};
    int have_descr = 0, have_order = 0, have_shape = 0;
    if (!accept(&lx, '{')) return ae_fail(err, "%s: bad header: no '{'", name);
    while (!accept(&lx, '}')) {
        char key[32];
        if (read_string(&lx, key, sizeof key) || !accept(&lx, ':'))
            return ae_fail(err, "%s: bad header: expected 'key':", name);
        if (!strcmp(key, "descr") && !have_descr) {
            char d[16];
            if (read_string(&lx, d, sizeof d) || !d[0])
                return ae_fail(err, "%s: bad header: 'descr' is not a dtype string", name);
            if (set_dtype(h, d, name, err)) return -1;
            have_descr = 1;
        } else if (!strcmp(key, "fortran_order") && !have_order) {
            if (word(&lx, "True"))
                return ae_fail(err, "%s: Fortran-order arrays are not supported (save in C order)",
                               name);
            if (!word(&lx, "False"))
                return ae_fail(err, "%s: bad header: 'fortran_order' is not True or False", name);
            have_order = 1;
        } else if (!strcmp(key, "shape") && !have_shape) {
            if (!accept(&lx, '('))
                return ae_fail(err, "%s: bad header: 'shape' is not a tuple", name);
            h->ndim = 0;
            while (!accept(&lx, ')')) {
                int64_t v;
                if (h->ndim >= NPY_MAX_DIMS)
                    return ae_fail(err, "%s: more than %d dimensions are not supported", name,
                                   NPY_MAX_DIMS);
                if (read_int(&lx, &v))
                    return ae_fail(err, "%s: bad header: 'shape' holds a non-integer", name);
                h->shape[h->ndim++] = v;
                if (!accept(&lx, ',')) {
                    if (!accept(&lx, ')'))
                        return ae_fail(err, "%s: bad header: unterminated 'shape'", name);
                    break;
                }
            }
            have_shape = 1;
        } else {
            return ae_fail(err, "%s: bad header: unexpected or repeated key '%s'", name, key);
        }
        if (!accept(&lx, ',')) {
            if (!accept(&lx, '}')) return ae_fail(err, "%s: bad header: expected ',' or '}'", name);
            break;
        }
    }
    skip_ws(&lx);
    if (lx.s != lx.end) return ae_fail(err, "%s: bad header: text after the dict", name);
    if (!have_descr || !have_order || !have_shape)
        return ae_fail(err, "%s: bad header: missing %s", name,
                       !have_descr   ? "'descr'"
                       : !have_order ? "'fortran_order'"
                                     : "'shape'");
    for (int i = h->ndim; i < NPY_MAX_DIMS; i++) h->shape[i] = 1;
    int64_t count = 1;
    for (int i = 0; i < h->ndim; i++) {
        if (h->shape[i] && count > (INT64_MAX / 16) / h->shape[i])
            return ae_fail(err, "%s: shape too large", name);
        count *= h->shape[i];
    }
    h->count = count;
    return 0;
}

/* The fixed part before the dict: magic, version, header length. Needs at most 12 bytes. */
static int parse_prelude(const unsigned char *b, size_t avail, const char *name, size_t *dict_off,
                         size_t *dict_len, ae_err *err)
{
    if (avail < 10 || memcmp(b, magic, 6))
        return ae_fail(err, "%s: not a .npy file (bad magic)", name);
    int major = b[6];
    if (major == 1) {
        *dict_off = 10;
        *dict_len = (size_t)b[8] | (size_t)b[9] << 8;
    } else if (major == 2 || major == 3) {
        if (avail < 12) return ae_fail(err, "%s: truncated header", name);
        *dict_off = 12;
        *dict_len = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24;
    } else {
        return ae_fail(err, "%s: unsupported .npy format version %d.%d", name, major, b[7]);
    }
    return 0;
}

/* ---- conversion ---------------------------------------------------------------------- */

static size_t kind_size(int kind)
{
    return kind == NPY_UINT8 ? 1 : 4;
}

static int kind_accepts(int kind, int src)
{
    if (kind == NPY_FLOAT) return src == SRC_F4 || src == SRC_F8;
    if (kind == NPY_UNIT) return src == SRC_F4 || src == SRC_F8 || src == SRC_U1;
    if (kind == NPY_UINT8) return src == SRC_U1;
    return src == SRC_U1 || src == SRC_I1 || src == SRC_I2 || src == SRC_I4 || src == SRC_I8;
}

static const char *kind_name(int kind)
{
    return kind == NPY_FLOAT   ? "float32 or float64"
           : kind == NPY_UNIT  ? "float32, float64 or uint8"
           : kind == NPY_UINT8 ? "uint8"
                               : "integer labels (int64, int32, int16, int8 or uint8)";
}

/* Converts n items of src type from raw into dst (of kind). */
static int convert(const unsigned char *raw, int64_t n, int src, int kind, void *dst,
                   const char *name, ae_err *err)
{
    if (kind == NPY_FLOAT || kind == NPY_UNIT) {
        float *o = dst;
        if (src == SRC_U1) {
            for (int64_t i = 0; i < n; i++) o[i] = raw[i] * (1.0f / 255.0f);
        } else if (src == SRC_F4) {
            memcpy(o, raw, (size_t)n * 4);
        } else {
            for (int64_t i = 0; i < n; i++) {
                double v;
                memcpy(&v, raw + 8 * i, 8);
                o[i] = (float)v;
            }
        }
        return 0;
    }
    if (kind == NPY_UINT8) {
        memcpy(dst, raw, (size_t)n);
        return 0;
    }
    int32_t *o = dst;
    for (int64_t i = 0; i < n; i++) {
        int64_t v;
        switch (src) {
        case SRC_U1:
            v = raw[i];
            break;
        case SRC_I1:
            v = (int8_t)raw[i];
            break;
        case SRC_I2: {
            int16_t t;
            memcpy(&t, raw + 2 * i, 2);
            v = t;
            break;
        }
        case SRC_I4: {
            int32_t t;
            memcpy(&t, raw + 4 * i, 4);
            v = t;
            break;
        }
        default:
            memcpy(&v, raw + 8 * i, 8);
            break;
        }
        if (v < INT32_MIN || v > INT32_MAX)
            return ae_fail(err, "%s: label %lld at index %lld does not fit in 32 bits", name,
                           (long long)v, (long long)i);
        o[i] = (int32_t)v;
    }
    return 0;
}

static int check_header(const header *h, int kind, const char *name, ae_err *err)
{
    if (!kind_accepts(kind, h->src))
        return ae_fail(err, "%s: dtype '%s' is not supported here (expected %s)", name, h->descr,
                       kind_name(kind));
    return 0;
}

static int fill_out(npy_array *out, const header *h, int kind)
{
    out->kind = kind;
    out->ndim = h->ndim;
    memcpy(out->shape, h->shape, sizeof out->shape);
    out->count = h->count;
    memcpy(out->descr, h->descr, sizeof out->descr);
    out->data = malloc(h->count ? (size_t)h->count * kind_size(kind) : 1);
    return out->data ? 0 : -1;
}

int npy_parse(const void *buf, size_t len, const char *name, int kind, npy_array *out, ae_err *err)
{
    const unsigned char *b = buf;
    memset(out, 0, sizeof *out);
    size_t off, dlen;
    if (parse_prelude(b, len, name, &off, &dlen, err)) return -1;
    if (dlen > len - off)
        return ae_fail(err, "%s: header length %zu runs past the end of the file (%zu bytes)", name,
                       dlen, len);
    header h;
    memset(&h, 0, sizeof h);
    if (parse_dict((const char *)b + off, dlen, name, &h, err)) return -1;
    if (check_header(&h, kind, name, err)) return -1;
    size_t have = len - off - dlen, need = (size_t)h.count * (size_t)h.itemsize;
    if (have != need)
        return ae_fail(err, "%s: %zu bytes of data, but shape and dtype '%s' need %zu", name, have,
                       h.descr, need);
    if (fill_out(out, &h, kind)) return ae_fail(err, "%s: out of memory", name);
    if (convert(b + off + dlen, h.count, h.src, kind, out->data, name, err)) {
        npy_free(out);
        return -1;
    }
    return 0;
}

int npy_read(const char *path, int kind, npy_array *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    int64_t fsize;
    FILE *f = fio_fopen_read(path, &fsize, err); /* a FIFO or device is refused, not waited on */
    if (!f) return -1;
    unsigned char pre[12];
    char *dict = NULL;
    unsigned char *raw = NULL;
    header h;
    memset(&h, 0, sizeof h);
    size_t size = (size_t)fsize, got = fread(pre, 1, size < 12 ? size : 12, f);
    size_t off, dlen;
    if (parse_prelude(pre, got, path, &off, &dlen, err)) goto fail;
    if (dlen > size - off) {
        ae_fail(err, "%s: header length %zu runs past the end of the file (%zu bytes)", path, dlen,
                size);
        goto fail;
    }
    dict = malloc(dlen + 1);
    if (!dict || fseek(f, (long)off, SEEK_SET) || fread(dict, 1, dlen, f) != dlen) {
        ae_fail(err, "%s: cannot read the header", path);
        goto fail;
    }
    if (parse_dict(dict, dlen, path, &h, err) || check_header(&h, kind, path, err)) goto fail;
    size_t have = size - off - dlen, need = (size_t)h.count * (size_t)h.itemsize;
    if (have != need) {
        ae_fail(err, "%s: %zu bytes of data, but shape and dtype '%s' need %zu", path, have,
                h.descr, need);
        goto fail;
    }
    if (fill_out(out, &h, kind)) {
        ae_fail(err, "%s: out of memory for %lld values", path, (long long)h.count);
        goto fail;
    }
    int direct = (h.src == SRC_F4 && (kind == NPY_FLOAT || kind == NPY_UNIT)) ||
                 (h.src == SRC_U1 && kind == NPY_UINT8);
    raw = direct ? out->data : malloc(need ? need : 1);
    if (!raw) {
        ae_fail(err, "%s: out of memory", path);
        goto fail;
    }
    if (fread(raw, 1, need, f) != need) {
        ae_fail(err, "%s: read error", path);
        goto fail;
    }
    if (!direct && convert(raw, h.count, h.src, kind, out->data, path, err)) goto fail;
    if (!direct) free(raw);
    free(dict);
    fclose(f);
    return 0;
fail:
    if (raw && raw != out->data) free(raw);
    npy_free(out);
    free(dict);
    fclose(f);
    return -1;
}

/* ---- writing ------------------------------------------------------------------------- */

/* The header and the data of an array into f; 0, or -1 when the shape is bad. The caller
 * checks f's write errors (fio_out_commit does). */
static int put_array(FILE *f, const char *name, const void *data, size_t itemsize,
                     const char *descr, int ndim, const int64_t *shape, ae_err *err)
{
    if (ndim < 1 || ndim > NPY_MAX_DIMS)
        return ae_fail(err, "%s: cannot write a %d-dimensional array", name, ndim);
    char dict[256];
    int n =
        snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    int64_t count;
    if (ck_prod(shape, ndim, CK_MAX_ELEMS, &count))
        return ae_fail(err, "%s: bad shape to write", name);
    for (int i = 0; i < ndim; i++)
        n += snprintf(dict + n, sizeof dict - n, "%lld,%s", (long long)shape[i],
                      i + 1 < ndim ? " " : "");
    n += snprintf(dict + n, sizeof dict - n, "), }");
    /* Pad with spaces so that magic + version + length + dict + '\n' is a multiple of 64. */
    int total = 10 + n + 1, pad = (64 - total % 64) % 64;
    char head[320];
    memcpy(head, magic, 6);
    head[6] = 1;
    head[7] = 0;
    int hlen = n + pad + 1;
    head[8] = (char)(hlen & 0xff);
    head[9] = (char)(hlen >> 8);
    memcpy(head + 10, dict, n);
    memset(head + 10 + n, ' ', pad);
    head[10 + n + pad] = '\n';
    size_t bytes = (size_t)count * itemsize;
    fwrite(head, 1, 10 + hlen, f);
    if (bytes) fwrite(data, 1, bytes, f);
    return 0;
}

int npy_fput_f32(FILE *f, const char *name, const float *data, int ndim, const int64_t *shape,
                 ae_err *err)
{
    return put_array(f, name, data, 4, "<f4", ndim, shape, err);
}

int npy_fput_u8(FILE *f, const char *name, const uint8_t *data, int ndim, const int64_t *shape,
                ae_err *err)
{
    return put_array(f, name, data, 1, "|u1", ndim, shape, err);
}

static int write_array(const char *path, const void *data, size_t itemsize, const char *descr,
                       int ndim, const int64_t *shape, ae_err *err)
{
    fio_out o;
    if (fio_out_open(&o, path, 0, err)) return -1;
    if (put_array(o.f, path, data, itemsize, descr, ndim, shape, err)) {
        fio_out_abort(&o);
        return -1;
    }
    return fio_out_commit(&o, err);
}

int npy_write_f32(const char *path, const float *data, int ndim, const int64_t *shape, ae_err *err)
{
    return write_array(path, data, 4, "<f4", ndim, shape, err);
}

int npy_write_u8(const char *path, const uint8_t *data, int ndim, const int64_t *shape, ae_err *err)
{
    return write_array(path, data, 1, "|u1", ndim, shape, err);
}

void npy_free(npy_array *a)
{
    if (!a) return;
    free(a->data);
    memset(a, 0, sizeof *a);
}

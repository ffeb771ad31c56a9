/* csv.c: the delimited-text reader and the number parser (see csv.h).
 *
 * The idea: a row is found first (memchr for the newline; a byte-by-byte walk only when the
 * row holds a double quote, since a quoted field may hold newlines), then split into cells in
 * place. Finding the end before touching anything means a row cut by the end of the buffer
 * is simply looked at again once more of the file is in: nothing was changed yet. Numbers
 * take a fast path (digits into a 64-bit integer, one multiplication or division by an exact
 * power of ten, which is correctly rounded) and strtod only for the rare long ones. */
#include "csv.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fileio.h"
#include "sha256.h"
#include "text.h"

enum {
    CSV_CHUNK = 4 << 20,         /* bytes read at a time from a file */
    CSV_MEM_CHUNK = 4096,        /* from memory (small, so tests and fuzzing meet refills) */
    CSV_ROW_MAX = 64 << 20,      /* longest row accepted */
    CSV_DETECT_BYTES = 64 << 10, /* looked at to find the delimiter */
    CSV_DETECT_LINES = 20,
};
#define CSV_HASH_THREAD_BYTES (16 << 20) /* files from this size on are hashed on a thread */

/* The hashing thread: takes one chunk at a time (a copy), hashes it into the reader's
 * context; the reader waits for it only before the next chunk and at the end. */
typedef struct csv_hasher {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    sha256_ctx *sha;
    unsigned char *buf;
    size_t len, cap;
    int busy, quit;
} csv_hasher;

static void *hasher_main(void *p)
{
    csv_hasher *h = p;
    pthread_mutex_lock(&h->mu);
    for (;;) {
        while (!h->busy && !h->quit) pthread_cond_wait(&h->cv, &h->mu);
        if (!h->busy) break;
        pthread_mutex_unlock(&h->mu);
        sha256_update(h->sha, h->buf, h->len);
        pthread_mutex_lock(&h->mu);
        h->busy = 0;
        pthread_cond_broadcast(&h->cv);
    }
    pthread_mutex_unlock(&h->mu);
    return NULL;
}

static csv_hasher *hasher_start(sha256_ctx *sha)
{
    csv_hasher *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->sha = sha;
    pthread_mutex_init(&h->mu, NULL);
    pthread_cond_init(&h->cv, NULL);
    if (pthread_create(&h->th, NULL, hasher_main, h)) {
        pthread_mutex_destroy(&h->mu);
        pthread_cond_destroy(&h->cv);
        free(h);
        return NULL; /* then the reader hashes itself */
    }
    return h;
}

static void hasher_wait(csv_hasher *h)
{
    pthread_mutex_lock(&h->mu);
    while (h->busy) pthread_cond_wait(&h->cv, &h->mu);
    pthread_mutex_unlock(&h->mu);
}

/* Hands a chunk over (copied); 0, or -1 when out of memory (nothing handed over). */
static int hasher_give(csv_hasher *h, const void *p, size_t n)
{
    hasher_wait(h);
    if (n > h->cap) {
        unsigned char *b = realloc(h->buf, n);
        if (!b) return -1;
        h->buf = b, h->cap = n;
    }
    memcpy(h->buf, p, n);
    pthread_mutex_lock(&h->mu);
    h->len = n, h->busy = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
    return 0;
}

static void hasher_stop(csv_hasher *h)
{
    if (!h) return;
    pthread_mutex_lock(&h->mu);
    h->quit = 1;
    pthread_cond_broadcast(&h->cv);
    pthread_mutex_unlock(&h->mu);
    pthread_join(h->th, NULL);
    pthread_mutex_destroy(&h->mu);
    pthread_cond_destroy(&h->cv);
    free(h->buf);
    free(h);
}

struct csv_reader {
    char name[1024];
    int fd; /* -1 for memory */
    const unsigned char *mem;
    size_t memlen, mempos;
    char *buf; /* cap + 1 bytes: a NUL always fits after the last byte */
    size_t cap, pos, end;
    int eof, delim;
    long line; /* lines consumed before pos */
    csv_cell *cells;
    int ncap;
    sha256_ctx sha;
    csv_hasher *hasher;  /* NULL: hashed inline */
    int64_t bytes, size; /* read so far; the file's size (memory: its length) */
    long first_lines;    /* newlines in the first chunk, for csv_rows_hint */
};

const char *csv_delim_name(int d)
{
    return d == CSV_COMMA ? "comma" : d == CSV_SEMI ? "semicolon" : d == CSV_TAB ? "tab" : "spaces";
}

int csv_delim(const csv_reader *r)
{
    return r->delim;
}

const char *csv_name(const csv_reader *r)
{
    return r->name;
}

int64_t csv_bytes(const csv_reader *r)
{
    return r->bytes;
}

int64_t csv_rows_hint(const csv_reader *r)
{
    if (r->first_lines < 1 || r->end < 1) return 0;
    double per_row = (double)r->end / r->first_lines;
    return (int64_t)(r->size / per_row * 1.02) + 16;
}

/* Reads more of the input after buf[end], moving the unconsumed part to the front first and
 * growing the buffer when it is full. Returns the bytes added, 0 at the end, -1 on error. */
static int csv_fill(csv_reader *r, ae_err *err)
{
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->end - r->pos);
        r->end -= r->pos;
        r->pos = 0;
    }
    if (r->end == r->cap) {
        if (r->cap >= CSV_ROW_MAX)
            return ae_fail(err, "%s: line %ld: a row longer than %d MB", r->name, r->line + 1,
                           CSV_ROW_MAX >> 20);
        size_t cap = r->cap * 2;
        char *b = realloc(r->buf, cap + 1);
        if (!b) return ae_fail(err, "%s: out of memory for a row of %zu bytes", r->name, cap);
        r->buf = b, r->cap = cap;
    }
    size_t want = r->cap - r->end;
    ssize_t got;
    if (r->fd >= 0) {
        do got = read(r->fd, r->buf + r->end, want);
        while (got < 0 && errno == EINTR);
        if (got < 0) return ae_fail(err, "%s: read error: %s", r->name, strerror(errno));
    } else {
        size_t left = r->memlen - r->mempos;
        got = (ssize_t)(left < want ? left : want);
        if (got > CSV_MEM_CHUNK) got = CSV_MEM_CHUNK;
        memcpy(r->buf + r->end, r->mem + r->mempos, (size_t)got);
        r->mempos += (size_t)got;
    }
    if (!r->hasher || hasher_give(r->hasher, r->buf + r->end, (size_t)got))
        sha256_update(&r->sha, r->buf + r->end, (size_t)got); /* (after a give failed: the
                                                                  thread is idle) */
    r->bytes += got;
    r->end += (size_t)got;
    r->buf[r->end] = 0;
    return (int)(got > 0 ? 1 : 0);
}

/* Where the row starting at buf[a] ends (the index of its '\n', or end when the input is
 * exhausted): 1, or 0 when more input is needed, or -1 for a quoted field not closed at the
 * end of the file. *nl counts the newlines inside quotes. */
static int csv_row_end(const csv_reader *r, size_t a, size_t *b, long *nl)
{
    const char *s = r->buf;
    size_t end = r->end;
    const char *n = memchr(s + a, '\n', end - a);
    size_t stop = n ? (size_t)(n - s) : end;
    *nl = 0;
    if (!memchr(s + a, '"', stop - a)) { /* the common case: no quote before the newline */
        if (!n && !r->eof) return 0;
        *b = stop;
        return 1;
    }
    /* a field is quoted when its first non-space byte is a quote */
    int field_start = 1, inq = 0;
    for (size_t i = a; i < end; i++) {
        char c = s[i];
        if (inq) {
            if (c == '"') {
                if (i + 1 < end && s[i + 1] == '"')
                    i++;
                else if (i + 1 == end && !r->eof)
                    return 0; /* is the next byte a second quote? */
                else
                    inq = 0;
            } else if (c == '\n') {
                (*nl)++;
            }
            continue;
        }
        if (c == '\n') {
            *b = i;
            return 1;
        }
        int delim = r->delim == CSV_SPACES ? (c == ' ' || c == '\t') : c == r->delim;
        if (delim) {
            field_start = 1;
        } else if (field_start && c == '"') {
            inq = 1, field_start = 0;
        } else if (c != ' ' && c != '\t') {
            field_start = 0;
        }
    }
    if (!r->eof) return 0;
    if (inq) return -1;
    *b = end;
    return 1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static int csv_push(csv_reader *r, int n, char *s, int len, int quoted, ae_err *err)
{
    if (n == r->ncap) {
        int cap = r->ncap ? r->ncap * 2 : 64;
        csv_cell *c = realloc(r->cells, sizeof *c * (size_t)cap);
        if (!c) return ae_fail(err, "%s: out of memory for %d cells", r->name, cap);
        r->cells = c, r->ncap = cap;
    }
    r->cells[n] = (csv_cell){s, len, quoted};
    return 0;
}

/* Splits buf[a, b) into cells, in place. Returns the cell count (0 for a blank row), -1 on
 * error. */
static int csv_split(csv_reader *r, size_t a, size_t b, long line, ae_err *err)
{
    char *s = r->buf;
    if (b > a && s[b - 1] == '\r') b--;
    int spaces = r->delim == CSV_SPACES, n = 0;
    char d = (char)r->delim;
    size_t p = a;
    if (spaces) {
        while (p < b && is_space(s[p])) p++;
        if (p == b) return 0;
    } else {
        size_t q = a;
        while (q < b && is_space(s[q])) q++;
        if (q == b) return 0;
    }
    for (;;) {
        size_t nul; /* where this cell's NUL goes, written once the delimiter is passed */
        if (!spaces)
            while (p < b && (s[p] == ' ' || (s[p] == '\t' && d != '\t'))) p++;
        if (p < b && s[p] == '"') {
            size_t q = p + 1, w = p + 1;
            for (;;) {
                if (q >= b)
                    return ae_fail(err, "%s: line %ld: a quoted field is not closed", r->name,
                                   line);
                if (s[q] == '"') {
                    if (q + 1 < b && s[q + 1] == '"') {
                        s[w++] = '"';
                        q += 2;
                        continue;
                    }
                    q++;
                    break;
                }
                s[w++] = s[q++];
            }
            while (q < b && is_space(s[q]) && !(!spaces && d == '\t' && s[q] == '\t')) q++;
            if (q < b && !(spaces ? is_space(s[q]) : s[q] == d))
                return ae_fail(err, "%s: line %ld, column %d: text after a closing quote", r->name,
                               line, n + 1);
            if (csv_push(r, n, s + p + 1, (int)(w - p - 1), 1, err)) return -1;
            nul = w;
            p = q;
        } else {
            size_t e;
            if (spaces) {
                e = p;
                while (e < b && !is_space(s[e])) e++;
            } else {
                const char *f = memchr(s + p, d, b - p);
                e = f ? (size_t)(f - s) : b;
            }
            size_t t = e;
            while (t > p && (s[t - 1] == ' ' || (s[t - 1] == '\t' && d != '\t'))) t--;
            if (csv_push(r, n, s + p, (int)(t - p), 0, err)) return -1;
            nul = t;
            p = e;
        }
        n++;
        if (spaces) {
            while (p < b && is_space(s[p])) p++;
            s[nul] = 0;
            if (p >= b) break;
        } else {
            s[nul] = 0; /* the delimiter at p (if any) is no longer needed */
            if (p >= b) break;
            p++; /* the delimiter; a row ending in one has an empty last cell */
            if (p == b) {
                if (csv_push(r, n, s + p, 0, 0, err)) return -1;
                s[p] = 0;
                n++;
                break;
            }
        }
    }
    return n;
}

int csv_next(csv_reader *r, csv_row *row, ae_err *err)
{
    for (;;) {
        if (r->pos == r->end && r->eof) return 0;
        size_t b;
        long nl;
        int rc = r->pos < r->end ? csv_row_end(r, r->pos, &b, &nl) : 0;
        if (rc < 0)
            return ae_fail(err, "%s: line %ld: a quoted field is not closed at the end of the file",
                           r->name, r->line + 1);
        if (rc == 0) {
            int got = csv_fill(r, err);
            if (got < 0) return -1;
            if (got == 0) r->eof = 1;
            continue;
        }
        long line = r->line + 1;
        int n = csv_split(r, r->pos, b, line, err);
        if (n < 0) return -1;
        r->line += nl + (b < r->end ? 1 : 0);
        r->pos = b < r->end ? b + 1 : b;
        if (n == 0) continue; /* blank */
        row->cells = r->cells, row->n = n, row->line = line;
        return 1;
    }
}

/* Fields of one line under a delimiter (quotes respected), or -1 when the line has an
 * unclosed quote. */
static int count_fields(const char *s, size_t len, int delim)
{
    if (len && s[len - 1] == '\r') len--;
    int n = 0, inq = 0, infield = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (inq) {
            if (c == '"') inq = 0;
            continue;
        }
        if (delim == CSV_SPACES) {
            if (is_space(c)) {
                infield = 0;
            } else {
                if (!infield) n++;
                infield = 1;
                if (c == '"') inq = 1;
            }
        } else {
            if (c == delim)
                n++;
            else if (c == '"')
                inq = 1;
        }
    }
    if (inq) return -1;
    return delim == CSV_SPACES ? n : n + 1;
}

/* The delimiter that splits the first lines into the same number (> 1) of fields; among
 * several, the one giving most fields; else one present on every line; else a comma (a file
 * of one column). */
static int csv_detect(const char *s, size_t len, int eof)
{
    static const int cand[4] = {CSV_COMMA, CSV_TAB, CSV_SEMI, CSV_SPACES};
    int counts[4][CSV_DETECT_LINES], nlines = 0;
    size_t p = 0;
    while (p < len && nlines < CSV_DETECT_LINES) {
        const char *nlp = memchr(s + p, '\n', len - p);
        if (!nlp && !eof) break; /* a partial last line says nothing */
        size_t e = nlp ? (size_t)(nlp - s) : len, q = p;
        while (q < e && (is_space(s[q]) || s[q] == '\r')) q++;
        if (q < e) {
            for (int k = 0; k < 4; k++) counts[k][nlines] = count_fields(s + p, e - p, cand[k]);
            nlines++;
        }
        p = e + 1;
    }
    int best = 0, best_fields = 1;
    for (int k = 0; k < 4; k++) { /* spaces (k = 3) only when no real delimiter fits */
        if (k == 3 && best) break;
        int ok = nlines > 0 && counts[k][0] > 1;
        for (int i = 1; ok && i < nlines; i++) ok = counts[k][i] == counts[k][0];
        if (ok && counts[k][0] > best_fields) best = cand[k], best_fields = counts[k][0];
    }
    if (best) return best;
    for (int k = 0; k < 3; k++) { /* ragged: the error will say where */
        int ok = nlines > 0;
        for (int i = 0; ok && i < nlines; i++) ok = counts[k][i] > 1;
        if (ok) return cand[k];
    }
    return CSV_COMMA;
}

static int csv_start(csv_reader *r, int delim, ae_err *err)
{
    r->cap = CSV_CHUNK;
    if (r->fd < 0 && r->memlen + 1 < r->cap) r->cap = r->memlen > 64 ? r->memlen + 1 : 64;
    if (!(r->buf = malloc(r->cap + 1))) return ae_fail(err, "%s: out of memory", r->name);
    sha256_init(&r->sha);
    if (r->fd >= 0 && r->size >= CSV_HASH_THREAD_BYTES) r->hasher = hasher_start(&r->sha);
    while (!r->eof && r->end < CSV_DETECT_BYTES) { /* the first part, for detection */
        if (r->end == r->cap && r->cap >= CSV_DETECT_BYTES) break;
        int got = csv_fill(r, err);
        if (got < 0) return -1;
        if (got == 0) r->eof = 1;
    }
    if (r->end >= 3 && !memcmp(r->buf, "\xEF\xBB\xBF", 3)) r->pos = 3;
    for (const char *p = r->buf; (p = memchr(p, '\n', r->buf + r->end - p)); p++) r->first_lines++;
    if (delim != CSV_DETECT && delim != CSV_COMMA && delim != CSV_SEMI && delim != CSV_TAB &&
        delim != CSV_SPACES)
        return ae_fail(err, "%s: unknown delimiter %d", r->name, delim);
    r->delim = delim ? delim : csv_detect(r->buf + r->pos, r->end - r->pos, r->eof);
    return 0;
}

int csv_open(csv_reader **out, const char *path, int delim, ae_err *err)
{
    *out = NULL;
    int64_t size;
    int fd = fio_open_read(path, &size, err);
    if (fd < 0) return -1;
    csv_reader *r = calloc(1, sizeof *r);
    if (!r) {
        close(fd);
        return ae_fail(err, "%s: out of memory", path);
    }
    snprintf(r->name, sizeof r->name, "%s", path);
    r->fd = fd, r->size = size;
    if (csv_start(r, delim, err)) {
        csv_close(r);
        return -1;
    }
    *out = r;
    return 0;
}

int csv_open_mem(csv_reader **out, const void *data, size_t len, const char *name, int delim,
                 ae_err *err)
{
    *out = NULL;
    csv_reader *r = calloc(1, sizeof *r);
    if (!r) return ae_fail(err, "%s: out of memory", name);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->fd = -1, r->mem = data, r->memlen = len, r->size = (int64_t)len;
    if (csv_start(r, delim, err)) {
        csv_close(r);
        return -1;
    }
    *out = r;
    return 0;
}

void csv_close(csv_reader *r)
{
    if (!r) return;
    hasher_stop(r->hasher);
    if (r->fd >= 0) close(r->fd);
    free(r->buf);
    free(r->cells);
    free(r);
}

int csv_sha256(csv_reader *r, char hex[65], ae_err *err)
{
    while (!r->eof) {
        r->pos = r->end; /* drop what is unparsed: only the hash is wanted now */
        int got = csv_fill(r, err);
        if (got < 0) return -1;
        if (got == 0) r->eof = 1;
    }
    if (r->hasher) hasher_wait(r->hasher);
    sha256_ctx c = r->sha; /* keep the reader's own context usable */
    sha256_hex(&c, hex);
    return 0;
}

int csv_save(const csv_row *row, csv_saved *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    out->text = calloc((size_t)row->n, sizeof *out->text);
    out->cells = calloc((size_t)row->n, sizeof *out->cells);
    out->n = row->n, out->line = row->line;
    for (int j = 0; out->text && out->cells && j < row->n; j++) {
        const csv_cell *c = &row->cells[j];
        if (!(out->text[j] = malloc((size_t)c->len + 1))) break;
        memcpy(out->text[j], c->s, (size_t)c->len + 1);
        out->cells[j] = (csv_cell){out->text[j], c->len, c->quoted};
    }
    if (!out->text || !out->cells || (row->n && !out->text[row->n - 1])) {
        csv_saved_free(out);
        return ae_fail(err, "out of memory keeping a row of %d cells", row->n);
    }
    return 0;
}

void csv_saved_free(csv_saved *s)
{
    if (s->text)
        for (int j = 0; j < s->n; j++) free(s->text[j]);
    free(s->text), free(s->cells);
    memset(s, 0, sizeof *s);
}

csv_row csv_saved_row(const csv_saved *s)
{
    return (csv_row){s->cells, s->n, s->line};
}

int csv_is_header(const csv_saved *first, const csv_row *second)
{
    double v;
    for (int j = 0; j < first->n && j < second->n; j++) {
        int a = csv_number(first->cells[j].s, first->cells[j].len, &v);
        int b = csv_number(second->cells[j].s, second->cells[j].len, &v);
        if (a == CSV_NUM_BAD && b == CSV_NUM_OK) return 1;
    }
    return 0;
}

void csv_huge_pages(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (!p || bytes < (8u << 20)) return;
    uintptr_t b = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
    uintptr_t e = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;
    if (e > b) madvise((void *)b, e - b, MADV_HUGEPAGE); /* advice: failure changes nothing */
#else
    (void)p, (void)bytes;
#endif
}

/* ---- numbers ---- */

static int word_is(const char *s, int len, const char *w)
{
    int n = (int)strlen(w);
    if (len != n) return 0;
    for (int i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != w[i]) return 0;
    }
    return 1;
}

int csv_number(const char *s, int len, double *out)
{
    static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = s, *end = s + len;
    while (p < end && is_space(*p)) p++;
    while (end > p && is_space(end[-1])) end--;
    if (p == end) return CSV_NUM_EMPTY;
    const char *start = p;
    int neg = 0;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    uint64_t mant = 0;
    const char *d0 = p;
    while (p < end && (unsigned)(*p - '0') < 10) mant = mant * 10 + (uint64_t)(*p++ - '0');
    int ndig = (int)(p - d0), frac = 0;
    if (p < end && *p == '.') {
        const char *f0 = ++p;
        while (p < end && (unsigned)(*p - '0') < 10) mant = mant * 10 + (uint64_t)(*p++ - '0');
        frac = (int)(p - f0);
        ndig += frac;
    }
    if (!ndig) {
        const char *w = start + (*start == '-' || *start == '+');
        int wl = (int)(end - w), n = (int)(end - start);
        if (word_is(w, wl, "nan") || word_is(start, n, "na") || word_is(start, n, "n/a") ||
            word_is(start, n, "null") || word_is(start, n, "none"))
            return CSV_NUM_NAN;
        if (word_is(w, wl, "inf") || word_is(w, wl, "infinity")) return CSV_NUM_INF;
        return CSV_NUM_BAD;
    }
    int exp10 = -frac;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0, e = 0;
        if (p < end && (*p == '-' || *p == '+')) eneg = *p++ == '-';
        const char *e0 = p;
        for (; p < end && (unsigned)(*p - '0') < 10; p++)
            if (e < 100000) e = e * 10 + (*p - '0');
        if (p == e0) return CSV_NUM_BAD;
        exp10 += eneg ? -e : e;
    }
    if (p != end) return CSV_NUM_BAD;
    double v;
    if (ndig <= 19 && mant < (1ull << 53) && exp10 >= -22 && exp10 <= 22) {
        /* both exact, so one correctly rounded operation (Clinger's fast path) */
        v = exp10 >= 0 ? (double)mant * p10[exp10] : (double)mant / p10[-exp10];
    } else { /* long mantissas, large exponents: the C library */
        size_t n = (size_t)(end - start);
        char tmp[128], *t = n < sizeof tmp ? tmp : malloc(n + 1);
        if (!t) return CSV_NUM_BAD;
        memcpy(t, start, n);
        t[n] = 0;
        v = fabs(strtod(t, NULL));
        if (t != tmp) free(t);
    }
    if (neg) v = -v;
    if (!(fabs(v) <= 3.4028234663852886e38)) return CSV_NUM_RANGE;
    *out = v;
    return CSV_NUM_OK;
}

int csv_cell_fail(ae_err *err, const char *name, long line, int col, const csv_cell *c,
                  const char *what)
{
    char vis[64];
    text_visible_n(c ? c->s : "", c ? (size_t)(c->len < 40 ? c->len : 40) : 0, vis, sizeof vis);
    if (c && c->len > 40) snprintf(vis + strlen(vis), sizeof vis - strlen(vis), "...");
    if (!c || (c->len == 0 && !c->quoted))
        return ae_fail(err, "%s: line %ld, column %d: %s", name, line, col, what);
    return ae_fail(err, "%s: line %ld, column %d: '%s' %s", name, line, col, vis, what);
}

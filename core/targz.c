/* targz.c: a small tar reader over zlib (see targz.h).
 *
 * A tar archive is a sequence of 512-byte headers, each followed by its entry's data padded to
 * 512 bytes, ended by a zero block (or the end of the file). The header fields used: name
 * (0, 100 bytes), size (124, 12 octal digits), checksum (148, 8), type (156), magic (257) and,
 * for POSIX ustar ("ustar\0"), the name prefix (345, 155). Long names come either from a GNU
 * 'L' entry (its data is the next entry's name) or a pax 'x' entry ("LEN path=NAME\n"
 * records). gzread reads plain files too, so a .tar works as well as a .tar.gz. */
#include "targz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define TAR_BLOCK    512
#define TAR_NAME_MAX 4096
#define TAR_META_MAX (64 * 1024) /* largest long-name or pax entry read */

typedef struct tar_in {
    gzFile gz;
    const char *archive;
} tar_in;

/* Reads exactly n bytes; 0, or -1 with err (truncated archive, zlib error). */
static int tar_read(tar_in *in, void *buf, size_t n, ae_err *err)
{
    size_t got = 0;
    while (got < n) {
        unsigned want = n - got > (1u << 30) ? 1u << 30 : (unsigned)(n - got);
        int r = gzread(in->gz, (char *)buf + got, want);
        if (r < 0) {
            int zerr;
            const char *msg = gzerror(in->gz, &zerr);
            return ae_fail(err, "%s: corrupt archive: %s", in->archive,
                           zerr == Z_ERRNO ? strerror(errno) : msg);
        }
        if (r == 0) return ae_fail(err, "%s: truncated archive", in->archive);
        got += (size_t)r;
    }
    return 0;
}

/* Skips n bytes of entry data. */
static int tar_skip(tar_in *in, uint64_t n, ae_err *err)
{
    char buf[16384];
    while (n > 0) {
        size_t k = n < sizeof buf ? (size_t)n : sizeof buf;
        if (tar_read(in, buf, k, err)) return -1;
        n -= k;
    }
    return 0;
}

static uint64_t tar_padded(uint64_t size)
{
    return (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
}

/* An octal field (spaces and NULs around the digits allowed). -1 when it is not octal or
 * uses the base-256 extension (only for entries over 8 GB, which no dataset archive has). */
static int64_t tar_octal(const unsigned char *f, int len)
{
    int i = 0;
    int64_t v = 0;
    if (f[0] & 0x80) return -1;
    while (i < len && f[i] == ' ') i++;
    int digits = 0;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; i++, digits++) v = v * 8 + (f[i] - '0');
    for (; i < len; i++)
        if (f[i] != ' ' && f[i] != 0) return -1;
    return digits ? v : -1;
}

static int tar_checksum_ok(const unsigned char *h)
{
    int64_t want = tar_octal(h + 148, 8);
    long usum = 0, ssum = 0; /* some old tars summed signed chars */
    for (int i = 0; i < TAR_BLOCK; i++) {
        int c = i >= 148 && i < 156 ? ' ' : h[i];
        usum += (unsigned char)c;
        ssum += (signed char)c;
    }
    return want >= 0 && (want == usum || want == ssum);
}

/* Copies a fixed-size field that may lack its NUL. */
static void tar_field(char *out, const unsigned char *f, int len)
{
    int n = 0;
    while (n < len && f[n]) n++;
    memcpy(out, f, (size_t)n);
    out[n] = 0;
}

/* Normalises an entry's name into out: drops "." components and repeated or trailing
 * slashes; refuses absolute names and "..". */
static int tar_clean_name(const tar_in *in, const char *name, char *out, size_t outlen, ae_err *err)
{
    if (name[0] == '/')
        return ae_fail(err, "%s: entry '%.200s' has an absolute path: refused", in->archive, name);
    size_t o = 0;
    const char *p = name;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return ae_fail(err, "%s: entry '%.200s' climbs out with '..': refused", in->archive,
                           name);
        if (n > 0 && !(n == 1 && p[0] == '.')) {
            if (o + n + 2 > outlen) return ae_fail(err, "%s: entry name too long", in->archive);
            if (o) out[o++] = '/';
            memcpy(out + o, p, n);
            o += n;
        }
        p += n;
        if (*p == '/') p++;
    }
    out[o] = 0;
    return 0;
}

/* mkdir of dest/rel and every folder above it (inside dest); existing folders are fine, but
 * never anything that is not a folder (so nothing can lead outside dest). */
static int tar_mkdirs(const tar_in *in, const char *dest, const char *rel, ae_err *err)
{
    char path[TAR_NAME_MAX + 1100];
    int base = snprintf(path, sizeof path, "%s/", dest);
    if (base < 0 || (size_t)base + strlen(rel) >= sizeof path)
        return ae_fail(err, "%s: path too long", in->archive);
    strcpy(path + base, rel);
    for (char *p = path + base;; p++) {
        if (*p != '/' && *p != 0) continue;
        char save = *p;
        *p = 0;
        struct stat st;
        if (mkdir(path, 0755) != 0) {
            if (errno != EEXIST)
                return ae_fail(err, "%s: cannot create the folder %s: %s", in->archive, path,
                               strerror(errno));
            if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
                return ae_fail(err, "%s: '%s' is both a file and a folder in the archive",
                               in->archive, path + base);
        }
        *p = save;
        if (!save) break;
    }
    return 0;
}

static int tar_write_file(tar_in *in, const char *dest, const char *rel, uint64_t size, ae_err *err)
{
    char path[TAR_NAME_MAX + 1100], dir[TAR_NAME_MAX + 1];
    snprintf(dir, sizeof dir, "%s", rel);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = 0;
        if (tar_mkdirs(in, dest, dir, err)) return -1;
    }
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dest, rel) >= sizeof path)
        return ae_fail(err, "%s: path too long", in->archive);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == EEXIST)
            return ae_fail(err, "%s: entry '%s' appears twice: refused", in->archive, rel);
        return ae_fail(err, "%s: cannot create: %s", path, strerror(errno));
    }
    char buf[65536];
    uint64_t left = size;
    while (left > 0) {
        size_t k = left < sizeof buf ? (size_t)left : sizeof buf;
        if (tar_read(in, buf, k, err)) {
            close(fd);
            return -1;
        }
        for (size_t done = 0; done < k;) {
            ssize_t w = write(fd, buf + done, k - done);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                int e = w < 0 ? errno : EIO;
                close(fd);
                if (e == ENOSPC || e == EDQUOT)
                    return ae_fail(err, "%s: disk full (%s)", path, strerror(e));
                return ae_fail(err, "%s: write error: %s", path, strerror(e));
            }
            done += (size_t)w;
        }
        left -= k;
    }
    if (fsync(fd) != 0 && errno != EINVAL) {
        int e = errno;
        close(fd);
        return ae_fail(err, "%s: write error: %s", path, strerror(e));
    }
    if (close(fd) != 0) return ae_fail(err, "%s: write error: %s", path, strerror(errno));
    return tar_skip(in, tar_padded(size) - size, err);
}

/* Reads a long-name ('L') or pax ('x') entry's data; for pax, picks out the path record.
 * Sets *name (empty when a pax entry has no path). */
static int tar_read_meta(tar_in *in, int type, uint64_t size, char *name, ae_err *err)
{
    if (size > TAR_META_MAX)
        return ae_fail(err, "%s: a %s entry of %llu bytes is too large", in->archive,
                       type == 'L' ? "long-name" : "pax", (unsigned long long)size);
    char *data = malloc(size + 1);
    if (!data) return ae_fail(err, "%s: out of memory", in->archive);
    if (tar_read(in, data, size, err) || tar_skip(in, tar_padded(size) - size, err)) {
        free(data);
        return -1;
    }
    data[size] = 0;
    name[0] = 0;
    if (type == 'L') {
        snprintf(name, TAR_NAME_MAX, "%s", data);
        free(data);
        return 0;
    }
    /* pax: records "LEN key=value\n", LEN counting the whole record */
    size_t pos = 0;
    while (pos < size) {
        char *end;
        unsigned long len = strtoul(data + pos, &end, 10);
        if (len == 0 || *end != ' ' || len > size - pos) {
            free(data);
            return ae_fail(err, "%s: malformed pax header", in->archive);
        }
        char *key = end + 1, *rec_end = data + pos + len - 1; /* at the '\n' */
        char *eq = memchr(key, '=', (size_t)(rec_end - key));
        if (!eq || *rec_end != '\n') {
            free(data);
            return ae_fail(err, "%s: malformed pax header", in->archive);
        }
        size_t klen = (size_t)(eq - key), vlen = (size_t)(rec_end - eq - 1);
        if (klen == 4 && !memcmp(key, "path", 4)) {
            if (vlen >= TAR_NAME_MAX) vlen = TAR_NAME_MAX - 1;
            memcpy(name, eq + 1, vlen);
            name[vlen] = 0;
        } else if (klen == 4 && !memcmp(key, "size", 4)) {
            free(data);
            return ae_fail(err, "%s: pax size records (entries over 8 GB) are not supported",
                           in->archive);
        }
        pos += len;
    }
    free(data);
    return 0;
}

static int tar_entries(tar_in *in, const char *dest, ae_err *err)
{
    unsigned char h[TAR_BLOCK];
    char long_name[TAR_NAME_MAX] = "", name[TAR_NAME_MAX], clean[TAR_NAME_MAX];
    int files = 0;
    for (;;) {
        int r = gzread(in->gz, h, TAR_BLOCK);
        if (r == 0) break; /* end of file without the zero block: accepted, as GNU tar does */
        if (r < 0) return tar_read(in, h, TAR_BLOCK, err); /* reports the zlib error */
        if (r < TAR_BLOCK && tar_read(in, h + r, (size_t)(TAR_BLOCK - r), err)) return -1;
        int zero = 1;
        for (int i = 0; i < TAR_BLOCK && zero; i++) zero = h[i] == 0;
        if (zero) break;
        if (!tar_checksum_ok(h))
            return ae_fail(err, "%s: not a tar archive, or corrupt (header checksum)", in->archive);
        int64_t size = tar_octal(h + 124, 12);
        if (size < 0) return ae_fail(err, "%s: corrupt entry size", in->archive);
        int type = h[156];
        if (type == 'L' || type == 'x') {
            if (tar_read_meta(in, type, (uint64_t)size, long_name, err)) return -1;
            continue;
        }
        if (type == 'g') { /* pax global header: nothing we use */
            if (tar_skip(in, tar_padded((uint64_t)size), err)) return -1;
            continue;
        }
        if (long_name[0]) {
            snprintf(name, sizeof name, "%s", long_name);
            long_name[0] = 0;
        } else {
            char base[101], prefix[156];
            tar_field(base, h, 100);
            if (!memcmp(h + 257, "ustar\0", 6)) {
                tar_field(prefix, h + 345, 155);
                if (prefix[0])
                    snprintf(name, sizeof name, "%s/%s", prefix, base);
                else
                    snprintf(name, sizeof name, "%s", base);
            } else {
                snprintf(name, sizeof name, "%s", base);
            }
        }
        if (!name[0]) return ae_fail(err, "%s: an entry has no name", in->archive);
        if (tar_clean_name(in, name, clean, sizeof clean, err)) return -1;
        if (type == '0' || type == 0 || type == '7') {
            if (!clean[0]) return ae_fail(err, "%s: a file entry has no name", in->archive);
            if (tar_write_file(in, dest, clean, (uint64_t)size, err)) return -1;
            files++;
        } else if (type == '5') {
            if (clean[0] && tar_mkdirs(in, dest, clean, err)) return -1;
            if (tar_skip(in, tar_padded((uint64_t)size), err)) return -1;
        } else {
            const char *what = type == '1'                  ? "a hard link"
                               : type == '2'                ? "a symbolic link"
                               : type == '3' || type == '4' ? "a device"
                               : type == '6'                ? "a FIFO"
                                                            : "of an unknown type";
            return ae_fail(err, "%s: entry '%.200s' is %s: refused", in->archive, name, what);
        }
    }
    return files;
}

int targz_extract(const char *archive, const char *dest, ae_err *err)
{
    int fd = open(archive, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ae_fail(err, "%s: cannot open: %s", archive, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ae_fail(err, "%s: not a regular file", archive);
    }
    tar_in in = {gzdopen(fd, "rb"), archive};
    if (!in.gz) {
        close(fd);
        return ae_fail(err, "%s: cannot open: out of memory", archive);
    }
    gzbuffer(in.gz, 1 << 17);
    int files = tar_entries(&in, dest, err);
    gzclose(in.gz);
    if (files == 0) return ae_fail(err, "%s: the archive holds no files", archive);
    return files;
}

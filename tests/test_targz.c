/* test_targz.c: the pieces of `aetui get` that need no network: MD5 against RFC 1321's test
 * suite and padding boundaries, and the tar reader on archives written here byte by byte
 * (ustar, GNU long names, pax paths, gzipped or not) and on hostile ones (`..`, absolute
 * paths, links, devices, duplicates, bad checksums, truncation). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "md5.h"
#include "targz.h"
#include "testlib.h"

static void check_md5(const char *data, size_t len, const char *want)
{
    md5_ctx c;
    char hex[33];
    md5_init(&c);
    md5_update(&c, data, len);
    md5_hex(&c, hex);
    CHECK(!strcmp(hex, want), "md5 of %zu bytes: %s, expected %s", len, hex, want);
}

static void test_md5(void)
{
    /* RFC 1321, appendix A.5 */
    check_md5("", 0, "d41d8cd98f00b204e9800998ecf8427e");
    check_md5("a", 1, "0cc175b9c0f1b6a831c399e269772661");
    check_md5("abc", 3, "900150983cd24fb0d6963f7d28e17f72");
    check_md5("message digest", 14, "f96b697d7cb7938d525a2f31aaf161d0");
    check_md5("abcdefghijklmnopqrstuvwxyz", 26, "c3fcd3d76192e4007dfb496cca67e13b");
    const char *alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    check_md5(alnum, strlen(alnum), "d174ab98d277d9f5a5611c2c9f419d9f");
    char digits[81];
    for (int i = 0; i < 80; i++) digits[i] = (char)('0' + (i + 1) % 10);
    check_md5(digits, 80, "57edf4a22be3c955ac49da2e2107b67a");
    /* lengths around the padding boundaries (from Python's hashlib) */
    static const struct {
        size_t n;
        const char *md5;
    } as[] = {{55, "ef1772b6dff9a122358552954ad0df65"},  {56, "3b0c8ac703f828b04c6c197006d17218"},
              {63, "b06521f39153d618550606be297466d5"},  {64, "014842d480b571495a4a0363793f7367"},
              {119, "8a7bd0732ed6a28ce75f6dabc90e1613"}, {120, "5f61c0ccad4cac44c75ff505e1f1e537"},
              {1000, "cabe45dcc9ae5b66ba86600cca6b8ba8"}};
    char a[1000];
    memset(a, 'a', sizeof a);
    for (size_t i = 0; i < sizeof as / sizeof as[0]; i++) check_md5(a, as[i].n, as[i].md5);
    /* fed in odd pieces: the same hash */
    md5_ctx c;
    char hex[33];
    md5_init(&c);
    for (size_t off = 0, step = 1; off < 1000; off += step, step = step * 3 % 97 + 1)
        md5_update(&c, a + off, off + step > 1000 ? 1000 - off : step);
    md5_hex(&c, hex);
    CHECK(!strcmp(hex, "cabe45dcc9ae5b66ba86600cca6b8ba8"), "md5 in pieces: %s", hex);
}

/* --- tar archives written by hand */

typedef struct tarbuf {
    unsigned char *p;
    size_t len, cap;
} tarbuf;

static void tb_put(tarbuf *t, const void *d, size_t n)
{
    if (t->len + n > t->cap) {
        t->cap = (t->len + n) * 2;
        t->p = realloc(t->p, t->cap);
    }
    memcpy(t->p + t->len, d, n);
    t->len += n;
}

static void tb_pad(tarbuf *t)
{
    static const unsigned char zero[512];
    if (t->len % 512) tb_put(t, zero, 512 - t->len % 512);
}

/* One header and its data. magic: "ustar\0" (POSIX, with prefix), "ustar  " (GNU) or "" (v7). */
static void tb_entry(tarbuf *t, const char *name, const char *prefix, int type, const void *data,
                     size_t size, const char *magic)
{
    unsigned char h[512] = {0};
    snprintf((char *)h, 101, "%s", name);
    snprintf((char *)h + 100, 8, "%07o", 0644);
    snprintf((char *)h + 124, 12, "%011o", (unsigned)size);
    snprintf((char *)h + 136, 12, "%011o", 0);
    h[156] = (unsigned char)type;
    memcpy(h + 257, magic, strlen(magic) == 5 ? 6 : strlen(magic));
    if (!strcmp(magic, "ustar")) memcpy(h + 263, "00", 2);
    if (prefix) snprintf((char *)h + 345, 155, "%s", prefix);
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++) sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    tb_put(t, h, 512);
    if (size) {
        tb_put(t, data, size);
        tb_pad(t);
    }
}

static void tb_file(tarbuf *t, const char *name, const char *text)
{
    tb_entry(t, name, NULL, '0', text, strlen(text), "ustar");
}

static void tb_end(tarbuf *t)
{
    static const unsigned char zero[1024];
    tb_put(t, zero, sizeof zero);
}

static char tmp[1024];

/* Writes the archive (gzipped when gz), unpacks it into a fresh folder; returns
 * targz_extract's result with its message in msg. */
static int unpack(tarbuf *t, int gz, char *dest, size_t destlen, char *msg)
{
    static int n;
    char arch[1200], cmd[2400];
    snprintf(arch, sizeof arch, "%s/a%d.tar%s", tmp, n, gz ? ".gz" : "");
    snprintf(dest, destlen, "%s/out%d", tmp, n++);
    if (gz) {
        gzFile g = gzopen(arch, "wb");
        gzwrite(g, t->p, (unsigned)t->len);
        gzclose(g);
    } else {
        test_write_file(arch, t->p, (long)t->len);
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir '%s'", dest, dest);
    if (system(cmd) != 0) return -2;
    ae_err err = {""};
    int r = targz_extract(arch, dest, &err);
    snprintf(msg, 512, "%s", err.msg);
    free(t->p);
    memset(t, 0, sizeof *t);
    return r;
}

static int file_is(const char *dir, const char *rel, const char *text)
{
    char p[2048], buf[256] = "";
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    FILE *f = fopen(p, "rb");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return !strcmp(buf, text);
}

static int exists(const char *dir, const char *rel)
{
    char p[2048];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    return lstat(p, &st) == 0;
}

static void expect_refused(tarbuf *t, const char *what, const char *want)
{
    char dest[1200], msg[512];
    int r = unpack(t, 1, dest, sizeof dest, msg);
    CHECK(r == -1, "%s: accepted (%d)", what, r);
    CHECK(strstr(msg, want) != NULL, "%s: message '%s' lacks '%s'", what, msg, want);
}

static void test_tar_good(void)
{
    tarbuf t = {0};
    char dest[1200], msg[512];
    tb_entry(&t, "top/", NULL, '5', NULL, 0, "ustar");
    tb_file(&t, "top/a.bin", "alpha");
    tb_file(&t, "./top/./sub//b.txt", "beta"); /* "." components and doubled slashes */
    tb_entry(&t, "c.txt", "top/deep/er", '0', "gamma", 5, "ustar"); /* ustar prefix */
    tb_entry(&t, "d.txt", NULL, '0', "delta", 5, "ustar  ");        /* GNU header */
    tb_entry(&t, "e.txt", NULL, 0, "eps", 3, "");                   /* v7 header */
    char longname[300];
    memset(longname, 'x', 250);
    strcpy(longname + 250, "/long.txt");
    tb_entry(&t, "././@LongLink", NULL, 'L', longname, strlen(longname) + 1, "ustar  ");
    tb_entry(&t, "cut-short", NULL, '0', "long", 4, "ustar  ");
    const char *pax = "23 path=top/pax-name.t\n";
    tb_entry(&t, "PaxHeader", NULL, 'x', pax, strlen(pax), "ustar");
    tb_entry(&t, "ignored-name", NULL, '0', "pax", 3, "ustar");
    tb_entry(&t, "global", NULL, 'g', "12 comment=\n", 12, "ustar");
    tb_end(&t);
    int r = unpack(&t, 1, dest, sizeof dest, msg);
    CHECK(r == 7, "good archive: %d files (%s)", r, msg);
    CHECK(file_is(dest, "top/a.bin", "alpha"), "top/a.bin");
    CHECK(file_is(dest, "top/sub/b.txt", "beta"), "top/sub/b.txt");
    CHECK(file_is(dest, "top/deep/er/c.txt", "gamma"), "prefixed name");
    CHECK(file_is(dest, "d.txt", "delta"), "GNU header");
    CHECK(file_is(dest, "e.txt", "eps"), "v7 header");
    CHECK(file_is(dest, longname, "long"), "GNU long name");
    CHECK(file_is(dest, "top/pax-name.t", "pax"), "pax path");
    CHECK(!exists(dest, "ignored-name") && !exists(dest, "cut-short"), "names replaced");

    /* a plain .tar, and one without the end blocks */
    tb_file(&t, "plain.txt", "plain");
    r = unpack(&t, 0, dest, sizeof dest, msg);
    CHECK(r == 1 && file_is(dest, "plain.txt", "plain"), "plain tar without end: %d (%s)", r, msg);
}

static void test_tar_hostile(void)
{
    tarbuf t = {0};
    tb_file(&t, "ok.txt", "fine");
    tb_file(&t, "top/../../escape.txt", "pwned");
    tb_end(&t);
    expect_refused(&t, "dot-dot", "climbs out with '..': refused");
    char parent[1200];
    snprintf(parent, sizeof parent, "%s/escape.txt", tmp);
    struct stat st;
    CHECK(stat(parent, &st) != 0, "a file was written outside the folder");

    tb_file(&t, "..", "x");
    tb_end(&t);
    expect_refused(&t, "bare dot-dot", "climbs out");
    tb_entry(&t, "x", "..", '0', "x", 1, "ustar"); /* through the prefix */
    tb_end(&t);
    expect_refused(&t, "dot-dot prefix", "climbs out");
    tb_file(&t, "/tmp/abs.txt", "x");
    tb_end(&t);
    expect_refused(&t, "absolute", "absolute path: refused");
    const char *pax = "20 path=/etc/passwd\n";
    tb_entry(&t, "PaxHeader", NULL, 'x', pax, strlen(pax), "ustar");
    tb_file(&t, "innocent", "x");
    tb_end(&t);
    expect_refused(&t, "absolute pax path", "absolute path");
    tb_entry(&t, "link", NULL, '2', NULL, 0, "ustar");
    tb_end(&t);
    expect_refused(&t, "symlink", "'link' is a symbolic link: refused");
    tb_entry(&t, "hard", NULL, '1', NULL, 0, "ustar");
    tb_end(&t);
    expect_refused(&t, "hard link", "is a hard link");
    tb_entry(&t, "dev", NULL, '3', NULL, 0, "ustar");
    tb_end(&t);
    expect_refused(&t, "device", "is a device");
    tb_entry(&t, "fifo", NULL, '6', NULL, 0, "ustar");
    tb_end(&t);
    expect_refused(&t, "fifo", "is a FIFO");
    tb_file(&t, "twice", "1");
    tb_file(&t, "./twice", "2");
    tb_end(&t);
    expect_refused(&t, "duplicate", "'twice' appears twice");
    tb_file(&t, "f", "1");
    tb_file(&t, "f/g", "2");
    tb_end(&t);
    expect_refused(&t, "file as folder", "both a file and a folder");
    tb_end(&t);
    expect_refused(&t, "empty", "holds no files");
    const char *paxsize = "14 size=99999\n";
    tb_entry(&t, "PaxHeader", NULL, 'x', paxsize, strlen(paxsize), "ustar");
    tb_file(&t, "big", "x");
    tb_end(&t);
    expect_refused(&t, "pax size", "not supported");

    /* a corrupt header checksum, random bytes, truncated data */
    tb_file(&t, "a", "hello");
    t.p[0] ^= 1;
    expect_refused(&t, "checksum", "header checksum");
    unsigned char junk[1024];
    for (int i = 0; i < 1024; i++) junk[i] = (unsigned char)(i * 37 + 11);
    tb_put(&t, junk, sizeof junk);
    expect_refused(&t, "junk", "not a tar archive");
    char big[3000];
    memset(big, 'q', sizeof big);
    big[sizeof big - 1] = 0;
    tb_file(&t, "big", big);
    t.len = 512 + 1000;
    expect_refused(&t, "truncated", "truncated archive");
}

int main(void)
{
    if (!test_tmpdir("targz", tmp, sizeof tmp)) test_skip("no temporary folder");
    test_md5();
    test_tar_good();
    test_tar_hostile();
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmp);
    return test_done();
}

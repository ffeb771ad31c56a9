/* test_fileio.c: core/fileio (regular-file reads, safe writes over every kind of file) and
 * core/checked (overflow-checked size arithmetic).
 *
 * Writes: a new file, a regular file replaced atomically with its permissions kept, a symlink
 * (its target replaced, the link kept), a dangling symlink, a FIFO (written into, still a
 * FIFO), /dev/null, /dev/full (a write error, the device untouched), a directory and a missing
 * folder (refused), an aborted write (the old file untouched, no temporary file left).
 * Reads: a FIFO without a writer is refused at once (an alarm fails the test if it hangs), and
 * so are a directory and a device. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "checked.h"
#include "fileio.h"
#include "testlib.h"

static char dir[1024];

static const char *at(const char *name)
{
    static char p[4][1200];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static int write_text(const char *path, const char *text, int flags, ae_err *err)
{
    return fio_write_file(path, text, strlen(text), flags, err);
}

static int has_text(const char *path, const char *text)
{
    char buf[256] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    return n == strlen(text) && !memcmp(buf, text, n);
}

/* Files in dir whose name holds ".tmp-". */
static int leftovers(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".tmp-")) n++;
    if (d) closedir(d);
    return n;
}

static void test_writes(void)
{
    ae_err err = {{0}};
    struct stat st, st2;
    umask(022);

    /* new file, then replaced: atomic (a new inode), mode kept */
    CHECK(write_text(at("a.csv"), "one\n", 0, &err) == 0, "%s", err.msg);
    CHECK(has_text(at("a.csv"), "one\n"), "new file content");
    CHECK(stat(at("a.csv"), &st) == 0 && (st.st_mode & 0777) == 0644, "new file mode %o",
          st.st_mode & 0777);
    chmod(at("a.csv"), 0640);
    stat(at("a.csv"), &st);
    CHECK(write_text(at("a.csv"), "two\n", 0, &err) == 0, "%s", err.msg);
    CHECK(has_text(at("a.csv"), "two\n"), "replaced content");
    CHECK(stat(at("a.csv"), &st2) == 0 && (st2.st_mode & 0777) == 0640, "mode not kept: %o",
          st2.st_mode & 0777);
    CHECK(st.st_ino != st2.st_ino, "a regular file is replaced by rename (atomically)");

    /* symlink: the target gets the bytes, the link stays a link */
    CHECK(symlink("a.csv", at("link.csv")) == 0, "symlink");
    CHECK(write_text(at("link.csv"), "three\n", 0, &err) == 0, "%s", err.msg);
    CHECK(lstat(at("link.csv"), &st) == 0 && S_ISLNK(st.st_mode), "the symlink was replaced");
    CHECK(has_text(at("a.csv"), "three\n"), "the symlink's target was not written");
    /* dangling symlink: its target is created */
    CHECK(symlink("made.csv", at("dangling.csv")) == 0, "symlink");
    CHECK(write_text(at("dangling.csv"), "four\n", 0, &err) == 0, "%s", err.msg);
    CHECK(lstat(at("dangling.csv"), &st) == 0 && S_ISLNK(st.st_mode), "dangling link replaced");
    CHECK(has_text(at("made.csv"), "four\n"), "dangling link's target not created");

    /* FIFO: written into (a reader is waiting), still a FIFO afterwards */
    CHECK(mkfifo(at("fifo"), 0644) == 0, "mkfifo");
    int rd = open(at("fifo"), O_RDONLY | O_NONBLOCK);
    CHECK(rd >= 0, "open the FIFO's read end");
    CHECK(write_text(at("fifo"), "through the pipe\n", 0, &err) == 0, "FIFO: %s", err.msg);
    char buf[64] = {0};
    CHECK(read(rd, buf, sizeof buf - 1) == 17 && !strcmp(buf, "through the pipe\n"),
          "FIFO read back '%s'", buf);
    close(rd);
    CHECK(lstat(at("fifo"), &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO was replaced");

    /* devices: /dev/null takes it, /dev/full reports the error, neither is replaced */
    CHECK(write_text("/dev/null", "x\n", 0, &err) == 0, "/dev/null: %s", err.msg);
    CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode), "/dev/null replaced");
    if (access("/dev/full", W_OK) == 0) {
        CHECK(write_text("/dev/full", "x\n", 0, &err) == -1 && strstr(err.msg, "/dev/full") &&
                  strstr(err.msg, "No space left"),
              "/dev/full: '%s'", err.msg);
        CHECK(stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode), "/dev/full replaced");
    }

    /* refused: a directory, a missing folder, a socket-free name in a missing folder */
    mkdir(at("sub"), 0755);
    CHECK(write_text(at("sub"), "x", 0, &err) == -1 && strstr(err.msg, "is a directory"),
          "directory: '%s'", err.msg);
    CHECK(write_text(at("nowhere/x.csv"), "x", 0, &err) == -1 && strstr(err.msg, "nowhere/x.csv"),
          "missing folder: '%s'", err.msg);
    CHECK(write_text("", "x", 0, &err) == -1 && strstr(err.msg, "empty"), "empty name: '%s'",
          err.msg);
    if (geteuid() != 0) {
        chmod(at("a.csv"), 0444);
        CHECK(write_text(at("a.csv"), "five\n", 0, &err) == -1 && strstr(err.msg, "denied"),
              "a read-only file is replaced: '%s'", err.msg);
        CHECK(has_text(at("a.csv"), "three\n"), "read-only file changed");
        chmod(at("a.csv"), 0644);
    }

    /* abort: the old file stays as it was */
    fio_out o;
    CHECK(fio_out_open(&o, at("a.csv"), 0, &err) == 0, "%s", err.msg);
    fputs("half", o.f);
    fio_out_abort(&o);
    CHECK(has_text(at("a.csv"), "three\n"), "abort changed the file");
    CHECK(leftovers() == 0, "%d temporary files left", leftovers());

    /* "-" is standard output only when asked */
    CHECK(fio_out_open(&o, "-", FIO_DASH, &err) == 0 && o.f == stdout && o.to_stdout, "dash");
    CHECK(fio_out_commit(&o, &err) == 0, "%s", err.msg);
}

static void test_reads(void)
{
    ae_err err = {{0}};
    int64_t size = -1;
    alarm(20); /* a read that blocks fails the test instead of hanging it */
    CHECK(write_text(at("r.bin"), "12345", 0, &err) == 0, "%s", err.msg);
    int fd = fio_open_read(at("r.bin"), &size, &err);
    CHECK(fd >= 0 && size == 5, "regular file: %s", err.msg);
    char c[8];
    CHECK(fd >= 0 && read(fd, c, 8) == 5, "blocking read of a regular file");
    if (fd >= 0) close(fd);
    FILE *f = fio_fopen_read(at("r.bin"), NULL, &err);
    CHECK(f && fgetc(f) == '1', "fopen: %s", err.msg);
    if (f) fclose(f);

    mkfifo(at("rfifo"), 0644);
    CHECK(fio_open_read(at("rfifo"), NULL, &err) == -1 && strstr(err.msg, "FIFO") &&
              strstr(err.msg, "rfifo"),
          "FIFO: '%s'", err.msg);
    CHECK(fio_fopen_read(at("rfifo"), NULL, &err) == NULL && strstr(err.msg, "FIFO"), "FIFO: '%s'",
          err.msg);
    CHECK(fio_stat_regular(at("rfifo"), NULL, &err) == -1 && strstr(err.msg, "FIFO"), "stat: '%s'",
          err.msg);
    CHECK(fio_open_read(dir, NULL, &err) == -1 && strstr(err.msg, "directory"), "dir: '%s'",
          err.msg);
    CHECK(fio_open_read("/dev/null", NULL, &err) == -1 && strstr(err.msg, "character device"),
          "device: '%s'", err.msg);
    CHECK(fio_open_read(at("missing"), NULL, &err) == -1 && strstr(err.msg, "No such file"),
          "missing: '%s'", err.msg);
    alarm(0);
}

static void test_checked(void)
{
    int64_t r = 7;
    CHECK(ck_mul(65536, 65536, &r) == 0 && r == 4294967296LL, "2^32");
    CHECK(ck_mul(INT64_MAX, 2, &r) == -1 && r == 4294967296LL, "overflow untouched");
    CHECK(ck_mul(-1, 2, &r) == -1, "negative");
    CHECK(ck_add(INT64_MAX, 1, &r) == -1, "add overflow");
    int64_t shape[3] = {65536, 65536, 3};
    CHECK(ck_prod(shape, 3, CK_MAX_ELEMS, &r) == 0 && r == 12884901888LL, "prod");
    CHECK(ck_prod(shape, 3, 1 << 30, &r) == -1, "prod over max");
    int ishape[4] = {65536, 65536, 128, 1}, ir = 0;
    CHECK(ck_prod_int(ishape, 3, 0x7fffffff, &ir) == -1 && ir == 0, "h*w*128 refused");
    CHECK(ck_prod_int(ishape + 2, 2, 0x7fffffff, &ir) == 0 && ir == 128, "small int prod");
    CHECK(ck_prod(shape, 0, 1, &r) == 0 && r == 1, "empty product");
}

int main(void)
{
    if (!test_tmpdir("test_fileio", dir, sizeof dir)) test_skip("no temporary directory");
    signal(SIGPIPE, SIG_IGN);
    test_writes();
    test_reads();
    test_checked();
    return test_done();
}

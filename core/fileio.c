/* fileio.c: regular-file reads and safe writes (see fileio.h). */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* "a FIFO", "a directory", ... for what is not a regular file. */
static const char *kind_of(mode_t m)
{
    if (S_ISDIR(m)) return "a directory";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISSOCK(m)) return "a socket";
    return "not a file";
}

static int not_regular(const char *path, mode_t m, ae_err *err)
{
    return ae_fail(err, "%s: not a regular file (%s)", path, kind_of(m));
}

static int open_failed(const char *path, int e, ae_err *err)
{
    if (e == ENOENT) return ae_fail(err, "%s: %s", path, strerror(e));
    return ae_fail(err, "%s: cannot open: %s", path, strerror(e));
}

int fio_stat_regular(const char *path, int64_t *size, ae_err *err)
{
    struct stat st;
    if (!path || !*path) return ae_fail(err, "empty file name");
    if (stat(path, &st) != 0) return open_failed(path, errno, err);
    if (!S_ISREG(st.st_mode)) return not_regular(path, st.st_mode, err);
    if (size) *size = (int64_t)st.st_size;
    return 0;
}

int fio_open_read(const char *path, int64_t *size, ae_err *err)
{
    if (!path || !*path) return ae_fail(err, "empty file name");
    /* O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return open_failed(path, errno, err);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return ae_fail(err, "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return not_regular(path, st.st_mode, err);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        int e = errno;
        close(fd);
        return ae_fail(err, "%s: cannot open: %s", path, strerror(e));
    }
    if (size) *size = (int64_t)st.st_size;
    return fd;
}

FILE *fio_fopen_read(const char *path, int64_t *size, ae_err *err)
{
    int fd = fio_open_read(path, size, err);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        ae_fail(err, "%s: cannot open: %s", path, strerror(e));
    }
    return f;
}

/* ---- writing -------------------------------------------------------------------------- */

/* Creates the temporary file beside o->path; returns its descriptor or -1 (errno set). */
static int make_tmp(fio_out *o)
{
    struct timespec ts;
    for (int attempt = 0; attempt < 100; attempt++) {
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long salt = ((unsigned long)ts.tv_nsec ^ (unsigned long)(uintptr_t)o) + attempt;
        snprintf(o->tmp, sizeof o->tmp, "%s.tmp-%ld-%06lx", o->path, (long)getpid(),
                 salt & 0xffffff);
        /* 0666 less the umask for a new file, as the shell's `>` would create it */
        int fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    errno = EEXIST;
    return -1;
}

/* The stream's write: every byte to the descriptor, the first failure's errno kept (stdio
 * keeps only an error flag, and errno is long gone by the time the stream is closed). */
static ssize_t cookie_write(void *cookie, const char *buf, size_t len)
{
    fio_out *o = cookie;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(o->fd, buf + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            if (!o->error) o->error = w < 0 ? errno : EIO;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)w;
    }
    return (ssize_t)done;
}

static int cookie_close(void *cookie)
{
    fio_out *o = cookie;
    int rc = close(o->fd);
    if (rc && !o->error && errno != EINTR) o->error = errno;
    o->fd = -1;
    return rc;
}

int fio_out_open(fio_out *o, const char *path, int flags, ae_err *err)
{
    memset(o, 0, sizeof *o);
    o->mode = -1;
    o->fd = -1;
    if (!path || !*path) return ae_fail(err, "empty output file name");
    snprintf(o->name, sizeof o->name, "%s", path);
    if ((flags & FIO_DASH) && !strcmp(path, "-")) {
        o->f = stdout;
        o->to_stdout = 1;
        return 0;
    }
    if (strlen(path) >= sizeof o->path - 64) return ae_fail(err, "%s: path too long", path);
    snprintf(o->path, sizeof o->path, "%s", path);

    /* a symlink is followed to its file: that file is what gets replaced */
    struct stat st;
    int dangling = 0;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        char *real = realpath(path, NULL);
        if (real && strlen(real) < sizeof o->path - 64)
            snprintf(o->path, sizeof o->path, "%s", real);
        else
            dangling = 1; /* to nowhere (yet): open() creates the target */
        free(real);
    }
    int direct = dangling, exists = 0;
    if (!dangling) {
        if (stat(o->path, &st) == 0) {
            exists = 1;
            if (S_ISDIR(st.st_mode) || S_ISSOCK(st.st_mode))
                return ae_fail(err, "%s: cannot write: %s", path,
                               S_ISDIR(st.st_mode) ? "is a directory" : "is a socket");
            if (S_ISREG(st.st_mode)) {
                if (access(o->path, W_OK) != 0)
                    return ae_fail(err, "%s: cannot write: %s", path, strerror(errno));
                o->mode = (int)(st.st_mode & 07777);
            } else {
                direct = 1; /* a FIFO, a device: written into, never replaced */
            }
        } else if (errno != ENOENT) {
            return ae_fail(err, "%s: cannot create: %s", path, strerror(errno));
        }
    }
    int fd = -1;
    if (!direct) {
        fd = make_tmp(o);
        if (fd < 0 && errno == EACCES && exists) {
            direct = 1; /* a writable file in a folder we cannot write: in place */
        } else if (fd < 0) {
            int e = errno;
            o->tmp[0] = 0;
            return ae_fail(err, "%s: cannot create: %s", path, strerror(e));
        } else if (o->mode >= 0) {
            (void)fchmod(fd, (mode_t)o->mode); /* best effort: keep the replaced file's mode */
        }
    }
    if (direct) {
        o->tmp[0] = 0;
        int oflags = O_WRONLY | O_NOCTTY | O_CLOEXEC;
        if (dangling || exists) oflags |= O_CREAT;
        if (dangling || (exists && S_ISREG(st.st_mode))) oflags |= O_TRUNC;
        fd = open(o->path, oflags, 0666);
        if (fd < 0) return ae_fail(err, "%s: cannot open for writing: %s", path, strerror(errno));
    }
    o->fd = fd;
    o->f = fopencookie(o, "wb", (cookie_io_functions_t){NULL, cookie_write, NULL, cookie_close});
    if (!o->f) {
        int e = errno;
        close(fd);
        if (o->tmp[0]) unlink(o->tmp);
        return ae_fail(err, "%s: cannot open for writing: %s", path, strerror(e));
    }
    return 0;
}

void fio_sync_dir(const char *path)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = 0;
    else if (slash)
        *slash = 0;
    else
        snprintf(dir, sizeof dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd); /* some file systems refuse fsync on folders */
        close(fd);
    }
}

int fio_out_commit(fio_out *o, ae_err *err)
{
    if (!o->f) return ae_fail(err, "%s: not open", o->name);
    if (o->to_stdout) {
        errno = 0;
        int bad = fflush(stdout) != 0 || ferror(stdout);
        int e = errno ? errno : EIO;
        o->f = NULL;
        if (bad) return ae_fail(err, "standard output: write error: %s", strerror(e));
        return 0;
    }
    int e = 0;
    if (fflush(o->f) != 0 || ferror(o->f)) e = o->error ? o->error : EIO;
    if (!e && o->tmp[0] && fsync(o->fd) != 0) e = errno;
    if (fclose(o->f) != 0 && !e) e = o->error ? o->error : EIO;
    o->f = NULL;
    if (!e && o->tmp[0] && rename(o->tmp, o->path) != 0) e = errno;
    if (e) {
        if (o->tmp[0]) unlink(o->tmp);
        o->tmp[0] = 0;
        return ae_fail(err, "%s: write error: %s", o->name, strerror(e));
    }
    if (o->tmp[0]) fio_sync_dir(o->path);
    o->tmp[0] = 0;
    return 0;
}

void fio_out_abort(fio_out *o)
{
    if (o->f && !o->to_stdout) fclose(o->f);
    if (o->to_stdout) fflush(stdout);
    o->f = NULL;
    if (o->tmp[0]) unlink(o->tmp);
    o->tmp[0] = 0;
}

int fio_write_file(const char *path, const void *data, size_t len, int flags, ae_err *err)
{
    fio_out o;
    if (fio_out_open(&o, path, flags, err)) return -1;
    if (len) fwrite(data, 1, len, o.f);
    return fio_out_commit(&o, err);
}

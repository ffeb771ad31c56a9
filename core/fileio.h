/* fileio.h: opening files safely, for every reader and writer of aetui.
 *
 * Reading: a data file, an --input or a checkpoint must be a regular file. A FIFO with no
 * writer blocks open() forever, a device or a directory gives nonsense, so readers open with
 * fio_open_read() / fio_fopen_read(): open(O_NONBLOCK) (which never blocks), fstat, refuse
 * what is not a regular file with "PATH: not a regular file (a FIFO)", then back to blocking
 * reads. fio_stat_regular() is the same check without opening (for finders).
 *
 * Writing: every output file goes through fio_out. What is at the path decides how:
 *   - nothing, or a regular file: a temporary file beside it ("PATH.tmp-PID-N"), fsynced and
 *     renamed over PATH on commit, so a failed write never leaves half a file and never
 *     touches the old one; an existing file keeps its permissions;
 *   - a symlink to a file: the same for its target (the link stays a link);
 *   - anything else (a FIFO, /dev/null, /dev/full, a terminal): written directly (a FIFO
 *     waits for its reader, as a shell's `>` does), never replaced;
 *   - a directory or a socket: refused.
 * Every write error (a full disk, /dev/full, a closed pipe) is reported by fio_out_commit,
 * which names the file. With FIO_DASH, the name "-" means standard output.
 *
 * Exit statuses for src/: a failing fio_out_open is bad input (the path: status 2), a failing
 * fio_out_commit a run-time failure (status 1).
 *
 * Memory: a fio_out holds its own FILE; commit or abort closes it. Any thread; no state. */
#ifndef AE_FILEIO_H
#define AE_FILEIO_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"

/* Opens path read-only if it is a regular file. Returns the descriptor (O_CLOEXEC, blocking)
 * and its size in *size (when not NULL), or -1 with err naming the path and the problem. */
int fio_open_read(const char *path, int64_t *size, ae_err *err);
/* The same as a stdio stream ("rb"); NULL on failure. */
FILE *fio_fopen_read(const char *path, int64_t *size, ae_err *err);
/* 0 when path is (or links to) a regular file, else -1 with err as fio_open_read's. */
int fio_stat_regular(const char *path, int64_t *size, ae_err *err);

enum { FIO_DASH = 1 }; /* fio_out_open flags: "-" is standard output */

typedef struct fio_out {
    FILE *f;         /* write here (a stream over fd that records the first write error) */
    int fd;          /* the descriptor written */
    int error;       /* errno of the first failed write, 0 while all is well */
    char name[1024]; /* the name given, for messages */
    char path[4096]; /* the file written: the name, or a symlink's target */
    char tmp[4200];  /* the temporary file renamed over path; "" when writing directly */
    int mode;        /* permissions of the file replaced; -1 for a new file */
    int to_stdout;
} fio_out;

/* Opens an output at path (see above). Returns 0, or -1 with err (nothing created). The
 * stream points at *o: do not copy or move an open fio_out. */
int fio_out_open(fio_out *o, const char *path, int flags, ae_err *err);
/* Flushes, checks every write, syncs and renames into place. Returns 0, or -1 with err
 * ("PATH: write error: No space left on device"); the temporary file is then removed. */
int fio_out_commit(fio_out *o, ae_err *err);
/* Gives up: closes and removes the temporary file (a direct output keeps what was written). */
void fio_out_abort(fio_out *o);

/* fsync of the folder holding path, so that a rename into it survives a crash (best
 * effort: some file systems refuse fsync on folders). */
void fio_sync_dir(const char *path);

/* Convenience: path gets exactly the len bytes of data, through fio_out. */
int fio_write_file(const char *path, const void *data, size_t len, int flags, ae_err *err);

#endif

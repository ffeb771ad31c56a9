/* fetch.h: downloading one URL into a file with libcurl, for `aetui get`.
 *
 * The bytes go into a partial file (the caller's `part` path), appended to what is already
 * there: a partial file left by an interrupted download is resumed with an HTTP Range request.
 * A server that ignores the range (200 instead of 206) or answers a different one starts the
 * file over; 416 (range not satisfiable: the partial file is already whole) ends the transfer
 * and leaves the checking to the caller's checksum.
 *
 * Transient failures (refused or timed-out connection, connection dropped, a stall, HTTP 408,
 * 429 and 5xx) are retried after 1, 2, 4, ... seconds (at most 30), each retry resuming where
 * the last stopped; an attempt that brought bytes does not use up a retry and is followed
 * after half a second (then the pauses start again at 1 s). A stall is no byte
 * for `stall_timeout` seconds, counted from the request too (a server that accepts and never
 * answers). Not retried: HTTP 4xx, DNS failures, a write error (disk full), a bad URL.
 *
 * Messages name the URL and the problem ("URL: HTTP 404 Not Found", "URL: no data for 30 s
 * (the server stalled)", "URL: cannot resolve the host (DNS failure or no network)",
 * "PATH: disk full (No space left on device)"); the partial file is kept for a later resume.
 *
 * Call curl_global_init once before the first fetch. One thread per fetch; the callbacks
 * run on the calling thread. */
#ifndef AE_FETCH_H
#define AE_FETCH_H

#include <signal.h>
#include <stdint.h>

#include "err.h"

typedef struct fetch_opts {
    long connect_timeout; /* seconds to establish a connection */
    long stall_timeout;   /* seconds without a byte before giving up on an attempt */
    int retries;          /* further attempts after transient failures that brought no bytes */
    /* Called at most ~10 times a second while bytes arrive: have = bytes in the partial file,
     * total = the whole file's size (-1 when the server does not say), rate in bytes/s. */
    void (*progress)(void *ctx, int64_t have, int64_t total, double rate);
    /* Called with a one-line notice before a retry ("...: retrying in 2 s"). */
    void (*note)(void *ctx, const char *msg);
    void *ctx;
    /* When it becomes non-zero (a signal handler sets it), the transfer stops and
     * fetch_url fails with "interrupted". May be NULL. */
    volatile sig_atomic_t *cancel;
} fetch_opts;

typedef struct fetch_result {
    int64_t bytes;        /* size of the partial file at the end */
    int64_t resumed_from; /* bytes already there when the first attempt began */
    int64_t resumed_at;   /* where the last attempt that resumed began (0: none resumed) */
    int attempts;         /* requests made */
    double seconds;       /* wall time */
    int interrupted;      /* stopped through opts->cancel */
} fetch_result;

/* Downloads url into part (created when missing, appended to otherwise). Returns 0 when the
 * server sent the rest of the file, -1 with err otherwise (res filled in both cases). */
int fetch_url(const char *url, const char *part, const fetch_opts *opts, fetch_result *res,
              ae_err *err);

#endif

/* fetch.c: one URL into a partial file with libcurl: resume, retries, stall detection
 * (see fetch.h).
 *
 * One attempt is one curl_easy_perform. The write callback appends to the partial file
 * (O_APPEND, plain write(2), so a full disk shows at once and not at a later flush); the
 * header callback notes the Content-Range of the answer, so that a 206 for another range
 * than the one asked starts the file over; the progress callback watches for a stall and for
 * the cancel flag and reports progress. */
#include "fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define FETCH_MAX_BACKOFF 30.0

typedef struct fetch_xfer {
    CURL *curl;
    int fd;
    const char *part;
    const fetch_opts *o;
    int64_t offset;     /* bytes in the file when this attempt began */
    int64_t got;        /* bytes written by this attempt */
    int64_t range_from; /* start of the answer's Content-Range, -1 without one */
    int64_t range_size; /* the whole size from Content-Range, -1 unknown */
    double t_start, t_last_byte, t_last_report;
    int first_write_seen;
    int stalled, cancelled, bad_range, write_errno;
} fetch_xfer;

static int64_t fetch_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

static size_t fetch_on_header(char *buf, size_t size, size_t n, void *ud)
{
    fetch_xfer *x = ud;
    size_t len = size * n;
    char line[256];
    size_t k = len < sizeof line - 1 ? len : sizeof line - 1;
    memcpy(line, buf, k);
    line[k] = 0;
    if (!strncmp(line, "HTTP/", 5)) { /* a new answer (after a redirect): forget the last */
        x->range_from = x->range_size = -1;
    } else if (!strncasecmp(line, "Content-Range:", 14)) {
        long long from, to, whole;
        if (sscanf(line + 14, " bytes %lld-%lld/%lld", &from, &to, &whole) == 3) {
            x->range_from = from;
            x->range_size = whole;
        } else if (sscanf(line + 14, " bytes %lld-%lld/*", &from, &to) == 2) {
            x->range_from = from;
        }
    }
    return len;
}

static size_t fetch_on_data(char *buf, size_t size, size_t n, void *ud)
{
    fetch_xfer *x = ud;
    size_t len = size * n;
    if (!x->first_write_seen) {
        x->first_write_seen = 1;
        long code = 0;
        curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &code);
        /* asked for a range but got the whole file, or another range: start over */
        if (x->offset > 0 && (code != 206 || x->range_from != x->offset)) {
            x->bad_range = 1;
            return 0;
        }
    }
    for (size_t done = 0; done < len;) {
        ssize_t w = write(x->fd, buf + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            x->write_errno = w < 0 ? errno : EIO;
            return 0;
        }
        done += (size_t)w;
    }
    x->got += (int64_t)len;
    x->t_last_byte = cli_now();
    return len;
}

static int fetch_on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                             curl_off_t ulnow)
{
    fetch_xfer *x = ud;
    double t = cli_now();
    if (x->o->cancel && *x->o->cancel) {
        x->cancelled = 1;
        return 1;
    }
    /* A stall is counted from the moment the connection is up (before that the connect
     * timeout governs), and from the last byte after that. */
    curl_off_t connected = 0;
    curl_easy_getinfo(x->curl, CURLINFO_CONNECT_TIME_T, &connected);
    if (connected == 0 && x->got == 0) x->t_last_byte = t;
    if (t - x->t_last_byte >= (double)x->o->stall_timeout) {
        x->stalled = 1;
        return 1;
    }
    if (x->o->progress && (t - x->t_last_report >= 0.1)) {
        x->t_last_report = t;
        int64_t total = x->range_size > 0 ? x->range_size
                        : dltotal > 0     ? x->offset + (int64_t)dltotal
                                          : -1;
        double el = t - x->t_start;
        x->o->progress(x->o->ctx, x->offset + x->got, total, el > 0 ? x->got / el : 0);
    }
    (void)dlnow, (void)ultotal, (void)ulnow;
    return 0;
}

static const char *fetch_http_reason(long code)
{
    switch (code) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 408:
        return "Request Timeout";
    case 410:
        return "Gone";
    case 416:
        return "Range Not Satisfiable";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return code >= 500 ? "server error" : "error";
    }
}

/* What one attempt ended with. */
enum { FETCH_DONE, FETCH_RESTART, FETCH_TRANSIENT, FETCH_FATAL };

/* Runs one attempt: the rest of the file from its current size. */
static int fetch_attempt(const char *url, fetch_xfer *x, ae_err *err)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    const fetch_opts *o = x->o;
    x->offset = fetch_file_size(x->part);
    x->got = 0;
    x->range_from = x->range_size = -1;
    x->first_write_seen = x->stalled = x->cancelled = x->bad_range = x->write_errno = 0;
    x->t_start = x->t_last_byte = cli_now();
    x->t_last_report = 0;

    CURL *c = x->curl;
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "aetui/" AETUI_VERSION);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
    curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 131072L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, fetch_on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fetch_on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, fetch_on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
    if (x->offset > 0) curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)x->offset);

    CURLcode rc = curl_easy_perform(c);
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);

    switch (rc) {
    case CURLE_OK:
        if (code == 200 || code == 206 || code == 0) return FETCH_DONE;
        ae_fail(err, "%s: unexpected answer HTTP %ld", url, code);
        return FETCH_FATAL;
    case CURLE_ABORTED_BY_CALLBACK:
        if (x->cancelled) {
            ae_fail(err, "%s: interrupted", url);
            return FETCH_FATAL;
        }
        ae_fail(err, "%s: no data for %ld s (the server stalled)", url, o->stall_timeout);
        return FETCH_TRANSIENT;
    case CURLE_WRITE_ERROR:
        if (x->bad_range) return FETCH_RESTART;
        if (x->write_errno == ENOSPC || x->write_errno == EDQUOT)
            ae_fail(err, "%s: disk full (%s)", x->part, strerror(x->write_errno));
        else
            ae_fail(err, "%s: write error: %s", x->part,
                    x->write_errno ? strerror(x->write_errno) : detail);
        return FETCH_FATAL;
    case CURLE_RANGE_ERROR: /* the server cannot resume: start the file over */
        if (x->offset > 0) return FETCH_RESTART;
        ae_fail(err, "%s: %s", url, detail);
        return FETCH_FATAL;
    case CURLE_HTTP_RETURNED_ERROR:
        if (code == 416 && x->offset > 0) return FETCH_DONE; /* already whole: the checksum says */
        ae_fail(err, "%s: HTTP %ld %s", url, code, fetch_http_reason(code));
        return code == 408 || code == 429 || code >= 500 ? FETCH_TRANSIENT : FETCH_FATAL;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        ae_fail(err, "%s: cannot resolve the host (DNS failure or no network): %s", url, detail);
        return FETCH_FATAL;
    case CURLE_COULDNT_CONNECT:
        ae_fail(err, "%s: cannot connect: %s", url, detail);
        return FETCH_TRANSIENT;
    case CURLE_OPERATION_TIMEDOUT:
        ae_fail(err, "%s: connection timed out after %ld s", url, o->connect_timeout);
        return FETCH_TRANSIENT;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
        ae_fail(err, "%s: the connection broke off after %lld bytes (%s)", url,
                (long long)(x->offset + x->got), detail);
        return FETCH_TRANSIENT;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
        ae_fail(err, "%s: not a URL aetui can fetch (http:// or https://): %s", url, detail);
        return FETCH_FATAL;
    default:
        ae_fail(err, "%s: %s", url, detail);
        return FETCH_FATAL;
    }
}

/* Sleeps s seconds unless cancelled meanwhile; returns non-zero when cancelled. */
static int fetch_sleep(double s, const fetch_opts *o)
{
    double end = cli_now() + s;
    while (cli_now() < end) {
        if (o->cancel && *o->cancel) return 1;
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return o->cancel && *o->cancel;
}

int fetch_url(const char *url, const char *part, const fetch_opts *opts, fetch_result *res,
              ae_err *err)
{
    memset(res, 0, sizeof *res);
    double t0 = cli_now();
    res->resumed_from = fetch_file_size(part);
    fetch_xfer x = {0};
    x.o = opts;
    x.part = part;
    x.fd = open(part, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (x.fd < 0) return ae_fail(err, "%s: cannot write: %s", part, strerror(errno));
    x.curl = curl_easy_init();
    if (!x.curl) {
        close(x.fd);
        return ae_fail(err, "%s: cannot start libcurl", url);
    }
    int failures = 0, restarts = 0, status = -1;
    double backoff = 1;
    ae_err e = {""};
    for (;;) {
        res->attempts++;
        int r = fetch_attempt(url, &x, &e);
        if (x.offset > 0 && x.first_write_seen && !x.bad_range) res->resumed_at = x.offset;
        if (r == FETCH_DONE) {
            status = 0;
            break;
        }
        if (r == FETCH_RESTART) {
            /* at most twice in a row: a server that keeps answering other ranges is broken */
            if (++restarts > 2 || ftruncate(x.fd, 0) != 0) {
                ae_fail(&e, "%s: the server does not resume downloads correctly", url);
                break;
            }
            continue;
        }
        restarts = 0;
        if (r == FETCH_FATAL) break;
        /* transient: an attempt that brought bytes does not count against the retries, and
         * the next one follows after a short pause only */
        if (x.got > 0) {
            failures = 0;
            backoff = 0.5;
        } else if (++failures > opts->retries) {
            if (res->attempts > 1) {
                char m[sizeof e.msg];
                snprintf(m, sizeof m, "%s", e.msg);
                ae_fail(&e, "%s (gave up after %d attempts)", m, res->attempts);
            }
            break;
        }
        if (opts->note) {
            char msg[700];
            snprintf(msg, sizeof msg, "%s; retrying in %g s", e.msg, backoff);
            opts->note(opts->ctx, msg);
        }
        if (fetch_sleep(backoff, opts)) {
            x.cancelled = 1;
            ae_fail(&e, "%s: interrupted", url);
            break;
        }
        backoff = x.got > 0 ? 1 : backoff * 2 > FETCH_MAX_BACKOFF ? FETCH_MAX_BACKOFF : backoff * 2;
    }
    res->interrupted = x.cancelled;
    if (close(x.fd) != 0 && status == 0)
        status = ae_fail(&e, "%s: write error: %s", part, strerror(errno));
    if (status) ae_fail(err, "%s", e.msg);
    curl_easy_cleanup(x.curl);
    res->bytes = fetch_file_size(part);
    res->seconds = cli_now() - t0;
    return status;
}

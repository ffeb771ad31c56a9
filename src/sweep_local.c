/* sweep_local.c: a sweep's members run on this machine, N at a time (see sweep.h).
 *
 * The idea: each member is a child `aetui train ... --json` in its own process group, so the
 * terminal's Ctrl-C reaches only the sweep, which passes exactly one SIGINT to each child: a
 * child stops after its batch and records its run as stopped, with the checkpoint a later
 * `sweep --resume` goes on from (a second Ctrl-C is passed on too, and the children quit at
 * once). A child's run is found by its pid in the store (runs record their pid and host), so
 * train needs to know nothing of sweeps. Children's standard output (JSON) is read for the
 * epoch and the result; their standard error is kept (its end) to show when one fails. */
#include "sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "store_cli.h"
#include "train_checkpoint.h"

static volatile sig_atomic_t g_stops;

/* Wall-clock seconds, as runs record their creation. */
static double wall(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

static void on_stop(int sig)
{
    (void)sig;
    g_stops++;
    static const char msg[] = "\naetui sweep: stopping the running members after their batch "
                              "(Ctrl-C again to quit them at once)\n";
    if (g_stops == 1 && write(2, msg, sizeof msg - 1) < 0) { /* nothing to do */
    }
}

typedef struct child {
    pid_t pid;
    int member, out_fd, err_fd, resumed, epoch, signalled;
    int64_t run;
    double t0, test_loss, test_mse;
    char status[16];
    char line[4096];
    size_t nline;
    char tail[1024]; /* the end of its standard error */
    size_t ntail;
} child;

/* A number after "key": in a JSON line; NaN when absent. */
static double json_num(const char *line, const char *key)
{
    char k[48];
    snprintf(k, sizeof k, "\"%s\":", key);
    const char *p = strstr(line, k);
    return p ? strtod(p + strlen(k), NULL) : NAN;
}

static void json_text(const char *line, const char *key, char *out, size_t len)
{
    char k[48];
    snprintf(k, sizeof k, "\"%s\":\"", key);
    const char *p = strstr(line, k);
    out[0] = 0;
    if (!p) return;
    p += strlen(k);
    size_t n = strcspn(p, "\"");
    snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), p);
}

static void on_line(child *c)
{
    c->line[c->nline] = 0;
    if (strstr(c->line, "\"summary\":true")) {
        double r = json_num(c->line, "run"), m = json_num(c->line, "test_mse");
        if (r > 0) c->run = (int64_t)r;
        c->test_mse = m;
        json_text(c->line, "status", c->status, sizeof c->status);
    } else if (strstr(c->line, "\"epoch\":")) {
        c->epoch = (int)json_num(c->line, "epoch");
        c->test_loss = json_num(c->line, "test_loss");
    }
    c->nline = 0;
}

/* Reads what is there; returns 0 at end of file. */
static int drain(child *c, int fd)
{
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) return errno == EINTR || errno == EAGAIN;
    if (n == 0) return 0;
    for (ssize_t i = 0; i < n; i++) {
        if (fd == c->out_fd) {
            if (buf[i] == '\n')
                on_line(c);
            else if (c->nline + 1 < sizeof c->line)
                c->line[c->nline++] = buf[i];
        } else {
            if (c->ntail + 1 >= sizeof c->tail) { /* keep the newest half */
                memmove(c->tail, c->tail + sizeof c->tail / 2, c->ntail - sizeof c->tail / 2);
                c->ntail -= sizeof c->tail / 2;
            }
            c->tail[c->ntail++] = buf[i];
        }
    }
    return 1;
}

static int spawn(child *c, const char *self, char **argv)
{
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC)) return -1;
    if (pipe2(err, O_CLOEXEC)) {
        close(out[0]), close(out[1]);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(out[0]), close(out[1]), close(err[0]), close(err[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0); /* the terminal's Ctrl-C is the sweep's to pass on */
        dup2(out[1], 1);
        dup2(err[1], 2);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0) dup2(null, 0);
        execv(self, argv);
        _exit(127);
    }
    close(out[1]), close(err[1]);
    c->pid = pid, c->out_fd = out[0], c->err_fd = err[0];
    return 0;
}

/* The last non-empty line of the child's standard error, made visible. */
static void tail_line(const child *c, char *out, size_t len)
{
    char t[sizeof c->tail + 1];
    memcpy(t, c->tail, c->ntail);
    t[c->ntail] = 0;
    size_t n = c->ntail;
    while (n && (t[n - 1] == '\n' || t[n - 1] == '\r')) t[--n] = 0;
    char *p = strrchr(t, '\n');
    scli_visible(p ? p + 1 : t, 200, out, len);
}

/* Does the member still need a run: 0 done, 1 a new run, 2 resume its run. */
static int need(store *st, const store_sweep_member *m)
{
    if (m->run <= 0) return 1;
    static store_run r;
    ae_err err;
    if (store_run_get(st, m->run, &r, &err)) return 1; /* deleted: run it anew */
    if (!strcmp(r.status, "finished") || !strcmp(r.status, "diverged")) return 0;
    if (!strcmp(r.status, "running")) return 0; /* someone is on it */
    char state[4300];
    if (strcmp(r.status, "failed") &&
        train_ckpt_file(st, m->run, TCKPT_STATE, state, sizeof state, &err) == 0)
        return 2;
    return 1;
}

int sweep_local_run(const char *cmd, const char *db, store *st, const store_sweep *sw, int jobs,
                    int threads)
{
    ae_err err;
    char self[4096];
    if (sweep_self(self, sizeof self, &err)) return cli_fail(cmd, "%s", err.msg);
    store_sweep_member *m;
    int n;
    if (store_sweep_members(st, sw->id, &m, &n, &err)) return cli_fail(cmd, "%s", err.msg);
    int *todo = malloc(sizeof *todo * (size_t)(n ? n : 1)), ntodo = 0, done = 0;
    child *kids = calloc((size_t)jobs, sizeof *kids);
    if (!todo || !kids) {
        free(m), free(todo), free(kids);
        return cli_fail(cmd, "out of memory");
    }
    int mode[SWEEP_MEMBERS_MAX];
    for (int i = 0; i < n; i++) {
        mode[i] = need(st, &m[i]);
        if (mode[i])
            todo[ntodo++] = i;
        else
            done++;
    }
    printf("sweep %lld: %d member%s, %d done, %d to run, %d at a time\n", (long long)sw->id, n,
           n == 1 ? "" : "s", done, ntodo, jobs);
    fflush(stdout);
    struct sigaction sa = {0}, old_int, old_term;
    sa.sa_handler = on_stop;
    g_stops = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    char base[sizeof sw->base];
    snprintf(base, sizeof base, "%s", sw->base);
    char *bargv[SWEEP_ARGS_MAX];
    int nb = sweep_split_args(base, bargv, SWEEP_ARGS_MAX);
    int next = 0, running = 0, failed = 0, stopped = 0, finished = 0, refused = 0, any_ok = 0;
    int forwarded = 0;
    while ((next < ntodo && !g_stops && !refused) || running) {
        /* start members while there is room */
        while (running < jobs && next < ntodo && !g_stops && !refused) {
            int k = 0;
            while (kids[k].pid) k++;
            child *c = &kids[k];
            memset(c, 0, sizeof *c);
            store_sweep_member *x = &m[todo[next++]];
            c->member = x->member, c->t0 = wall(), c->test_mse = c->test_loss = NAN;
            char *argv[2 * SWEEP_ARGS_MAX + 16], margs[sizeof x->args], tbuf[16], rbuf[24];
            int a = 0;
            argv[a++] = self, argv[a++] = "train";
            if (mode[x->member] == 2) {
                snprintf(rbuf, sizeof rbuf, "%lld", (long long)x->run);
                argv[a++] = "--resume", argv[a++] = rbuf;
                c->resumed = 1, c->run = x->run;
            } else {
                for (int i = 0; i < nb; i++) argv[a++] = bargv[i];
                snprintf(margs, sizeof margs, "%s", x->args);
                a += sweep_split_args(margs, argv + a, SWEEP_ARGS_MAX);
                if (threads > 0) {
                    snprintf(tbuf, sizeof tbuf, "%d", threads);
                    argv[a++] = "--threads", argv[a++] = tbuf;
                }
            }
            argv[a++] = "--db", argv[a++] = (char *)db, argv[a++] = "--json";
            argv[a] = NULL;
            if (spawn(c, self, argv)) {
                failed++;
                fprintf(stderr, "aetui %s: %s: cannot start a process: %s\n", cmd, x->key,
                        strerror(errno));
                memset(c, 0, sizeof *c);
                continue;
            }
            running++;
            printf("[%d/%d] %s: %s\n", x->member + 1, n, x->key,
                   c->resumed ? "resuming its run" : "started");
            fflush(stdout);
        }
        if (g_stops > forwarded) { /* pass each Ctrl-C on once */
            for (int k = 0; k < jobs; k++)
                if (kids[k].pid) kill(kids[k].pid, SIGINT);
            forwarded = g_stops;
        }
        struct pollfd pf[2 * 64];
        int np = 0, who[2 * 64];
        for (int k = 0; k < jobs && np + 2 <= 2 * 64; k++) {
            if (!kids[k].pid) continue;
            if (kids[k].out_fd >= 0)
                pf[np] = (struct pollfd){kids[k].out_fd, POLLIN, 0}, who[np++] = k;
            if (kids[k].err_fd >= 0)
                pf[np] = (struct pollfd){kids[k].err_fd, POLLIN, 0}, who[np++] = k;
        }
        if (np) poll(pf, (nfds_t)np, 200);
        for (int i = 0; i < np; i++) {
            if (!(pf[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            child *c = &kids[who[i]];
            if (!drain(c, pf[i].fd)) {
                close(pf[i].fd);
                if (pf[i].fd == c->out_fd)
                    c->out_fd = -1;
                else
                    c->err_fd = -1;
            }
        }
        /* a member's run is linked at its first epoch, so that runs --sweep and the
         * interface see it while it trains */
        for (int k = 0; k < jobs; k++) {
            child *c = &kids[k];
            int64_t id;
            if (!c->pid || c->run || c->epoch < 1 ||
                store_run_find_pid(st, c->pid, c->t0 - 1, &id, &err) != 1)
                continue;
            c->run = id;
            if (store_sweep_link(st, sw->id, c->member, id, &err))
                fprintf(stderr, "aetui %s: %s\n", cmd, err.msg);
        }
        /* reap the children whose output ended */
        for (int k = 0; k < jobs; k++) {
            child *c = &kids[k];
            if (!c->pid || c->out_fd >= 0 || c->err_fd >= 0) continue;
            int ws;
            if (waitpid(c->pid, &ws, 0) < 0) continue;
            int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
            if (c->nline) on_line(c);
            if (!c->run) {
                int64_t id;
                if (store_run_find_pid(st, c->pid, c->t0 - 1, &id, &err) == 1) c->run = id;
            }
            const store_sweep_member *x = &m[c->member];
            if (c->run > 0 && !c->resumed && store_sweep_link(st, sw->id, c->member, c->run, &err))
                fprintf(stderr, "aetui %s: %s: %s\n", cmd, x->key, err.msg);
            char what[400], tail[256];
            if (code == 0 && !strcmp(c->status, "finished")) {
                finished++, any_ok = 1;
                snprintf(what, sizeof what, "run %lld finished, test MSE %.6g (%.1f s)",
                         (long long)c->run, c->test_mse, wall() - c->t0);
            } else if (!strcmp(c->status, "stopped") || (g_stops && code == 130)) {
                stopped++;
                snprintf(what, sizeof what, "run %lld stopped at epoch %d", (long long)c->run,
                         c->epoch);
            } else {
                failed++;
                tail_line(c, tail, sizeof tail);
                if (code == CLI_USAGE && !any_ok && !c->epoch) refused = 1;
                if (c->run)
                    snprintf(what, sizeof what, "run %lld %s (exit %d): %s", (long long)c->run,
                             c->status[0] ? c->status : "failed", code, tail);
                else
                    snprintf(what, sizeof what, "failed (exit %d): %s", code, tail);
            }
            printf("[%d/%d] %s: %s\n", x->member + 1, n, x->key, what);
            fflush(stdout);
            memset(c, 0, sizeof *c);
            running--;
        }
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    int left = ntodo - finished;
    printf("sweep %lld: %d finished now, %d done in all of %d", (long long)sw->id, finished,
           done + finished, n);
    if (stopped || failed || left)
        printf("; %d stopped, %d failed, %d not run: aetui sweep --resume %lld finishes them",
               stopped, failed, left - stopped - failed, (long long)sw->id);
    printf("\n");
    free(m), free(todo), free(kids);
    if (refused) {
        fprintf(stderr,
                "aetui %s: the first run refused its options (above); no other member was "
                "started\n",
                cmd);
        return CLI_USAGE;
    }
    if (g_stops) return 130;
    return failed ? CLI_FAIL : CLI_OK;
}

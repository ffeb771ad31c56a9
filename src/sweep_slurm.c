/* sweep_slurm.c: a sweep as a Slurm job array, its status, and linking its imported runs
 * (see sweep.h).
 *
 * The idea: use what the cluster has. The job script is plain bash that a user can read and
 * resubmit (one `case` line per member, every argument single-quoted); each task trains into
 * its own store shard under the sweep's directory, because one SQLite file written from many
 * hosts over NFS locks badly. The status joins what Slurm knows (squeue for queued and running
 * tasks; scontrol, then sacct, for ended ones; both forget a job after a while) with what the
 * shards say (a run's status, epoch and loss), and for a failed task the end of its log. */
#include "sweep.h"

#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "paths.h"
#include "store_cli.h"

extern char **environ;

/* Runs argv (looked up in PATH) and keeps its standard output (and error when both) in out;
 * returns its exit status, 127 when it could not be run. */
static int capture(char *const argv[], int both, char *out, size_t len)
{
    int fd[2];
    out[0] = 0;
    if (pipe(fd)) return 127;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    if (both)
        posix_spawn_file_actions_adddup2(&fa, fd[1], 2);
    else
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1, 0);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    if (rc) {
        close(fd[0]);
        return 127;
    }
    size_t k = 0;
    for (;;) {
        char buf[4096];
        ssize_t n = read(fd[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        for (ssize_t i = 0; i < n && k + 1 < len; i++) out[k++] = buf[i];
    }
    out[k] = 0;
    close(fd[0]);
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128;
}

/* s single-quoted for bash. */
static void put_quoted(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    fputc('\'', f);
}

static void put_quoted_args(FILE *f, const char *args)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "%s", args);
    char *argv[SWEEP_ARGS_MAX];
    int n = sweep_split_args(buf, argv, SWEEP_ARGS_MAX);
    for (int i = 0; i < n; i++) {
        fputc(' ', f);
        put_quoted(f, argv[i]);
    }
}

static int write_script(const char *cmd, const store_sweep *sw, const store_sweep_member *m, int n,
                        const sweep_slurm_opts *o, char *path, size_t len)
{
    ae_err err;
    char self[4096];
    if (sweep_self(self, sizeof self, &err)) return cli_fail(cmd, "%s", err.msg);
    snprintf(path, len, "%s/job.sh", sw->dir);
    fio_out f;
    if (fio_out_open(&f, path, 0, &err)) return cli_usage(cmd, "%s", err.msg);
    FILE *s = f.f;
    fprintf(s, "#!/bin/bash\n");
    fprintf(s, "#SBATCH --job-name=aetui-%s\n", sw->name[0] ? sw->name : "sweep");
    fprintf(s, "#SBATCH --array=0-%d\n", n - 1);
    fprintf(s, "#SBATCH --output=%s/logs/%%a.log\n#SBATCH --open-mode=append\n", sw->dir);
    fprintf(s, "#SBATCH --cpus-per-task=%d\n", o->cpus);
    if (o->partition) fprintf(s, "#SBATCH --partition=%s\n", o->partition);
    if (o->time) fprintf(s, "#SBATCH --time=%s\n", o->time);
    if (o->mem) fprintf(s, "#SBATCH --mem=%s\n", o->mem);
    fprintf(s,
            "# aetui sweep %lld (%s): %s\n"
            "# Written by aetui %s. Each array task trains one member of the grid into its own\n"
            "# run store shard, shards/TASK.db (checkpoints in shards/TASK.runs/); `aetui import\n"
            "# %s` brings them into a store, `aetui sweep status %lld` follows them.\n"
            "set -u\n"
            "task=${SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array}\n"
            "case $task in\n",
            (long long)sw->id, sw->uuid, sw->grid, AETUI_VERSION, sw->dir, (long long)sw->id);
    for (int i = 0; i < n; i++) {
        fprintf(s, "%d) args=(", m[i].member);
        put_quoted_args(s, m[i].args);
        fprintf(s, " ) ;; # %s\n", m[i].key);
    }
    fprintf(s, "*) echo \"aetui sweep: no member $task in this sweep\" >&2; exit 2 ;;\nesac\n");
    fprintf(s, "echo \"aetui sweep task $task on $(hostname) at $(date -u +%%FT%%TZ)\" >&2\n");
    fprintf(s, "exec ");
    put_quoted(s, self);
    fprintf(s, " train");
    put_quoted_args(s, sw->base);
    fprintf(s, " \"${args[@]}\" --threads \"${SLURM_CPUS_PER_TASK:-%d}\" --db ", o->cpus);
    put_quoted(s, sw->dir);
    fprintf(s, "\"/shards/$task.db\" --json\n");
    if (fio_out_commit(&f, &err)) return cli_fail(cmd, "%s", err.msg);
    chmod(path, 0755);
    return 0;
}

/* sbatch [--array=LIST] script; the job id into job. */
static int submit(const char *cmd, const store_sweep *sw, const char *script, const char *array,
                  char *job, size_t len)
{
    char *argv[6], arr[4200], out[2048];
    int a = 0;
    argv[a++] = "sbatch", argv[a++] = "--parsable";
    if (array) snprintf(arr, sizeof arr, "--array=%s", array), argv[a++] = arr;
    argv[a++] = (char *)script, argv[a] = NULL;
    int rc = capture(argv, 1, out, sizeof out);
    if (rc == 127)
        return cli_fail(cmd,
                        "sbatch not found: is this a Slurm login node? The job script is %s "
                        "(submit it there with sbatch)",
                        script);
    char shown[600];
    size_t n = strcspn(out, ";\n");
    if (rc || !n || n >= len || out[strspn(out, "0123456789")] != out[n]) {
        scli_visible(out, 400, shown, sizeof shown);
        return cli_fail(cmd, "sbatch %s failed (exit %d): %s", script, rc, shown);
    }
    snprintf(job, len, "%.*s", (int)n, out);
    char path[4200];
    snprintf(path, sizeof path, "%s/job", sw->dir);
    char text[64];
    int tl = snprintf(text, sizeof text, "%s\n", job);
    ae_err err;
    if (fio_write_file(path, text, (size_t)tl, 0, &err))
        fprintf(stderr, "aetui %s: %s\n", cmd, err.msg);
    return 0;
}

int sweep_slurm_launch(const char *cmd, store *st, store_sweep *sw, const sweep_slurm_opts *o)
{
    ae_err err;
    store_sweep_member *m;
    int n;
    if (store_sweep_members(st, sw->id, &m, &n, &err)) return cli_fail(cmd, "%s", err.msg);
    char logs[4200], script[4200];
    snprintf(logs, sizeof logs, "%s/logs/x", sw->dir);
    int rc = CLI_OK;
    if (paths_mkdir_parent(logs, &err) || sweep_manifest_write(sw->dir, sw, m, n, &err)) {
        rc = cli_fail(cmd, "%s", err.msg);
        goto out;
    }
    if ((rc = write_script(cmd, sw, m, n, o, script, sizeof script))) goto out;
    if (o->no_submit) {
        printf("sweep %lld: %d tasks, job script %s (not submitted: sbatch %s)\n",
               (long long)sw->id, n, script, script);
        goto out;
    }
    char job[32];
    if ((rc = submit(cmd, sw, script, NULL, job, sizeof job))) goto out;
    if (store_sweep_set_job(st, sw->id, job, &err)) {
        rc = cli_fail(cmd, "%s (the job %s was submitted)", err.msg, job);
        goto out;
    }
    printf("sweep %lld: %d tasks submitted as Slurm job %s\n  directory %s\n"
           "  aetui sweep status %lld follows them; aetui import %s brings them in\n",
           (long long)sw->id, n, job, sw->dir, (long long)sw->id, sw->dir);
out:
    free(m);
    return rc;
}

/* ---- what a shard says ------------------------------------------------------------------ */

typedef struct shard_info {
    int has;     /* the shard holds a run */
    int64_t run; /* its newest run there (the newest finished one when there is one) */
    char uuid[37], status[16];
    int epochs;
    double test_mse; /* the last epoch's */
} shard_info;

static void shard_read(const char *dir, int member, shard_info *si)
{
    memset(si, 0, sizeof *si);
    si->test_mse = NAN;
    char path[4200];
    snprintf(path, sizeof path, "%s/shards/%d.db", dir, member);
    struct stat sb;
    if (stat(path, &sb) != 0) return;
    store *sh;
    ae_err err;
    if (store_open(&sh, path, STORE_READONLY, &err)) return;
    store_filter f = {0};
    store_row *rows;
    int n;
    if (store_runs_list(sh, &f, &rows, &n, &err) == 0) {
        int pick = -1;
        for (int i = 0; i < n && pick < 0; i++)
            if (!strcmp(rows[i].status, "finished")) pick = i;
        if (pick < 0 && n) pick = 0;
        if (pick >= 0) {
            static store_run r;
            si->has = 1, si->run = rows[pick].id;
            snprintf(si->status, sizeof si->status, "%s", rows[pick].status);
            si->epochs = rows[pick].sum.has ? rows[pick].sum.epochs : 0;
            si->test_mse = rows[pick].sum.test_mse;
            if (store_run_get(sh, si->run, &r, &err) == 0)
                snprintf(si->uuid, sizeof si->uuid, "%s", r.uuid);
        }
        free(rows);
    }
    store_close(sh);
}

/* ---- what Slurm says --------------------------------------------------------------------- */

typedef struct task_state {
    char state[24], exit[16];
} task_state;

/* The value of "Key=" in a line of `scontrol -o` output. */
static void kv(const char *line, const char *key, char *out, size_t len)
{
    out[0] = 0;
    size_t kl = strlen(key);
    for (const char *p = line; (p = strstr(p, key)); p += kl)
        if ((p == line || p[-1] == ' ') && p[kl] == '=') {
            size_t n = strcspn(p + kl + 1, " \n");
            snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), p + kl + 1);
            return;
        }
}

/* Fills ts[0..n) from squeue, then scontrol and sacct for the tasks squeue no longer lists. */
static void slurm_states(const char *job, task_state *ts, int n)
{
    static char out[1 << 20];
    char jarg[64];
    snprintf(jarg, sizeof jarg, "%s", job);
    char *sq[] = {"squeue", "-h", "-r", "-j", jarg, "-o", "%i|%T", NULL};
    if (capture(sq, 0, out, sizeof out) == 0)
        for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
            char *u = strchr(l, '_'), *bar = strchr(l, '|');
            if (!u || !bar || u > bar) continue;
            int t = atoi(u + 1);
            if (t >= 0 && t < n) snprintf(ts[t].state, sizeof ts[t].state, "%s", bar + 1);
        }
    char *sc[] = {"scontrol", "-o", "show", "job", jarg, NULL};
    if (capture(sc, 0, out, sizeof out) == 0)
        for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
            char task[16], state[24], ex[16];
            kv(l, "ArrayTaskId", task, sizeof task);
            kv(l, "JobState", state, sizeof state);
            kv(l, "ExitCode", ex, sizeof ex);
            if (!task[0] || strspn(task, "0123456789") != strlen(task)) continue; /* "0-3" */
            int t = atoi(task);
            if (t < 0 || t >= n || ts[t].state[0]) continue;
            snprintf(ts[t].state, sizeof ts[t].state, "%s", state);
            snprintf(ts[t].exit, sizeof ts[t].exit, "%s", ex);
        }
    char *sa[] = {"sacct", "-n", "-P", "-X", "-j", jarg, "-o", "JobID,State,ExitCode", NULL};
    if (capture(sa, 0, out, sizeof out) == 0)
        for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
            char *u = strchr(l, '_'), *b1 = strchr(l, '|');
            if (!u || !b1 || u > b1) continue;
            char *b2 = strchr(b1 + 1, '|');
            int t = atoi(u + 1);
            if (t < 0 || t >= n || ts[t].state[0]) continue;
            snprintf(ts[t].state, sizeof ts[t].state, "%.*s",
                     (int)(b2 ? b2 - b1 - 1 : (long)strlen(b1 + 1)), b1 + 1);
            char *sp = strchr(ts[t].state, ' '); /* "CANCELLED by 0" */
            if (sp) *sp = 0;
            if (b2) snprintf(ts[t].exit, sizeof ts[t].exit, "%s", b2 + 1);
        }
}

/* The last `lines` non-empty lines of a task's log, made visible, indented. */
static void log_tail(FILE *out, const char *dir, int member, int lines)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/logs/%d.log", dir, member);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(out, "      (no log: %s)\n", path);
        return;
    }
    static char buf[8192];
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    long from = size > (long)sizeof buf - 1 ? size - (long)sizeof buf + 1 : 0;
    fseek(f, from, SEEK_SET);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *ends[64];
    int k = 0;
    for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"))
        if (l[strspn(l, " \r\t")]) {
            if (k == 64) memmove(ends, ends + 1, sizeof ends[0] * 63), k = 63;
            ends[k++] = l;
        }
    for (int i = k > lines ? k - lines : 0; i < k; i++) {
        char shown[400];
        scli_visible(ends[i], 160, shown, sizeof shown);
        fprintf(out, "      %s\n", shown);
    }
}

int sweep_status(const char *cmd, store *st, const store_sweep *sw, FILE *out)
{
    ae_err err;
    store_sweep_member *m;
    int n;
    if (store_sweep_members(st, sw->id, &m, &n, &err)) return cli_usage(cmd, "%s", err.msg);
    int slurm = !strcmp(sw->scheduler, "slurm");
    task_state *ts = calloc((size_t)(n ? n : 1), sizeof *ts);
    if (!ts) {
        free(m);
        return cli_fail(cmd, "out of memory");
    }
    if (slurm && sw->job[0]) slurm_states(sw->job, ts, n);
    char name[96], grid[600];
    scli_visible(sw->name[0] ? sw->name : "", 40, name, sizeof name);
    scli_visible(sw->grid, 200, grid, sizeof grid);
    fprintf(out, "sweep %lld%s%s: %s, %d member%s", (long long)sw->id, name[0] ? " " : "", name,
            grid, n, n == 1 ? "" : "s");
    if (slurm) fprintf(out, ", Slurm job %s", sw->job[0] ? sw->job : "(not submitted)");
    fprintf(out, "\n");
    enum { QUEUED, RUNNING, FINISHED, FAILED, CANCELLED, STOPPED, NOTRUN, NSTATES };
    static const char *const names[NSTATES] = {"queued",    "running", "finished",   "failed",
                                               "cancelled", "stopped", "not started"};
    int count[NSTATES] = {0};
    for (int i = 0; i < n; i++) {
        shard_info si = {0};
        si.test_mse = NAN;
        if (slurm) {
            shard_read(sw->dir, m[i].member, &si);
        } else if (m[i].run > 0) {
            store_summary s;
            static store_run r;
            if (store_run_get(st, m[i].run, &r, &err) == 0) {
                si.has = 1, si.run = m[i].run;
                snprintf(si.status, sizeof si.status, "%s", r.status);
                if (store_summary_get(st, m[i].run, &s, &err) == 0 && s.has)
                    si.epochs = s.epochs, si.test_mse = s.test_mse;
            }
        }
        const char *sl = ts[i].state;
        int state;
        char what[300] = "";
        if (!strcmp(sl, "PENDING") || !strcmp(sl, "CONFIGURING") || !strcmp(sl, "REQUEUED")) {
            state = QUEUED;
        } else if (!strcmp(sl, "RUNNING") || !strcmp(sl, "COMPLETING") ||
                   (!sl[0] && si.has && !strcmp(si.status, "running") && !slurm)) {
            state = RUNNING;
            if (si.epochs)
                snprintf(what, sizeof what, "epoch %d, test loss %.6g", si.epochs, si.test_mse);
            else
                snprintf(what, sizeof what, "starting");
        } else if (si.has && !strcmp(si.status, "finished")) {
            state = FINISHED;
            snprintf(what, sizeof what, "%d epochs, test MSE %.6g", si.epochs, si.test_mse);
        } else if (!strncmp(sl, "CANCELLED", 9)) {
            state = CANCELLED;
            snprintf(what, sizeof what, "after %d epoch%s", si.epochs, si.epochs == 1 ? "" : "s");
        } else if (sl[0] ||
                   (si.has && strcmp(si.status, "stopped") && strcmp(si.status, "running"))) {
            state = FAILED;
            if (sl[0])
                snprintf(what, sizeof what, "%s, exit %s%s%s", sl, ts[i].exit[0] ? ts[i].exit : "?",
                         si.has ? ", run " : "", si.has ? si.status : "");
            else
                snprintf(what, sizeof what, "run %s", si.status);
        } else if (si.has && !strcmp(si.status, "stopped")) {
            state = STOPPED;
            snprintf(what, sizeof what, "after %d epoch%s", si.epochs, si.epochs == 1 ? "" : "s");
        } else if (si.has) { /* 'running' in a shard, and Slurm knows nothing of it */
            state = FAILED;
            snprintf(what, sizeof what, "ended without closing its run (killed?) after %d epochs",
                     si.epochs);
        } else {
            char logp[4200];
            snprintf(logp, sizeof logp, "%s/logs/%d.log", sw->dir, m[i].member);
            state = slurm && access(logp, F_OK) == 0 ? FAILED : NOTRUN;
            if (state == FAILED) snprintf(what, sizeof what, "no run recorded");
        }
        count[state]++;
        char key[96];
        scli_visible(m[i].key, 40, key, sizeof key);
        fprintf(out, "  %4d  %-20s  %-11s  %s", m[i].member, key, names[state], what);
        if (m[i].run > 0) fprintf(out, "%srun %lld here", what[0] ? "; " : "", (long long)m[i].run);
        fprintf(out, "\n");
        if (slurm && (state == FAILED || state == CANCELLED))
            log_tail(out, sw->dir, m[i].member, 3);
    }
    fprintf(out, "%d member%s:", n, n == 1 ? "" : "s");
    int first = 1;
    for (int s = 0; s < NSTATES; s++)
        if (count[s]) fprintf(out, "%s %d %s", first ? "" : ",", count[s], names[s]), first = 0;
    fprintf(out, "\n");
    free(ts);
    free(m);
    return CLI_OK;
}

int sweep_slurm_resume(const char *cmd, store *st, store_sweep *sw)
{
    ae_err err;
    store_sweep_member *m;
    int n;
    if (store_sweep_members(st, sw->id, &m, &n, &err)) return cli_fail(cmd, "%s", err.msg);
    static char list[SWEEP_MEMBERS_MAX * 6];
    size_t k = 0;
    int left = 0;
    for (int i = 0; i < n; i++) {
        shard_info si;
        shard_read(sw->dir, m[i].member, &si);
        if (si.has && (!strcmp(si.status, "finished") || !strcmp(si.status, "diverged"))) continue;
        k += (size_t)snprintf(list + k, sizeof list - k, "%s%d", k ? "," : "", m[i].member);
        left++;
    }
    free(m);
    if (!left) {
        printf("sweep %lld: every member has its run; nothing to resubmit\n", (long long)sw->id);
        return CLI_OK;
    }
    char script[4200], job[32];
    snprintf(script, sizeof script, "%s/job.sh", sw->dir);
    int rc = submit(cmd, sw, script, list, job, sizeof job);
    if (rc) return rc;
    if (store_sweep_set_job(st, sw->id, job, &err)) return cli_fail(cmd, "%s", err.msg);
    printf("sweep %lld: %d task%s resubmitted as Slurm job %s (tasks %s)\n", (long long)sw->id,
           left, left == 1 ? "" : "s", job, list);
    return CLI_OK;
}

int sweep_import_links(const char *cmd, store *st, const char *dir)
{
    ae_err err;
    store_sweep sw;
    store_sweep_member *m;
    int n;
    if (sweep_manifest_read(dir, &sw, &m, &n, &err)) return cli_fail(cmd, "%s", err.msg);
    int64_t id;
    int f = store_sweep_find(st, sw.uuid, &id, &err);
    int rc = CLI_OK, linked = 0;
    if (f < 0 || (!f && store_sweep_add(st, &sw, m, n, &err))) {
        rc = cli_fail(cmd, "%s", err.msg);
        goto out;
    }
    if (f) sw.id = id;
    for (int i = 0; i < n; i++) {
        shard_info si;
        shard_read(dir, m[i].member, &si);
        int64_t run;
        if (!si.has || store_run_find_uuid(st, si.uuid, &run, &err) != 1) continue;
        if (store_sweep_link(st, sw.id, m[i].member, run, &err)) {
            rc = cli_fail(cmd, "%s", err.msg);
            goto out;
        }
        linked++;
    }
    printf("sweep %lld: %d of %d members have their run here (aetui runs --sweep %lld)\n",
           (long long)sw.id, linked, n, (long long)sw.id);
out:
    free(m);
    return rc;
}

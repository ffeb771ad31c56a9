/* run_queue.c: the interface's queue of runs to train (see run_queue.h). */
#include "run_queue.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct runq_entry {
    tui_form form;
    int64_t parent;
    double seconds;
} runq_entry;

struct run_queue {
    runq_entry e[RUNQ_MAX];
    int n;
};

int runq_new(run_queue **out, ae_err *err)
{
    *out = calloc(1, sizeof **out);
    return *out ? 0 : ae_fail(err, "out of memory");
}

void runq_free(run_queue *q)
{
    free(q);
}

int runq_add(run_queue *q, const tui_form *form, int64_t parent, double seconds, ae_err *err)
{
    if (q->n >= RUNQ_MAX) return ae_fail(err, "the queue holds %d runs already", RUNQ_MAX);
    q->e[q->n++] = (runq_entry){*form, parent, seconds};
    return 0;
}

int runq_count(const run_queue *q)
{
    return q ? q->n : 0;
}

const tui_form *runq_form(const run_queue *q, int i)
{
    return q && i >= 0 && i < q->n ? &q->e[i].form : NULL;
}

double runq_seconds(const run_queue *q)
{
    double s = 0;
    for (int i = 0; i < q->n; i++) s += q->e[i].seconds; /* NaN stays NaN */
    return s;
}

int runq_move(run_queue *dst, run_queue *src, ae_err *err)
{
    if (dst->n + src->n > RUNQ_MAX)
        return ae_fail(err, "the queue has room for %d more runs, not %d", RUNQ_MAX - dst->n,
                       src->n);
    memcpy(dst->e + dst->n, src->e, (size_t)src->n * sizeof src->e[0]);
    dst->n += src->n;
    src->n = 0;
    return 0;
}

int runq_take(run_queue *q, tui_form *form, int64_t *parent)
{
    if (!q || q->n == 0) return 0;
    *form = q->e[0].form;
    *parent = q->e[0].parent;
    memmove(q->e, q->e + 1, (size_t)(q->n - 1) * sizeof q->e[0]);
    q->n--;
    return 1;
}

void runq_clear(run_queue *q)
{
    if (q) q->n = 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double param_num(const store_param *p, int np, const char *name)
{
    for (int k = 0; k < np; k++)
        if (!strcmp(p[k].name, name) && !p[k].is_text) return p[k].num;
    return NAN;
}

double runq_estimate(store *st, const tui_form *f, int *basis)
{
    enum { LATEST = 12 };
    *basis = 0;
    store_filter flt = {.model = f->model, .status = "finished", .limit = 200};
    store_row *rows = NULL;
    int n = 0;
    ae_err err;
    if (!st || store_runs_list(st, &flt, &rows, &n, &err)) return NAN;
    double rate[LATEST];
    int nr = 0;
    for (int i = 0; i < n && nr < LATEST; i++) { /* newest first */
        const store_row *r = &rows[i];
        if (strcmp(r->dataset, f->dataset) || !r->sum.has || !(r->sum.seconds > 0)) continue;
        store_param *p = NULL;
        int np = 0;
        if (store_params_get(st, r->id, &p, &np, &err)) continue;
        double train = param_num(p, np, "train");
        free(p);
        if (!(train > 0) || r->sum.epochs < 1) continue;
        rate[nr++] = r->sum.seconds / (r->sum.epochs * train);
    }
    free(rows);
    if (nr == 0) return NAN;
    qsort(rate, (size_t)nr, sizeof rate[0], cmp_double);
    double med = nr % 2 ? rate[nr / 2] : (rate[nr / 2 - 1] + rate[nr / 2]) / 2;
    *basis = nr;
    return med * f->epochs * f->train_n;
}

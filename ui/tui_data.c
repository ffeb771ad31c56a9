/* tui_data.c: the TUI's plain data: the form's defaults from the model presets, dataset sizes,
 * and the live snapshot's growable arrays (see tui.h). No ncurses here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "model.h"
#include "tui.h"

int tui_form_defaults(tui_form *f, const char *model)
{
    const model_preset *p = model_preset_find(model);
    if (!p) return -1;
    memset(f, 0, sizeof *f);
    snprintf(f->model, sizeof f->model, "%s", p->name);
    snprintf(f->dataset, sizeof f->dataset, "%s", p->default_dataset ? p->default_dataset : "");
    /* the seed's dataset when it is found, else the first one of the same kind that is (cnn:
     * cifar10, else fashion-mnist, as train_config_resolve does) */
    char dir[1024];
    if (f->dataset[0] && ds_locate(f->dataset, NULL, dir, sizeof dir, NULL) != 0)
        for (int i = 0; ds_names[i]; i++)
            if (ds_kind_of(ds_names[i]) == p->kind &&
                ds_locate(ds_names[i], NULL, dir, sizeof dir, NULL) == 0) {
                snprintf(f->dataset, sizeof f->dataset, "%s", ds_names[i]);
                break;
            }
    f->latent = p->latent;
    f->epochs = p->epochs;
    f->batch = p->batch;
    f->train_n = p->train_n;
    f->test_n = p->test_n;
    f->lr = p->lr;
    f->seed = 1;
    return 0;
}

int tui_dataset_dim(const char *d)
{
    if (!d) return 0;
    if (!strcmp(d, "cifar10")) return 32 * 32 * 3;
    if (!strcmp(d, "fashion-mnist") || !strcmp(d, "mnist")) return 28 * 28;
    if (!strcmp(d, "sines")) return 50 * 10;
    return 0;
}

void tui_live_init(tui_live *l)
{
    memset(l, 0, sizeof *l);
    l->best_test = NAN;
}

void tui_live_free(tui_live *l)
{
    free(l->bl);
    free(l->ep);
    samples_free(l->pics);
    l->bl = NULL, l->ep = NULL, l->pics = NULL;
    l->nbl = l->capbl = l->nep = l->capep = 0;
}

void tui_live_reset(tui_live *l)
{
    int64_t last = l->last_run;
    tui_live_free(l);
    tui_live_init(l);
    l->last_run = last;
}

int tui_live_add_batches(tui_live *l, const float *v, int n)
{
    if (n <= 0) return 0;
    if (l->nbl + n > l->capbl) {
        int cap = l->capbl ? l->capbl : 1024;
        while (cap < l->nbl + n) cap *= 2;
        float *b = realloc(l->bl, (size_t)cap * sizeof *b);
        if (!b) return -1;
        l->bl = b, l->capbl = cap;
    }
    memcpy(l->bl + l->nbl, v, (size_t)n * sizeof *v);
    l->nbl += n;
    return 0;
}

int tui_live_add_epoch(tui_live *l, const tui_epoch_pt *e)
{
    if (l->nep == l->capep) {
        int cap = l->capep ? l->capep * 2 : 64;
        tui_epoch_pt *p = realloc(l->ep, (size_t)cap * sizeof *p);
        if (!p) return -1;
        l->ep = p, l->capep = cap;
    }
    l->ep[l->nep++] = *e;
    if (isfinite(e->test_loss) && (!isfinite(l->best_test) || e->test_loss < l->best_test)) {
        l->best_test = e->test_loss;
        l->best_epoch = e->epoch;
    }
    return 0;
}

int tui_live_copy_curves(tui_live *dst, const tui_live *src)
{
    tui_live_free(dst);
    tui_live_init(dst);
    dst->run = src->run;
    dst->form = src->form;
    dst->nbatches = src->nbatches;
    dst->best_epoch = src->best_epoch;
    dst->best_test = src->best_test;
    if (tui_live_add_batches(dst, src->bl, src->nbl)) return -1;
    for (int i = 0; i < src->nep; i++)
        if (tui_live_add_epoch(dst, &src->ep[i])) return -1;
    return 0;
}

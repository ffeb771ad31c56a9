/* tui_data.c: the TUI's plain data: the form's defaults from the model presets, dataset sizes,
 * and the live snapshot's growable arrays (see tui.h). No ncurses here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "model.h"
#include "tui.h"

int tui_dataset_found(const char *name, const char *data_dir)
{
    char dir[1024];
    return name && ds_locate(name, data_dir, dir, sizeof dir, NULL) == 0;
}

/* The dataset a model opens with: the preset's when it is found, else the first one of the
 * same kind that is (images: cifar10, else fashion-mnist, as train_config_resolve chooses),
 * else the preset's all the same (the form then says "not found"). */
static void pick_dataset(tui_form *f, const model_preset *p, const char *data_dir)
{
    snprintf(f->dataset, sizeof f->dataset, "%s", p->default_dataset ? p->default_dataset : "");
    if (f->dataset[0] && tui_dataset_found(f->dataset, data_dir)) return;
    for (int i = 0; ds_names[i]; i++)
        if (ds_kind_of(ds_names[i]) == p->kind && tui_dataset_found(ds_names[i], data_dir)) {
            snprintf(f->dataset, sizeof f->dataset, "%s", ds_names[i]);
            return;
        }
}

int tui_form_defaults(tui_form *f, const char *model, const char *data_dir)
{
    const model_preset *p = model_preset_find(model);
    if (!p) return -1;
    memset(f, 0, sizeof *f);
    snprintf(f->model, sizeof f->model, "%s", p->name);
    pick_dataset(f, p, data_dir);
    f->latent = p->latent;
    f->epochs = p->epochs;
    f->batch = p->batch;
    f->train_n = p->train_n;
    f->test_n = p->test_n;
    f->lr = p->lr;
    f->seed = 1;
    return 0;
}

/* The most samples a split of the dataset has (0: no limit, the synthetic sines). */
static int split_max(const char *dataset, int test)
{
    if (!strcmp(dataset, "cifar10")) return test ? 10000 : 50000;
    if (!strcmp(dataset, "fashion-mnist") || !strcmp(dataset, "mnist")) return test ? 10000 : 60000;
    return 0;
}

int tui_form_change_model(tui_form *f, const char *model, const char *data_dir)
{
    const model_preset *p = model_preset_find(model);
    if (!p) return -1;
    tui_form old = *f, n;
    tui_form_defaults(&n, model, data_dir);
    /* the dataset stays when it suits the new model and is found */
    if (old.dataset[0] && ds_kind_of(old.dataset) == p->kind &&
        tui_dataset_found(old.dataset, data_dir))
        snprintf(n.dataset, sizeof n.dataset, "%s", old.dataset);
    unsigned set = old.user_set;
    if (set & TUI_SET_LATENT) n.latent = old.latent;
    if (set & TUI_SET_EPOCHS) n.epochs = old.epochs;
    if (set & TUI_SET_LR) n.lr = old.lr;
    if (set & TUI_SET_SEED) n.seed = old.seed;
    int mtr = split_max(n.dataset, 0), mte = split_max(n.dataset, 1);
    if (set & TUI_SET_TRAIN && (!mtr || old.train_n <= mtr)) n.train_n = old.train_n;
    if (set & TUI_SET_TEST && (!mte || old.test_n <= mte)) n.test_n = old.test_n;
    if (set & TUI_SET_BATCH && old.batch <= n.train_n) n.batch = old.batch;
    n.user_set = set;
    snprintf(n.tag, sizeof n.tag, "%s", old.tag);
    *f = n;
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

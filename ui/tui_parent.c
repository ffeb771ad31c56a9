/* tui_parent.c: the next run's parent and its grey curves on the Train screen (see tui.h).
 *
 * The parent is the run the user retrains from (the one just trained, or one loaded from the
 * Runs screen), and only when it is of the same model kind as the form (images or sequences):
 * an LSTM is never recorded as the child of a CNN. Its curves are its own: the run shown before
 * may be another one (a run loaded from Runs, a run of another model), so they come from the
 * live snapshot only when that is the parent, else from the store. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "tui.h"

/* The model of a run the interface knows (the store's rows, else the live run), or NULL. */
static const char *run_model(const tui *t, int64_t id)
{
    for (int i = 0; i < t->nrows; i++)
        if (t->rows_v[i].r.id == id) return t->rows_v[i].r.model;
    if (t->live.run == id) return t->live.form.model;
    return NULL;
}

int64_t tui_next_parent(const tui *t)
{
    if (!t->form_parent) return 0;
    const model_preset *a = model_preset_find(run_model(t, t->form_parent)),
                       *b = model_preset_find(t->form.model);
    return a && b && a->kind == b->kind ? t->form_parent : 0;
}

const char *tui_parent_model(const tui *t)
{
    return t->form_parent ? run_model(t, t->form_parent) : NULL;
}

/* The stored epochs and batch losses of run id into p (left empty when the store has none). */
static void load_stored(tui *t, int64_t id, tui_live *p)
{
    store_epoch *ep = NULL;
    int nep = 0;
    ae_err err;
    if (store_epochs_get(t->st, id, &ep, &nep, &err)) return;
    p->nbatches = nep > 0 ? ep[0].nbatches : 0;
    const char *m = run_model(t, id);
    if (m) snprintf(p->form.model, sizeof p->form.model, "%s", m);
    for (int i = 0; i < nep; i++) {
        float *v = NULL;
        int n = 0;
        if (store_batch_losses_get(t->st, id, ep[i].epoch, &v, &n, &err) == 0 && v)
            tui_live_add_batches(p, v, n);
        free(v);
        tui_epoch_pt e = {ep[i].epoch,    ep[i].train_loss, ep[i].train_mae,      ep[i].test_loss,
                          ep[i].test_mae, ep[i].seconds,    ep[i].samples_per_sec};
        tui_live_add_epoch(p, &e);
    }
    free(ep);
}

void tui_parent_load(tui *t, int64_t id)
{
    tui_live_free(&t->parent);
    tui_live_init(&t->parent);
    if (!id) return;
    if (t->live.run == id && (t->live.nep > 0 || t->live.nbl > 0))
        tui_live_copy_curves(&t->parent, &t->live);
    else if (t->st)
        load_stored(t, id, &t->parent);
    t->parent.run = id;
}

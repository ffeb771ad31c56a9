/* screen_model.c: screen 7, the Keras-style summary (model_summary) of the configuration in
 * the Train form. The net is built (not finalized: no buffers) for the dataset's input shape
 * whenever the form differs from the one summarised last. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "tui.h"

enum { M_UP = 1, M_DOWN, M_PGUP, M_PGDN, M_HOME };

static const tui_key model_keys[] = {{KEY_UP, "Up/k", "scroll up", M_UP, 0},
                                     {'k', NULL, NULL, M_UP, 0},
                                     {KEY_DOWN, "Down/j", "scroll down", M_DOWN, 0},
                                     {'j', NULL, NULL, M_DOWN, 0},
                                     {KEY_PPAGE, "PgUp", "page up", M_PGUP, 0},
                                     {KEY_NPAGE, "PgDn", "page down", M_PGDN, 0},
                                     {KEY_HOME, "Home/g", "top", M_HOME, 0},
                                     {'g', NULL, NULL, M_HOME, 0},
                                     {0, NULL, NULL, 0, 0}};

static net_shape input_shape(const char *dataset)
{
    if (!strcmp(dataset, "cifar10")) return (net_shape){3, 32, 32, 3};
    if (!strcmp(dataset, "sines")) return (net_shape){2, 50, 1, 10};
    return (net_shape){3, 28, 28, 1};
}

static void rebuild(tui *t)
{
    if (t->model_text && !memcmp(&t->model_form, &t->form, sizeof t->form)) return;
    free(t->model_text);
    size_t cap = 32768;
    t->model_text = malloc(cap);
    if (!t->model_text) return;
    t->model_form = t->form;
    net *n = calloc(1, sizeof *n);
    ae_err err;
    if (!n) {
        snprintf(t->model_text, cap, "out of memory");
        return;
    }
    net_init(n, input_shape(t->form.dataset));
    if (model_build(n, t->form.model, t->form.latent, &err)) {
        snprintf(t->model_text, cap, "%s on %s, latent %d: %s", t->form.model, t->form.dataset,
                 t->form.latent, err.msg);
    } else {
        char title[128];
        snprintf(title, sizeof title, "%s on %s, latent %d", t->form.model, t->form.dataset,
                 t->form.latent);
        model_summary(n, title, t->model_text, cap);
    }
    net_free(n);
    free(n);
}

static void model_draw(tui *t, int y, int x, int h, int w)
{
    rebuild(t);
    tui_clear(y, x, h, w);
    crt_put(y, x + 1, w - 2, "Model: the summary of the Train form's configuration (2 changes it)",
            crt_attr(&t->crt, CRT_TITLE), 0);
    const char *s = t->model_text ? t->model_text : "";
    int line = 0, r = y + 2;
    while (*s && r < y + h) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (line >= t->model_scroll) {
            char buf[512];
            snprintf(buf, sizeof buf, "%.*s", (int)(len < 511 ? len : 511), s);
            crt_put(r++, x + 1, w - 2, buf, 0, 0);
        }
        line++;
        s += len + (e ? 1 : 0);
    }
}

static int model_action(tui *t, int action, int key)
{
    (void)key;
    switch (action) {
    case M_UP:
        t->model_scroll--;
        break;
    case M_DOWN:
        t->model_scroll++;
        break;
    case M_PGUP:
        t->model_scroll -= 10;
        break;
    case M_PGDN:
        t->model_scroll += 10;
        break;
    case M_HOME:
        t->model_scroll = 0;
        break;
    default:
        return 0;
    }
    if (t->model_scroll < 0) t->model_scroll = 0;
    if (t->model_scroll > 200) t->model_scroll = 200;
    return 1;
}

const tui_screen screen_model = {"Model", model_keys, model_draw, model_action,
                                 NULL,    NULL,       NULL,       NULL};

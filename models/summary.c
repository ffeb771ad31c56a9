/* summary.c: the Keras-style model summary (see model.h). */
#include <stdarg.h>
#include <stdio.h>

#include "model.h"

static const char *const type_names[] = {"",
                                         "Conv2D",
                                         "Conv2DTranspose",
                                         "MaxPooling2D",
                                         "UpSampling2D",
                                         "GlobalAveragePooling2D",
                                         "Flatten",
                                         "Dense",
                                         "Reshape",
                                         "LSTM",
                                         "RepeatVector",
                                         "TimeDistributed",
                                         "Shift"};

typedef struct sbuf {
    char *p;
    size_t len, used;
} sbuf;

static void put(sbuf *b, const char *fmt, ...)
{
    if (b->used + 1 >= b->len) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->p + b->used, b->len - b->used, fmt, ap);
    va_end(ap);
    if (k > 0) b->used += (size_t)k < b->len - b->used ? (size_t)k : b->len - b->used - 1;
}

static void shape_str(const net_shape *s, char *out, size_t len)
{
    if (s->rank == 3)
        snprintf(out, len, "(None, %d, %d, %d)", s->h, s->w, s->c);
    else if (s->rank == 2)
        snprintf(out, len, "(None, %d, %d)", s->h, s->c);
    else
        snprintf(out, len, "(None, %d)", s->c);
}

static void rule(sbuf *b, char c)
{
    for (int i = 0; i < 72; i++) put(b, "%c", c);
    put(b, "\n");
}

size_t model_summary(const net *n, const char *title, char *buf, size_t len)
{
    sbuf b = {buf, len, 0};
    if (len) buf[0] = 0;
    put(&b, "Model: \"%s\"\n", title);
    rule(&b, '_');
    put(&b, " %-36s %-22s %10s\n", "Layer (type)", "Output Shape", "Param #");
    rule(&b, '=');
    char shape[48], name[80];
    shape_str(&n->input, shape, sizeof shape);
    put(&b, " %-36s %-22s %10d\n", "input (InputLayer)", shape, 0);
    long enc = 0;
    for (int i = 0; i < n->nlayers; i++) {
        const net_layer *l = &n->layers[i];
        shape_str(&l->out, shape, sizeof shape);
        snprintf(name, sizeof name, "%s (%s)", l->name, type_names[l->op]);
        put(&b, " %-36s %-22s %10ld\n", name, shape, l->nparams);
        if (i <= n->latent_layer) enc += l->nparams;
        if (i == n->latent_layer && i + 1 < n->nlayers) put(&b, "  %s\n", "-- latent code --");
    }
    rule(&b, '=');
    long total = 0;
    for (int i = 0; i < n->nlayers; i++) total += n->layers[i].nparams;
    put(&b, "Total params: %ld\nTrainable params: %ld\nNon-trainable params: 0\n", total, total);
    put(&b, "Encoder params: %ld, decoder params: %ld\n", enc, total - enc);
    rule(&b, '_');
    return b.used;
}

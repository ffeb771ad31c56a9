/* fuzz_safetensors.c: libFuzzer target for the safetensors reader (core/safetensors.c) and the
 * checkpoint loader on top of it (models/checkpoint.c), built with -DAETUI_FUZZ=ON and clang.
 *
 * The input is taken as a whole file. When it parses, every tensor's values are read (so an
 * offset the validator let through would be caught by AddressSanitizer), the metadata is
 * looked up, and the file is offered to ckpt_load for a small lstm and cnn net, whose checks
 * (model kind, names, shapes) must refuse or accept cleanly. Seeds: a checkpoint written by
 * aetui makes a good start (build/test-tmp/checkpoint.*). Never crash, leak or read out of
 * bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "model.h"
#include "safetensors.h"

static net *small_net(const char *model, net_shape in, int latent)
{
    static net nets[2];
    static int built[2];
    int k = in.rank == 3;
    if (!built[k]) {
        ae_err err;
        net_init(&nets[k], in);
        if (model_build(&nets[k], model, latent, &err) || net_finalize(&nets[k], 1, 1, &err))
            abort();
        built[k] = 1;
    }
    return &nets[k];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    st_file f;
    ae_err err;
    if (st_parse(data, size, "fuzz.safetensors", &f, &err)) return 0;
    for (int i = 0; i < f.ntensors; i++) {
        const st_tensor *t = &f.tensors[i];
        if (t->count > (1 << 24)) abort(); /* validated against the data size */
        float *v = malloc(sizeof(float) * (size_t)(t->count ? t->count : 1));
        if (!v) break;
        st_values(&f, t, v);
        free(v);
        if (st_find(&f, t->name) == NULL) abort();
    }
    (void)st_meta(&f, "model");
    ckpt_info info;
    (void)ckpt_info_of(&f, &info, &err);
    ckpt_load_file(&f, small_net("lstm", (net_shape){2, 3, 1, 2}, 2), "lstm", &err);
    ckpt_load_file(&f, small_net("cnn", (net_shape){3, 4, 4, 1}, 2), "cnn", &err);
    st_free(&f);
    return 0;
}

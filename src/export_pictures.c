/* export_pictures.c: aetui export --recon / --latent-plot / --loss-plot (see
 * export_pictures.h). The canvas is drawn at a fixed size, then handed to one writer. */
#include "export_pictures.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chart.h"
#include "pca.h"
#include "samples.h"
#include "sixel_out.h"
#include "tsne.h"

#define EX_BG 0x101010u

int export_emit(const canvas *cv, int sixel, FILE *f, ae_err *err)
{
    if (sixel) {
        sixel_enc *e;
        const char *bytes;
        size_t len;
        if (sixel_enc_new(&e, 256, err)) return -1;
        int rc = sixel_encode_panel(e, cv, SIXEL_KIND_PLOT, &bytes, &len, NULL, err);
        if (!rc && fwrite(bytes, 1, len, f) != len) rc = ae_fail(err, "cannot write the output");
        sixel_enc_free(e);
        return rc;
    }
    char tmp[] = "/tmp/aetui-png-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0) return ae_fail(err, "cannot create a temporary file");
    close(fd);
    int rc = sixel_write_png(cv, tmp, err);
    FILE *in = rc ? NULL : fopen(tmp, "rb");
    if (!rc && !in) rc = ae_fail(err, "%s: cannot read back", tmp);
    char buf[65536];
    size_t k;
    while (in && (k = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, k, f) != k) {
            rc = ae_fail(err, "cannot write the output");
            break;
        }
    if (in) fclose(in);
    unlink(tmp);
    return rc;
}

int export_recon(store *st, int64_t run, const export_pic_opts *o, FILE *f, ae_err *err)
{
    samples_src src;
    samples *s = NULL;
    if (samples_src_get(st, o->db_path, run, &src, err) ||
        samples_load_run(&src, SAMPLES_MAX, &s, err))
        return -1;
    canvas cv = {0};
    int rc = -1;
    if (s->kind == DS_IMAGES) {
        /* 16 pairs in two rows at an integer scale, a margin of 6 pixels around */
        samples_grid g;
        int W, H;
        samples_grid_fixed(s, s->w * (s->w <= 32 ? 3 : 1), 8, 2, 0, &g, &W, &H);
        g.ox = g.oy = 6;
        if (canvas_init(&cv, W + 12, H + 12, err)) goto out;
        if (samples_draw_grid(&cv, s, NULL, 0, &g) < 1) {
            ae_fail(err, "the picture is too small for the images");
            goto out;
        }
    } else { /* the first test sequence: one strip per feature, original and reconstruction */
        int F = s->f < 10 ? s->f : 10, sh = 110;
        if (canvas_init(&cv, 800, F * sh, err)) goto out;
        canvas_clear(&cv, EX_BG);
        float *a = malloc(sizeof(float) * 2 * (size_t)s->t);
        if (!a) {
            ae_fail(err, "out of memory");
            goto out;
        }
        for (int fe = 0; fe < F; fe++) {
            for (int k = 0; k < s->t; k++)
                a[k] = s->x[k * s->f + fe], a[s->t + k] = s->y[k * s->f + fe];
            chart ch;
            chart_init(&ch, 0, fe * sh, cv.w, sh);
            ch.bg = EX_BG;
            char title[64];
            snprintf(title, sizeof title, "sequence 0, feature %d (MSE %.5f)", fe + 1, s->mse[0]);
            ch.title = title;
            ch.legend = fe == 0;
            chart_series ser[2] = {
                {.y = a, .n = s->t, .color = 0x4fc3f7, .style = CHART_LINE, .name = "original"},
                {.y = a + s->t,
                 .n = s->t,
                 .color = 0xffb74d,
                 .style = CHART_LINE,
                 .name = "reconstruction"}};
            if (chart_draw(&cv, &ch, ser, 2, err)) {
                free(a);
                goto out;
            }
        }
        free(a);
    }
    rc = export_emit(&cv, o->sixel, f, err);
out:
    canvas_free(&cv);
    samples_free(s);
    return rc;
}

int export_latent(store *st, int64_t run, const export_pic_opts *o, FILE *f, ae_err *err)
{
    float *z = NULL, *xy = NULL;
    uint8_t *lab = NULL;
    int n = 0, L = 0, rc = -1;
    canvas cv = {0};
    if (store_latents_get(st, run, &z, &lab, &n, &L, err)) return -1;
    if (n < 3) {
        free(z), free(lab);
        return ae_fail(err, "run %lld has no latent vectors in the store", (long long)run);
    }
    store_run r;
    if (store_run_get(st, run, &r, err)) goto out;
    char names[DS_MAX_CLASSES][24];
    int nc = samples_class_names(r.dataset, NULL, names);
    const char *np[DS_MAX_CLASSES];
    for (int k = 0; k < nc; k++) np[k] = names[k];
    xy = malloc(sizeof(float) * 2 * (size_t)n);
    if (!xy) {
        ae_fail(err, "out of memory");
        goto out;
    }
    char title[160];
    if (L == 2) {
        memcpy(xy, z, sizeof(float) * 2 * (size_t)n);
        snprintf(title, sizeof title, "run %lld: latent space (raw, dimension 2)", (long long)run);
    } else if (o->tsne) {
        if (n > 5000) n = 5000;
        tsne_params p = {.threads = 2, .seed = 1};
        tsne *ts = tsne_create(z, n, L, &p, err);
        if (!ts) goto out;
        if (tsne_run(ts, err) < 0) {
            tsne_free(ts);
            goto out;
        }
        tsne_snapshot(ts, xy, NULL);
        tsne_free(ts);
        snprintf(title, sizeof title, "run %lld: latent space (t-SNE of %d points)", (long long)run,
                 n);
    } else {
        pca p;
        if (pca_fit(&p, z, n, L, 2, err) || pca_project(&p, z, n, xy, err)) goto out;
        snprintf(title, sizeof title,
                 "run %lld: latent space (PCA: %.1f%% + %.1f%% of the variance)", (long long)run,
                 100 * p.ratio[0], 100 * p.ratio[1]);
        pca_free(&p);
    }
    float *xs = malloc(sizeof(float) * 2 * (size_t)n);
    if (!xs) {
        ae_fail(err, "out of memory");
        goto out;
    }
    for (int i = 0; i < n; i++) xs[i] = xy[2 * i], xs[n + i] = xy[2 * i + 1];
    if (canvas_init(&cv, 800, 600, err)) {
        free(xs);
        goto out;
    }
    chart ch;
    chart_init(&ch, 0, 0, cv.w, cv.h);
    ch.bg = EX_BG;
    ch.title = title;
    ch.grid = 0;
    ch.class_names = np;
    ch.n_classes = nc;
    if (L != 2 && !o->tsne) ch.x_label = "PC1", ch.y_label = "PC2";
    chart_series ser = {
        .x = xs, .y = xs + n, .n = n, .style = CHART_SCATTER, .radius = 1, .cls = lab};
    int dr = chart_draw(&cv, &ch, &ser, 1, err);
    free(xs);
    if (dr) goto out;
    rc = export_emit(&cv, o->sixel, f, err);
out:
    canvas_free(&cv);
    free(z), free(lab), free(xy);
    return rc;
}

int export_loss(store *st, int64_t run, const export_pic_opts *o, FILE *f, ae_err *err)
{
    store_epoch *e = NULL;
    int n = 0, rc = -1;
    if (store_epochs_get(st, run, &e, &n, err)) return -1;
    if (n < 1) {
        free(e);
        return ae_fail(err, "run %lld has no epochs", (long long)run);
    }
    float *ex = malloc(sizeof(float) * 3 * (size_t)n), *bx = NULL, *by = NULL;
    int nb = 0, cap = 0;
    canvas cv = {0};
    if (!ex) {
        free(e);
        return ae_fail(err, "out of memory");
    }
    float *tr = ex + n, *te = ex + 2 * n;
    for (int i = 0; i < n; i++) {
        ex[i] = (float)e[i].epoch, tr[i] = (float)e[i].train_loss, te[i] = (float)e[i].test_loss;
        float *v = NULL;
        int k = 0;
        if (store_batch_losses_get(st, run, e[i].epoch, &v, &k, err)) goto out;
        if (nb + k > cap) {
            cap = (nb + k) * 2;
            float *a = realloc(bx, sizeof(float) * cap),
                  *b = a ? realloc(by, sizeof(float) * cap) : NULL;
            if (a) bx = a;
            if (b) by = b;
            if (!a || !b) {
                free(v);
                ae_fail(err, "out of memory");
                goto out;
            }
        }
        for (int j = 0; j < k; j++)
            bx[nb + j] = (float)(e[i].epoch - 1 + (j + 1.0) / k), by[nb + j] = v[j];
        nb += k;
        free(v);
    }
    if (canvas_init(&cv, 800, 500, err)) goto out;
    chart ch;
    chart_init(&ch, 0, 0, cv.w, cv.h);
    ch.bg = EX_BG;
    char title[96];
    snprintf(title, sizeof title, "run %lld: loss (MSE)", (long long)run);
    ch.title = title;
    ch.x_label = "epoch";
    ch.log_y = 1;
    ch.x_int = 1;
    chart_series s[3] = {{.x = bx,
                          .y = by,
                          .n = nb,
                          .color = 0x4fc3f7,
                          .style = CHART_LINE | CHART_FAINT,
                          .name = "batch"},
                         {.x = ex,
                          .y = tr,
                          .n = n,
                          .color = 0x4fc3f7,
                          .style = CHART_LINE | CHART_MARKERS,
                          .name = "train"},
                         {.x = ex,
                          .y = te,
                          .n = n,
                          .color = 0xffb74d,
                          .style = CHART_LINE | CHART_MARKERS,
                          .name = "test"}};
    if (chart_draw(&cv, &ch, s, 3, err)) goto out;
    rc = export_emit(&cv, o->sixel, f, err);
out:
    canvas_free(&cv);
    free(e), free(ex), free(bx), free(by);
    return rc;
}

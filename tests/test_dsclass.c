/* test_dsclass.c: data for anomaly detection (issue 13): a training split cut down to some
 * classes (core/dsclass.c), and the anomalies sines injects into its test split
 * (core/sines.c). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dataset.h"
#include "testlib.h"

static void classes(void)
{
    ae_err err;
    dataset ds = {0};
    ds_options o = {.n = 400};
    CHECK(ds_load("sines", DS_TRAIN, &o, &ds, &err) == 0, "%s", err.msg);
    uint8_t mask[DS_MAX_CLASSES];
    char norm[64];
    CHECK(ds_class_list(&ds, "square, SINE", mask, norm, sizeof norm, &err) == 0, "%s", err.msg);
    CHECK(!strcmp(norm, "0,3") && mask[0] && mask[3] && !mask[1] && !mask[2], "norm '%s'", norm);
    CHECK(ds_class_list(&ds, "2", mask, norm, sizeof norm, &err) == 0 && !strcmp(norm, "2"),
          "number: %s", norm);
    CHECK(ds_class_list(&ds, "4", mask, norm, sizeof norm, &err) == -1 && strstr(err.msg, "0 to 3"),
          "out of range: %s", err.msg);
    CHECK(ds_class_list(&ds, "sine,cosine", mask, norm, sizeof norm, &err) == -1 &&
              strstr(err.msg, "'cosine'") && strstr(err.msg, "damped"),
          "unknown name: %s", err.msg);
    CHECK(ds_class_list(&ds, "0,1,2,3", mask, norm, sizeof norm, &err) == -1 &&
              strstr(err.msg, "every class"),
          "all classes: %s", err.msg);
    CHECK(ds_class_list(&ds, "0,", mask, norm, sizeof norm, &err) == -1, "trailing comma");
    CHECK(ds_class_list(&ds, "", mask, norm, sizeof norm, &err) == -1, "empty");
    CHECK(ds_class_list(&ds, "1,,2", mask, norm, sizeof norm, &err) == -1, "empty item");

    /* keep the first 50 of classes 0 and 3, in order */
    dataset all = {0};
    CHECK(ds_load("sines", DS_TRAIN, &o, &all, &err) == 0, "%s", err.msg);
    ds_class_list(&ds, "0,3", mask, norm, sizeof norm, &err);
    char before[65];
    memcpy(before, ds.sha256, 65);
    CHECK(ds_keep_classes(&ds, mask, 50, &err) == 0 && ds.n == 50, "kept %d", ds.n);
    CHECK(strcmp(before, ds.sha256), "hashed anew");
    int j = 0, order_ok = 1;
    for (int i = 0; i < all.n && j < ds.n; i++) {
        if (!mask[all.labels[i]]) continue;
        if (ds.labels[j] != all.labels[i] ||
            memcmp(ds.f32 + (size_t)j * ds.dim, all.f32 + (size_t)i * all.dim,
                   sizeof(float) * ds.dim))
            order_ok = 0;
        j++;
    }
    CHECK(order_ok && j == 50, "the first 50 of the classes, in order");
    /* the same through ds_load_classes, and the same hash */
    dataset again = {0};
    o.n = 50;
    CHECK(ds_load_classes("sines", &o, "sine,square", &again, norm, sizeof norm, &err) == 0, "%s",
          err.msg);
    CHECK(again.n == 50 && !strcmp(again.sha256, ds.sha256) && !strcmp(norm, "0,3"),
          "ds_load_classes: n %d", again.n);
    /* asking for more than the classes hold keeps what there is */
    ds_free(&again);
    o.n = 100000;
    CHECK(ds_keep_classes(&all, mask, 100000, &err) == 0 && all.n > 150 && all.n < 250,
          "about half of 400: %d", all.n);
    ds_free(&ds);
    ds_free(&all);
    ds_free(&again);
}

static void injected(void)
{
    ae_err err;
    dataset plain = {0}, an = {0}, an_short = {0}, tr = {0};
    ds_options o = {.n = 2000};
    CHECK(ds_load("sines", DS_TEST, &o, &plain, &err) == 0, "%s", err.msg);
    CHECK(plain.anomaly == NULL, "no anomalies asked for");
    o.anomalies = 0.1;
    CHECK(ds_load("sines", DS_TEST, &o, &an, &err) == 0, "%s", err.msg);
    CHECK(ds_load("sines", DS_TRAIN, &o, &tr, &err) == 0 && tr.anomaly == NULL,
          "the training split has none");
    CHECK(an.anomaly != NULL, "labelled by kind");
    int count[DS_ANOM_KINDS] = {0}, same_normals = 1, changed = 1;
    double shift_dev = 0;
    int nshift = 0;
    for (int i = 0; i < an.n; i++) {
        int k = an.anomaly[i];
        count[k]++;
        int same = !memcmp(an.f32 + (size_t)i * an.dim, plain.f32 + (size_t)i * an.dim,
                           sizeof(float) * an.dim);
        if (k == DS_ANOM_NONE && !same) same_normals = 0;
        if (k != DS_ANOM_NONE && same) changed = 0;
        if (k == DS_ANOM_SHIFT) {
            double d = 0;
            for (int v = 0; v < an.dim; v++)
                d += an.f32[(size_t)i * an.dim + v] - plain.f32[(size_t)i * an.dim + v];
            shift_dev += fabs(d / an.dim), nshift++;
        }
        if (k == DS_ANOM_FLAT) { /* a run of identical steps somewhere */
            int run = 1, best = 1;
            const float *x = an.f32 + (size_t)i * an.dim;
            for (int t = 1; t < an.t; t++) {
                run = memcmp(x + t * an.f, x + (t - 1) * an.f, sizeof(float) * an.f) ? 1 : run + 1;
                if (run > best) best = run;
            }
            CHECK(best >= 2, "flat-line %d: longest still run %d", i, best);
        }
    }
    int nan = an.n - count[0];
    CHECK(nan > 150 && nan < 250, "about 10%% anomalous: %d", nan);
    for (int k = 1; k < DS_ANOM_KINDS; k++)
        CHECK(count[k] > 20, "kind %s: %d", ds_anomaly_names[k], count[k]);
    CHECK(same_normals, "normal sequences are those generated without anomalies");
    CHECK(changed, "every anomalous sequence differs from its normal self");
    CHECK(nshift && shift_dev / nshift > 0.03, "level shifts move the mean: %g",
          shift_dev / (nshift ? nshift : 1));
    CHECK(strcmp(an.sha256, plain.sha256), "the hash covers the anomalies");
    /* the first n are the same whatever n is */
    o.n = 300;
    CHECK(ds_load("sines", DS_TEST, &o, &an_short, &err) == 0, "%s", err.msg);
    CHECK(!memcmp(an_short.anomaly, an.anomaly, 300) &&
              !memcmp(an_short.f32, an.f32, sizeof(float) * 300 * an.dim),
          "prefix stable");
    o.anomalies = 0.7;
    dataset bad = {0};
    CHECK(ds_load("sines", DS_TEST, &o, &bad, &err) == -1 && strstr(err.msg, "0 to 0.5"),
          "fraction above 0.5: %s", err.msg);
    ds_free(&bad);
    ds_free(&plain);
    ds_free(&an);
    ds_free(&an_short);
    ds_free(&tr);
}

int main(void)
{
    classes();
    injected();
    return test_done();
}

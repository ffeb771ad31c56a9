/* test_models.c: the autoencoders end to end (dense too): parameter counts and summary of the
 * seed's architectures, whole-model gradients against finite differences on small shapes, encoder
 * plus decoder equal to the whole forward pass, and a short training run whose loss falls and
 * that repeats bit for bit with the same seed and thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "layers.h"
#include "model.h"
#include "net.h"
#include "testlib.h"
#include "trainer.h"

static long count_params(const char *preset, net_shape in, int latent)
{
    net n;
    ae_err err;
    net_init(&n, in);
    if (model_build(&n, preset, latent, &err)) return -1;
    long total = 0;
    for (int i = 0; i < n.nlayers; i++) total += n.layers[i].nparams;
    return total;
}

static void test_counts(void)
{
    CHECK(count_params("cnn", (net_shape){3, 32, 32, 3}, 32) == 590819, "cnn CIFAR params %ld",
          count_params("cnn", (net_shape){3, 32, 32, 3}, 32));
    CHECK(count_params("lstm", (net_shape){2, 50, 1, 10}, 20) == 64542, "lstm params %ld",
          count_params("lstm", (net_shape){2, 50, 1, 10}, 20));
    CHECK(count_params("cnn", (net_shape){3, 28, 28, 1}, 16) > 0, "cnn on 28x28x1 builds");
    /* dense: 15-128-64-4 / 4-64-128-15 Linear layers */
    long dense =
        15 * 128 + 128 + 128 * 64 + 64 + 64 * 4 + 4 + 4 * 64 + 64 + 64 * 128 + 128 + 128 * 15 + 15;
    CHECK(count_params("dense", (net_shape){2, 5, 1, 3}, 4) == dense, "dense params %ld, not %ld",
          count_params("dense", (net_shape){2, 5, 1, 3}, 4), dense);
    ae_err err;
    net n;
    net_init(&n, (net_shape){3, 30, 30, 3});
    CHECK(model_build(&n, "cnn", 32, &err) == -1 && strstr(err.msg, "multiples of 4"),
          "30x30 refused: %s", err.msg);
    net_init(&n, (net_shape){2, 50, 1, 10});
    CHECK(model_build(&n, "cnn", 32, &err) == -1, "cnn refuses sequences");
    net_init(&n, (net_shape){3, 8, 8, 3});
    CHECK(model_build(&n, "dense", 4, &err) == -1 && strstr(err.msg, "not images"),
          "dense refuses images: %s", err.msg);
    /* dense takes its input sample-major (a Flatten first), the LSTM time-major */
    net_init(&n, (net_shape){2, 5, 1, 3});
    CHECK(model_build(&n, "dense", 4, &err) == 0 && net_flat_io(&n) &&
              n.layers[n.nlayers - 1].out.rank == 2 && n.layers[n.nlayers - 1].out.h == 5,
          "dense: flat input, 5x3 output: %s", err.msg);
    net_free(&n);
    net_init(&n, (net_shape){2, 5, 1, 3});
    CHECK(model_build(&n, "lstm", 4, &err) == 0 && !net_flat_io(&n), "lstm: time-major");
    net_free(&n);
    net_init(&n, (net_shape){3, 32, 32, 3});
    CHECK(model_build(&n, "cnn", 32, &err) == 0 && net_finalize(&n, 2, 1, &err) == 0,
          "finalize: %s", err.msg);
    char buf[8192];
    model_summary(&n, "cnn", buf, sizeof buf);
    CHECK(strstr(buf, "Total params: 590819") != NULL, "summary:\n%s", buf);
    CHECK(strstr(buf, "conv2d_transpose_2 (Conv2DTranspose)") != NULL, "keras names:\n%s", buf);
    CHECK(strstr(buf, "(None, 8, 8, 128)") != NULL, "shapes:\n%s", buf);
    net_free(&n);
}

/* Sum of squared errors of the net on x (B samples): the sum, not the mean, keeps the
 * gradients large enough to compare with float32 finite differences. */
static double net_loss(net *n, const float *x, int B, long dim)
{
    const float *y = net_forward(n, 0, x, B, n->nlayers - 1);
    return loss_sse(y, x, B * dim);
}

static void gradcheck_model(const char *preset, net_shape in, int latent, int B)
{
    net n;
    ae_err err;
    net_init(&n, in);
    CHECK(model_build(&n, preset, latent, &err) == 0, "%s", err.msg);
    CHECK(net_finalize(&n, B, 1, &err) == 0, "%s", err.msg);
    rng r;
    rng_seed(&r, 3);
    net_init_params(&n, &r, &err);
    /* Biases moved off zero keep ReLU pre-activations away from their kink, so that finite
     * differences see a smooth function (zero biases put many units right on it). */
    for (int li = 0; li < n.nlayers; li++)
        if (n.layers[li].nparams && n.layers[li].op != OP_LSTM)
            for (int k = 0; k < n.layers[li].units; k++)
                n.params[n.layers[li].b_off + k] = (float)rng_range(&r, 0.1, 0.3);
    long dim = net_shape_size(&in);
    float *x = malloc(sizeof(float) * B * dim);
    for (long i = 0; i < B * dim; i++) x[i] = (float)rng_uniform(&r);
    const float *y = net_forward(&n, 0, x, B, n.nlayers - 1);
    float *dy = net_dy_buffer(&n, 0);
    loss_mse_grad(dy, y, x, B * dim, 1.0f);
    net_backward(&n, 0, x, dy, B);
    float *g = malloc(sizeof(float) * n.nparams);
    memcpy(g, n.grads, sizeof(float) * n.nparams);
    int bad = 0, tried = 0;
    double worst = 0;
    for (int k = 0; k < 400 && tried < 60; k++) {
        long j = (long)rng_below(&r, (uint64_t)n.nparams);
        float keep = n.params[j];
        float eps = 1e-3f * fmaxf(1.0f, fabsf(keep));
        n.params[j] = keep + eps;
        double lp = net_loss(&n, x, B, dim);
        n.params[j] = keep - eps;
        double lm = net_loss(&n, x, B, dim);
        n.params[j] = keep;
        n.params[j] = keep + eps / 2;
        double lp2 = net_loss(&n, x, B, dim);
        n.params[j] = keep - eps / 2;
        double lm2 = net_loss(&n, x, B, dim);
        n.params[j] = keep;
        double num = (lp - lm) / (2.0 * eps), num2 = (lp2 - lm2) / eps;
        /* two step sizes disagreeing means a max-pool or ReLU switch inside the step */
        if (fabs(num - num2) > 0.02 * (fabs(num) + fabs(num2)) + 1e-4) continue;
        double scale = fabs(num) + fabs(g[j]);
        if (scale < 1e-3) continue; /* both ~0: nothing to compare in float32 */
        tried++;
        double e = fabs(num - g[j]) / scale;
        if (e > worst) worst = e;
        if (e > 5e-2) bad++;
    }
    /* a ReLU kink inside [p-eps, p+eps] can spoil a rare coordinate; more is a bug */
    CHECK(tried >= 20 && bad <= 2, "%s: %d of %d gradients off (worst %.3g)", preset, bad, tried,
          worst);
    /* encoder + decoder == the whole forward */
    int L = net_latent_size(&n);
    float *z = malloc(sizeof(float) * B * L), *full = malloc(sizeof(float) * B * dim);
    memcpy(full, net_forward(&n, 0, x, B, n.nlayers - 1), sizeof(float) * B * dim);
    memcpy(z, net_forward(&n, 0, x, B, n.latent_layer), sizeof(float) * B * L);
    const float *dec = net_decode(&n, 0, z, B);
    CHECK(!memcmp(dec, full, sizeof(float) * B * dim), "%s: decode(encode(x)) != forward(x)",
          preset);
    free(x), free(g), free(z), free(full);
    net_free(&n);
}

static void test_training(void)
{
    train_config cfg;
    ae_err err;
    train_config_defaults(&cfg, "lstm", &err);
    cfg.train_n = 256, cfg.test_n = 64, cfg.epochs = 3, cfg.threads = 2, cfg.seed = 5;
    train_result a, b;
    CHECK(train_run(&cfg, NULL, NULL, &a, &err) == 0, "train: %s", err.msg);
    CHECK(!strcmp(a.status, "finished") && a.epochs_done == 3, "status %s", a.status);
    CHECK(a.latents && a.n_test == 64 && a.latent == 20, "latents kept");
    CHECK(train_run(&cfg, NULL, NULL, &b, &err) == 0, "train: %s", err.msg);
    CHECK(a.test_mse == b.test_mse && !memcmp(a.latents, b.latents, sizeof(float) * 64 * 20),
          "same seed and threads, different results: %.9g vs %.9g", a.test_mse, b.test_mse);
    train_result_free(&b);
    cfg.epochs = 1;
    CHECK(train_run(&cfg, NULL, NULL, &b, &err) == 0, "train: %s", err.msg);
    CHECK(a.test_mse < b.test_mse, "loss did not fall: 3 epochs %.5f, 1 epoch %.5f", a.test_mse,
          b.test_mse);
    train_result_free(&a), train_result_free(&b);
    /* a wild learning rate diverges and says so */
    cfg.epochs = 5, cfg.lr = 1e6;
    CHECK(train_run(&cfg, NULL, NULL, &a, &err) == 0, "train: %s", err.msg);
    CHECK(!strcmp(a.status, "diverged") || a.test_mse > 0.01, "lr 1e6: %s, mse %g", a.status,
          a.test_mse);
    train_result_free(&a);
}

int main(void)
{
    test_counts();
    gradcheck_model("cnn", (net_shape){3, 8, 8, 2}, 4, 2);
    gradcheck_model("cnn", (net_shape){3, 4, 12, 1}, 3, 3);
    gradcheck_model("lstm", (net_shape){2, 5, 1, 3}, 3, 2);
    gradcheck_model("dense", (net_shape){2, 4, 1, 3}, 3, 2);
    test_training();
    return test_done();
}

/* bench_sixel.c: time to encode and write one 512x512 panel as sixel (issue 5: <= 20 ms).
 *
 * Two panels: a plot (loss curves over a latent scatter, the exact-palette path) and an
 * image grid (16 reconstruction pairs of 32x32 colour images scaled 4x, beyond 256 colours:
 * the adaptive-palette path). For each: draw time, cold encode + write to /dev/null (cache
 * invalidated every round), the cached path (hash + hand back), and the bytes written.
 * Usage: bench_sixel [rounds]   (default 50) */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "canvas.h"
#include "chart.h"
#include "rng.h"
#include "sixel_out.h"
#include "textgfx.h"
#include "testlib.h"

static void draw_plot(canvas *c, int round)
{
    static float y[50], yv[50], sx[2000], sy[2000];
    static unsigned char cls[2000];
    for (int i = 0; i < 50; i++) {
        y[i] = 0.08f * expf(-i / 10.0f) + 0.01f;
        yv[i] = 0.09f * expf(-i / 11.0f) + 0.012f;
    }
    for (int i = 0; i < 2000; i++) {
        cls[i] = (unsigned char)(i % 10);
        double a = cls[i] * 0.628 + (i % 17) * 0.03 + round * 0.001, r = 2 + (i % 31) * 0.1;
        sx[i] = (float)(r * cos(a));
        sy[i] = (float)(r * sin(a));
    }
    static const char *const names[10] = {"airplane", "automobile", "bird",  "cat",  "deer",
                                          "dog",      "frog",       "horse", "ship", "truck"};
    chart ch;
    chart_init(&ch, 0, 0, 512, 200);
    ch.title = "loss";
    ch.log_y = 1;
    ch.has_best = 1;
    ch.best_x = 40;
    chart_series s[2] = {
        {.y = y,
         .n = 50,
         .x0 = 1,
         .color = 0xff8040,
         .style = CHART_LINE | CHART_MARKERS,
         .name = "train"},
        {.y = yv,
         .n = 50,
         .x0 = 1,
         .color = 0x40a0ff,
         .style = CHART_LINE | CHART_BOLD,
         .name = "val"},
    };
    chart_draw(c, &ch, s, 2, NULL);
    chart_init(&ch, 0, 200, 512, 312);
    ch.title = "latent (PCA)";
    ch.square = 1;
    ch.class_names = names;
    ch.n_classes = 10;
    chart_series ss = {
        .x = sx, .y = sy, .n = 2000, .style = CHART_SCATTER, .radius = 1, .cls = cls};
    chart_draw(c, &ch, &ss, 1, NULL);
}

static void draw_images(canvas *c, const float *imgs)
{
    canvas_clear(c, 0x101418);
    /* 8 columns x 2 pair-rows: original above reconstruction, 32x32 scaled to 60x60 */
    for (int k = 0; k < 16; k++) {
        int col = k % 8, row = k / 8;
        int x = 4 + col * 63, y = 8 + row * 250;
        canvas_blit_float(c, x, y, 60, 60, imgs + (size_t)k * 2 * 32 * 32 * 3, 32, 32, 3, NULL);
        canvas_blit_float(c, x, y + 64, 60, 60, imgs + ((size_t)k * 2 + 1) * 32 * 32 * 3, 32, 32, 3,
                          NULL);
    }
    canvas_text(c, 4, 140, "originals above, reconstructions below", 1, 0xc8c8c8);
}

static void bench(const char *name, canvas *c, sixel_kind kind, int rounds, int devnull)
{
    sixel_enc *e;
    ae_err err;
    if (sixel_enc_new(&e, 256, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        exit(1);
    }
    const char *b;
    size_t len = 0;
    double best = 1e9, sum = 0;
    sixel_enc_stats st;
    for (int r = 0; r < rounds; r++) {
        sixel_enc_invalidate(e);
        double t0 = test_now();
        if (sixel_encode_panel(e, c, kind, &b, &len, NULL, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            exit(1);
        }
        if (write(devnull, b, len) != (ssize_t)len) exit(1);
        double t = (test_now() - t0) * 1e3;
        sum += t;
        if (t < best) best = t;
    }
    sixel_enc_get_stats(e, &st);
    double h0 = test_now();
    int cached = 0;
    for (int r = 0; r < rounds; r++) sixel_encode_panel(e, c, kind, &b, &len, &cached, NULL);
    double hit = (test_now() - h0) * 1e3 / rounds;
    printf("%-6s 512x512: encode+write mean %6.2f ms, best %6.2f ms; cached %5.3f ms; "
           "%zu bytes, %d colours\n",
           name, sum / rounds, best, hit, len, st.last_colors);
    sixel_enc_free(e);
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 50;
    if (rounds < 1) rounds = 1;
    int devnull = open("/dev/null", O_WRONLY);
    canvas c;
    canvas_init(&c, 512, 512, NULL);

    double t0 = test_now();
    for (int r = 0; r < rounds; r++) draw_plot(&c, r);
    printf("plot   draw %.2f ms\n", (test_now() - t0) * 1e3 / rounds);
    bench("plot", &c, SIXEL_KIND_PLOT, rounds, devnull);

    /* smooth random colour images (a few blobs each), like CIFAR reconstructions */
    size_t n = (size_t)32 * 2 * 32 * 32 * 3;
    float *imgs = malloc(n * sizeof *imgs);
    rng rs;
    rng_seed(&rs, 42);
    for (int k = 0; k < 32; k++) {
        float base[3] = {(float)rng_uniform(&rs), (float)rng_uniform(&rs), (float)rng_uniform(&rs)};
        for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
                for (int ch = 0; ch < 3; ch++) {
                    float v = base[ch] + 0.3f * sinf(x * 0.2f + ch + k) * cosf(y * 0.15f + k) +
                              0.05f * ((float)rng_uniform(&rs) - 0.5f);
                    imgs[(((size_t)k * 32 + y) * 32 + x) * 3 + ch] = v;
                }
    }
    t0 = test_now();
    for (int r = 0; r < rounds; r++) draw_images(&c, imgs);
    printf("image  draw %.2f ms\n", (test_now() - t0) * 1e3 / rounds);
    bench("image", &c, SIXEL_KIND_IMAGE, rounds, devnull);

    /* the text back end on the same image panel, for comparison */
    textgfx_opts o = {.style = TEXTGFX_HALFBLOCK, .colors = TEXTGFX_COLOR_TRUE};
    textgfx_grid g;
    t0 = test_now();
    for (int r = 0; r < rounds; r++) {
        textgfx_render(&c, 0, 0, 512, 512, 100, 50, &o, &g, NULL);
        if (r + 1 < rounds) textgfx_grid_free(&g);
    }
    char *ansi;
    size_t alen;
    textgfx_to_ansi(&g, TEXTGFX_COLOR_TRUE, &ansi, &alen, NULL);
    printf("blocks 100x50 cells: render %.2f ms, %zu bytes as ANSI\n",
           (test_now() - t0) * 1e3 / rounds, alen);
    free(ansi);
    textgfx_grid_free(&g);
    free(imgs);
    canvas_free(&c);
    close(devnull);
    return 0;
}

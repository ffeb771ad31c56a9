/* test_sixel.c: the sixel back end, checked by decoding what it writes.
 *
 * A plot with class colours is encoded, decoded back with libsixel's decoder and compared
 * pixel by pixel (sixel palettes are in percent, so within 3 levels); images beyond 256
 * colours go through the adaptive palette and must stay close on average; the cache hands
 * back the same bytes while the pixels are the same and re-encodes when they change; PNGs are
 * written with the right header and read back by libsixel's loader. */
#include <math.h>
#include <sixel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "chart.h"
#include "sixel_out.h"
#include "testlib.h"

typedef struct decoded {
    int w, h, ncolors;
    unsigned char *idx, *pal; /* from libsixel's allocator (malloc) */
} decoded;

static int decode(const char *bytes, size_t len, decoded *d)
{
    memset(d, 0, sizeof *d);
    unsigned char *copy = malloc(len);
    memcpy(copy, bytes, len);
    SIXELSTATUS st =
        sixel_decode_raw(copy, (int)len, &d->idx, &d->w, &d->h, &d->pal, &d->ncolors, NULL);
    free(copy);
    return SIXEL_FAILED(st) ? -1 : 0;
}

static void decoded_free(decoded *d)
{
    free(d->idx);
    free(d->pal);
}

static canvas_color decoded_at(const decoded *d, int x, int y)
{
    const unsigned char *p = d->pal + 3 * d->idx[(size_t)y * d->w + x];
    return CANVAS_RGB(p[0], p[1], p[2]);
}

static int close_to(canvas_color a, canvas_color b, int tol)
{
    return abs(CANVAS_R(a) - CANVAS_R(b)) <= tol && abs(CANVAS_G(a) - CANVAS_G(b)) <= tol &&
           abs(CANVAS_B(a) - CANVAS_B(b)) <= tol;
}

/* A latent-style scatter plot: 10 classes, legend, axes. */
static void draw_scatter(canvas *c)
{
    static const char *const names[10] = {"airplane", "automobile", "bird",  "cat",  "deer",
                                          "dog",      "frog",       "horse", "ship", "truck"};
    float x[400], y[400];
    unsigned char cls[400];
    for (int i = 0; i < 400; i++) {
        cls[i] = (unsigned char)(i % 10);
        double a = cls[i] * 0.628 + (i % 7) * 0.05, r = 3 + (i % 13) * 0.2;
        x[i] = (float)(r * cos(a));
        y[i] = (float)(r * sin(a));
    }
    chart ch;
    chart_init(&ch, 0, 0, c->w, c->h);
    ch.title = "latent (PCA)";
    ch.class_names = names;
    ch.n_classes = 10;
    ch.square = 1;
    chart_series s = {.x = x, .y = y, .n = 400, .style = CHART_SCATTER, .radius = 2, .cls = cls};
    ae_err err;
    if (chart_draw(c, &ch, &s, 1, &err)) fprintf(stderr, "chart: %s\n", err.msg);
}

static void test_plot_roundtrip(void)
{
    canvas c;
    canvas_init(&c, 320, 240, NULL);
    draw_scatter(&c);
    uint64_t before = canvas_hash(&c);
    sixel_enc *e;
    ae_err err;
    CHECK(sixel_enc_new(&e, 0, &err) == 0, "%s", err.msg);
    const char *bytes;
    size_t len;
    int cached = -1;
    CHECK(sixel_encode_panel(e, &c, SIXEL_KIND_PLOT, &bytes, &len, &cached, &err) == 0, "%s",
          err.msg);
    CHECK(cached == 0, "first encode cached");
    CHECK(canvas_hash(&c) == before, "encoding changed the canvas");
    CHECK(len > 100 && bytes[0] == 0x1b && bytes[1] == 'P', "DCS start");
    CHECK(bytes[len - 2] == 0x1b && bytes[len - 1] == '\\', "ST end");
    sixel_enc_stats st;
    sixel_enc_get_stats(e, &st);
    CHECK(st.last_colors > 10 && st.last_colors < 64, "exact palette of %d colours",
          st.last_colors);

    decoded d;
    CHECK(decode(bytes, len, &d) == 0, "decode failed");
    CHECK(d.w == c.w && d.h == c.h, "decoded %dx%d, drew %dx%d", d.w, d.h, c.w, c.h);
    if (d.w == c.w && d.h == c.h) {
        long bad = 0;
        int distinct_bg = 0;
        for (int y = 0; y < c.h; y++)
            for (int x = 0; x < c.w; x++) {
                if (!close_to(decoded_at(&d, x, y), canvas_get(&c, x, y), 3)) bad++;
                if (decoded_at(&d, x, y) != decoded_at(&d, 0, 0)) distinct_bg++;
            }
        CHECK(bad == 0, "%ld pixels differ after the round trip", bad);
        CHECK(distinct_bg > 1000, "decoded picture is blank");
        for (int k = 0; k < 10; k++) {
            canvas_color want = chart_class_color(k);
            long n = 0;
            for (int y = 0; y < d.h; y++)
                for (int x = 0; x < d.w; x++) n += close_to(decoded_at(&d, x, y), want, 3);
            CHECK(n >= 40 * 5, "class %d colour %06x: %ld pixels", k, want, n);
        }
    }
    decoded_free(&d);
    sixel_enc_free(e);
    canvas_free(&c);
}

static void test_cache(void)
{
    canvas c, c2;
    canvas_init(&c, 200, 120, NULL);
    canvas_init(&c2, 200, 120, NULL);
    draw_scatter(&c);
    draw_scatter(&c2);
    sixel_enc *e;
    sixel_enc_new(&e, 256, NULL);
    ae_err err;
    const char *b1, *b2;
    size_t l1, l2;
    int cached;
    CHECK(sixel_encode_panel(e, &c, SIXEL_KIND_PLOT, &b1, &l1, &cached, &err) == 0, "%s", err.msg);
    char *first = malloc(l1);
    memcpy(first, b1, l1);
    CHECK(sixel_encode_panel(e, &c, SIXEL_KIND_PLOT, &b2, &l2, &cached, &err) == 0, "%s", err.msg);
    CHECK(cached == 1 && b2 == b1 && l2 == l1, "unchanged canvas re-encoded");
    /* the same pixels drawn again (another canvas, new generation) still hit */
    CHECK(sixel_encode_panel(e, &c2, SIXEL_KIND_PLOT, &b2, &l2, &cached, &err) == 0, "%s", err.msg);
    CHECK(cached == 1, "same pixels in a redrawn canvas re-encoded");
    /* one pixel changes: re-encoded, different bytes */
    canvas_pixel(&c, 100, 60, 0xfefefe);
    CHECK(sixel_encode_panel(e, &c, SIXEL_KIND_PLOT, &b2, &l2, &cached, &err) == 0, "%s", err.msg);
    CHECK(cached == 0, "changed pixels served from the cache");
    CHECK(l2 != l1 || memcmp(b2, first, l1) != 0, "changed pixels, same bytes");
    /* the kind is part of the key; invalidate forgets */
    CHECK(sixel_encode_panel(e, &c, SIXEL_KIND_IMAGE, &b2, &l2, &cached, &err) == 0 && !cached,
          "kind change served from the cache");
    sixel_enc_invalidate(e);
    CHECK(sixel_encode_panel(e, &c, SIXEL_KIND_IMAGE, &b2, &l2, &cached, &err) == 0 && !cached,
          "invalidate ignored");
    sixel_enc_stats st;
    sixel_enc_get_stats(e, &st);
    CHECK(st.encodes == 4 && st.hits == 2, "stats: %ld encodes, %ld hits", st.encodes, st.hits);
    /* a resize re-encodes */
    canvas_resize(&c, 100, 50, NULL);
    CHECK(sixel_encode_panel(e, &c, SIXEL_KIND_IMAGE, &b2, &l2, &cached, &err) == 0 && !cached,
          "resized canvas served from the cache");
    decoded d;
    CHECK(decode(b2, l2, &d) == 0 && d.w == 100 && d.h == 50, "one-colour canvas %dx%d", d.w, d.h);
    decoded_free(&d);
    free(first);
    sixel_enc_free(e);
    canvas_free(&c);
    canvas_free(&c2);

    CHECK(sixel_enc_new(&e, 1, &err) == -1, "1 colour accepted");
    CHECK(sixel_enc_new(&e, 300, &err) == -1, "300 colours accepted");
}

/* A picture with far more than 256 colours: a smooth RGB gradient plus a few lines. */
static void draw_gradient(canvas *c)
{
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++)
            canvas_pixel(c, x, y,
                         CANVAS_RGB(x * 255 / (c->w - 1), y * 255 / (c->h - 1),
                                    (x + y) * 255 / (c->w + c->h - 2)));
    canvas_line(c, 0, 0, c->w - 1, c->h - 1, 0xffffff);
}

static double mean_error(const canvas *c, const decoded *d)
{
    double sum = 0;
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++) {
            canvas_color a = canvas_get(c, x, y), b = decoded_at(d, x, y);
            sum += abs(CANVAS_R(a) - CANVAS_R(b)) + abs(CANVAS_G(a) - CANVAS_G(b)) +
                   abs(CANVAS_B(a) - CANVAS_B(b));
        }
    return sum / (3.0 * c->w * c->h);
}

static void test_many_colours(void)
{
    canvas c;
    canvas_init(&c, 160, 96, NULL);
    draw_gradient(&c);
    uint64_t before = canvas_hash(&c);
    sixel_enc *e;
    sixel_enc_new(&e, 256, NULL);
    ae_err err;
    const char *b;
    size_t l;
    decoded d;
    /* image: adaptive palette, diffusion */
    CHECK(sixel_encode_panel(e, &c, SIXEL_KIND_IMAGE, &b, &l, NULL, &err) == 0, "%s", err.msg);
    CHECK(canvas_hash(&c) == before, "adaptive encode changed the canvas (no copy?)");
    CHECK(decode(b, l, &d) == 0 && d.w == c.w && d.h == c.h, "image decode %dx%d", d.w, d.h);
    if (d.w == c.w && d.h == c.h) {
        double me = mean_error(&c, &d);
        CHECK(me < 8, "adaptive palette mean error %.2f", me);
    }
    decoded_free(&d);
    /* plot beyond 256 colours: the fixed cube, no diffusion */
    CHECK(sixel_encode_panel(e, &c, SIXEL_KIND_PLOT, &b, &l, NULL, &err) == 0, "%s", err.msg);
    sixel_enc_stats st;
    sixel_enc_get_stats(e, &st);
    CHECK(st.last_colors == 240, "fixed palette size %d", st.last_colors);
    CHECK(decode(b, l, &d) == 0 && d.w == c.w && d.h == c.h, "plot decode");
    if (d.w == c.w && d.h == c.h) {
        double me = mean_error(&c, &d);
        CHECK(me < 16, "fixed palette mean error %.2f", me);
        CHECK(decoded_at(&d, 50, 50 * (c.h - 1) / (c.w - 1)) == 0xffffff ||
                  decoded_at(&d, 50, 50 * (c.h - 1) / (c.w - 1) + 1) == 0xffffff ||
                  decoded_at(&d, 50, 50 * (c.h - 1) / (c.w - 1) - 1) == 0xffffff,
              "the white line survived");
    }
    decoded_free(&d);
    sixel_enc_free(e);

    /* a small palette limit: adaptive even for a plot */
    sixel_enc_new(&e, 16, NULL);
    CHECK(sixel_encode_panel(e, &c, SIXEL_KIND_PLOT, &b, &l, NULL, &err) == 0, "%s", err.msg);
    sixel_enc_get_stats(e, &st);
    CHECK(st.last_colors <= 16, "16-colour limit gave %d", st.last_colors);
    sixel_enc_free(e);
    canvas_free(&c);
}

typedef struct loaded {
    int w, h, fmt;
    unsigned char px[3 * 64];
    int got;
} loaded;

static SIXELSTATUS on_frame(sixel_frame_t *f, void *ctx)
{
    loaded *l = ctx;
    l->w = sixel_frame_get_width(f);
    l->h = sixel_frame_get_height(f);
    l->fmt = sixel_frame_get_pixelformat(f);
    if (l->fmt == SIXEL_PIXELFORMAT_RGB888) memcpy(l->px, sixel_frame_get_pixels(f), 3 * 64);
    l->got = 1;
    return SIXEL_OK;
}

static void test_png(void)
{
    char dir[512], path[600];
    if (!test_tmpdir("test_sixel", dir, sizeof dir)) {
        CHECK(0, "no temporary directory");
        return;
    }
    snprintf(path, sizeof path, "%s/plot.png", dir);
    canvas c;
    canvas_init(&c, 300, 170, NULL);
    draw_scatter(&c);
    canvas_fill_rect(&c, 0, 0, 64, 1, 0x123456);
    ae_err err;
    CHECK(sixel_write_png(&c, path, &err) == 0, "%s", err.msg);
    FILE *f = fopen(path, "rb");
    unsigned char hdr[33] = {0};
    size_t n = f ? fread(hdr, 1, sizeof hdr, f) : 0;
    if (f) fclose(f);
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    CHECK(n == sizeof hdr && memcmp(hdr, sig, 8) == 0, "PNG signature");
    CHECK(memcmp(hdr + 12, "IHDR", 4) == 0, "IHDR first");
    unsigned w = (unsigned)hdr[16] << 24 | hdr[17] << 16 | hdr[18] << 8 | hdr[19];
    unsigned h = (unsigned)hdr[20] << 24 | hdr[21] << 16 | hdr[22] << 8 | hdr[23];
    CHECK(w == 300 && h == 170, "IHDR size %ux%u", w, h);
    CHECK(hdr[24] == 8 && (hdr[25] == 2 || hdr[25] == 6), "8-bit RGB: depth %d type %d", hdr[24],
          hdr[25]);
    /* and libsixel reads it back with our pixels */
    loaded l = {0};
    sixel_allocator_t *alloc = NULL; /* the loader insists on one */
    sixel_allocator_new(&alloc, NULL, NULL, NULL, NULL);
    SIXELSTATUS st = sixel_helper_load_image_file(path, 1, 0, 256, NULL, SIXEL_LOOP_DISABLE,
                                                  on_frame, 0, NULL, &l, alloc);
    sixel_allocator_unref(alloc);
    CHECK(SIXEL_SUCCEEDED(st) && l.got, "PNG not readable: %s", sixel_helper_format_error(st));
    CHECK(l.w == 300 && l.h == 170, "loaded %dx%d", l.w, l.h);
    if (l.got && l.fmt == SIXEL_PIXELFORMAT_RGB888)
        CHECK(l.px[0] == 0x12 && l.px[1] == 0x34 && l.px[2] == 0x56 && l.px[189] == 0x12,
              "pixels read back: %02x%02x%02x", l.px[0], l.px[1], l.px[2]);
    CHECK(sixel_write_png(&c, "/nonexistent-dir/x.png", &err) == -1, "bad path accepted");
    CHECK(strstr(err.msg, "/nonexistent-dir/x.png") != NULL, "message names the file: %s", err.msg);
    canvas_free(&c);
}

int main(void)
{
    test_plot_roundtrip();
    test_cache();
    test_many_colours();
    test_png();
    return test_done();
}

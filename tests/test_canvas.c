/* test_canvas.c: the canvas primitives hit the pixels they should; the font renders; ticks
 * are nice; charts autoscale, clip, map back and forth, and draw their legend. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "chart.h"
#include "testlib.h"

static int count_color(const canvas *c, canvas_color col)
{
    int n = 0;
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++)
            if (canvas_get(c, x, y) == col) n++;
    return n;
}

static int count_in(const canvas *c, int x0, int y0, int w, int h, canvas_color col)
{
    int n = 0;
    for (int y = y0; y < y0 + h; y++)
        for (int x = x0; x < x0 + w; x++)
            if (canvas_get(c, x, y) == col) n++;
    return n;
}

static void test_primitives(void)
{
    canvas c;
    ae_err err;
    CHECK(canvas_init(&c, 0, 10, &err) == -1, "zero width accepted");
    CHECK(strstr(err.msg, "bad size") != NULL, "message: %s", err.msg);
    CHECK(canvas_init(&c, 40, 30, &err) == 0, "%s", err.msg);
    CHECK(count_color(&c, 0) == 40 * 30, "not black after init");
    uint64_t g0 = c.gen;
    canvas_clear(&c, 0x102030);
    CHECK(c.gen > g0, "gen not bumped");
    CHECK(count_color(&c, 0x102030) == 1200, "clear");
    CHECK(c.px[0] == 0x10 && c.px[1] == 0x20 && c.px[2] == 0x30, "byte order is RGB");

    /* horizontal, vertical, diagonal lines: exact pixels, both ends */
    canvas_line(&c, 2, 3, 12, 3, 0xff0000);
    CHECK(count_in(&c, 2, 3, 11, 1, 0xff0000) == 11, "horizontal line");
    CHECK(count_color(&c, 0xff0000) == 11, "horizontal line spills");
    canvas_line(&c, 20, 25, 20, 5, 0x00ff00);
    CHECK(count_in(&c, 20, 5, 1, 21, 0x00ff00) == 21, "vertical line reversed");
    canvas_line(&c, 0, 0, 9, 9, 0x0000ff);
    int diag = 1;
    for (int i = 0; i < 10; i++) diag &= canvas_get(&c, i, i) == 0x0000ff;
    CHECK(diag && count_color(&c, 0x0000ff) == 10, "diagonal");
    /* a shallow line has one pixel per column and stays within half a pixel of the ideal */
    canvas_clear(&c, 0);
    canvas_line(&c, 1, 2, 31, 12, 0xffffff);
    int ok = 1;
    for (int x = 1; x <= 31; x++) {
        int hits = 0;
        for (int y = 0; y < c.h; y++)
            if (canvas_get(&c, x, y) == 0xffffff) {
                hits++;
                double ideal = 2 + (x - 1) * 10.0 / 30.0;
                if (fabs(y - ideal) > 0.51) ok = 0;
            }
        if (hits != 1) ok = 0;
    }
    CHECK(ok, "shallow Bresenham line");
    /* clipping: far outside draws nothing, crossing draws only the inside */
    canvas_clear(&c, 0);
    canvas_line(&c, -100, -100, -50, -20, 0xffffff);
    CHECK(count_color(&c, 0xffffff) == 0, "line outside drew");
    canvas_line(&c, -10, 5, 100, 5, 0xffffff);
    CHECK(count_color(&c, 0xffffff) == 40, "clipped line: %d", count_color(&c, 0xffffff));
    canvas_line(&c, -2000000000, 0, 2000000000, 0, 0xffffff); /* must not hang or crash */

    /* thick line */
    canvas_clear(&c, 0);
    canvas_line_w(&c, 5, 10, 25, 10, 2, 0xabcdef);
    CHECK(count_color(&c, 0xabcdef) == 42, "2-wide line: %d", count_color(&c, 0xabcdef));

    /* points */
    canvas_clear(&c, 0);
    canvas_point(&c, 10, 10, 0, 0x111111);
    CHECK(count_color(&c, 0x111111) == 1, "radius 0");
    canvas_point(&c, 20, 10, 1, 0x222222);
    CHECK(count_color(&c, 0x222222) == 9, "radius 1: %d", count_color(&c, 0x222222));
    canvas_point(&c, 20, 20, 3, 0x333333);
    int r3 = count_color(&c, 0x333333);
    CHECK(r3 > 25 && r3 < 49 && canvas_get(&c, 20, 20) == 0x333333 &&
              canvas_get(&c, 23, 20) == 0x333333 && canvas_get(&c, 23, 23) != 0x333333,
          "radius 3 disc: %d", r3);
    canvas_point(&c, 0, 0, 2, 0x444444); /* clipped at the corner */
    CHECK(canvas_get(&c, 0, 0) == 0x444444 && count_color(&c, 0x444444) < 13, "corner disc");

    /* rectangles */
    canvas_clear(&c, 0);
    canvas_fill_rect(&c, 5, 6, 7, 4, 0x555555);
    CHECK(count_in(&c, 5, 6, 7, 4, 0x555555) == 28 && count_color(&c, 0x555555) == 28, "fill_rect");
    canvas_fill_rect(&c, 35, 25, 100, 100, 0x666666);
    CHECK(count_color(&c, 0x666666) == 5 * 5, "clipped fill_rect");
    canvas_rect(&c, 0, 0, 10, 5, 0x777777);
    CHECK(count_color(&c, 0x777777) == 2 * 10 + 2 * 3, "rect outline");
    canvas_clear(&c, 0);
    canvas_square(&c, 10, 10, 2, 0x888888);
    CHECK(count_color(&c, 0x888888) == 16 && canvas_get(&c, 10, 10) == 0, "square marker");

    /* dashed lines */
    canvas_clear(&c, 0);
    canvas_hline_dashed(&c, 0, 39, 1, 2, 0x999999);
    CHECK(count_color(&c, 0x999999) == 20, "dashed: %d", count_color(&c, 0x999999));

    /* mix */
    CHECK(canvas_mix(0xffffff, 0x000000, 0.5) == 0x808080, "mix %06x",
          canvas_mix(0xffffff, 0, 0.5));
    CHECK(canvas_mix(0x123456, 0xabcdef, 1) == 0x123456, "mix 1");

    /* hash changes with one pixel, and back */
    uint64_t h1 = canvas_hash(&c);
    canvas_pixel(&c, 39, 29, 0x010101);
    CHECK(canvas_hash(&c) != h1, "hash missed a pixel");
    canvas_pixel(&c, 39, 29, 0);
    CHECK(canvas_hash(&c) == h1, "hash not a function of the pixels");
    canvas_free(&c);
    canvas_free(&c); /* twice is fine */
}

static void test_blits(void)
{
    canvas c;
    canvas_init(&c, 16, 16, NULL);
    ae_err err;
    /* 2x2 grey image -> 8x8: four 4x4 blocks */
    float grey[4] = {0.0f, 1.0f, 0.5f, 2.0f};
    CHECK(canvas_blit_float(&c, 4, 4, 8, 8, grey, 2, 2, 1, &err) == 0, "%s", err.msg);
    CHECK(canvas_get(&c, 4, 4) == 0x000000 && canvas_get(&c, 7, 7) == 0x000000, "block 0");
    CHECK(canvas_get(&c, 8, 4) == 0xffffff && canvas_get(&c, 11, 7) == 0xffffff, "block 1");
    CHECK(canvas_get(&c, 4, 8) == 0x808080, "block 2: %06x", canvas_get(&c, 4, 8));
    CHECK(canvas_get(&c, 11, 11) == 0xffffff, "clamped above 1");
    /* RGB float with NaN */
    float rgb[2 * 1 * 3] = {1, 0, 0, NAN, 0, 0};
    CHECK(canvas_blit_float(&c, 0, 0, 2, 1, rgb, 2, 1, 3, &err) == 0, "%s", err.msg);
    CHECK(canvas_get(&c, 0, 0) == 0xff0000 && canvas_get(&c, 1, 0) == 0xff00ff, "rgb/NaN");
    CHECK(canvas_blit_float(&c, 0, 0, 2, 1, rgb, 2, 1, 2, &err) == -1, "2 channels accepted");
    CHECK(canvas_blit_float(&c, 0, 0, 0, 1, rgb, 2, 1, 3, &err) == -1, "zero size accepted");
    /* uint8 RGB, downscaled 4x4 -> 2x2 (nearest picks rows/cols 0 and 2), partly off-canvas */
    uint8_t img[4 * 4 * 3];
    for (int i = 0; i < 16; i++) {
        img[3 * i] = (uint8_t)(i * 10);
        img[3 * i + 1] = 7;
        img[3 * i + 2] = 9;
    }
    CHECK(canvas_blit_rgb(&c, 15, 15, 2, 2, img, 4, 4, &err) == 0, "%s", err.msg);
    CHECK(canvas_get(&c, 15, 15) == CANVAS_RGB(0, 7, 9), "rgb blit corner");
    CHECK(canvas_blit_rgb(&c, -1, -1, 2, 2, img, 4, 4, &err) == 0, "%s", err.msg);
    CHECK(canvas_get(&c, 0, 0) == CANVAS_RGB(100, 7, 9), "rgb blit offset: %06x",
          canvas_get(&c, 0, 0));
    canvas_free(&c);
}

static void test_font(void)
{
    /* every printable glyph has ink except space; 'A' looks like an A */
    int ok = 1;
    for (int ch = 33; ch < 127; ch++) {
        const uint8_t *g = canvas_glyph(ch);
        int ink = 0;
        for (int r = 0; r < 7; r++) {
            ink += g[r] != 0;
            if (g[r] & ~0x1f) ok = 0;
        }
        if (!ink) ok = 0;
    }
    CHECK(ok, "a glyph is empty or wider than 5");
    CHECK(canvas_glyph(200) == canvas_glyph('?'), "non-ASCII is '?'");
    const uint8_t *a = canvas_glyph('A');
    CHECK(a[0] == 0x0e && a[3] == 0x1f && a[6] == 0x11, "A");
    /* distinct glyphs for similar characters */
    CHECK(memcmp(canvas_glyph('0'), canvas_glyph('O'), 7) != 0, "0 vs O");
    CHECK(memcmp(canvas_glyph('1'), canvas_glyph('l'), 7) != 0, "1 vs l");

    canvas c;
    canvas_init(&c, 64, 20, NULL);
    int w = canvas_text(&c, 2, 3, "Hi", 1, 0xffffff);
    CHECK(w == 12 && canvas_text_width("Hi", 1) == 12, "width %d", w);
    /* H: rows 0-6 at y 4..10, left column at x=2 all on, middle bar at row 3 */
    int col = 1;
    for (int y = 4; y <= 10; y++) col &= canvas_get(&c, 2, y) == 0xffffff;
    CHECK(col, "H left stem");
    CHECK(count_in(&c, 2, 7, 5, 1, 0xffffff) == 5, "H bar");
    CHECK(count_in(&c, 0, 0, 64, 4, 0xffffff) == 0, "ink above the cell's padding");
    /* scale 2 doubles every pixel */
    canvas_clear(&c, 0);
    canvas_text(&c, 0, 0, "I", 1, 0xffffff);
    int n1 = count_color(&c, 0xffffff);
    canvas_clear(&c, 0);
    canvas_text(&c, 0, 0, "I", 2, 0xffffff);
    CHECK(count_color(&c, 0xffffff) == 4 * n1, "scale 2");
    /* rotated text has the same ink */
    canvas_clear(&c, 0);
    canvas_text_up(&c, 2, 18, "I", 1, 0xffffff);
    CHECK(count_color(&c, 0xffffff) == n1, "rotated ink %d vs %d", count_color(&c, 0xffffff), n1);
    canvas_free(&c);
}

static void test_ticks(void)
{
    double t[16], step;
    int n = canvas_nice_ticks(0, 1, 6, t, 16, &step);
    CHECK(n == 6 && fabs(step - 0.2) < 1e-12 && t[0] == 0 && fabs(t[5] - 1) < 1e-12,
          "0..1: n=%d step=%g", n, step);
    n = canvas_nice_ticks(0.013, 0.087, 5, t, 16, &step);
    CHECK(n >= 2 && n <= 5 && fabs(step - 0.02) < 1e-12, "0.013..0.087: n=%d step=%g", n, step);
    for (int i = 0; i < n; i++) CHECK(t[i] >= 0.013 && t[i] <= 0.087, "tick %g outside", t[i]);
    n = canvas_nice_ticks(1, 50, 6, t, 16, &step);
    CHECK(step == 10 && n == 5 && t[0] == 10, "1..50: n=%d step=%g", n, step);
    n = canvas_nice_ticks(-3, 3, 7, t, 16, &step);
    CHECK(n == 7 && step == 1 && t[3] == 0, "symmetric");
    CHECK(canvas_nice_ticks(1, 1, 5, t, 16, &step) == 0, "empty range");
    CHECK(canvas_nice_ticks(0, NAN, 5, t, 16, &step) == 0, "NaN range");
    n = canvas_nice_ticks(0, 1e9, 5, t, 3, &step);
    CHECK(n == 3, "cap");

    char buf[32];
    CHECK(strcmp(canvas_format_tick(0.25, 0.05, buf, sizeof buf), "0.25") == 0, "%s", buf);
    CHECK(strcmp(canvas_format_tick(0.2, 0.2, buf, sizeof buf), "0.2") == 0, "%s", buf);
    CHECK(strcmp(canvas_format_tick(40, 10, buf, sizeof buf), "40") == 0, "%s", buf);
    CHECK(strcmp(canvas_format_tick(0, 0.1, buf, sizeof buf), "0") == 0, "%s", buf);
    CHECK(strcmp(canvas_format_tick(1e-4, 1e-4, buf, sizeof buf), "1e-4") == 0, "%s", buf);
    CHECK(strcmp(canvas_format_tick(2.5e6, 5e5, buf, sizeof buf), "2.5e6") == 0, "%s", buf);
    CHECK(strcmp(canvas_format_tick(-1.5, 0.5, buf, sizeof buf), "-1.5") == 0, "%s", buf);
}

static void test_legend(void)
{
    canvas c;
    canvas_init(&c, 120, 60, NULL);
    canvas_legend_entry e[2] = {{"train", 0xff0000}, {"val", 0x00ff00}};
    int w, h;
    canvas_legend_size(e, 2, &w, &h);
    CHECK(w > canvas_text_width("train", 1) && h >= 2 * CANVAS_FONT_H, "legend size %dx%d", w, h);
    int drawn = canvas_draw_legend(&c, 10, 10, e, 2, 0xffffff, 0x202020);
    CHECK(drawn == h, "height");
    CHECK(count_in(&c, 10, 10, w, h / 2, 0xff0000) > 20, "first swatch in the top half");
    CHECK(count_in(&c, 10, 10 + h / 2, w, h - h / 2, 0x00ff00) > 20, "second swatch below");
    CHECK(count_in(&c, 10, 10, w, h, 0xffffff) > 30, "names drawn");
    CHECK(count_in(&c, 0, 0, 120, 10, 0xffffff) == 0, "drew outside its box");
    CHECK(canvas_draw_legend(&c, 0, 0, e, 0, 0xffffff, 0) == 0, "empty legend");
    canvas_free(&c);
}

static void test_chart(void)
{
    canvas c;
    canvas_init(&c, 400, 250, NULL);
    ae_err err;
    float y[20], yv[20];
    for (int i = 0; i < 20; i++) {
        y[i] = 1.0f / (i + 1);
        yv[i] = 1.2f / (i + 1) + 0.02f;
    }
    chart ch;
    chart_init(&ch, 0, 0, 400, 250);
    ch.title = "loss";
    ch.x_label = "epoch";
    ch.y_label = "MSE";
    ch.x_int = 1;
    ch.has_best = 1;
    ch.best_x = 12;
    chart_series s[2] = {
        {.y = y,
         .n = 20,
         .x0 = 1,
         .x_step = 1,
         .color = 0xff4040,
         .style = CHART_LINE | CHART_MARKERS,
         .name = "train"},
        {.y = yv,
         .n = 20,
         .x0 = 1,
         .x_step = 1,
         .color = 0x40ff40,
         .style = CHART_LINE | CHART_BOLD,
         .name = "val"},
    };
    CHECK(chart_draw(&c, &ch, s, 2, &err) == 0, "%s", err.msg);
    /* autoscale: x is exactly the data (1..20), y reaches from a tick under the data to a tick
     * over it (0 .. 1.4 by 0.2 for 0.05 .. 1.22) */
    CHECK(ch.x0 == 1 && ch.x1 == 20, "x range %g..%g", ch.x0, ch.x1);
    CHECK(fabs(ch.y0) < 1e-12 && fabs(ch.y1 - 1.4) < 1e-9, "y range %g..%g", ch.y0, ch.y1);
    CHECK(fabs(ch.yticks[ch.nyticks - 1] - ch.y1) < 1e-9 && fabs(ch.yticks[0] - ch.y0) < 1e-9,
          "the ends of the y axis are ticks: %g %g", ch.yticks[0], ch.yticks[ch.nyticks - 1]);
    CHECK(ch.inset >= 1, "markers keep the data off the frame: inset %d", ch.inset);
    CHECK(ch.px > 20 && ch.py > 5 && ch.px + ch.pw <= 400 && ch.py + ch.ph <= 250,
          "plot box %d,%d %dx%d", ch.px, ch.py, ch.pw, ch.ph);
    CHECK(ch.nxticks >= 2 && ch.nyticks >= 2, "ticks %d %d", ch.nxticks, ch.nyticks);
    for (int i = 0; i < ch.nxticks; i++)
        CHECK(ch.xticks[i] == floor(ch.xticks[i]), "epoch tick %g not whole", ch.xticks[i]);
    /* first and last points land on the box corners */
    int px, py;
    CHECK(chart_map(&ch, 1, y[0], &px, &py) == 0, "map");
    CHECK(px == ch.px + ch.inset, "first x at the left edge: %d vs %d", px, ch.px);
    CHECK(chart_map(&ch, 20, 0, &px, &py) == 0 && px == ch.px + ch.pw - 1 - ch.inset, "last x");
    int hit = 0;
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
            chart_map(&ch, 5, y[4], &px, &py);
            hit |= canvas_get(&c, px + dx, py + dy) == 0xff4040;
        }
    CHECK(hit, "train curve near its 5th point");
    double dx, dy;
    chart_map(&ch, 7, 0.5, &px, &py);
    chart_unmap(&ch, px, py, &dx, &dy);
    CHECK(fabs(dx - 7) < 0.1 && fabs(dy - 0.5) < 0.02, "unmap %g %g", dx, dy);
    /* best marker and legend colours present; nothing drawn outside the area */
    CHECK(count_color(&c, ch.best_color) > 20, "best marker");
    CHECK(count_color(&c, 0x40ff40) > 100, "bold val curve");
    CHECK(count_color(&c, ch.fg) > 200, "axes and labels");

    /* series stay inside the plot box with a fixed range smaller than the data */
    ch.fixed_y = 1;
    ch.ymin = 0.2;
    ch.ymax = 0.5;
    ch.has_best = 0;
    ch.legend = 0;
    CHECK(chart_draw(&c, &ch, s, 2, &err) == 0, "%s", err.msg);
    int outside = 0;
    for (int yy = 0; yy < c.h; yy++)
        for (int xx = 0; xx < c.w; xx++) {
            canvas_color col = canvas_get(&c, xx, yy);
            if ((col == 0xff4040 || col == 0x40ff40) &&
                (xx < ch.px - 2 || xx >= ch.px + ch.pw + 2 || yy < ch.py - 2 ||
                 yy >= ch.py + ch.ph + 2))
                outside++;
        }
    CHECK(outside == 0, "%d series pixels outside the plot box", outside);

    /* log y */
    chart_init(&ch, 0, 0, 400, 250);
    ch.log_y = 1;
    float ly[4] = {1.0f, 0.1f, 0.01f, 0.001f};
    chart_series sl = {.y = ly, .n = 4, .color = 0xffffff};
    CHECK(chart_draw(&c, &ch, &sl, 1, &err) == 0, "%s", err.msg);
    CHECK(ch.y0 <= -3 && ch.y1 >= 0, "log range %g..%g", ch.y0, ch.y1);
    int decades = 0;
    for (int i = 0; i < ch.nyticks; i++) {
        double l = log10(ch.yticks[i]);
        decades += fabs(l - round(l)) < 1e-9;
    }
    CHECK(decades == ch.nyticks && decades >= 3, "log ticks at decades: %d of %d", decades,
          ch.nyticks);
    int p1x, p1y, p2x, p2y, p3x, p3y;
    chart_map(&ch, 0, 1.0, &p1x, &p1y);
    chart_map(&ch, 1, 0.1, &p2x, &p2y);
    chart_map(&ch, 2, 0.01, &p3x, &p3y);
    CHECK(abs((p2y - p1y) - (p3y - p2y)) <= 1, "decades equally spaced");
    CHECK(chart_map(&ch, 0, -1, &px, &py) == -1, "negative on a log axis maps");

    /* scatter with classes, square aspect, nearest point, class legend */
    chart_init(&ch, 0, 0, 400, 250);
    ch.square = 1;
    static const char *const names[3] = {"cat", "dog", "ship"};
    ch.class_names = names;
    ch.n_classes = 3;
    float sx[30], sy[30];
    unsigned char cls[30];
    for (int i = 0; i < 30; i++) {
        cls[i] = (unsigned char)(i % 3);
        sx[i] = (float)(cls[i] * 10 + (i % 5));
        sy[i] = (float)(cls[i] * 2 + (i % 4) * 0.5);
    }
    chart_series ss = {.x = sx, .y = sy, .n = 30, .style = CHART_SCATTER, .radius = 1, .cls = cls};
    CHECK(chart_draw(&c, &ch, &ss, 1, &err) == 0, "%s", err.msg);
    double ux = (ch.x1 - ch.x0) / (ch.pw - 1 - 2 * ch.inset),
           uy = (ch.y1 - ch.y0) / (ch.ph - 1 - 2 * ch.inset);
    CHECK(fabs(ux - uy) / ux < 1e-9, "square: %g vs %g units per pixel", ux, uy);
    for (int k = 0; k < 3; k++)
        CHECK(count_color(&c, chart_class_color(k)) > 30, "class %d colour missing", k);
    chart_map(&ch, sx[7], sy[7], &px, &py);
    CHECK(chart_nearest(&ch, &ss, px + 1, py) == 7 ||
              (sx[chart_nearest(&ch, &ss, px + 1, py)] == sx[7] &&
               sy[chart_nearest(&ch, &ss, px + 1, py)] == sy[7]),
          "nearest");

    /* palette: 12 distinct colours, far apart */
    int mind = 1 << 30;
    for (int i = 0; i < CHART_N_CLASS_COLORS; i++)
        for (int j = i + 1; j < CHART_N_CLASS_COLORS; j++) {
            canvas_color a = chart_class_color(i), b = chart_class_color(j);
            int d = (CANVAS_R(a) - CANVAS_R(b)) * (CANVAS_R(a) - CANVAS_R(b)) +
                    (CANVAS_G(a) - CANVAS_G(b)) * (CANVAS_G(a) - CANVAS_G(b)) +
                    (CANVAS_B(a) - CANVAS_B(b)) * (CANVAS_B(a) - CANVAS_B(b));
            if (d < mind) mind = d;
        }
    CHECK(mind > 40 * 40, "two class colours too close: %d", mind);

    /* empty and bad input */
    chart_init(&ch, 0, 0, 400, 250);
    chart_series empty = {.y = NULL, .n = 0};
    CHECK(chart_draw(&c, &ch, &empty, 1, &err) == 0, "empty series: %s", err.msg);
    float nan_y[3] = {NAN, INFINITY, NAN};
    chart_series ns = {.y = nan_y, .n = 3};
    CHECK(chart_draw(&c, &ch, &ns, 1, &err) == 0, "all-NaN series: %s", err.msg);
    chart_series bad = {.y = NULL, .n = 5};
    CHECK(chart_draw(&c, &ch, &bad, 1, &err) == -1, "NULL y accepted");
    chart_init(&ch, 0, 0, 20, 10);
    CHECK(chart_draw(&c, &ch, s, 2, &err) == -1 && strstr(err.msg, "too small"), "tiny area");
    /* no labels: a braille-sized chart still works and draws no text */
    chart_init(&ch, 0, 0, 80, 40);
    ch.labels = 0;
    CHECK(chart_draw(&c, &ch, s, 2, &err) == 0, "%s", err.msg);
    CHECK(ch.px <= 4 && ch.pw >= 70, "unlabelled margins %d %d", ch.px, ch.pw);
    canvas_free(&c);
}

/* Tick labels never repeat and the top of the data is labelled: the elbow chart of issue 10
 * read "3.5e-2, 3.5e-2, 3.4e-2" on a y axis from 0.0319 to 0.0353, stopping under the data. */
static void test_axes(void)
{
    char lab[CHART_MAX_TICKS][16];
    double v[7] = {0.032, 0.0325, 0.033, 0.0335, 0.034, 0.0345, 0.035};
    chart_tick_labels(v, 7, 0.0005, lab);
    CHECK(!strcmp(lab[0], "0.0320") && !strcmp(lab[1], "0.0325") && !strcmp(lab[6], "0.0350"),
          "labels %s %s %s", lab[0], lab[1], lab[6]);
    double w[3] = {3.5e-6, 3.55e-6, 3.6e-6};
    chart_tick_labels(w, 3, 5e-8, lab);
    CHECK(!strcmp(lab[0], "3.50e-6") && !strcmp(lab[1], "3.55e-6"), "small: %s %s", lab[0], lab[1]);
    /* a step too coarse for the values still gives distinct labels (more digits) */
    double u[3] = {1.001, 1.002, 1.003};
    chart_tick_labels(u, 3, 1, lab);
    CHECK(strcmp(lab[0], lab[1]) && strcmp(lab[1], lab[2]), "coarse step: %s %s %s", lab[0], lab[1],
          lab[2]);
    double d[4] = {0.01, 0.02, 0.05, 0.1};
    chart_tick_labels(d, 4, 0, lab);
    CHECK(!strcmp(lab[0], "0.01") && !strcmp(lab[2], "0.05") && !strcmp(lab[3], "0.1"),
          "uneven: %s %s %s", lab[0], lab[2], lab[3]);

    /* charts over many ranges, linear and log, tall and short: distinct labels, every label
     * fits the left margin, and a tick at or above the data's top and at or below its bottom */
    canvas c;
    canvas_init(&c, 400, 1000, NULL);
    ae_err err;
    /* 0.07 .. 0.19: a run page's loss, whose labels stopped at 0.145 in a 760-pixel chart */
    const double los[] = {0.0319, 1e-5, 0.2, -3, 1234.5, 0.9, 2e-3, 47, 0.07};
    const double spans[] = {0.0034, 3e-7, 0.0007, 0.01, 2.5, 80, 0.4, 1e6, 0.12};
    const int hs[] = {40, 110, 180, 250, 760, 1000};
    int checked = 0;
    for (int li = 0; li < 9; li++)
        for (int lg = 0; lg < 2; lg++)
            for (int hi_ = 0; hi_ < 6; hi_++) {
                int hh = hs[hi_];
                double lo = los[li], hi = lo + spans[li];
                if (lg && lo <= 0) continue;
                float y[5];
                for (int i = 0; i < 5; i++) y[i] = (float)(lo + (hi - lo) * i * i / 16.0);
                chart ch;
                chart_init(&ch, 0, 0, 400, hh);
                ch.log_y = lg;
                ch.labels = hh > 60;
                chart_series sr = {.y = y, .n = 5, .color = 0xffffff};
                if (chart_draw(&c, &ch, &sr, 1, &err)) continue;
                checked++;
                for (int i = 0; i < ch.nyticks; i++)
                    for (int j = i + 1; j < ch.nyticks; j++)
                        CHECK(strcmp(ch.ylabels[i], ch.ylabels[j]),
                              "%g..%g log %d: labels %d and %d both '%s'", lo, hi, lg, i, j,
                              ch.ylabels[i]);
                double top = ch.yticks[ch.nyticks - 1], bot = ch.yticks[0];
                CHECK(ch.nyticks >= 2 && top >= y[4] - 1e-6 * fabs(y[4]) &&
                          bot <= y[0] + 1e-6 * fabs(y[0]),
                      "%g..%g log %d h %d: ticks %g..%g (n %d) do not hold the data %g..%g", lo, hi,
                      lg, hh, bot, top, ch.nyticks, y[0], y[4]);
                if (ch.labels)
                    for (int i = 0; i < ch.nyticks; i++)
                        CHECK(canvas_text_width(ch.ylabels[i], 1) < ch.px - ch.x,
                              "label '%s' wider than the margin", ch.ylabels[i]);
            }
    CHECK(checked >= 40, "only %d charts drawn", checked);

    /* the elbow: log2 x axis with ticks 8 16 32 64 evenly spaced, dots at the points, a spread */
    float lx[4] = {8, 16, 32, 64}, ly[4] = {0.05f, 0.04f, 0.035f, 0.033f};
    float slo[4] = {0.05f, 0.038f, 0.035f, 0.033f}, shi[4] = {0.05f, 0.043f, 0.035f, 0.033f};
    chart ch;
    chart_init(&ch, 0, 0, 400, 250);
    ch.log2_x = 1;
    ch.x_label = "latent";
    chart_series es = {.x = lx,
                       .y = ly,
                       .n = 4,
                       .color = 0xff8000,
                       .style = CHART_LINE | CHART_MARKERS,
                       .lo = slo,
                       .hi = shi};
    CHECK(chart_draw(&c, &ch, &es, 1, &err) == 0, "%s", err.msg);
    CHECK(ch.nxticks == 4 && ch.xticks[0] == 8 && ch.xticks[3] == 64, "log2 ticks: %d from %g",
          ch.nxticks, ch.xticks[0]);
    CHECK(!strcmp(ch.xlabels[0], "8") && !strcmp(ch.xlabels[1], "16") &&
              !strcmp(ch.xlabels[2], "32") && !strcmp(ch.xlabels[3], "64"),
          "log2 labels %s %s %s %s", ch.xlabels[0], ch.xlabels[1], ch.xlabels[2], ch.xlabels[3]);
    int p[4], q;
    for (int i = 0; i < 4; i++) chart_map(&ch, lx[i], ly[i], &p[i], &q);
    CHECK(abs((p[1] - p[0]) - (p[3] - p[2])) <= 1 && p[1] - p[0] > 40, "octaves spaced %d %d %d",
          p[0], p[1], p[2]);
    CHECK(p[0] > ch.px + 10 && p[3] < ch.px + ch.pw - 10, "end points clear of the frame");
    double back, dummy;
    chart_unmap(&ch, p[2], q, &back, &dummy);
    CHECK(fabs(back - 32) < 1, "unmap on log2: %g", back);
    int px, py, dot = 0;
    chart_map(&ch, 32, 0.035, &px, &py);
    for (int yy = py - 1; yy <= py + 1; yy++)
        for (int xx = px - 1; xx <= px + 1; xx++) dot += canvas_get(&c, xx, yy) == 0xff8000;
    CHECK(dot == 9, "a filled marker at the point (%d of 9 pixels)", dot);
    int hx, hy, lyp, bar = 0;
    chart_map(&ch, 16, 0.043, &hx, &hy);
    chart_map(&ch, 16, 0.038, &hx, &lyp);
    for (int yy = hy; yy <= lyp; yy++) bar += canvas_get(&c, hx, yy) == 0xff8000;
    CHECK(bar >= lyp - hy, "the spread's bar from %d to %d (%d pixels)", hy, lyp, bar);
    CHECK(ch.yticks[ch.nyticks - 1] >= 0.05, "top tick %g under the data's 0.05",
          ch.yticks[ch.nyticks - 1]);
    /* x <= 0 has no place on a log2 axis */
    CHECK(chart_map(&ch, 0, 0.04, &px, &py) == -1, "0 mapped on a log2 axis");
    canvas_free(&c);
}

int main(void)
{
    test_primitives();
    test_blits();
    test_font();
    test_ticks();
    test_legend();
    test_chart();
    test_axes();
    return test_done();
}

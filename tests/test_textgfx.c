/* test_textgfx.c: the text back end on known inputs: half blocks carry the right top and
 * bottom colours, braille cells the right dot patterns and dominant colour, ASCII the right
 * characters; the ANSI writer emits the expected SGR sequences; images keep square pixels
 * (a 28x28 image is 28 columns by 14 rows); smooth gradients map to the 256-colour palette
 * without rings (no entry left and taken again, lightness never stepping back). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "canvas.h"
#include "testlib.h"
#include "textgfx.h"

static const textgfx_cell *at(const textgfx_grid *g, int x, int y)
{
    return &g->cells[(size_t)y * g->cols + x];
}

static void test_palette(void)
{
    int ok = 1;
    for (int i = 16; i < 256; i++)
        if (textgfx_rgb_to_256(textgfx_256_to_rgb(i)) != i) ok = 0;
    CHECK(ok, "256 palette does not round-trip");
    CHECK(textgfx_rgb_to_256(0xff0000) == 196, "red -> %d", textgfx_rgb_to_256(0xff0000));
    CHECK(textgfx_rgb_to_256(0x808080) == 244, "grey -> %d", textgfx_rgb_to_256(0x808080));
    CHECK(textgfx_rgb_to_256(0x000000) == 16, "black -> %d", textgfx_rgb_to_256(0));
    char b[4];
    textgfx_braille_utf8(0, b);
    CHECK(strcmp(b, "\xe2\xa0\x80") == 0, "U+2800");
    textgfx_braille_utf8(0xff, b);
    CHECK(strcmp(b, "\xe2\xa3\xbf") == 0, "U+28FF");
    textgfx_braille_utf8(0x41, b);
    CHECK(strcmp(b, "\xe2\xa1\x81") == 0, "U+2841");
}

static void test_halfblocks(void)
{
    canvas c;
    canvas_init(&c, 2, 4, NULL);
    /* column 0: red over blue, then green over green; column 1: white over black, ... */
    canvas_pixel(&c, 0, 0, 0xff0000);
    canvas_pixel(&c, 0, 1, 0x0000ff);
    canvas_pixel(&c, 0, 2, 0x00ff00);
    canvas_pixel(&c, 0, 3, 0x00ff00);
    canvas_pixel(&c, 1, 0, 0xffffff);
    canvas_pixel(&c, 1, 1, 0x000000);
    canvas_pixel(&c, 1, 2, 0x123456);
    canvas_pixel(&c, 1, 3, 0x654321);
    textgfx_opts o = {.style = TEXTGFX_HALFBLOCK, .colors = TEXTGFX_COLOR_TRUE};
    textgfx_grid g;
    ae_err err;
    CHECK(textgfx_render(&c, 0, 0, 2, 4, 2, 2, &o, &g, &err) == 0, "%s", err.msg);
    CHECK(strcmp(at(&g, 0, 0)->ch, "\xe2\x96\x80") == 0, "upper half block");
    CHECK(at(&g, 0, 0)->fg == 0xff0000 && at(&g, 0, 0)->bg == 0x0000ff, "red over blue: %06x %06x",
          at(&g, 0, 0)->fg, at(&g, 0, 0)->bg);
    CHECK(strcmp(at(&g, 0, 1)->ch, "\xe2\x96\x88") == 0 && at(&g, 0, 1)->fg == 0x00ff00 &&
              at(&g, 0, 1)->bg == 0x00ff00,
          "same colour twice is a full block in it (fg and bg set)");
    CHECK(at(&g, 1, 1)->fg == 0x123456 && at(&g, 1, 1)->bg == 0x654321, "truecolor exact");
    CHECK(at(&g, 0, 0)->fg256 == 196 && at(&g, 0, 0)->bg256 == 21, "256 indices %d %d",
          at(&g, 0, 0)->fg256, at(&g, 0, 0)->bg256);
    textgfx_grid_free(&g);

    /* 256 colours: the RGB is reduced to the cube */
    o.colors = TEXTGFX_COLOR_256;
    CHECK(textgfx_render(&c, 0, 0, 2, 4, 2, 2, &o, &g, &err) == 0, "%s", err.msg);
    CHECK(at(&g, 1, 1)->fg == textgfx_256_to_rgb(textgfx_rgb_to_256(0x123456)), "cube colour");
    textgfx_grid_free(&g);

    /* averaging: 4x4 -> one cell, top half all red and white, bottom half black */
    canvas_resize(&c, 4, 4, NULL);
    canvas_fill_rect(&c, 0, 0, 2, 2, 0xff0000);
    canvas_fill_rect(&c, 2, 0, 2, 2, 0xffffff);
    o.colors = TEXTGFX_COLOR_TRUE;
    CHECK(textgfx_render(&c, 0, 0, 4, 4, 1, 1, &o, &g, &err) == 0, "%s", err.msg);
    CHECK(at(&g, 0, 0)->fg == 0xff8080 && at(&g, 0, 0)->bg == 0, "average %06x", at(&g, 0, 0)->fg);
    textgfx_grid_free(&g);

    /* upsampling a 1x1 region into 3x2 cells repeats the pixel */
    canvas_clear(&c, 0x204060);
    CHECK(textgfx_render(&c, 1, 1, 1, 1, 3, 2, &o, &g, &err) == 0, "%s", err.msg);
    CHECK(at(&g, 2, 1)->bg == 0x204060, "upsampled");
    textgfx_grid_free(&g);

    /* no colour: falls back to the ASCII ramp */
    o.colors = TEXTGFX_COLOR_NONE;
    canvas_clear(&c, 0xffffff);
    CHECK(textgfx_render(&c, 0, 0, 4, 4, 2, 1, &o, &g, &err) == 0, "%s", err.msg);
    CHECK(strcmp(at(&g, 0, 0)->ch, "@") == 0 && at(&g, 0, 0)->fg256 == -1, "mono fallback '%s'",
          at(&g, 0, 0)->ch);
    textgfx_grid_free(&g);

    CHECK(textgfx_render(&c, 0, 0, 4, 4, 0, 1, &o, &g, &err) == -1, "0 columns accepted");
    CHECK(textgfx_render(&c, 10, 10, 4, 4, 2, 1, &o, &g, &err) == -1, "region outside accepted");
    canvas_free(&c);
}

static void test_braille(void)
{
    canvas c;
    canvas_init(&c, 4, 8, NULL); /* 2x2 cells, one pixel per dot */
    canvas_clear(&c, 0x101418);
    canvas_pixel(&c, 0, 0, 0xffffff); /* cell (0,0): dot 1 */
    canvas_pixel(&c, 1, 3, 0xffffff); /* cell (0,0): dot 8 */
    /* cell (1,0): left column full; 3 red pixels and 1 green */
    canvas_pixel(&c, 2, 0, 0xff0000);
    canvas_pixel(&c, 2, 1, 0xff0000);
    canvas_pixel(&c, 2, 2, 0x00ff00);
    canvas_pixel(&c, 2, 3, 0xff0000);
    /* cell (1,1): everything */
    canvas_fill_rect(&c, 2, 4, 2, 4, 0x4e9af1);
    textgfx_opts o = {.style = TEXTGFX_BRAILLE, .colors = TEXTGFX_COLOR_TRUE};
    textgfx_grid g;
    ae_err err;
    CHECK(textgfx_render(&c, 0, 0, 4, 8, 2, 2, &o, &g, &err) == 0, "%s", err.msg);
    CHECK(strcmp(at(&g, 0, 0)->ch, "\xe2\xa2\x81") == 0, "dots 1+8 = U+2881");
    CHECK(at(&g, 0, 0)->fg == 0xffffff && at(&g, 0, 0)->bg == TEXTGFX_DEFAULT, "white dots");
    CHECK(strcmp(at(&g, 1, 0)->ch, "\xe2\xa1\x87") == 0, "left column = U+2847");
    CHECK(at(&g, 1, 0)->fg == 0xff0000, "dominant red, got %06x", at(&g, 1, 0)->fg);
    CHECK(strcmp(at(&g, 0, 1)->ch, " ") == 0 && at(&g, 0, 1)->fg == TEXTGFX_DEFAULT,
          "empty cell is a space");
    CHECK(strcmp(at(&g, 1, 1)->ch, "\xe2\xa3\xbf") == 0 && at(&g, 1, 1)->fg == 0x4e9af1,
          "full cell");
    textgfx_grid_free(&g);

    /* a one-pixel line on a large canvas still shows: 200x160 -> 10x5 cells */
    canvas_resize(&c, 200, 160, NULL);
    canvas_clear(&c, 0x101418);
    canvas_line(&c, 0, 80, 199, 80, 0xf5a623);
    CHECK(textgfx_render(&c, 0, 0, 200, 160, 10, 5, &o, &g, &err) == 0, "%s", err.msg);
    int row_hits = 0, others = 0;
    for (int y = 0; y < 5; y++)
        for (int x = 0; x < 10; x++) {
            int ink = strcmp(at(&g, x, y)->ch, " ") != 0;
            if (y == 2)
                row_hits += ink && at(&g, x, y)->fg == 0xf5a623;
            else
                others += ink;
        }
    CHECK(row_hits == 10 && others == 0, "line: %d cells in its row, %d elsewhere", row_hits,
          others);
    /* the mask of that row: y = 80 is dot row 80 / (160 / 20) = 10 -> cell row 2, dot row 2:
     * dots 3 and 6 */
    CHECK(strcmp(at(&g, 4, 2)->ch, "\xe2\xa0\xa4") == 0, "dots 3+6 = U+2824");
    textgfx_grid_free(&g);

    /* paper given explicitly: the other colour counts as paper now */
    o.paper_known = 1;
    o.paper = 0xf5a623;
    CHECK(textgfx_render(&c, 0, 0, 200, 160, 10, 5, &o, &g, &err) == 0, "%s", err.msg);
    CHECK(strcmp(at(&g, 0, 0)->ch, "\xe2\xa3\xbf") == 0, "background is ink when paper differs");
    textgfx_grid_free(&g);
    canvas_free(&c);
}

static void test_ascii(void)
{
    canvas c;
    canvas_init(&c, 8, 8, NULL);
    canvas_clear(&c, 0);
    /* plot: a vertical line down the left edge, a horizontal line through the middle right */
    canvas_line(&c, 0, 0, 0, 7, 0xffffff);
    canvas_line(&c, 4, 4, 7, 4, 0xffffff);
    textgfx_opts o = {.style = TEXTGFX_ASCII,
                      .colors = TEXTGFX_COLOR_NONE,
                      .plot = 1,
                      .paper_known = 1,
                      .paper = 0};
    textgfx_grid g;
    ae_err err;
    CHECK(textgfx_render(&c, 0, 0, 8, 8, 4, 2, &o, &g, &err) == 0, "%s", err.msg);
    /* cells are 2x4 pixels; cell (0,*) holds the vertical line in its left column */
    CHECK(strcmp(at(&g, 0, 0)->ch, "|") == 0 && strcmp(at(&g, 0, 1)->ch, "|") == 0,
          "vertical '%s' '%s'", at(&g, 0, 0)->ch, at(&g, 0, 1)->ch);
    CHECK(strcmp(at(&g, 1, 0)->ch, " ") == 0, "empty '%s'", at(&g, 1, 0)->ch);
    /* y = 4 is the top dot row of the second cell row: a high horizontal stroke */
    CHECK(strcmp(at(&g, 2, 1)->ch, "'") == 0 || strcmp(at(&g, 2, 1)->ch, "\"") == 0 ||
              strcmp(at(&g, 2, 1)->ch, "-") == 0,
          "horizontal '%s'", at(&g, 2, 1)->ch);
    char *s;
    size_t len;
    CHECK(textgfx_to_ansi(&g, TEXTGFX_COLOR_NONE, &s, &len, &err) == 0, "%s", err.msg);
    CHECK(strchr(s, 0x1b) == NULL, "escape in a colourless string");
    CHECK(len == strlen(s) && len == 2 * 5, "2 rows of 4 + newline: %zu '%s'", len, s);
    free(s);
    textgfx_grid_free(&g);

    /* image ramp: black, grey, white columns */
    canvas_fill_rect(&c, 0, 0, 3, 8, 0x000000);
    canvas_fill_rect(&c, 3, 0, 2, 8, 0x808080);
    canvas_fill_rect(&c, 5, 0, 3, 8, 0xffffff);
    o.plot = 0;
    CHECK(textgfx_render(&c, 0, 0, 8, 8, 3, 1, &o, &g, &err) == 0, "%s", err.msg);
    /* columns of the 3-cell grid: x 0-1 black, 2-4 mixed, 5-7 white */
    CHECK(at(&g, 0, 0)->ch[0] == ' ' && at(&g, 2, 0)->ch[0] == '@', "ramp ends '%s' '%s'",
          at(&g, 0, 0)->ch, at(&g, 2, 0)->ch);
    CHECK(strchr(" .:-=+*#%@", at(&g, 1, 0)->ch[0]) && at(&g, 1, 0)->ch[0] != ' ' &&
              at(&g, 1, 0)->ch[0] != '@',
          "middle of the ramp '%s'", at(&g, 1, 0)->ch);
    textgfx_grid_free(&g);
    canvas_free(&c);
}

static void test_ansi(void)
{
    canvas c;
    canvas_init(&c, 2, 2, NULL);
    canvas_pixel(&c, 0, 0, 0xff0000);
    canvas_pixel(&c, 0, 1, 0x0000ff);
    canvas_pixel(&c, 1, 0, 0xff0000);
    canvas_pixel(&c, 1, 1, 0x0000ff);
    textgfx_opts o = {.style = TEXTGFX_HALFBLOCK, .colors = TEXTGFX_COLOR_TRUE};
    textgfx_grid g;
    ae_err err;
    CHECK(textgfx_render(&c, 0, 0, 2, 2, 2, 1, &o, &g, &err) == 0, "%s", err.msg);
    char *s;
    size_t len;
    CHECK(textgfx_to_ansi(&g, TEXTGFX_COLOR_TRUE, &s, &len, &err) == 0, "%s", err.msg);
    const char *want = "\x1b[38;2;255;0;0m\x1b[48;2;0;0;255m\xe2\x96\x80\xe2\x96\x80\x1b[0m\n";
    CHECK(strcmp(s, want) == 0, "truecolor ANSI (one SGR pair for two equal cells)");
    free(s);
    CHECK(textgfx_to_ansi(&g, TEXTGFX_COLOR_256, &s, &len, &err) == 0, "%s", err.msg);
    CHECK(strstr(s, "\x1b[38;5;196m") && strstr(s, "\x1b[48;5;21m"), "256-colour SGR");
    free(s);
    textgfx_grid_free(&g);

    /* placed on the screen, 24-bit: CUP per row, the paper skipped (CUF), both colours set */
    canvas_clear_keyed(&c, 0x16181b);
    canvas_pixel(&c, 1, 0, 0x102030);
    canvas_pixel(&c, 1, 1, 0x405060);
    o.paper = c.key, o.paper_clear = c.keyed;
    CHECK(textgfx_render(&c, 0, 0, 2, 2, 2, 1, &o, &g, &err) == 0, "%s", err.msg);
    CHECK(textgfx_to_ansi_at(&g, TEXTGFX_COLOR_TRUE, 4, 9, &s, &len, &err) == 0, "%s", err.msg);
    want = "\x1b[5;10H\x1b[0m\x1b[1C\x1b[38;2;16;32;48m\x1b[48;2;64;80;96m\xe2\x96\x80\x1b[0m";
    CHECK(strcmp(s, want) == 0, "placed 24-bit row, the paper cell skipped");
    free(s);
    textgfx_grid_free(&g);
    canvas_free(&c);
}

/* A 28x28 image keeps its aspect: 28 columns x 14 rows at scale 1, each cell exactly one
 * pixel across and two down; fitted into less room it is scaled as a whole. */
static void test_image_aspect(void)
{
    int pw, ph, cols, rows;
    double s = textgfx_image_fit(28, 28, 100, 50, 1, &pw, &ph, &cols, &rows);
    CHECK(s == 1 && cols == 28 && rows == 14 && pw == 28 && ph == 28,
          "28x28 at scale 1: %d cols x %d rows (scale %g)", cols, rows, s);
    s = textgfx_image_fit(28, 28, 100, 50, 0, &pw, &ph, &cols, &rows);
    CHECK(s == 3 && cols == 84 && rows == 42, "28x28 as large as fits: %dx%d at %g", cols, rows, s);
    s = textgfx_image_fit(28, 28, 14, 50, 1, &pw, &ph, &cols, &rows);
    CHECK(cols == 14 && rows == 7, "28x28 in 14 columns: %d x %d (scale %g)", cols, rows, s);
    s = textgfx_image_fit(28, 28, 80, 7, 1, &pw, &ph, &cols, &rows);
    CHECK(cols == 14 && rows == 7, "28x28 in 7 rows: %d x %d", cols, rows);
    s = textgfx_image_fit(32, 16, 100, 50, 1, &pw, &ph, &cols, &rows);
    CHECK(cols == 32 && rows == 8, "32x16: %d x %d", cols, rows);
    CHECK(textgfx_image_fit(28, 28, 0, 5, 1, &pw, &ph, &cols, &rows) == 0 && cols == 0, "no room");

    /* rendered: cell (x, y) shows pixel (x, 2y) on top and (x, 2y + 1) below */
    canvas c;
    canvas_init(&c, 28, 28, NULL);
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++) canvas_pixel(&c, x, y, CANVAS_RGB(x * 9, y * 9, 100));
    textgfx_opts o = {.style = TEXTGFX_HALFBLOCK, .colors = TEXTGFX_COLOR_TRUE};
    textgfx_grid g;
    ae_err err;
    CHECK(textgfx_render(&c, 0, 0, 28, 28, 28, 14, &o, &g, &err) == 0, "%s", err.msg);
    int bad = 0;
    for (int y = 0; y < 14; y++)
        for (int x = 0; x < 28; x++)
            if (at(&g, x, y)->fg != CANVAS_RGB(x * 9, 2 * y * 9, 100) ||
                at(&g, x, y)->bg != CANVAS_RGB(x * 9, (2 * y + 1) * 9, 100))
                bad++;
    CHECK(bad == 0, "%d cells are not one pixel across and two down", bad);
    textgfx_grid_free(&g);
    canvas_free(&c);
}

/* Paper left to the terminal: no background without a foreground, lower half blocks where
 * only the lower half has ink. */
static void test_paper_clear(void)
{
    canvas c;
    canvas_init(&c, 3, 2, NULL);
    canvas_clear(&c, 0x181818);
    canvas_pixel(&c, 1, 0, 0xff0000); /* column 1: red over paper */
    canvas_pixel(&c, 2, 1, 0x00ff00); /* column 2: paper over green */
    textgfx_opts o = {.style = TEXTGFX_HALFBLOCK,
                      .colors = TEXTGFX_COLOR_TRUE,
                      .paper = 0x181818,
                      .paper_clear = 1};
    textgfx_grid g;
    ae_err err;
    CHECK(textgfx_render(&c, 0, 0, 3, 2, 3, 1, &o, &g, &err) == 0, "%s", err.msg);
    CHECK(strcmp(at(&g, 0, 0)->ch, " ") == 0 && at(&g, 0, 0)->fg == TEXTGFX_DEFAULT &&
              at(&g, 0, 0)->bg == TEXTGFX_DEFAULT && at(&g, 0, 0)->bg256 == -1,
          "paper is the terminal's background");
    CHECK(strcmp(at(&g, 1, 0)->ch, "\xe2\x96\x80") == 0 && at(&g, 1, 0)->fg == 0xff0000 &&
              at(&g, 1, 0)->bg == TEXTGFX_DEFAULT,
          "upper half on the terminal's background");
    CHECK(strcmp(at(&g, 2, 0)->ch, "\xe2\x96\x84") == 0 && at(&g, 2, 0)->fg == 0x00ff00 &&
              at(&g, 2, 0)->bg == TEXTGFX_DEFAULT,
          "lower half block for ink below paper: '%s' %06x", at(&g, 2, 0)->ch, at(&g, 2, 0)->fg);
    for (int k = 0; k < 3; k++)
        CHECK(!(at(&g, k, 0)->bg256 >= 0 && at(&g, k, 0)->fg256 < 0),
              "cell %d: a background without a foreground", k);
    textgfx_grid_free(&g);
    canvas_free(&c);
}

static float to_linear(float c)
{
    c /= 255.0f;
    return c <= 0.04045f ? c / 12.92f : powf((c + 0.055f) / 1.055f, 2.4f);
}

static int to_srgb(float l)
{
    float c = l <= 0.0031308f ? 12.92f * l : 1.055f * powf(l, 1 / 2.4f) - 0.055f;
    c = c < 0 ? 0 : c > 1 ? 1 : c;
    return (int)lroundf(c * 255);
}

/* A smooth 96x96 field standing in for a blurred photograph (what a reconstruction looks
 * like): low-chroma colours of fur, grass, sky and stone blended bilinearly, under a light
 * that varies smoothly (scaled in linear light). Mapped to 256 colours, a ring shows as
 *  - a lightness step against the picture's direction: neighbours whose mapped OKLab L moves
 *    by more than 0.02 the other way than the original's (a dark band in a brightening area);
 *  - a false tint: the mapped colour has chroma (> 0.04) of a hue more than 45 degrees from
 *    the original's (the red and olive bands on brown and beige).
 * The per-channel mapping this replaced gave 56 lightness steps and 687 false-tint pixels
 * (7.5%); nearest in OKLab gives 9 and 130 (1.4%). (On 100 blurred CIFAR-10 test images,
 * measured with numpy: lightness steps 495 -> 184, pixels with a chroma error over 0.04
 * 17.7% -> 15.8%.) */
static void test_no_rings(void)
{
    enum { N = 96 };
    static const canvas_color anchor[3][3] = {{0x5a4632, 0xb49678, 0xe6d7c8},
                                              {0x3c5a3c, 0x8c9664, 0xc8d2b4},
                                              {0x46556e, 0x96aac8, 0xdce6f0}};
    static float orig[N][N][3], mapped[N][N][3];
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++) {
            float u = x * 2.0f / (N - 1), v = y * 2.0f / (N - 1);
            int i = u >= 1 ? 1 : 0, j = v >= 1 ? 1 : 0;
            float fu = u - i, fv = v - j, shade = 0.75f + 0.25f * sinf(x * 0.11f + y * 0.07f);
            int rgb[3];
            for (int k = 0; k < 3; k++) {
                int sh = 16 - 8 * k;
                float c = ((anchor[j][i] >> sh) & 255) * (1 - fu) * (1 - fv) +
                          ((anchor[j][i + 1] >> sh) & 255) * fu * (1 - fv) +
                          ((anchor[j + 1][i] >> sh) & 255) * (1 - fu) * fv +
                          ((anchor[j + 1][i + 1] >> sh) & 255) * fu * fv;
                rgb[k] = to_srgb(to_linear(roundf(c)) * shade);
            }
            canvas_color c = CANVAS_RGB(rgb[0], rgb[1], rgb[2]);
            textgfx_oklab(c, orig[y][x]);
            textgfx_oklab(textgfx_256_to_rgb(textgfx_rgb_to_256(c)), mapped[y][x]);
        }
    int steps = 0, tint = 0;
    for (int y = 0; y < N; y++)
        for (int x = 0; x < N; x++) {
            for (int d = 0; d < 2; d++) { /* the right and the lower neighbour */
                int x2 = x + (d == 0), y2 = y + (d == 1);
                if (x2 >= N || y2 >= N) continue;
                float dl = orig[y2][x2][0] - orig[y][x][0],
                      dm = mapped[y2][x2][0] - mapped[y][x][0];
                if ((dl > 0 && dm < -0.02f) || (dl < 0 && dm > 0.02f)) steps++;
            }
            const float *o = orig[y][x], *m = mapped[y][x];
            float cm = hypotf(m[1], m[2]), dh = fabsf(atan2f(m[2], m[1]) - atan2f(o[2], o[1]));
            if (dh > (float)M_PI) dh = 2 * (float)M_PI - dh;
            if (cm > 0.04f && dh > (float)M_PI / 4) tint++;
        }
    CHECK(steps <= 16, "%d lightness steps against the picture's direction (at most 16)", steps);
    CHECK(tint <= N * N * 3 / 100, "%d pixels (%.1f%%) with a false tint (at most 3%%)", tint,
          100.0 * tint / (N * N));

    /* greys stay grey (no tint from the cube), and the nearest grey is taken */
    int tinted = 0;
    for (int v = 0; v < 256; v++) {
        canvas_color m = textgfx_256_to_rgb(textgfx_rgb_to_256(CANVAS_RGB(v, v, v)));
        if (CANVAS_R(m) != CANVAS_G(m) || CANVAS_G(m) != CANVAS_B(m)) tinted++;
    }
    CHECK(tinted == 0, "%d greys map to a tinted entry", tinted);
    CHECK(textgfx_rgb_to_256(0x767676) == 243, "grey 118 -> %d (118 is entry 243)",
          textgfx_rgb_to_256(0x767676));
}

int main(void)
{
    test_image_aspect();
    test_paper_clear();
    test_no_rings();
    test_palette();
    test_halfblocks();
    test_braille();
    test_ascii();
    test_ansi();
    return test_done();
}

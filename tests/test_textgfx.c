/* test_textgfx.c: the text back end on known inputs: half blocks carry the right top and
 * bottom colours, braille cells the right dot patterns and dominant colour, ASCII the right
 * characters; the ANSI writer emits the expected SGR sequences. */
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
    CHECK(strcmp(at(&g, 0, 1)->ch, " ") == 0 && at(&g, 0, 1)->bg == 0x00ff00,
          "same colour twice is a space on that background");
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
    canvas_free(&c);
}

int main(void)
{
    test_palette();
    test_halfblocks();
    test_braille();
    test_ascii();
    test_ansi();
    return test_done();
}

/* test_fit.c: fitting text and numbers into cells (ui/fit.h) and table columns by priority
 * (panel_columns): numbers keep their digits or lose precision but are never cut, text is cut
 * at a word boundary with an ellipsis and never inside a number, paths keep their end, escape
 * sequences are made visible, wrapping never splits a number, and columns appear by priority
 * as the width grows. */
#include <locale.h>
#include <math.h>
#include <string.h>

#include "fit.h"
#include "panel.h"
#include "testlib.h"

static void check_num(double v, int w, const char *want)
{
    char b[64];
    int n = fit_num(v, w, b, sizeof b);
    CHECK(!strcmp(b, want) && n == (int)strlen(want), "fit_num(%g, %d) = '%s' (%d), want '%s'", v,
          w, b, n, want);
}

static void check_text(const char *s, int w, int utf8, const char *want)
{
    char b[256];
    fit_text(s, w, utf8, b, sizeof b);
    CHECK(!strcmp(b, want), "fit_text('%s', %d) = '%s', want '%s'", s, w, b, want);
}

static void test_numbers(void)
{
    check_num(0.02527, 8, "0.02527");
    check_num(0.02527, 7, "0.02527");
    check_num(0.02527, 6, "0.0253");
    check_num(0.02527, 4, "0.03");
    check_num(0.1, 8, "0.1000"); /* the same precision as 0.09212 beside it */
    check_num(0.09212, 8, "0.09212");
    check_num(1e-5, 8, "1.00e-05");
    check_num(1e-5, 5, "1e-05");
    check_num(0.5, 1, "#"); /* not even one digit fits: never a cut number */
    check_num(NAN, 8, "-");
    check_num(INFINITY, 8, "-");
    check_num(1234.5, 8, "1234");
}

static void test_text(void)
{
    check_text("fashion-mnist", 13, 1, "fashion-mnist");
    check_text("fashion-mnist", 9, 1, "fashion-\xe2\x80\xa6");
    check_text("fashion-mnist", 8, 1, "fashion\xe2\x80\xa6");
    check_text("fashion-mnist", 8, 0, "fashi...");
    /* a number is dropped whole, never cut to its first digits */
    check_text("lr 0.0005 next", 8, 1, "lr\xe2\x80\xa6");
    check_text("test MSE 0.02527", 12, 1, "test MSE\xe2\x80\xa6");
    check_text("batch 12345678", 12, 1, "batch\xe2\x80\xa6");
    /* escape sequences from the store are made visible first */
    check_text("\033]0;pwned\007", 20, 1, "^[]0;pwned^G");
    char b[64];
    fit_text("\033[31mred", 6, 1, b, sizeof b);
    CHECK(!strchr(b, '\033'), "an escape survived fitting: '%s'", b);
    check_text(NULL, 5, 1, "");
    check_text("abc", 0, 1, "");

    fit_path("/work/shared/data/cifar-10-batches-bin", 28, 1, b, sizeof b);
    CHECK(!strcmp(b, "\xe2\x80\xa6/data/cifar-10-batches-bin"), "fit_path: '%s'", b);
    fit_path("/work/shared/data/cifar-10-batches-bin", 40, 1, b, sizeof b);
    CHECK(!strcmp(b, "/work/shared/data/cifar-10-batches-bin"), "fit_path whole: '%s'", b);
    fit_path("/a/averyveryverylongname", 10, 0, b, sizeof b);
    CHECK(strlen(b) <= 10 && !strncmp(b, "avery", 5), "fit_path of a long last name: '%s'", b);

    fit_plural(1, "run", b, sizeof b);
    CHECK(!strcmp(b, "1 run"), "'%s'", b);
    fit_plural(0, "run", b, sizeof b);
    CHECK(!strcmp(b, "0 runs"), "'%s'", b);
    fit_plural(3, "run", b, sizeof b);
    CHECK(!strcmp(b, "3 runs"), "'%s'", b);
}

static void test_wrap(void)
{
    const char *note = "about the learning rate: try lr 0.0005 next, then 12345678 more epochs";
    for (int w = 8; w <= 40; w++) {
        char lines[12][FIT_LINE];
        int n = fit_wrap(note, w, 1, lines, 12), whole = 0, whole2 = 0;
        for (int i = 0; i < n; i++) {
            CHECK((int)strlen(lines[i]) <= w, "width %d: line '%s' too wide", w, lines[i]);
            if (strstr(lines[i], "0.0005")) whole = 1;
            if (strstr(lines[i], "12345678")) whole2 = 1;
            CHECK(!strstr(lines[i], "0.000") || strstr(lines[i], "0.0005"),
                  "width %d: number cut in '%s'", w, lines[i]);
        }
        CHECK(whole && whole2, "width %d: a number was split over lines", w);
    }
    char lines[2][FIT_LINE];
    int n = fit_wrap(note, 20, 1, lines, 2);
    CHECK(n == 2 && strstr(lines[1], "\xe2\x80\xa6"), "the last line says text was left out");
}

static void test_columns(void)
{
    /* title, min, max, right, prio, flex, grow */
    static const panel_col cols[] = {
        {"id", 4, 0, 1, 0, 0, 0},    {"dataset", 7, 13, 0, 0, 0, 1}, {"big", 30, 0, 0, 2, 0, 0},
        {"small", 5, 0, 0, 3, 0, 0}, {"tags", 6, 0, 0, 4, 1, 0},
    };
    int x[5], w[5];
    panel_columns(cols, 5, 0, 30, x, w);
    CHECK(w[0] == 4 && w[1] == 13 && !w[2] && !w[3] && !w[4],
          "30 cells: id and a widened dataset only (%d %d %d %d %d)", w[0], w[1], w[2], w[3], w[4]);
    panel_columns(cols, 5, 0, 20, x, w);
    CHECK(w[0] == 4 && w[1] == 13 && x[1] == 5, "20 cells: %d %d at %d", w[0], w[1], x[1]);
    /* a narrow column of lower priority never takes the place of a wider, more important one */
    panel_columns(cols, 5, 0, 40, x, w);
    CHECK(!w[2] && !w[3] && !w[4], "40 cells: big does not fit, so nothing after it appears");
    panel_columns(cols, 5, 0, 80, x, w);
    CHECK(w[2] == 30 && w[3] == 5 && w[4] >= 6, "80 cells: every column (%d %d %d)", w[2], w[3],
          w[4]);
    CHECK(x[4] + w[4] <= 80 && x[2] == x[1] + w[1] + 1, "80 cells: positions in order");
}

int main(void)
{
    if (!setlocale(LC_ALL, "C.UTF-8")) test_skip("no C.UTF-8 locale");
    test_numbers();
    test_text();
    test_wrap();
    test_columns();
    return test_done();
}

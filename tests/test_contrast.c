/* test_contrast.c: every colour the interface draws text in is readable on light and dark
 * terminals (issue 10, item 6). The rule (ui/contrast.h): a foreground alone reads on white
 * and on black (WCAG ratio >= 4.5 against both, in xterm's default palette, with bold shown
 * bright for colours 0-7 as xterm does); a background is never set without its foreground,
 * and the two have a ratio >= 4.5; plot colours on their panel too. Checked for every role at
 * 256 and 8 colours, and for plot colours over the whole RGB cube. */
#include <math.h>
#include <stdio.h>

#include "contrast.h"
#include "crt.h"
#include "testlib.h"

static const char *const role_names[CRT_NROLES] = {
    "normal", "tab", "tab-active", "status", "status-key", "header", "selected", "marked", "dim",
    "good",   "bad", "warn",       "field",  "field-edit", "title",  "axis",     "panel"};

/* 1 when the pair obeys the rule; what it breaks goes into why */
static int pair_ok(short fg, short bg, attr_t at, char *why, size_t len)
{
    int bold = (at & A_BOLD) != 0;
    if (fg < 0 && bg < 0) return 1; /* the terminal's own colours */
    if (fg < 0) {
        snprintf(why, len, "background %d without a foreground", bg);
        return 0;
    }
    uint32_t f = contrast_xterm_rgb(fg, bold);
    if (bg < 0) {
        double w = contrast_ratio(f, 0xffffff), b = contrast_ratio(f, 0x000000);
        snprintf(why, len, "colour %d%s: %.2f on white, %.2f on black", fg, bold ? " bold" : "", w,
                 b);
        return w >= CONTRAST_MIN && b >= CONTRAST_MIN;
    }
    double r = contrast_ratio(f, contrast_xterm_rgb(bg, 0));
    snprintf(why, len, "colour %d%s on %d: %.2f", fg, bold ? " bold" : "", bg, r);
    return r >= CONTRAST_MIN;
}

int main(void)
{
    /* the ratio itself: WCAG's extremes and a known grey */
    CHECK(fabs(contrast_ratio(0x000000, 0xffffff) - 21.0) < 1e-9, "black on white");
    CHECK(fabs(contrast_ratio(0x767676, 0xffffff) - 4.54) < 0.01, "grey 767676 on white");
    CHECK(contrast_xterm_rgb(196, 0) == 0xff0000, "cube red");
    CHECK(contrast_xterm_rgb(244, 0) == 0x808080, "grey ramp");
    CHECK(contrast_xterm_rgb(1, 1) == 0xff0000, "bold red is shown as colour 9");
    /* yellow on white, the example, breaks the rule */
    char why[160];
    CHECK(!pair_ok(COLOR_YELLOW, -1, A_BOLD, why, sizeof why), "yellow alone");
    CHECK(!pair_ok(-1, COLOR_CYAN, 0, why, sizeof why), "a background alone");

    int depths[2] = {256, 8};
    for (int d = 0; d < 2; d++)
        for (int r = 0; r < CRT_NROLES; r++) {
            short fg, bg;
            attr_t at;
            crt_role_colors(depths[d], r, &fg, &bg, &at);
            CHECK(pair_ok(fg, bg, at, why, sizeof why), "role %s at %d colours: %s", role_names[r],
                  depths[d], why);
            /* 256-colour roles avoid 0-15: themes and bold change those */
            if (depths[d] == 256)
                CHECK((fg < 0 || fg >= 16) && (bg < 0 || bg >= 16), "role %s uses 0-15",
                      role_names[r]);
        }

    /* plots: every colour of the cube, at both depths, on the panel */
    int bad = 0;
    for (int rr = 0; rr < 256; rr += 15)
        for (int gg = 0; gg < 256; gg += 15)
            for (int bb = 0; bb < 256; bb += 15)
                for (int d = 0; d < 2; d++) {
                    uint32_t rgb = (uint32_t)(rr << 16 | gg << 8 | bb);
                    short fg, bg;
                    attr_t at;
                    crt_plot_colors(depths[d], rgb, -1, &fg, &bg, &at);
                    if (!pair_ok(fg, bg, at, why, sizeof why) || bg < 0) {
                        if (bad++ < 5) printf("plot colour %06x at %d: %s\n", rgb, depths[d], why);
                    }
                }
    for (int i = 0; i < 256; i++) {
        short fg, bg;
        attr_t at;
        crt_plot_colors(256, contrast_xterm_rgb(i, 0), i, &fg, &bg, &at);
        if (!pair_ok(fg, bg, at, why, sizeof why) && bad++ < 10)
            printf("plot colour number %d: %s\n", i, why);
    }
    CHECK(bad == 0, "%d plot colours break the rule", bad);
    /* attr_t holds pair numbers up to 255: the plot colours' distinct foregrounds must fit in
     * the pairs from 32 up (crt.c shares a pair among colours that lift to one foreground) */
    short seen[256];
    int nseen = 0;
    for (int i = 0; i < 256; i++) {
        short fg, bg;
        attr_t at;
        crt_plot_colors(256, contrast_xterm_rgb(i, 0), i, &fg, &bg, &at);
        int k = 0;
        while (k < nseen && seen[k] != fg) k++;
        if (k == nseen) seen[nseen++] = fg;
    }
    CHECK(nseen <= 255 - 32, "%d distinct plot foregrounds", nseen);
    return test_done();
}

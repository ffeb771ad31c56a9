/* contrast.c: WCAG contrast ratios and xterm's default colours (see contrast.h). */
#include "contrast.h"

#include <math.h>

static double channel(unsigned v)
{
    double c = v / 255.0;
    return c <= 0.03928 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double contrast_luminance(uint32_t rgb)
{
    return 0.2126 * channel((rgb >> 16) & 255) + 0.7152 * channel((rgb >> 8) & 255) +
           0.0722 * channel(rgb & 255);
}

double contrast_ratio(uint32_t a, uint32_t b)
{
    double la = contrast_luminance(a), lb = contrast_luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

uint32_t contrast_xterm_rgb(int idx, int bold)
{
    /* xterm's resources color0..color15 as shipped (XTerm-col.ad) */
    static const uint32_t sys[16] = {0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd,
                                     0x00cdcd, 0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00,
                                     0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff};
    if (idx < 0) return 0;
    if (idx < 8 && bold) idx += 8;
    if (idx < 16) return sys[idx];
    if (idx < 232) {
        static const unsigned lv[6] = {0, 95, 135, 175, 215, 255};
        int k = idx - 16;
        return (uint32_t)(lv[k / 36] << 16 | lv[k / 6 % 6] << 8 | lv[k % 6]);
    }
    if (idx < 256) {
        unsigned v = 8 + 10 * (unsigned)(idx - 232);
        return v << 16 | v << 8 | v;
    }
    return 0xffffff;
}

uint32_t contrast_lift(uint32_t rgb, uint32_t bg, double min)
{
    uint32_t target = contrast_luminance(bg) < 0.18 ? 0xffffff : 0x000000;
    uint32_t c = rgb;
    for (int step = 1; step <= 20 && contrast_ratio(c, bg) < min; step++) {
        double f = step / 20.0;
        uint32_t out = 0;
        for (int sh = 16; sh >= 0; sh -= 8) {
            double a = (rgb >> sh) & 255, b = (target >> sh) & 255;
            out |= (uint32_t)lround(a + (b - a) * f) << sh;
        }
        c = out;
    }
    return c;
}

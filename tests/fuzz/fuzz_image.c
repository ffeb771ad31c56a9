/* fuzz_image.c: libFuzzer target for the image path (build with -DAETUI_FUZZ=ON and clang).
 *
 * Every input is probed and decoded as the folder loader does (PNG or JPEG by signature; a
 * JPEG also at reduced DCT scale), then resized up and down with and without a centre crop
 * and converted between gray and RGB. A decode either succeeds with the size the probe
 * announced (the pixels touched end to end) or fails with a message naming the file.
 * Seed corpus: small PNG and JPEG files (tests/test_owndata writes some with PIL). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ae_err err;
    err.msg[0] = 0;
    int h, w, c;
    int probed = image_probe(data, size, "fuzz.img", &h, &w, &c, &err) == 0;
    if (!probed && !strstr(err.msg, "fuzz.img")) abort();
    for (int pass = 0; pass < 2; pass++) {
        image im;
        int mh = pass ? 3 : 0, mw = pass ? 5 : 0;
        if (image_decode(data, size, "fuzz.img", mh, mw, &im, &err)) {
            if (!strstr(err.msg, "fuzz.img")) abort();
            continue;
        }
        if (!probed || im.c != c || (!pass && (im.h != h || im.w != w))) abort();
        unsigned sum = 0;
        for (size_t i = 0; i < (size_t)im.h * im.w * im.c; i++) sum += im.px[i];
        (void)sum;
        image out;
        static const int sizes[3][2] = {{1, 1}, {7, 3}, {40, 33}};
        for (int k = 0; k < 3; k++)
            for (int crop = 0; crop < 2; crop++)
                if (image_resize(&im, sizes[k][0], sizes[k][1], crop, &out, &err) == 0) {
                    if (out.h != sizes[k][0] || out.w != sizes[k][1] || out.c != im.c) abort();
                    image_free(&out);
                }
        if (image_channels(&im, im.c == 1 ? 3 : 1, &err) != 0) abort();
        image_free(&im);
    }
    return 0;
}

/* fuzz_npy.c: libFuzzer target for the .npy parser (build with -DAETUI_FUZZ=ON and clang).
 *
 * Every input is parsed as each of the three kinds; a parse either succeeds with a buffer of
 * exactly count values (touched end to end, so ASan sees any short allocation) or fails
 * with a message that names the file. Seed corpus: any .npy files, e.g. the shared data. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int kinds[3] = {NPY_FLOAT, NPY_UINT8, NPY_LABELS};
    for (int k = 0; k < 3; k++) {
        npy_array a;
        ae_err err;
        err.msg[0] = 0;
        if (npy_parse(data, size, "fuzz.npy", kinds[k], &a, &err) == 0) {
            size_t bytes = (size_t)a.count * (kinds[k] == NPY_UINT8 ? 1 : 4);
            unsigned sum = 0;
            for (size_t i = 0; i < bytes; i++) sum += ((const uint8_t *)a.data)[i];
            if (a.ndim < 0 || a.ndim > NPY_MAX_DIMS || (bytes == 0 && sum != 0)) abort();
            npy_free(&a);
        } else if (!strstr(err.msg, "fuzz.npy")) {
            abort(); /* every failure names the file */
        }
    }
    return 0;
}

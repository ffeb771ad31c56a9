/* get_sources.c: the table of what `aetui get` fetches, and the $AETUI_GET_CHECKSUMS
 * override (see get_sources.h).
 *
 * Sources of the checksums and sizes (all the published ones; MD5 and SHA-256 are both
 * checked when both are known):
 *   - CIFAR-10: the MD5 on the dataset's page (www.cs.toronto.edu/~kriz/cifar.html, "CIFAR-10
 *     binary version (suitable for C programs)"); the size and SHA-256 from
 *     tensorflow-datasets, tensorflow_datasets/url_checksums/cifar10.txt.
 *   - MNIST: the MD5s from torchvision, torchvision/datasets/mnist.py (class MNIST,
 *     `resources`); sizes and SHA-256s from tensorflow-datasets,
 *     tensorflow_datasets/url_checksums/mnist.txt.
 *   - Fashion-MNIST: the MD5s from torchvision, torchvision/datasets/mnist.py (class
 *     FashionMNIST), which are also those in the dataset's own README
 *     (github.com/zalandoresearch/fashion-mnist); sizes and SHA-256s from tensorflow-datasets,
 *     tensorflow_datasets/url_checksums/fashion_mnist.txt.
 * The hosts: CIFAR-10 and Fashion-MNIST from their authors; MNIST from PyTorch's and
 * tensorflow-datasets' copies first (the same files, same checksums) and Yann LeCun's page
 * last, since it has often refused downloads. */
#include "get_sources.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const get_source get_table[] = {
    {"cifar10",
     "cifar-10-batches-bin",
     1,
     {"https://www.cs.toronto.edu/~kriz/", NULL},
     1,
     {{"cifar-10-binary.tar.gz", 170052171, "c32a1d4ab5d03f1284b67883e8d87530",
       "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"}},
     {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
      "data_batch_5.bin", "test_batch.bin", "batches.meta.txt", NULL}},
    {"mnist",
     "mnist",
     0,
     {"https://ossci-datasets.s3.amazonaws.com/mnist/",
      "https://storage.googleapis.com/cvdf-datasets/mnist/", "http://yann.lecun.com/exdb/mnist/"},
     4,
     {{"train-images-idx3-ubyte.gz", 9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873",
       "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"},
      {"train-labels-idx1-ubyte.gz", 28881, "d53e105ee54ea40749a09fcbcd1e9432",
       "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"},
      {"t10k-images-idx3-ubyte.gz", 1648877, "9fb629c4189551a2d022fa330f9573f3",
       "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"},
      {"t10k-labels-idx1-ubyte.gz", 4542, "ec29112dd5afa0611ce80d1b7f02629c",
       "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"}},
     {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
      "t10k-labels-idx1-ubyte.gz", NULL}},
    {"fashion-mnist",
     "fashion-mnist",
     0,
     {"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", NULL},
     4,
     {{"train-images-idx3-ubyte.gz", 26421880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
       "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"},
      {"train-labels-idx1-ubyte.gz", 29515, "25c81989df183df01b3e8a0aad5dffbe",
       "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"},
      {"t10k-images-idx3-ubyte.gz", 4422102, "bef4ecab320f06d8554ea6380940ec79",
       "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"},
      {"t10k-labels-idx1-ubyte.gz", 5148, "bb300cfdad3c16e7a12a480ee83cd310",
       "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"}},
     {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
      "t10k-labels-idx1-ubyte.gz", NULL}},
};
enum { GET_NSOURCES = sizeof get_table / sizeof get_table[0] };

const get_source *get_source_find(const char *dataset)
{
    for (int i = 0; dataset && i < GET_NSOURCES; i++)
        if (!strcmp(get_table[i].dataset, dataset)) return &get_table[i];
    return NULL;
}

const char *get_source_names(void)
{
    return "cifar10, mnist or fashion-mnist";
}

static int get_is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i])) return 0;
    return 1;
}

/* Looks name up in the checksum file; fills out's md5/sha256 from its lines. */
static int get_read_overrides(const char *path, const char *name, get_expect *out, ae_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f) return ae_fail(err, "$AETUI_GET_CHECKSUMS: %s: cannot open: %s", path, strerror(errno));
    char line[1024];
    int lineno = 0, status = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        char *p = line;
        while (*p == ' ' || *p == '\t') p++;
        if (!*p || *p == '#') continue;
        size_t hl = strcspn(p, " \t");
        char *q = p + hl;
        while (*q == ' ' || *q == '\t') q++;
        if (*q == '*') q++; /* md5sum's binary-mode marker */
        if ((hl != 32 && hl != 64) || !get_is_hex(p, hl) || !*q) {
            status = ae_fail(err,
                             "$AETUI_GET_CHECKSUMS: %s: line %d: expected \"HEX  NAME\" with an "
                             "MD5 (32 hex digits) or a SHA-256 (64)",
                             path, lineno);
            break;
        }
        if (strcmp(q, name)) continue;
        char *dst = hl == 32 ? out->md5 : out->sha256;
        for (size_t i = 0; i < hl; i++) dst[i] = (char)tolower((unsigned char)p[i]);
        dst[hl] = 0;
        out->overridden = 1;
    }
    fclose(f);
    return status;
}

int get_expect_for(const get_file *f, get_expect *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    const char *path = getenv("AETUI_GET_CHECKSUMS");
    if (path && *path) {
        if (get_read_overrides(path, f->name, out, err)) return -1;
        if (out->overridden) {
            out->size = -1;
            return 0;
        }
    }
    out->size = f->size;
    snprintf(out->md5, sizeof out->md5, "%s", f->md5 ? f->md5 : "");
    snprintf(out->sha256, sizeof out->sha256, "%s", f->sha256 ? f->sha256 : "");
    return 0;
}

/* datafind.c: where a dataset's files are (ds_locate, see dataset.h).
 *
 * A directory "holds" a dataset when one of its marker files is there:
 * data_batch_1.bin or test_batch.bin for CIFAR-10, a train- or t10k- IDX image file (plain
 * or .gz) for MNIST and Fashion-MNIST. A directory given by the user (--data-dir) is searched
 * first, itself and then its conventional subfolders; the usual places come after it (so that
 * `--data-dir ~/cifar` still finds Fashion-MNIST where Debian put it). In the usual places the
 * subfolders come first, so that a folder holding several datasets side by side resolves to
 * the right one. */
#include "dataset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const find_cifar_sub[] = {
    "cifar-10-batches-bin",          "cifar10", "cifar-10", "cifar10/cifar-10-batches-bin",
    "cifar-10/cifar-10-batches-bin", NULL};
static const char *const find_fashion_sub[] = {"fashion-mnist", "fashion_mnist", "FashionMNIST/raw",
                                               NULL};
static const char *const find_mnist_sub[] = {"mnist", "MNIST/raw", NULL};

static const char *const find_cifar_marks[] = {"data_batch_1.bin", "test_batch.bin", NULL};
static const char *const find_idx_marks[] = {
    "train-images-idx3-ubyte.gz", "train-images-idx3-ubyte",   "train-images.idx3-ubyte",
    "train-images.idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte",
    "t10k-images.idx3-ubyte",     "t10k-images.idx3-ubyte.gz", NULL};

/* Any kind of entry counts, so that the loader, not the search, says what is wrong with it. */
static int find_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int find_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Does dir (joined with sub when not NULL) hold one of the marker files? On success the
 * directory's path is written to out. */
static int find_try(const char *dir, const char *sub, const char *const *marks, char *out,
                    int out_len)
{
    char d[2048], p[4096];
    if (sub)
        snprintf(d, sizeof d, "%s/%s", dir, sub);
    else
        snprintf(d, sizeof d, "%s", dir);
    if (!find_is_dir(d)) return 0;
    for (int i = 0; marks[i]; i++) {
        snprintf(p, sizeof p, "%s/%s", d, marks[i]);
        if (find_exists(p)) {
            if ((int)strlen(d) >= out_len) return 0;
            snprintf(out, (size_t)out_len, "%s", d);
            return 1;
        }
    }
    return 0;
}

int ds_user_dir(char *out, int len, ae_err *err)
{
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/') /* the XDG spec: a relative value is ignored */
        n = snprintf(out, (size_t)len, "%s/aetui/datasets", xdg);
    else if (home && *home)
        n = snprintf(out, (size_t)len, "%s/.local/share/aetui/datasets", home);
    else
        return ae_fail(err, "neither $XDG_DATA_HOME nor $HOME is set: no datasets folder");
    if (n < 0 || n >= len) return ae_fail(err, "the datasets folder's path is too long");
    return 0;
}

int ds_locate(const char *name, const char *data_dir, char *dir_out, int dir_len, ae_err *err)
{
    const char *const *subs, *const *marks;
    const char *files;
    if (!name || !ds_known(name))
        return ae_fail(err, "unknown dataset '%s'", name ? name : "(null)");
    if (!strcmp(name, "sines")) {
        if (dir_out && dir_len > 0) dir_out[0] = 0;
        return 0;
    }
    if (!dir_out || dir_len < 2) return ae_fail(err, "%s: no room for the directory", name);
    if (!strcmp(name, "cifar10")) {
        subs = find_cifar_sub;
        marks = find_cifar_marks;
        files = "data_batch_1.bin or test_batch.bin";
    } else {
        subs = strcmp(name, "mnist") ? find_fashion_sub : find_mnist_sub;
        marks = find_idx_marks;
        files = "train-images-idx3-ubyte[.gz] or t10k-images-idx3-ubyte[.gz]";
    }

    if (data_dir && *data_dir) {
        if ((int)strlen(data_dir) >= dir_len - 64)
            return ae_fail(err, "%s: data directory path is too long (%zu bytes)", name,
                           strlen(data_dir));
        if (!find_is_dir(data_dir))
            return ae_fail(err, "%s: data directory %s does not exist or is not a directory", name,
                           data_dir);
        if (find_try(data_dir, NULL, marks, dir_out, dir_len)) return 0;
        for (int i = 0; subs[i]; i++)
            if (find_try(data_dir, subs[i], marks, dir_out, dir_len)) return 0;
    }

    /* Then the usual places, in order. */
    char roots[4][1024];
    int nroots = 0;
    const char *env = getenv("AETUI_DATA");
    if (env && *env) snprintf(roots[nroots++], sizeof roots[0], "%s", env);
    if (ds_user_dir(roots[nroots], sizeof roots[0], NULL) == 0) nroots++;
    snprintf(roots[nroots++], sizeof roots[0], "/usr/share/datasets");
    snprintf(roots[nroots++], sizeof roots[0], "/usr/local/share/datasets");
    for (int r = 0; r < nroots; r++) {
        for (int i = 0; subs[i]; i++)
            if (find_try(roots[r], subs[i], marks, dir_out, dir_len)) return 0;
        if (find_try(roots[r], NULL, marks, dir_out, dir_len)) return 0;
    }
    return ae_fail(err,
                   "%s: not found: no %s in %s%s%s$AETUI_DATA, $XDG_DATA_HOME/aetui/datasets "
                   "(~/.local/share/aetui/datasets), /usr/share/datasets or "
                   "/usr/local/share/datasets, nor in their subfolder %s%s",
                   name, files, data_dir && *data_dir ? "--data-dir " : "",
                   data_dir && *data_dir ? data_dir : "", data_dir && *data_dir ? ", " : "",
                   subs[0], data_dir && *data_dir ? "" : "; give --data-dir");
}

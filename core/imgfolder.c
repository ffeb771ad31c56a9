/* imgfolder.c: a folder of PNG and JPEG images as a dataset (see image.h).
 *
 * Listing walks the folder once (stat follows links; a depth limit stops link loops) and
 * sorts the relative paths. Loading hands the files to worker threads, which take the next
 * file from an atomic counter (photos differ in cost, so a fixed split would leave a thread
 * idle): each reads its file, hashes it, and when the file is wanted decodes, resizes and
 * converts it. The content hash is then formed in listing order, and the first failure in
 * listing order is the one reported, so both are the same whatever the thread count. */
#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dspec.h"
#include "fileio.h"
#include "image.h"
#include "sha256.h"
#include "text.h"
#include "workers.h"

enum { FOLDER_MAX_DEPTH = 32 };
#define FOLDER_MAX_FILE_BYTES (1L << 30)
#define UNLABELLED_NAME       "(unlabelled)"

static int has_image_ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot) return 0;
    return !strcasecmp(dot, ".png") || !strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg");
}

typedef struct walk {
    char **rel;
    int *cls;
    int n, cap;
    ae_err *err;
    const char *root;
} walk;

static int walk_add(walk *w, const char *rel, int cls)
{
    if (w->n == w->cap) {
        int cap = w->cap ? w->cap * 2 : 256;
        char **r = realloc(w->rel, sizeof *r * (size_t)cap);
        if (r) w->rel = r;
        int *c = realloc(w->cls, sizeof *c * (size_t)cap);
        if (c) w->cls = c;
        if (!r || !c) return ae_fail(w->err, "%s: out of memory listing the images", w->root);
        w->cap = cap;
    }
    if (!(w->rel[w->n] = strdup(rel)))
        return ae_fail(w->err, "%s: out of memory listing the images", w->root);
    w->cls[w->n++] = cls;
    return 0;
}

/* Adds the images under root/rel (rel "" for root itself) with class cls; at depth 0,
 * subfolders are classes: their names go to dirs (when dirs is not NULL). */
static int walk_dir(walk *w, const char *rel, int depth, int cls, char ***dirs, int *ndirs)
{
    char path[4096];
    snprintf(path, sizeof path, "%s%s%s", w->root, rel[0] ? "/" : "", rel);
    if (depth > FOLDER_MAX_DEPTH)
        return ae_fail(w->err, "%s: folders nested more than %d deep (a link loop?)", path,
                       FOLDER_MAX_DEPTH);
    DIR *d = opendir(path);
    if (!d) return ae_fail(w->err, "%s: cannot read the folder: %s", path, strerror(errno));
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue; /* hidden, and . and .. */
        char sub[4096], full[8192];
        if ((size_t)snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name) >=
            sizeof sub) {
            rc = ae_fail(w->err, "%s/%s: path too long", path, e->d_name);
            break;
        }
        snprintf(full, sizeof full, "%s/%s", w->root, sub);
        struct stat st;
        if (stat(full, &st)) continue; /* a dangling link */
        if (S_ISDIR(st.st_mode)) {
            if (depth == 0 && dirs) {
                char **g = realloc(*dirs, sizeof *g * (size_t)(*ndirs + 1));
                if (!g || !(g[*ndirs] = strdup(e->d_name))) {
                    if (g) *dirs = g;
                    rc = ae_fail(w->err, "%s: out of memory", path);
                    break;
                }
                *dirs = g;
                (*ndirs)++;
            } else {
                rc = walk_dir(w, sub, depth + 1, cls, NULL, NULL);
            }
        } else if (has_image_ext(e->d_name)) {
            if (!S_ISREG(st.st_mode)) {
                char vis[512];
                text_visible(full, vis, sizeof vis);
                rc = ae_fail(w->err, "%s: not a regular file", vis);
            } else {
                rc = walk_add(w, sub, depth == 0 ? -1 : cls);
            }
        }
    }
    closedir(d);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct rel_cls {
    char *rel;
    int cls;
} rel_cls;

static int cmp_rel(const void *a, const void *b)
{
    return strcmp(((const rel_cls *)a)->rel, ((const rel_cls *)b)->rel);
}

void imgfolder_free(imgfolder *f)
{
    if (!f) return;
    for (int i = 0; i < f->n; i++) free(f->rel[i]);
    free(f->rel), free(f->labels);
    memset(f, 0, sizeof *f);
}

int imgfolder_list(const char *dir, imgfolder *out, ae_err *err)
{
    memset(out, 0, sizeof *out);
    walk w = {.err = err, .root = dir};
    char **dirs = NULL;
    int ndirs = 0, rc = walk_dir(&w, "", 0, -1, &dirs, &ndirs);
    if (!rc && ndirs) qsort(dirs, (size_t)ndirs, sizeof *dirs, cmp_str);
    int nclasses = 0;
    for (int k = 0; !rc && k < ndirs; k++) { /* a class per subfolder holding images */
        int before = w.n;
        rc = walk_dir(&w, dirs[k], 1, nclasses, NULL, NULL);
        if (rc || w.n == before) continue;
        if (nclasses == DS_MAX_CLASSES) {
            rc = ae_fail(err, "%s: more than %d class folders", dir, DS_MAX_CLASSES);
            break;
        }
        snprintf(out->full_names[nclasses], sizeof out->full_names[0], "%s", dirs[k]);
        nclasses++;
    }
    for (int k = 0; k < ndirs; k++) free(dirs[k]);
    free(dirs);
    int unlabelled = 0;
    for (int i = 0; !rc && i < w.n; i++) unlabelled += w.cls[i] < 0;
    if (!rc && w.n == 0)
        rc = ae_fail(err, "%s: no PNG or JPEG images in the folder or its subfolders", dir);
    if (!rc && unlabelled && nclasses) {
        if (nclasses == DS_MAX_CLASSES)
            rc = ae_fail(err, "%s: more than %d classes", dir, DS_MAX_CLASSES);
        else
            snprintf(out->full_names[nclasses++], sizeof out->full_names[0], UNLABELLED_NAME);
    }
    rel_cls *rs = rc ? NULL : malloc(sizeof *rs * (size_t)w.n);
    out->labels = rc ? NULL : malloc((size_t)w.n);
    if (!rc && (!rs || !out->labels)) rc = ae_fail(err, "%s: out of memory", dir);
    if (rc) {
        for (int i = 0; i < w.n; i++) free(w.rel[i]);
        free(w.rel), free(w.cls), free(rs), free(out->labels);
        memset(out, 0, sizeof *out);
        return -1;
    }
    for (int i = 0; i < w.n; i++)
        rs[i] = (rel_cls){w.rel[i], w.cls[i] < 0 ? (nclasses ? nclasses - 1 : 0) : w.cls[i]};
    if (w.n) qsort(rs, (size_t)w.n, sizeof *rs, cmp_rel);
    for (int i = 0; i < w.n; i++) w.rel[i] = rs[i].rel, out->labels[i] = (uint8_t)rs[i].cls;
    free(rs), free(w.cls);
    out->rel = w.rel, out->n = w.n;
    out->labelled = nclasses > 0;
    out->nclasses = nclasses ? nclasses : 1;
    if (!nclasses) snprintf(out->full_names[0], sizeof out->full_names[0], UNLABELLED_NAME);
    for (int k = 0; k < out->nclasses; k++) ds_class_name(out->class_names[k], out->full_names[k]);
    return 0;
}

/* ---- loading ---- */

/* The whole file, which must be a regular file of at most 1 GB; *data malloc'd. */
static int read_whole(const char *path, const char *name, uint8_t **data, size_t *len, ae_err *err)
{
    *data = NULL, *len = 0;
    int64_t size;
    int fd = fio_open_read(path, &size, err);
    if (fd < 0) return -1;
    if (size > FOLDER_MAX_FILE_BYTES) {
        close(fd);
        return ae_fail(err, "%s: %lld bytes: larger than an image aetui reads (1 GB)", name,
                       (long long)size);
    }
    size_t cap = (size_t)size, n = 0;
    uint8_t *b = malloc(cap ? cap : 1);
    if (!b) {
        close(fd);
        return ae_fail(err, "%s: out of memory", name);
    }
    while (n < cap) {
        ssize_t got = read(fd, b + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            int e = errno;
            close(fd);
            free(b);
            return got < 0 ? ae_fail(err, "%s: read error: %s", name, strerror(e))
                           : ae_fail(err, "%s: the file shrank while it was read", name);
        }
        n += (size_t)got;
    }
    close(fd);
    *data = b, *len = n;
    return 0;
}

typedef struct folder_job {
    const char *dir;
    const imgfolder *list;
    const int *slot_of; /* list index -> position in the output, -1 when not wanted */
    int size_h, size_w, crop, channels;
    atomic_int next, failed;
    uint8_t (*digest)[32]; /* per list entry */
    int (*hdr)[3];         /* per list entry: height, width, channels from its header */
    image *img;            /* per output position */
    ae_err *errs;          /* per thread */
    int *err_at;           /* per thread: the list index of its failure, or -1 */
} folder_job;

static int folder_one(folder_job *j, int i, ae_err *err)
{
    char path[8192], name[600];
    snprintf(path, sizeof path, "%s/%s", j->dir, j->list->rel[i]);
    text_visible(path, name, sizeof name);
    uint8_t *data;
    size_t len;
    if (read_whole(path, name, &data, &len, err)) return -1;
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, data, len);
    sha256_final(&c, j->digest[i]);
    int slot = j->slot_of[i],
        rc = image_probe(data, len, name, &j->hdr[i][0], &j->hdr[i][1], &j->hdr[i][2], err);
    if (!rc && slot >= 0) {
        image im;
        rc = image_decode(data, len, name, j->size_h, j->size_w, &im, err);
        if (!rc && j->size_h) {
            image r;
            rc = image_resize(&im, j->size_h, j->size_w, j->crop, &r, err);
            image_free(&im);
            if (!rc) im = r;
        }
        if (!rc && j->channels) rc = image_channels(&im, j->channels, err);
        if (!rc)
            j->img[slot] = im;
        else
            image_free(&im);
    }
    free(data);
    return rc;
}

static void folder_part(void *ctx, int part)
{
    folder_job *j = ctx;
    j->err_at[part] = -1;
    for (;;) {
        int i = atomic_fetch_add(&j->next, 1);
        if (i >= j->list->n || atomic_load(&j->failed)) return;
        if (folder_one(j, i, &j->errs[part])) {
            j->err_at[part] = i;
            atomic_store(&j->failed, 1);
            return;
        }
    }
}

int imgfolder_load(const char *dir, const imgfolder *list, const int64_t *idx, int n, int size_h,
                   int size_w, int crop, int channels, int threads, dataset *out, char sha256[65],
                   ae_err *err)
{
    memset(out, 0, sizeof *out);
    if (threads < 1) threads = 1;
    if (threads > 64) threads = 64;
    if ((size_h > 0) != (size_w > 0))
        return ae_fail(err, "%s: a size needs a height and a width", dir);
    folder_job j = {.dir = dir,
                    .list = list,
                    .size_h = size_h,
                    .size_w = size_w,
                    .crop = crop,
                    .channels = channels};
    atomic_init(&j.next, 0);
    atomic_init(&j.failed, 0);
    int *slot_of = malloc(sizeof(int) * (size_t)(list->n ? list->n : 1));
    j.digest = malloc(32 * (size_t)(list->n ? list->n : 1));
    j.hdr = malloc(sizeof *j.hdr * (size_t)(list->n ? list->n : 1));
    j.img = calloc((size_t)(n ? n : 1), sizeof(image));
    j.errs = calloc((size_t)threads, sizeof(ae_err));
    j.err_at = calloc((size_t)threads, sizeof(int));
    workers *wk = NULL;
    int rc = -1;
    if (!slot_of || !j.digest || !j.hdr || !j.img || !j.errs || !j.err_at) {
        ae_fail(err, "%s: out of memory", dir);
        goto out;
    }
    for (int i = 0; i < list->n; i++) slot_of[i] = -1;
    for (int k = 0; k < n; k++) {
        if (idx[k] < 0 || idx[k] >= list->n || slot_of[idx[k]] >= 0) {
            ae_fail(err, "%s: image %lld asked for twice or out of range", dir, (long long)idx[k]);
            goto out;
        }
        slot_of[idx[k]] = k;
    }
    j.slot_of = slot_of;
    if (!(wk = workers_start(threads, err))) goto out;
    workers_run(wk, folder_part, &j);
    if (atomic_load(&j.failed)) { /* the first failure in listing order */
        int best = -1;
        for (int t = 0; t < threads; t++)
            if (j.err_at[t] >= 0 && (best < 0 || j.err_at[t] < j.err_at[best])) best = t;
        if (err) *err = j.errs[best];
        goto out;
    }
    sha256_ctx c;
    sha256_init(&c);
    for (int i = 0; i < list->n; i++) {
        sha256_update(&c, list->rel[i], strlen(list->rel[i]) + 1);
        sha256_update(&c, j.digest[i], 32);
    }
    sha256_hex(&c, sha256);
    int C = channels; /* judged over the whole folder, so every split agrees */
    for (int i = 0; !C && i < list->n; i++)
        if (j.hdr[i][2] == 3) C = 3;
    if (!C) C = 1;
    if (!size_h)
        for (int i = 1; i < list->n; i++)
            if (j.hdr[i][0] != j.hdr[0][0] || j.hdr[i][1] != j.hdr[0][1]) {
                char a[300], b[300], vd[600];
                text_visible(list->rel[0], a, sizeof a);
                text_visible(list->rel[i], b, sizeof b);
                text_visible(dir, vd, sizeof vd);
                ae_fail(err,
                        "%s: images of different sizes: %s is %dx%d, %s is %dx%d (give --size "
                        "HxW to resize them all)",
                        vd, a, j.hdr[0][0], j.hdr[0][1], b, j.hdr[i][0], j.hdr[i][1]);
                goto out;
            }
    rc = 0;
    if (n == 0) {
        out->c = C, out->h = size_h ? size_h : j.hdr[0][0], out->w = size_h ? size_w : j.hdr[0][1];
        goto out;
    }
    int H = j.img[0].h, W = j.img[0].w;
    size_t dim = (size_t)H * W * C;
    out->u8 = malloc(dim * (size_t)n);
    out->labels = malloc((size_t)n);
    out->src_index = malloc(sizeof(int64_t) * (size_t)n);
    if (!out->u8 || !out->labels || !out->src_index) {
        rc = ae_fail(err, "%s: out of memory for %d images of %dx%dx%d", dir, n, H, W, C);
        goto out;
    }
    for (int k = 0; k < n; k++) {
        if (image_channels(&j.img[k], C, err)) {
            rc = -1;
            goto out;
        }
        memcpy(out->u8 + dim * (size_t)k, j.img[k].px, dim);
        out->labels[k] = list->labels[idx[k]];
        out->src_index[k] = idx[k];
    }
    out->kind = DS_IMAGES, out->n = n, out->h = H, out->w = W, out->c = C, out->dim = (int)dim;
    out->nclasses = list->nclasses, out->labelled = list->labelled;
    memcpy(out->class_names, list->class_names, sizeof out->class_names);
    out->nfiles = 1;
    snprintf(out->files[0], sizeof out->files[0], "%s", dir);
    snprintf(out->sha256, sizeof out->sha256, "%s", sha256);
out:
    workers_stop(wk);
    if (j.img)
        for (int k = 0; k < n; k++) image_free(&j.img[k]);
    free(j.img), free(j.digest), free(j.hdr), free(slot_of), free(j.errs), free(j.err_at);
    if (rc) ds_free(out);
    return rc;
}

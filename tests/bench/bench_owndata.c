/* bench_owndata.c: how fast your own data loads, and how much memory a long series takes.
 *
 *   bench_owndata csv     a CSV of 100,000 rows x 141 columns (a label and 140 values in UCR's
 *                         notation, -1.1252183e-01): target <= 1 s to parse (csvrows_read),
 *                         and the whole load (split, scaling) beside it
 *   bench_owndata series  a long series CSV of about 1 GB (timestamp and two values per row):
 *                         streams with memory bounded by the loaded array (peak RSS reported
 *                         against the arrays' size and the file's)
 *   bench_owndata png     a folder of 10,000 32x32 RGB PNGs in 10 class folders: target <= 3 s
 *                         with 2 threads (decode, hash, split)
 *   bench_owndata jpeg    1,000 JPEG photos of 1024x768 resized to 64x64 (--crop center):
 *                         target <= 10 s with 2 threads
 *   bench_owndata all     everything
 * The files are written once into $AETUI_BENCH_DIR (default /tmp/aetui-bench-owndata) and kept
 * for the next run; each timing is the best of 3 (the series: 1, in a child process, so its
 * peak RSS is its own). */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jpeglib.h> /* after stdio.h */

#include "dspec.h"
#include "rng.h"
#include "testlib.h"

static char root[900];

/* CPU seconds of the whole process (all threads): on a shared machine wall time says more
 * about the neighbours than about the code, so both are reported. */
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* CPU seconds of this thread alone: the critical path when helpers have cores of their own. */
static double thread_cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static double file_mb(const char *p)
{
    struct stat st;
    return stat(p, &st) ? 0 : st.st_size / 1048576.0;
}

static void bench_csv(void)
{
    char path[1000];
    snprintf(path, sizeof path, "%s/rows_100k_141.csv", root);
    if (!exists(path)) {
        FILE *f = fopen(path, "w");
        rng r;
        rng_seed(&r, 1);
        for (int i = 0; i < 100000; i++) {
            fprintf(f, "%d", (int)rng_below(&r, 5) + 1);
            for (int j = 0; j < 140; j++) fprintf(f, ",%.7e", rng_normal(&r));
            fputc('\n', f);
        }
        fclose(f);
    }
    ds_spec s;
    ds_spec_init(&s);
    s.format = DSF_CSV;
    snprintf(s.path, sizeof s.path, "%s", path);
    double best = 1e9, best_load = 1e9, best_cpu = 1e9, best_main = 1e9;
    ae_err err;
    for (int rep = 0; rep < 5; rep++) {
        dataset d;
        double t0 = test_now(), c0 = cpu_now(), m0 = thread_cpu_now();
        if (csvrows_read(path, &s, &d, &err)) {
            printf("csv: %s\n", err.msg);
            return;
        }
        double t = test_now() - t0, c = cpu_now() - c0, m = thread_cpu_now() - m0;
        if (t < best) best = t;
        if (c < best_cpu) best_cpu = c;
        if (m < best_main) best_main = m;
        ds_free(&d);
        dataset tr, te;
        ds_load_req rq = {0};
        t0 = test_now();
        if (ds_spec_load(&s, &rq, &tr, &te, &err)) {
            printf("csv load: %s\n", err.msg);
            return;
        }
        t = test_now() - t0;
        if (t < best_load) best_load = t;
        ds_free(&tr), ds_free(&te);
    }
    printf("csv: 100,000 rows x 141 columns (%.0f MB): parse %.3f s wall (target <= 1 s); CPU "
           "%.3f s in all, %.3f s in the parsing thread (the hash has a thread of its own); "
           "load with split and scaling %.3f s wall\n",
           file_mb(path), best, best_cpu, best_main, best_load);
}

static long peak_rss_kb_child(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return ru.ru_maxrss;
}

static void bench_series(void)
{
    char path[1000];
    snprintf(path, sizeof path, "%s/series_1gb.csv", root);
    if (!exists(path)) {
        FILE *f = fopen(path, "w");
        fprintf(f, "timestamp,value,load\n");
        rng r;
        rng_seed(&r, 2);
        long long t = 1577836800; /* 2020-01-01 */
        while (ftell(f) < (1L << 30)) {
            for (int k = 0; k < 10000; k++, t += 5) {
                long long d = t / 86400, s = t % 86400;
                /* civil date from days since 1970 (enough for 2020-2030) */
                long long z = d + 719468, era = z / 146097, doe = z - era * 146097;
                long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
                long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
                int day = (int)(doy - (153 * mp + 2) / 5 + 1),
                    mon = (int)(mp < 10 ? mp + 3 : mp - 9);
                long long y = yoe + era * 400 + (mon <= 2);
                fprintf(f, "%04lld-%02d-%02d %02lld:%02lld:%02lld,%.4f,%.2f\n", y, mon, day,
                        s / 3600, s / 60 % 60, s % 60, rng_normal(&r), 50 + 10 * rng_uniform(&r));
            }
        }
        fclose(f);
    }
    pid_t pid = fork();
    if (pid == 0) {
        ds_spec s;
        ds_spec_init(&s);
        s.format = DSF_SERIES, s.window = 64, s.stride = 64;
        snprintf(s.path, sizeof s.path, "%s", path);
        ae_err err;
        double t0 = test_now(), c0 = cpu_now();
        dataset tr, te;
        ds_load_req rq = {0};
        if (ds_spec_load(&s, &rq, &tr, &te, &err)) {
            printf("series: %s\n", err.msg);
            _exit(1);
        }
        double t = test_now() - t0, cpu = cpu_now() - c0;
        double arrays = 0;
        const dataset *d[2] = {&tr, &te};
        for (int i = 0; i < 2; i++) /* values, times, window starts and places, labels */
            arrays += d[i]->rows * (d[i]->f * 4.0 + (d[i]->times ? 8 : 0)) + d[i]->n * 17.0;
        arrays /= 1048576;
        printf("series: %.0f MB file, %lld + %lld rows x %d values, windows of 64 (%d + %d): "
               "loaded in %.1f s wall, %.1f s CPU (%.0f MB/s of CPU); the arrays held %.0f MB\n",
               file_mb(path), (long long)tr.rows, (long long)te.rows, tr.f, tr.n, te.n, t, cpu,
               file_mb(path) / cpu, arrays);
        ds_free(&tr), ds_free(&te);
        fflush(stdout);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("series: peak RSS of the loading process %.0f MB (the file is %.0f MB)\n",
           peak_rss_kb_child() / 1024.0, file_mb(path));
}

static void write_png(const char *path, int h, int w, rng *r)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = (unsigned)w, pi.height = (unsigned)h, pi.format = PNG_FORMAT_RGB;
    unsigned char px[32 * 32 * 3];
    int base = (int)rng_below(r, 200);
    for (int i = 0; i < h * w * 3; i++) px[i] = (unsigned char)(base + (int)rng_below(r, 56));
    png_image_write_to_file(&pi, path, 0, px, 0, NULL);
}

static void write_jpeg(const char *path, int h, int w, rng *r)
{
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr em;
    ci.err = jpeg_std_error(&em);
    jpeg_create_compress(&ci);
    FILE *f = fopen(path, "wb");
    jpeg_stdio_dest(&ci, f);
    ci.image_width = (unsigned)w, ci.image_height = (unsigned)h;
    ci.input_components = 3, ci.in_color_space = JCS_RGB;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, 90, TRUE);
    jpeg_start_compress(&ci, TRUE);
    unsigned char *row = malloc((size_t)w * 3);
    double fx = rng_range(r, 0.005, 0.05), fy = rng_range(r, 0.005, 0.05);
    while (ci.next_scanline < ci.image_height) { /* smooth shapes and a little grain */
        int y = (int)ci.next_scanline;
        for (int x = 0; x < w; x++) {
            double v = 128 + 90 * __builtin_sin(fx * x) * __builtin_cos(fy * y);
            row[3 * x] = (unsigned char)(v + rng_below(r, 12));
            row[3 * x + 1] = (unsigned char)(255 - v);
            row[3 * x + 2] = (unsigned char)((x + y) & 255);
        }
        JSAMPROW rp = row;
        jpeg_write_scanlines(&ci, &rp, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    fclose(f);
    free(row);
}

static void bench_folder(const char *what, const char *sub, int n, int h, int w, const char *opts)
{
    char dir[1200], p[1400];
    snprintf(dir, sizeof dir, "%s/%s", root, sub);
    snprintf(p, sizeof p, "%s/done", dir);
    if (!exists(p)) {
        mkdir(dir, 0755);
        rng r;
        rng_seed(&r, 3);
        for (int c = 0; c < 10; c++) {
            snprintf(p, sizeof p, "%s/class%d", dir, c);
            mkdir(p, 0755);
        }
        for (int i = 0; i < n; i++) {
            snprintf(p, sizeof p, "%s/class%d/%05d.%s", dir, i % 10, i, h == 32 ? "png" : "jpg");
            if (h == 32)
                write_png(p, h, w, &r);
            else
                write_jpeg(p, h, w, &r);
        }
        snprintf(p, sizeof p, "%s/done", dir);
        test_write_file(p, "", 0);
    }
    char text[1600];
    snprintf(text, sizeof text, "folder %s %s", dir, opts);
    ds_spec s;
    ae_err err;
    s.name[0] = 0;
    ds_spec_from_text(text, &s, &err);
    double best = 1e9, best_cpu = 1e9;
    dataset tr, te;
    for (int rep = 0; rep < 3; rep++) {
        ds_load_req rq = {.threads = 2};
        double t0 = test_now(), c0 = cpu_now();
        if (ds_spec_load(&s, &rq, &tr, &te, &err)) {
            printf("%s: %s\n", what, err.msg);
            return;
        }
        double t = test_now() - t0, c = cpu_now() - c0;
        if (t < best) best = t;
        if (c < best_cpu) best_cpu = c;
        if (rep < 2) ds_free(&tr), ds_free(&te);
    }
    printf("%s: %d + %d images of %dx%dx%d loaded in %.2f s wall with 2 threads (%.2f s CPU over "
           "both)\n",
           what, tr.n, te.n, tr.h, tr.w, tr.c, best, best_cpu);
    ds_free(&tr), ds_free(&te);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "all";
    const char *d = getenv("AETUI_BENCH_DIR");
    snprintf(root, sizeof root, "%s", d && *d ? d : "/tmp/aetui-bench-owndata");
    mkdir(root, 0755);
    int all = !strcmp(what, "all");
    if (all || !strcmp(what, "csv")) bench_csv();
    if (all || !strcmp(what, "png"))
        bench_folder("png (target <= 3 s)", "png_10k_32", 10000, 32, 32, "");
    if (all || !strcmp(what, "jpeg"))
        bench_folder("jpeg 1024x768 -> 64x64 (target <= 10 s)", "jpeg_1k_1024", 1000, 768, 1024,
                     "--size 64x64 --crop center");
    if (all || !strcmp(what, "series")) bench_series();
    return 0;
}

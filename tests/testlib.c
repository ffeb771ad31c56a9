/* testlib.c: see testlib.h. */
#include "testlib.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int test_passed, test_failed;

int test_done(void)
{
    printf("%d passed, %d failed\n", test_passed, test_failed);
    return test_failed ? 1 : 0;
}

void test_skip(const char *why)
{
    printf("SKIP: %s\n", why);
    exit(77);
}

const char *test_tmpdir(const char *name, char *buf, int len)
{
    const char *base = getenv("AETUI_TEST_TMP");
    if (!base || !*base) base = "/tmp";
    mkdir(base, 0755);
    snprintf(buf, len, "%s/%s.%d", base, name, (int)getpid());
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", buf);
    if (system(cmd) != 0) return NULL;
    if (mkdir(buf, 0755) != 0) return NULL;
    return buf;
}

const char *test_shared(const char *rel, char *buf, int len)
{
    const char *base = getenv("AETUI_SHARED_DATA");
    if (!base || !*base) return NULL;
    snprintf(buf, len, "%s/%s", base, rel);
    struct stat st;
    return stat(buf, &st) == 0 ? buf : NULL;
}

int test_write_file(const char *path, const void *data, long len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    long w = len ? (long)fwrite(data, 1, len, f) : 0;
    return (fclose(f) == 0 && w == len) ? 0 : -1;
}

double test_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

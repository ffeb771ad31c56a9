/* testlib.h: the few helpers every C test uses.
 *
 * CHECK(cond, fmt, ...) records a failure with its location and goes on; a test's main ends
 * with `return test_done();`, which prints "N passed, M failed" and returns non-zero on any
 * failure. test_skip() prints why and exits 77 (ctest's SKIP_RETURN_CODE). */
#ifndef AE_TESTLIB_H
#define AE_TESTLIB_H

#include <stdio.h>

extern int test_passed, test_failed;

#define CHECK(cond, ...)                                                                     \
    do {                                                                                     \
        if (cond) {                                                                          \
            test_passed++;                                                                   \
        } else {                                                                             \
            test_failed++;                                                                   \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                 \
            fprintf(stderr, __VA_ARGS__);                                                    \
            fputc('\n', stderr);                                                             \
        }                                                                                    \
    } while (0)

int test_done(void);
void test_skip(const char *why) __attribute__((noreturn));

/* A fresh, empty directory for this test under $AETUI_TEST_TMP (or /tmp); path into buf. */
const char *test_tmpdir(const char *name, char *buf, int len);

/* $AETUI_SHARED_DATA/<rel> when it exists (buf filled, returns buf), else NULL. */
const char *test_shared(const char *rel, char *buf, int len);

/* Writes len bytes to path; returns 0 on success. */
int test_write_file(const char *path, const void *data, long len);

/* Seconds from a monotonic clock. */
double test_now(void);

#endif

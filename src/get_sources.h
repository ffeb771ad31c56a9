/* get_sources.h: where `aetui get` fetches the standard datasets from, and the checksums the
 * files must have (the table itself, with its sources, is in get_sources.c).
 *
 * Expected checksums can be replaced for tests and for mirrors that serve other bytes (a
 * repackaged copy): $AETUI_GET_CHECKSUMS names a file in `md5sum`/`sha256sum` format, one
 * "HEX  NAME" a line (32 hex digits: MD5, 64: SHA-256; '#' starts a comment). For a file
 * it lists, the listed checksums are used instead of the table's, and the size is not
 * checked; files it does not list keep the table's checksums.
 *
 * Read-only data and pure functions, any thread. */
#ifndef AE_GET_SOURCES_H
#define AE_GET_SOURCES_H

#include <stdint.h>

#include "err.h"

#define GET_MAX_FILES 4

typedef struct get_file {
    const char *name;   /* file name, the same under every base URL */
    int64_t size;       /* bytes; -1 when not known */
    const char *md5;    /* lowercase hex, or NULL */
    const char *sha256; /* lowercase hex, or NULL */
} get_file;

typedef struct get_source {
    const char *dataset; /* aetui's name: "cifar10", "mnist", "fashion-mnist" */
    /* The folder the dataset ends up in under the datasets folder; one of the subfolder
     * names ds_locate searches. */
    const char *folder;
    /* 1: the files are tar archives holding `folder`, unpacked; 0: the files are put into
     * `folder` as they are (the gzipped IDX files, which aetui reads gzipped). */
    int unpack;
    const char *bases[4]; /* base URLs, tried in order; NULL-terminated */
    int nfiles;
    get_file files[GET_MAX_FILES];
    const char *needed[8]; /* files the finished folder must hold; NULL-terminated */
} get_source;

/* The source of a dataset, NULL when aetui cannot fetch it. */
const get_source *get_source_find(const char *dataset);

/* The names get_source_find knows, for messages: "cifar10, mnist or fashion-mnist". */
const char *get_source_names(void);

/* What a file is checked against: the table's entry, or what $AETUI_GET_CHECKSUMS lists
 * for it. The strings are copied into the struct. */
typedef struct get_expect {
    int64_t size;
    char md5[33];    /* "" when not checked */
    char sha256[65]; /* "" when not checked */
    int overridden;  /* from $AETUI_GET_CHECKSUMS */
} get_expect;

/* Fills *out for file f. Fails when $AETUI_GET_CHECKSUMS is set but cannot be read or holds
 * a malformed line (naming the file and the line). */
int get_expect_for(const get_file *f, get_expect *out, ae_err *err);

#endif

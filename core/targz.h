/* targz.h: unpacking a tar archive, gzipped or not (CIFAR-10's cifar-10-binary.tar.gz), over
 * zlib. Small on purpose: it takes what a dataset archive holds and refuses the rest.
 *
 * Entries: regular files and directories (POSIX ustar, GNU and old v7 headers; names from the
 * ustar prefix, a GNU long-name entry or a pax `path` record). Refused, and the whole unpack
 * fails: an absolute name, a `..` component, links, devices and FIFOs, a bad header checksum,
 * a truncated archive, the same file twice. `.` components are dropped, so `./a/b` is `a/b`.
 * Files are written with mode 0644 (directories 0755), whatever the archive says, and fsynced.
 *
 * The caller gives an empty directory made for the purpose and removes it on failure (the
 * unpack stops at the first problem and may have written some files). Any thread; no global
 * state. */
#ifndef AE_TARGZ_H
#define AE_TARGZ_H

#include "err.h"

/* Unpacks archive into the existing directory dest. Returns the number of regular files
 * written, or -1 with err naming the archive, the entry and the problem. */
int targz_extract(const char *archive, const char *dest, ae_err *err);

#endif

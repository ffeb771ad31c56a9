/* text.h: making text from outside safe to show on a terminal.
 *
 * Names, notes, tags and file contents may hold escape sequences. Before any of it reaches a
 * terminal it goes through text_visible(): control characters become visible (^[ for ESC,
 * ^J for newline, \x9b for C1 controls), malformed UTF-8 bytes become \xNN, printable UTF-8
 * passes through. Pure functions, any thread. */
#ifndef AE_TEXT_H
#define AE_TEXT_H

#include <stddef.h>

/* Writes the visible form of `in` into out (always NUL-terminated, truncated to outlen-1
 * bytes on a character boundary). Returns the length written. */
size_t text_visible(const char *in, char *out, size_t outlen);

/* Same for the first n bytes of in (which may contain NULs, shown as ^@). */
size_t text_visible_n(const char *in, size_t n, char *out, size_t outlen);

#endif

/* fit.h: text and numbers made to fit a number of terminal cells, never cut where it misleads.
 *
 * Names, notes, tags and paths come from outside: every function here first makes them visible
 * (core/text.h: no escape sequence survives), then fits them. A long text is cut at a word
 * boundary (a space, or after / , ; : _ and a '-' that does not start a number) and ends with
 * an ellipsis ("…" in a UTF-8 terminal, "..." otherwise); a number inside it is never cut
 * ("lr 0.0005" loses the whole number, never its last digits). A path keeps its end
 * ("…/data/cifar-10-batches-bin"), where the names that tell paths apart are. A number is
 * printed with as many significant digits as fit (4 at most, as `aetui runs` prints them),
 * and when not even one digit fits it is "#", never a cut number.
 *
 * Widths are in cells (wide characters count 2) as the current locale's wcwidth() says. Pure
 * functions (no terminal output); any thread once the locale is set. out is always
 * NUL-terminated; the return value is the cells the result takes. */
#ifndef AE_FIT_H
#define AE_FIT_H

#include <stddef.h>

enum { FIT_LINE = 512 }; /* bytes of one wrapped line */

/* s (raw text from outside, may be NULL) made visible and cut to at most w cells. */
int fit_text(const char *s, int w, int utf8, char *out, size_t len);
/* A path made visible and cut from the left at a '/' to at most w cells. */
int fit_path(const char *s, int w, int utf8, char *out, size_t len);
/* v with up to 4 significant digits in at most w cells; "-" when v is NaN or infinite. */
int fit_num(double v, int w, char *out, size_t len);
/* s made visible and wrapped at word boundaries into lines of at most w cells (a word longer
 * than w is split, never inside a number); at most max lines, the last one ending with an
 * ellipsis when text remains. Returns the number of lines. */
int fit_wrap(const char *s, int w, int utf8, char (*lines)[FIT_LINE], int max);
/* "1 run", "3 runs": n and the noun, with an 's' unless n is 1. */
const char *fit_plural(int n, const char *noun, char *out, size_t len);

#endif

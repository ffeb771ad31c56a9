/* fit.c: fitting text and numbers into cells (see fit.h).
 *
 * The shape: the visible text is measured once into cumulative cell counts per character; a
 * cut is a byte offset b between two characters. A cut is "inside a number" when the run of
 * number characters (digits . , : / e E + -) around b holds a digit on both sides of b, so
 * "0.0005", "1e-05", "12-02 11:26" stay whole; a word break is before a space or after
 * / , ; : _ or a '-' not followed by a digit. */
#include "fit.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "crt.h"
#include "text.h"

enum { FIT_VIS = 4096 };

static int numberish(char c)
{
    return isdigit((unsigned char)c) || (c && strchr(".,:/eE+-", c));
}

/* 1 when cutting s between s[b-1] and s[b] would split a number */
static int inside_number(const char *s, size_t b)
{
    if (b == 0 || !s[b]) return 0;
    int before = 0, after = 0;
    for (size_t i = b; i > 0 && numberish(s[i - 1]); i--)
        if (isdigit((unsigned char)s[i - 1])) {
            before = 1;
            break;
        }
    for (size_t i = b; s[i] && numberish(s[i]); i++)
        if (isdigit((unsigned char)s[i])) {
            after = 1;
            break;
        }
    return before && after;
}

static int word_break(const char *s, size_t b)
{
    if (b == 0 || !s[b]) return 0;
    if (inside_number(s, b)) return 0;
    char p = s[b - 1], c = s[b];
    if (c == ' ' && p != ' ') return 1;
    if (p == '-') return !isdigit((unsigned char)c) && c != ' ';
    return strchr("/,;:_", p) && c != ' ';
}

/* The byte length of the best prefix of s within w cells (*cells: its width): the longest one
 * ending at a word break when that keeps at least min_cells, else the longest one that does
 * not split a number (possibly 0). */
static size_t cut_prefix(const char *s, int w, int min_cells, int *cells)
{
    size_t len = strlen(s), b = 0, best_word = 0, best_safe = 0;
    int used = 0, word_cells = 0, safe_cells = 0;
    while (b < len) {
        size_t adv;
        int cw = crt_char_width(s + b, len - b, &adv);
        if (used + cw > w) break;
        used += cw, b += adv;
        if (word_break(s, b)) best_word = b, word_cells = used;
        if (!inside_number(s, b)) best_safe = b, safe_cells = used;
    }
    if (b >= len) { /* all of it */
        *cells = used;
        return len;
    }
    if (best_word && word_cells >= min_cells) {
        *cells = word_cells;
        return best_word;
    }
    *cells = safe_cells;
    return best_safe;
}

static void put(char *out, size_t len, const char *a, size_t alen, const char *b)
{
    if (!len) return;
    if (alen > len - 1) alen = len - 1;
    memcpy(out, a, alen);
    out[alen] = 0;
    if (b) snprintf(out + alen, len - alen, "%s", b);
}

/* Cuts visible text vis to w cells with an ellipsis (vis is known not to fit). */
static int cut_with_ellipsis(const char *vis, int w, int utf8, char *out, size_t len)
{
    const char *ell = utf8 ? "\xe2\x80\xa6" : "...";
    int ew = utf8 ? 1 : 3;
    if (w < ew) {
        put(out, len, "...", (size_t)(w > 0 ? w : 0), NULL);
        return w > 0 ? w : 0;
    }
    int cells;
    size_t b = cut_prefix(vis, w - ew, (w - ew) / 3, &cells);
    while (b > 0 && vis[b - 1] == ' ') b--, cells--;
    put(out, len, vis, b, ell);
    return cells + ew;
}

int fit_text(const char *s, int w, int utf8, char *out, size_t len)
{
    char vis[FIT_VIS];
    text_visible(s ? s : "", vis, sizeof vis);
    int vw = crt_width(vis);
    if (vw <= w) {
        put(out, len, vis, strlen(vis), NULL);
        return vw;
    }
    return cut_with_ellipsis(vis, w, utf8, out, len);
}

int fit_path(const char *s, int w, int utf8, char *out, size_t len)
{
    char vis[FIT_VIS];
    text_visible(s ? s : "", vis, sizeof vis);
    int vw = crt_width(vis), ew = utf8 ? 1 : 3;
    if (vw <= w) {
        put(out, len, vis, strlen(vis), NULL);
        return vw;
    }
    const char *ell = utf8 ? "\xe2\x80\xa6" : "...";
    for (const char *p = strchr(vis + 1, '/'); p; p = strchr(p + 1, '/')) {
        int sw = crt_width(p);
        if (sw + ew <= w) {
            snprintf(out, len, "%s%s", ell, p);
            return sw + ew;
        }
    }
    const char *last = strrchr(vis, '/');
    return cut_with_ellipsis(last && last[1] ? last + 1 : vis, w, utf8, out, len);
}

int fit_num(double v, int w, char *out, size_t len)
{
    char b[64];
    if (!isfinite(v)) {
        put(out, len, "-", 1, NULL);
        return 1;
    }
    /* four significant digits, trailing zeros kept (0.1000 beside 0.09212), fewer when narrow */
    for (int prec = 4; prec >= 1; prec--) {
        snprintf(b, sizeof b, "%#.*g", prec, v);
        size_t n = strlen(b);
        if (n && b[n - 1] == '.') b[--n] = 0;
        if ((int)n <= w) {
            put(out, len, b, n, NULL);
            return (int)n;
        }
    }
    snprintf(b, sizeof b, "%.0e", v);
    if ((int)strlen(b) <= w) {
        put(out, len, b, strlen(b), NULL);
        return (int)strlen(b);
    }
    put(out, len, "#", w > 0 ? 1 : 0, NULL);
    return w > 0 ? 1 : 0;
}

int fit_wrap(const char *s, int w, int utf8, char (*lines)[FIT_LINE], int max)
{
    char vis[FIT_VIS];
    text_visible(s ? s : "", vis, sizeof vis);
    const char *p = vis;
    int n = 0;
    if (w < 1 || max < 1) return 0;
    while (*p && n < max) {
        while (*p == ' ') p++;
        if (!*p) break;
        if (crt_width(p) <= w) {
            put(lines[n++], FIT_LINE, p, strlen(p), NULL);
            break;
        }
        if (n == max - 1) {
            cut_with_ellipsis(p, w, utf8, lines[n++], FIT_LINE);
            break;
        }
        int cells;
        size_t b = cut_prefix(p, w, 1, &cells);
        if (b == 0) { /* a number longer than the line: split it after all */
            size_t adv;
            int used = 0;
            while (p[b]) {
                int cw = crt_char_width(p + b, strlen(p + b), &adv);
                if (used + cw > w && b) break;
                used += cw, b += adv;
            }
        }
        size_t keep = b;
        while (keep > 0 && p[keep - 1] == ' ') keep--;
        put(lines[n++], FIT_LINE, p, keep, NULL);
        p += b;
    }
    return n;
}

const char *fit_plural(int n, const char *noun, char *out, size_t len)
{
    snprintf(out, len, "%d %s%s", n, noun, n == 1 ? "" : "s");
    return out;
}

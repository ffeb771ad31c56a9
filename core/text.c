/* text.c: visible forms of untrusted text (see text.h). */
#include "text.h"

#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 when malformed. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (len > n) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0;
    if (cp >= 0xd800 && cp <= 0xdfff) return 0;
    if (cp >= 0x80 && cp <= 0x9f) return 0; /* C1 controls: shown as \xNN of their bytes */
    return len;
}

size_t text_visible_n(const char *in, size_t n, char *out, size_t outlen)
{
    if (!outlen) return 0;
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        char buf[8];
        size_t blen, adv;
        unsigned c = s[i];
        size_t ul = utf8_len(s + i, n - i);
        if (c < 0x20 || c == 0x7f) {
            buf[0] = '^', buf[1] = (char)(c == 0x7f ? '?' : c + 0x40), blen = 2, adv = 1;
        } else if (ul == 0) {
            blen = (size_t)snprintf(buf, sizeof buf, "\\x%02x", c), adv = 1;
        } else {
            memcpy(buf, s + i, ul), blen = ul, adv = ul;
        }
        if (o + blen >= outlen) break;
        memcpy(out + o, buf, blen);
        o += blen;
        i += adv;
    }
    out[o] = 0;
    return o;
}

size_t text_visible(const char *in, char *out, size_t outlen)
{
    return text_visible_n(in ? in : "", in ? strlen(in) : 0, out, outlen);
}

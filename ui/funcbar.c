/* funcbar.c: the status bar (see funcbar.h). The hints are laid out right to left so that the
 * mode and progress on the left are never cut for them; a message, though, is what the user
 * must read: it takes the room it needs and the status gives way (down to a third). */
#include "funcbar.h"

#include <stdio.h>
#include <string.h>

void funcbar_draw(const crt *c, int y, int w, const char *mode, const char *status,
                  const tui_key *hints, const char *msg)
{
    attr_t st = crt_attr(c, CRT_STATUS), key = crt_attr(c, CRT_STATUS_KEY);
    move(y, 0);
    attron(st);
    for (int i = 0; i < w; i++) addch(' ');
    attroff(st);
    int x = 0;
    if (mode && *mode) {
        char m[32];
        snprintf(m, sizeof m, " %s ", mode);
        x += crt_put(y, x, w - x, m, key, 0);
    }
    char s[512];
    snprintf(s, sizeof s, " %s", status ? status : "");
    if (msg && *msg) { /* a message comes first: the status gives way, cut on the left side */
        char right[512];
        snprintf(right, sizeof right, " %s ", msg);
        int rw = crt_width(right), room = w - x;
        int keep = crt_width(s) < room / 3 ? crt_width(s) : room / 3; /* status keeps a third */
        if (rw > room - keep) rw = room - keep;
        if (rw < 0) rw = 0;
        crt_put(y, x, room - rw, s, st, 0);
        if (rw > 0) crt_put(y, w - rw, rw, right, key, 0);
        return;
    }
    int left = crt_put(y, x, w - x, s, st, 0);
    x += left;
    /* collect hints that fit */
    const tui_key *shown[24];
    int ns = 0, need = 7; /* " ?:help" */
    for (const tui_key *k = hints; k && k->key && ns < 24; k++) {
        if (!(k->flags & ACTION_HINT) || !k->name) continue;
        int kw = (int)strlen(k->name) + 1 + (int)strcspn(k->help ? k->help : "", ",(:") + 1;
        if (x + need + kw + 1 > w) break;
        need += kw;
        shown[ns++] = k;
    }
    int rx = w - need;
    if (rx < x) return;
    for (int i = 0; i < ns; i++) {
        rx += crt_put(y, rx, w - rx, " ", st, 0);
        rx += crt_put(y, rx, w - rx, shown[i]->name, key, 0);
        char h[96];
        snprintf(h, sizeof h, ":%s", shown[i]->help ? shown[i]->help : "");
        /* hints use a short form: the help up to the first comma or parenthesis */
        h[1 + strcspn(h + 1, ",(:")] = 0;
        rx += crt_put(y, rx, w - rx, h, st, 0);
    }
    rx += crt_put(y, rx, w - rx, " ", st, 0);
    rx += crt_put(y, rx, w - rx, "?", key, 0);
    crt_put(y, rx, w - rx, ":help", st, 0);
}

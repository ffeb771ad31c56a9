/* termcheck.c: is $TERM a terminal the interface can draw on (see termcheck.h). */
#include "termcheck.h"

#include <curses.h>
#include <stdlib.h>
#include <term.h>

/* tigetstr answers NULL when the capability is absent, (char *)-1 when it is not a string. */
static int has_cap(const char *name)
{
    const char *s = tigetstr(name);
    return s && s != (const char *)-1 && *s;
}

int termcheck(int fd, ae_err *err)
{
    const char *term = getenv("TERM");
    if (!term || !*term)
        return ae_fail(err, "TERM is not set: the interface needs to know the terminal (for "
                            "example TERM=xterm-256color); the subcommands work without one");
    int errret = 0;
    if (setupterm(term, fd, &errret) != OK)
        return ae_fail(err,
                       errret == 0 ? "TERM=%.40s is not a terminal this system's terminfo knows "
                                     "(try TERM=xterm-256color); the subcommands work without one"
                                   : "TERM=%.40s: no terminfo database found (install "
                                     "ncurses-base); the subcommands work without one",
                       term);
    int ok = has_cap("cup") && has_cap("clear");
    del_curterm(cur_term);
    if (!ok)
        return ae_fail(err,
                       "TERM=%.40s cannot move the cursor, and the interface draws a screen (use a "
                       "terminal such as xterm-256color); the subcommands work without one",
                       term);
    return 0;
}

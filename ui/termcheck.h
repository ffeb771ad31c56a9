/* termcheck.h: whether $TERM names a terminal the interface can draw on, asked before the
 * interface takes the terminal (or creates the store).
 *
 * ncurses starts on TERM=dumb, which cannot move the cursor, and then draws every screen on one
 * line; an unknown TERM fails inside newterm with a less useful message. Both are refused here
 * with one line that says what to do. The subcommands need no terminal at all. */
#ifndef AE_TERMCHECK_H
#define AE_TERMCHECK_H

#include "err.h"

/* 0 when the terminfo entry of $TERM exists and can address the cursor and clear the screen;
 * else -1 with the reason in err. fd: the terminal (standard output). */
int termcheck(int fd, ae_err *err);

#endif

/* help.h: the help overlay ('?'): every key of the screen, then the keys that work everywhere,
 * each with what it does, in a box over the screen.
 *
 * The box is drawn with line-drawing characters in a UTF-8 terminal and with + - | otherwise.
 * Long descriptions wrap under themselves; when the keys do not fit in one column and the
 * window is wide they go in two, and when they still do not fit the box scrolls (Down/j, PgDn,
 * Space; Up/k, PgUp; Home) and says so on its last line. Any other key closes it. The tab bar
 * and the status bar stay visible. Threads: the UI thread. */
#ifndef AE_HELP_H
#define AE_HELP_H

#include "tui.h"

/* Draws the overlay for screen s (its keys, then `global`) at t->help_top. */
void help_draw(tui *t, const tui_screen *s, const tui_key *global);
/* A key while the overlay is open: 1 when it scrolled the overlay (which stays open), 0 when
 * the key closes it. */
int help_key(tui *t, const tui_screen *s, const tui_key *global, int key);

#endif

/* action.h: keys to actions, one table per screen (after htop's Action.c).
 *
 * A screen lists its keys as tui_key rows: the key code, how to show it, what it does, and an
 * action number of the screen's own. Several rows may share an action (arrows and vim keys).
 * The same tables drive the dispatch (action_find), the help overlay (every row with help
 * text) and the hints of the status bar (rows flagged ACTION_HINT). Pure functions, any
 * thread; the tables are constant. */
#ifndef AE_ACTION_H
#define AE_ACTION_H

#include <stddef.h>

enum { ACTION_HINT = 1 };

typedef struct tui_key {
    int key;          /* a character or a KEY_* code; 0 ends a table */
    const char *name; /* "q", "Enter", "Up/k" ... (NULL: not shown, a duplicate) */
    const char *help; /* for the help overlay */
    int action;
    int flags; /* ACTION_HINT: shown in the status bar */
} tui_key;

/* The action of key in the table, or 0 when the table has no such key. */
int action_find(const tui_key *map, int key);

/* A key's printable name ("Up", "^C", "x") into buf. */
const char *action_key_name(int key, char *buf, size_t len);

#endif

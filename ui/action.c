/* action.c: key lookup in a screen's key table (see action.h). */
#include "action.h"

#include <curses.h>
#include <stdio.h>

int action_find(const tui_key *map, int key)
{
    for (const tui_key *k = map; k && k->key; k++)
        if (k->key == key) return k->action;
    return 0;
}

const char *action_key_name(int key, char *buf, size_t len)
{
    switch (key) {
    case KEY_UP:
        return "Up";
    case KEY_DOWN:
        return "Down";
    case KEY_LEFT:
        return "Left";
    case KEY_RIGHT:
        return "Right";
    case KEY_NPAGE:
        return "PgDn";
    case KEY_PPAGE:
        return "PgUp";
    case KEY_HOME:
        return "Home";
    case KEY_END:
        return "End";
    case KEY_ENTER:
    case '\n':
    case '\r':
        return "Enter";
    case 27:
        return "Esc";
    case '\t':
        return "Tab";
    case ' ':
        return "Space";
    case KEY_BACKSPACE:
    case 127:
        return "Backspace";
    case KEY_DC:
        return "Del";
    default:
        break;
    }
    if (key > 0 && key < 32)
        snprintf(buf, len, "^%c", key + 64);
    else if (key >= 32 && key < 127)
        snprintf(buf, len, "%c", key);
    else
        snprintf(buf, len, "#%d", key);
    return buf;
}

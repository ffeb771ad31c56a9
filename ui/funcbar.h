/* funcbar.h: the status bar on the bottom line (after htop's FunctionBar.c).
 *
 * Left: the mode ("TRAINING", "PAUSED", "IDLE"), the run and its progress, as the caller
 * formats them; right: the key hints of the current screen (tui_key rows flagged ACTION_HINT)
 * and "?" help, cut from the right when the line is short. The bar never holds an image.
 * The UI thread only. */
#ifndef AE_FUNCBAR_H
#define AE_FUNCBAR_H

#include "action.h"
#include "crt.h"

/* Draws the bar on row y, width w. mode may be NULL; msg (a transient message, or NULL)
 * replaces the hints when given. */
void funcbar_draw(const crt *c, int y, int w, const char *mode, const char *status,
                  const tui_key *hints, const char *msg);

#endif

/* panel.h: the one list widget every screen reuses (after htop's Panel.c), and the columns of
 * a table laid out for the width at hand.
 *
 * A panel is a rectangle showing rows [top, top + visible) of n rows, one of them selected.
 * It knows nothing of what the rows are: panel_draw() calls the screen's row callback for each
 * visible row, with the cell rectangle and whether it is selected. Moving (arrows, vim keys,
 * pages, home/end), scrolling to keep the selection in view, and mapping a mouse click to a
 * row are here once. Memory: the caller's struct. Threads: the UI thread. */
#ifndef AE_PANEL_H
#define AE_PANEL_H

#include <curses.h>

typedef struct panel {
    int y, x, h, w; /* the rectangle, header row included when header = 1 */
    int header;     /* rows at the top drawn by the caller (column titles) */
    int n, sel, top;
} panel;

enum panel_move {
    PANEL_UP = 1,
    PANEL_DOWN,
    PANEL_PGUP,
    PANEL_PGDN,
    PANEL_HOME,
    PANEL_END,
};

typedef void (*panel_row_fn)(void *ctx, int i, int y, int x, int w, int selected);

void panel_place(panel *p, int y, int x, int h, int w);
/* Sets the number of rows, keeping the selection in range. */
void panel_set_count(panel *p, int n);
void panel_move(panel *p, int how);
/* Rows that fit below the header. */
int panel_visible(const panel *p);
/* Keeps sel within [top, top + visible). */
void panel_scroll(panel *p);
/* The row under screen cell (y, x), or -1. */
int panel_hit(const panel *p, int y, int x);
/* Draws the visible rows (and blanks the rest of the rectangle). */
void panel_draw(panel *p, panel_row_fn row, void *ctx);

/* Columns by priority (as htop and btop grow into a wider window): a table is laid out for 80
 * columns first, and each wider window shows more of its columns. Level by level (0, 1, ...),
 * the columns whose `grow` is that level widen to their `max` when the whole widening fits,
 * then the columns whose `prio` is that level appear at their `min` width, in their order,
 * while they fit; the first one that does not fit ends the adding (so a narrow column of low
 * priority never takes the place of a wider, more important one). One blank separates two
 * columns, and they keep their order on screen. What is left widens the columns toward their
 * `max`, lower prio first, and then goes to the `flex` ones (free text: tags, names). */
typedef struct panel_col {
    const char *title;
    int min, max; /* cells; max < min means min */
    int right;    /* right-aligned (numbers) */
    int prio;     /* the level at which it appears; 0: always wanted */
    int flex;     /* takes the room that is left */
    int grow;     /* the level at which it widens to max (0: only with the room left at the end) */
} panel_col;

/* Lays out n columns in width cells starting at x0: x[c] and w[c] (0: not shown). Returns the
 * cells used. */
int panel_columns(const panel_col *cols, int n, int x0, int width, int *x, int *w);
/* Draws text from outside (made visible, cut at a word boundary with an ellipsis) or a number
 * formatted to fit (fit.h) in a cell of w columns, right-aligned when right, padded with
 * blanks in attr. */
void panel_cell(int y, int x, int w, const char *s, int right, int utf8, attr_t attr);

#endif

/* panel.h: the one list widget every screen reuses (after htop's Panel.c).
 *
 * A panel is a rectangle showing rows [top, top + visible) of n rows, one of them selected.
 * It knows nothing of what the rows are: panel_draw() calls the screen's row callback for each
 * visible row, with the cell rectangle and whether it is selected. Moving (arrows, vim keys,
 * pages, home/end), scrolling to keep the selection in view, and mapping a mouse click to a
 * row are here once. Memory: the caller's struct. Threads: the UI thread. */
#ifndef AE_PANEL_H
#define AE_PANEL_H

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

#endif

/* gfx.c: pictures on the TUI's screen, sixel or text cells (see gfx.h). */
#include "gfx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void gfx_init(gfx *g, const crt *c, int mode, int cell_w, int cell_h, int tmux, int out_fd)
{
    memset(g, 0, sizeof *g);
    g->crt = c;
    g->mode = mode;
    g->cell_w = cell_w > 0 && cell_w <= 64 ? cell_w : 10;
    g->cell_h = cell_h > 0 && cell_h <= 128 ? cell_h : 20;
    g->tmux = tmux;
    g->out_fd = out_fd;
    if (mode == GFX_SIXEL) { /* see gfx.h: shifting text would shift or wipe pictures */
        idcok(stdscr, FALSE);
        idlok(stdscr, FALSE);
    }
    g->text = gfx_text_new(GFX_SLOTS);
}

void gfx_free(gfx *g)
{
    for (int i = 0; i < GFX_SLOTS; i++) {
        canvas_free(&g->slot[i].cv);
        sixel_enc_free(g->slot[i].enc);
        g->slot[i].enc = NULL;
    }
    gfx_text_free(g->text);
    g->text = NULL;
}

void gfx_begin(gfx *g, int screen_rows, double now, int urgent)
{
    g->screen_rows = screen_rows;
    g->suppress = 0;
    g->now = now;
    g->urgent = urgent;
    for (int i = 0; i < GFX_SLOTS; i++) g->slot[i].placed = 0;
}

void gfx_invalidate(gfx *g)
{
    g->full = 1;
}

canvas *gfx_canvas(gfx *g, int id, int y, int x, int rows, int cols, int plot, ae_err *err)
{
    if (id < 0 || id >= GFX_SLOTS) {
        ae_fail(err, "picture slot %d out of range", id);
        return NULL;
    }
    if (g->screen_rows > 0 && y + rows > g->screen_rows - 1) rows = g->screen_rows - 1 - y;
    if (rows < 1 || cols < 1) {
        ae_fail(err, "no room for a picture");
        return NULL;
    }
    gfx_slot *s = &g->slot[id];
    int pw, ph;
    if (g->mode == GFX_SIXEL) {
        pw = cols * g->cell_w;
        ph = rows * g->cell_h / 6 * 6;
        if (pw > GFX_MAX_PX) pw = GFX_MAX_PX; /* xterm drops larger pictures */
        if (ph > GFX_MAX_PX) ph = GFX_MAX_PX / 6 * 6;
        if (!s->enc && sixel_enc_new(&s->enc, 256, err)) return NULL;
    } else { /* images: square pixels (a cell is about twice as high as wide) */
        pw = plot ? cols * 2 : cols;
        ph = rows * (plot ? 4 : 2);
    }
    if (ph < 1) {
        ae_fail(err, "no room for a picture");
        return NULL;
    }
    if ((s->cv.w != pw || s->cv.h != ph) && canvas_resize(&s->cv, pw, ph, err)) return NULL;
    s->kind = plot ? SIXEL_KIND_PLOT : SIXEL_KIND_IMAGE;
    s->y = y, s->x = x, s->rows = rows, s->cols = cols;
    for (int r = 0; r < rows; r++) mvhline(y + r, x, ' ', cols);
    return &s->cv;
}

void gfx_show(gfx *g, int id)
{
    if (id < 0 || id >= GFX_SLOTS) return;
    gfx_slot *s = &g->slot[id];
    if (g->mode == GFX_SIXEL) {
        s->placed = 1;
        for (int r = 0; r < s->rows; r++) mvhline(s->y + r, s->x, ' ' | A_INVIS, s->cols);
        return;
    }
    gfx_text_show(g->text, g->crt, id, &s->cv, s->y, s->x, s->rows, s->cols,
                  s->kind == SIXEL_KIND_PLOT);
}

/* FNV-1a over the cells of a slot's rectangle as stdscr holds them for this frame. */
static uint64_t cells_hash(const gfx_slot *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    cchar_t row[512];
    int n = s->cols < 512 ? s->cols : 512;
    for (int r = 0; r < s->rows; r++) {
        memset(row, 0, sizeof row);
        if (mvwin_wchnstr(stdscr, s->y + r, s->x, row, n) == ERR) continue;
        const unsigned char *p = (const unsigned char *)row;
        for (size_t k = 0; k < (size_t)n * sizeof row[0]; k++) h = (h ^ p[k]) * 0x100000001b3ull;
    }
    return h;
}

void gfx_before_update(gfx *g)
{
    if (g->mode != GFX_SIXEL) return;
    int repaint = 0;
    for (int i = 0; i < GFX_SLOTS; i++) {
        gfx_slot *s = &g->slot[i];
        int shown = s->placed && !g->suppress;
        s->damaged = shown && s->sent && cells_hash(s) != s->cells;
        if (s->sent && (!shown || s->y != s->sy || s->x != s->sx || s->rows != s->srows ||
                        s->cols != s->scols))
            repaint = 1;
        if (!shown) s->sent = 0, s->held = 0;
    }
    if (repaint) {
        clearok(curscr, TRUE);
        g->full = 1;
    }
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return -1;
        }
        p += w, n -= (size_t)w;
    }
    return 0;
}

/* The tokens a write of len bytes waits for: all of them, up to two seconds' worth (a picture
 * larger than that goes out when the bucket is full, leaving it in debt). */
static double budget_need(size_t len)
{
    double cap = 2 * GFX_BUDGET_BPS;
    return (double)len < cap ? (double)len : cap;
}

int gfx_after_update(gfx *g, ae_err *err)
{
    int full = g->full;
    g->full = 0;
    if (g->mode != GFX_SIXEL) { /* text: 24-bit colour over the cells, where it is used */
        char *b;
        size_t n;
        if (gfx_text_after_update(g->text, full, g->suppress, &b, &n, err)) return -1;
        int rc = 0;
        if (n && write_all(g->out_fd, b, n)) {
            gfx_text_resend(g->text);
            rc = ae_fail(err, "cannot write a picture to the terminal: %s", strerror(errno));
        }
        g->bytes += rc ? 0 : (long)n;
        free(b);
        return rc;
    }
    if (g->mode != GFX_SIXEL || g->suppress) return 0;
    g->tokens += (g->now - g->tokens_at) * GFX_BUDGET_BPS;
    if (g->tokens > 2 * GFX_BUDGET_BPS) g->tokens = 2 * GFX_BUDGET_BPS;
    g->tokens_at = g->now;
    int rc = 0;
    for (int i = 0; i < GFX_SLOTS; i++) {
        gfx_slot *s = &g->slot[i];
        if (!s->placed) continue;
        uint64_t h = canvas_hash(&s->cv);
        int here =
            s->sent && s->sy == s->y && s->sx == s->x && s->srows == s->rows && s->scols == s->cols;
        int must = !here || full || s->damaged; /* the terminal lacks it, or it was hurt */
        s->held = 0;
        if (!must && s->shash == h && !g->tmux) continue;
        int paced = !must && !g->urgent; /* changed by training, not by the user */
        if (paced && g->now - s->sent_at < GFX_MIN_INTERVAL) {
            s->held = 1, s->held_len = 0; /* the interval first: no encoding meanwhile */
            continue;
        }
        const char *bytes;
        size_t len;
        int cached = 0;
        if (sixel_encode_panel(s->enc, &s->cv, s->kind, &bytes, &len, &cached, err)) {
            rc = -1;
            continue;
        }
        sixel_enc_stats st;
        sixel_enc_get_stats(s->enc, &st);
        if (!cached) g->encode_ms += st.last_ms;
        if (paced && g->tokens < budget_need(len)) {
            s->held = 1, s->held_len = len;
            continue;
        }
        g->tokens -= (double)len;
        char pre[48];
        int pl = snprintf(pre, sizeof pre, "\0337\033[%d;%dH", s->y + 1, s->x + 1);
        if (write_all(g->out_fd, pre, (size_t)pl) || write_all(g->out_fd, bytes, len) ||
            write_all(g->out_fd, "\0338", 2)) {
            rc = ae_fail(err, "cannot write a picture to the terminal: %s", strerror(errno));
            break;
        }
        g->bytes += pl + (long)len + 2;
        g->images++;
        s->sent = 1, s->shash = h, s->sent_at = g->now, s->cells = cells_hash(s);
        s->sy = s->y, s->sx = s->x, s->srows = s->rows, s->scols = s->cols;
    }
    g->frames++;
    return rc;
}

double gfx_pending(const gfx *g, double now)
{
    double wait = -1;
    for (int i = 0; i < GFX_SLOTS; i++) {
        const gfx_slot *s = &g->slot[i];
        if (!s->held) continue;
        double w = s->sent_at + GFX_MIN_INTERVAL - now;
        double fill = g->tokens + (now - g->tokens_at) * GFX_BUDGET_BPS;
        if (fill > 2 * GFX_BUDGET_BPS) fill = 2 * GFX_BUDGET_BPS;
        double wb = (budget_need(s->held_len) - fill) / GFX_BUDGET_BPS;
        if (wb > w) w = wb;
        if (w < 0) w = 0;
        if (wait < 0 || w < wait) wait = w;
    }
    return wait;
}

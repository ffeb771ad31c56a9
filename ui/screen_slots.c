/* screen_slots.c: screens 5 (Latent) and 6 (Reconstructions), kept as slots in the navigation
 * until the pictures work (issue 5) fills them. Each says so in one line. */
#include "tui.h"

static const tui_key slot_keys[] = {{0, NULL, NULL, 0, 0}};

static void draw_slot(tui *t, int y, int x, int h, int w, const char *title, const char *note)
{
    tui_clear(y, x, h, w);
    crt_put(y + 1, x + 2, w - 4, title, crt_attr(&t->crt, CRT_TITLE), 0);
    crt_put(y + 3, x + 2, w - 4, note, crt_attr(&t->crt, CRT_DIM), 0);
}

static void latent_draw(tui *t, int y, int x, int h, int w)
{
    draw_slot(t, y, x, h, w, "Latent space",
              "The PCA / t-SNE scatter of the latent vectors comes with the pictures work "
              "(issue 5).");
}

static void recon_draw(tui *t, int y, int x, int h, int w)
{
    draw_slot(t, y, x, h, w, "Reconstructions",
              "Originals and their reconstructions come with the pictures work (issue 5).");
}

static int slot_action(tui *t, int action, int key)
{
    (void)t, (void)action, (void)key;
    return 0;
}

const tui_screen screen_latent = {"Latent", slot_keys, latent_draw, slot_action,
                                  NULL,     NULL,      NULL,        NULL};
const tui_screen screen_recon = {
    "Reconstructions", slot_keys, recon_draw, slot_action, NULL, NULL, NULL, NULL};

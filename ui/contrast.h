/* contrast.h: how readable a colour is on another, by WCAG 2's contrast ratio, and the
 * colours xterm shows for its 256 colour numbers by default.
 *
 * The interface's rule (issue 10): text uses the terminal's default colours, or a foreground
 * readable on both a white and a black background (ratio >= CONTRAST_MIN against both), or a
 * foreground and background set together with a ratio >= CONTRAST_MIN between them; never a
 * background alone. crt.c picks its colours by this rule and test_contrast checks them.
 *
 * Pure functions, any thread. */
#ifndef AE_CONTRAST_H
#define AE_CONTRAST_H

#include <stdint.h>

#define CONTRAST_MIN 4.5 /* WCAG AA for normal text */

/* WCAG relative luminance of 0xRRGGBB, 0 (black) to 1 (white). */
double contrast_luminance(uint32_t rgb);
/* The contrast ratio of two colours, 1 to 21 (order does not matter). */
double contrast_ratio(uint32_t a, uint32_t b);
/* The colour xterm shows by default for colour number idx (0..255: the 16 system colours of
 * xterm's resources, the 6x6x6 cube, the 24 greys). bold: xterm's boldColors, which shows
 * bold text in colours 0-7 as 8-15. */
uint32_t contrast_xterm_rgb(int idx, int bold);
/* rgb mixed towards white (or black, when bg is light) in small steps until its ratio against
 * bg reaches min; rgb itself when it already does. */
uint32_t contrast_lift(uint32_t rgb, uint32_t bg, double min);

#endif

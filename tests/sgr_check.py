#!/usr/bin/python3
"""sgr_check.py: checks the colours of a tmux capture (capture-pane -e) against the rule of
ui/contrast.h, as a user on a white or a black terminal would see them.

  sgr_check.py FILE...   prints every cell whose colours break the rule (at most 10 per file),
                         and the colour pairs seen; exit status 1 when any breaks it.

Rule: text in the terminal's own colours; or a foreground alone that reads on white and on
black (WCAG ratio >= 4.5 against both, xterm's default palette, bold colours 0-7 shown
bright); or a foreground and a background set together with a ratio >= 4.5; never a
background without a foreground. Reverse video swaps the two (a default becomes the other
default, which is white or black). Picture cells (block elements U+2580-U+259F, set as
pixels with both colours) are exempt: they are not text."""
import re
import sys

SYS = [0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
       0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff]
LV = [0, 95, 135, 175, 215, 255]


def xterm_rgb(idx, bold=False):
    if idx < 8 and bold:
        idx += 8
    if idx < 16:
        return SYS[idx]
    if idx < 232:
        k = idx - 16
        return LV[k // 36] << 16 | LV[k // 6 % 6] << 8 | LV[k % 6]
    v = 8 + 10 * (idx - 232)
    return v << 16 | v << 8 | v


def lum(rgb):
    def ch(v):
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * ch(rgb >> 16 & 255) + 0.7152 * ch(rgb >> 8 & 255) + 0.0722 * ch(rgb & 255)


def ratio(a, b):
    la, lb = lum(a), lum(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def colour_rgb(c, bold):
    """c: None (default), ('i', n) or ('rgb', v)"""
    if c is None:
        return None
    return xterm_rgb(c[1], bold) if c[0] == 'i' else c[1]


def check_cell(fg, bg, bold, rev):
    """None when fine, else why"""
    if fg is None and bg is not None:
        return "a background without a foreground"
    f, b = colour_rgb(fg, bold), colour_rgb(bg, False)
    # reversed: the background shows the foreground colour and the text the background's
    if rev:
        f, b = b, f
    if f is None and b is None:
        return None
    for theme_fg, theme_bg in ((0x000000, 0xffffff), (0xffffff, 0x000000)):
        tf = theme_fg if f is None else f
        tb = theme_bg if b is None else b
        r = ratio(tf, tb)
        if r < 4.5:
            return f"text {tf:06x} on {tb:06x}: {r:.2f}"
    return None


SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def parse_params(ps):
    return [int(x) if x else 0 for x in re.split(r"[;:]", ps)] if ps else [0]


def check_file(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    bad, pairs = [], set()
    fg = bg = None  # tmux carries the state from one line to the next
    bold = rev = False
    for lineno, line in enumerate(text.split("\n"), 1):
        pos = col = 0
        for m in list(SGR.finditer(line)) + [None]:
            end = m.start() if m else len(line)
            for ch in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line[pos:end]):
                col += 1
                if "\u2580" <= ch <= "\u259f":
                    continue
                if ch == " ":  # no glyph: only a background set alone is wrong
                    why = "a background without a foreground" if fg is None and bg is not None else None
                else:
                    why = check_cell(fg, bg, bold, rev)
                pairs.add((str(fg), str(bg), bold, rev))
                if why:
                    bad.append(f"{path}:{lineno}:{col} {ch!r} {why}")
            if not m:
                break
            pos = m.end()
            p = parse_params(m.group(1))
            i = 0
            while i < len(p):
                v = p[i]
                if v == 0:
                    fg = bg = None
                    bold = rev = False
                elif v == 1:
                    bold = True
                elif v == 22:
                    bold = False
                elif v == 7:
                    rev = True
                elif v == 27:
                    rev = False
                elif 30 <= v <= 37:
                    fg = ('i', v - 30)
                elif 90 <= v <= 97:
                    fg = ('i', v - 90 + 8)
                elif 40 <= v <= 47:
                    bg = ('i', v - 40)
                elif 100 <= v <= 107:
                    bg = ('i', v - 100 + 8)
                elif v == 39:
                    fg = None
                elif v == 49:
                    bg = None
                elif v in (38, 48) and i + 1 < len(p):
                    if p[i + 1] == 5 and i + 2 < len(p):
                        c = ('i', p[i + 2])
                        i += 2
                    elif p[i + 1] == 2 and i + 4 < len(p):
                        c = ('rgb', p[i + 2] << 16 | p[i + 3] << 8 | p[i + 4])
                        i += 4
                    else:
                        c = None
                    if v == 38:
                        fg = c
                    else:
                        bg = c
                i += 1
    return bad, pairs


def main():
    fails = 0
    for path in sys.argv[1:]:
        bad, pairs = check_file(path)
        for b in bad[:10]:
            print("FAIL", b)
        if len(bad) > 10:
            print(f"FAIL {path}: {len(bad) - 10} more cells")
        fails += len(bad)
        print(f"{path}: {len(pairs)} colour combinations, {len(bad)} cells break the rule")
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()

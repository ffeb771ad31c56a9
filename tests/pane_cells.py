#!/usr/bin/python3
"""pane_cells.py: a tmux capture with colours (capture-pane -e) as a grid of cells, and what
the picture tests ask of it (tests/test_tui_pictures.sh).

  pane_cells.py FILE tiles   one line per label under a reconstruction pair ("#12 0.0345"):
                             "tile ROW COL WIDTH PAIR_ROWS NAME" where WIDTH is the tile's
                             width in columns, PAIR_ROWS the rows of picture cells above the
                             label (original and reconstruction), NAME the text on the label's
                             first line (the class name)
  pane_cells.py FILE colours "rgb N idx M": colours set in 24 bits and from the 256 palette

A picture cell is a block (U+2580, U+2584, U+2588) or a space with a background colour."""
import re
import sys

SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def cells(path):
    """rows of [char, fg, bg]; fg/bg None, ('ansi', sgr), ('i', n) or ('rgb', (r, g, b))"""
    rows = []
    fg = bg = None
    for line in open(path, encoding="utf-8", errors="replace").read().split("\n"):
        row, pos = [], 0
        for m in list(SGR.finditer(line)) + [None]:
            end = m.start() if m else len(line)
            for ch in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line[pos:end]):
                row.append([ch, fg, bg])
            if not m:
                break
            pos = m.end()
            p = [int(x) if x else 0 for x in re.split(r"[;:]", m.group(1))] if m.group(1) else [0]
            i = 0
            while i < len(p):
                v = p[i]
                if v == 0:
                    fg = bg = None
                elif v == 39:
                    fg = None
                elif v == 49:
                    bg = None
                elif 30 <= v <= 37 or 90 <= v <= 97:
                    fg = ('ansi', v)
                elif 40 <= v <= 47 or 100 <= v <= 107:
                    bg = ('ansi', v)
                elif v in (38, 48) and i + 1 < len(p):
                    c = None
                    if p[i + 1] == 5 and i + 2 < len(p):
                        c, i = ('i', p[i + 2]), i + 2
                    elif p[i + 1] == 2 and i + 4 < len(p):
                        c, i = ('rgb', (p[i + 2], p[i + 3], p[i + 4])), i + 4
                    if v == 38:
                        fg = c
                    else:
                        bg = c
                i += 1
        rows.append(row)
    return rows


def picture(rows, r, c):
    if r < 0 or r >= len(rows) or c < 0 or c >= len(rows[r]):
        return False
    ch, fg, bg = rows[r][c]
    return ch in "\u2580\u2584\u2588" or (ch == " " and bg is not None)


def text_at(rows, r, c):
    if r < 0 or r >= len(rows):
        return ""
    return "".join(x[0] for x in rows[r][c:]).split("  ")[0].strip()


def tiles(rows):
    for r, row in enumerate(rows):
        line = "".join(x[0] for x in row)
        for m in re.finditer(r"#\d+ \d\.\d+", line):
            c = m.start()
            width = 0
            while picture(rows, r - 2, c + width):
                width += 1
            pair = 0
            while picture(rows, r - 2 - pair, c):
                pair += 1
            print(f"tile {r} {c} {width} {pair} {text_at(rows, r - 1, c)}")


def colours(rows):
    rgb = idx = 0
    for row in rows:
        for ch, fg, bg in row:
            for col in (fg, bg):
                if col and col[0] == 'rgb':
                    rgb += 1
                elif col and col[0] == 'i':
                    idx += 1
    print(f"rgb {rgb} idx {idx}")


if __name__ == "__main__":
    grid = cells(sys.argv[1])
    {"tiles": tiles, "colours": colours}[sys.argv[2]](grid)

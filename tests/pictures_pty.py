#!/usr/bin/env python3
"""pictures_pty.py: drives aetui in a pseudo-terminal and checks the sixel pictures it writes
(issue 5), for tests/test_pictures.sh.

The app runs with AETUI_GRAPHICS=sixel in a pty of 120x36 cells and 1200x720 pixels (so 10x20
pixels a cell, from TIOCGWINSZ); every byte it writes is kept. Each sixel picture (DCS ... ST,
preceded by ESC 7 and a cursor position) is decoded back to pixels with libsixel's sixel2png
and ImageMagick's convert (PNG -> raw RGB), then checked: size, not blank, colours, where it is.

Usage: pictures_pty.py BIN DB WORKDIR MODE   (MODE: finished | live)
Prints one line per check ("ok ..." / "FAIL ..."), the measured bytes for `live`, and exits 1
when a check failed."""
import fcntl, os, re, struct, subprocess, sys, termios, threading, time

BIN, DB, WORK, MODE = sys.argv[1:5]
ROWS, COLS, CW, CH = 36, 120, 10, 20
fails = 0


def check(cond, what):
    global fails
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        fails += 1


class App:
    def __init__(self, args, env):
        self.m, s = os.openpty()
        fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, COLS * CW, ROWS * CH))

        def ctty():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.p = subprocess.Popen([BIN] + args, stdin=s, stdout=s, stderr=s, env=env,
                                  preexec_fn=ctty, close_fds=True)
        os.close(s)
        self.buf = bytearray()
        self.lock = threading.Lock()
        self.t = threading.Thread(target=self.reader, daemon=True)
        self.t.start()

    def reader(self):
        while True:
            try:
                d = os.read(self.m, 65536)
            except OSError:
                return
            if not d:
                return
            with self.lock:
                self.buf += d
            if b"\x1b[c" in d:  # DA1: say "VT340 with sixel" at once
                os.write(self.m, b"\x1b[?63;4c")

    def keys(self, s, pause=0.4):
        for ch in s:
            os.write(self.m, ch.encode() if isinstance(ch, str) else ch)
            time.sleep(0.05)
        time.sleep(pause)

    def data(self):
        with self.lock:
            return bytes(self.buf)

    def wait_for(self, pred, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if pred(self.data()):
                return True
            time.sleep(0.1)
        return False

    def quit(self):
        try:
            self.keys("q", 0.2)
            self.keys("y", 0.2)
            self.p.wait(timeout=20)
        except Exception:
            self.p.kill()


PIC = re.compile(rb"\x1b7\x1b\[(\d+);(\d+)H(\x1bP[^\x1b]*\x1b\\)\x1b8")


def pictures(data):
    """[(row, col, dcs bytes)] in the order written (1-based row/col)."""
    return [(int(m.group(1)), int(m.group(2)), m.group(3)) for m in PIC.finditer(data)]


def decode(dcs, name):
    """(w, h, rgb bytes) of a sixel picture, through sixel2png and convert."""
    six, png = os.path.join(WORK, name + ".six"), os.path.join(WORK, name + ".png")
    with open(six, "wb") as f:
        f.write(dcs)
    subprocess.run(["sixel2png", "-i", six, "-o", png], check=True)
    wh = subprocess.run(["identify", "-format", "%w %h", png], capture_output=True, check=True)
    w, h = map(int, wh.stdout.split())
    rgb = subprocess.run(["convert", png, "-depth", "8", "rgb:-"], capture_output=True,
                         check=True).stdout
    return w, h, rgb


def colours(rgb):
    return {rgb[i:i + 3] for i in range(0, len(rgb), 3)}


def px(w, rgb, x, y):
    i = (y * w + x) * 3
    return rgb[i:i + 3]


CLASS = [0x4e9af1, 0xf5a623, 0x59c75a, 0xef5350, 0xb084f5, 0xc08a5b, 0xf27ec6, 0xa0a0a0,
         0xd4d43a, 0x3fd1e0]


def near(c, rgb, tol=12):
    return all(abs(((c >> s) & 255) - b) <= tol for s, b in zip((16, 8, 0), rgb))


def env():
    e = dict(os.environ)
    e.update(AETUI_GRAPHICS="sixel", TERM="xterm-256color", LC_ALL="C.UTF-8")
    e.pop("TMUX", None)
    return e


def bottom_ok(pics):
    """No picture reaches the last row (the status bar)."""
    for r, c, d in pics:
        m = re.match(rb'\x1bP[^q]*q"\d+;\d+;(\d+);(\d+)', d)
        if not m:
            return False
        h = int(m.group(2))
        if r - 1 + (h + CH - 1) // CH > ROWS - 1:
            return False
    return True


def finished():
    a = App(["--db", DB, "--screen", "6"], env())
    ok = a.wait_for(lambda d: len(pictures(d)) >= 1, 20)
    check(ok, "screen 6 writes a sixel picture for the newest run")
    if not ok:
        sys.stdout.write(a.data()[-2000:].decode("utf-8", "replace"))
        a.quit()
        return
    # 118 cells at 10 pixels are wider than xterm's maxGraphicSize (1000): the grid comes as
    # two pictures side by side, 59 cells each, that join on a cell boundary
    a.wait_for(lambda d: len({p[1] for p in pictures(d) if p[0] == 4}) >= 2, 5)
    band = {}
    for r, c, d in pictures(a.data()):
        if r == 4:
            band[c] = d
    check(sorted(band) == [2, 61], f"the grid as two pictures at row 4, columns 2 and 61 "
          f"(got columns {sorted(band)})")
    sizes = [decode(band[c], f"recon{c}")[:2] for c in sorted(band)]
    check(all(w == 59 * CW and h == 32 * CH // 6 * 6 for w, h in sizes),
          f"band sizes {sizes} = 59 cells x 32 rows at 10x20 (height a multiple of 6), each at "
          "most 1000 pixels wide (xterm's maxGraphicSize)")
    w, h, rgb = decode(band.get(2, pictures(a.data())[-1][2]), "recon")
    cols = colours(rgb)
    check(len(cols) > 8, f"grid not blank ({len(cols)} colours)")
    # the pairs: find the first image column: bright pixels (an original) with a reconstruction
    # (not the paper) right under it
    paper = bytes((0x18, 0x18, 0x18))
    found = False
    for y in range(0, h // 2):
        for x in range(0, w, 2):
            p = px(w, rgb, x, y)
            if p != paper and sum(p) > 300:
                found = True
                break
        if found:
            break
    check(found, "an original image in the grid")
    if found:  # the tile is 28*scale tall: the reconstruction is in the same column below
        below = [px(w, rgb, x, yy) for yy in range(y + 20, min(h, y + 200), 4)]
        check(any(b != paper for b in below), "its reconstruction under it")
    a.keys("5", 2.0)
    pics = pictures(a.data())
    lat = [p for p in pics if p[0] == 4 and p[1] == 1]
    check(len(lat) >= 1, "screen 5 writes the latent scatter plot")
    if lat:
        w, h, rgb = decode(lat[-1][2], "latent")
        cols = colours(rgb)
        present = [c for c in CLASS if any(near(c, x) for x in cols)]
        check(len(present) >= 3, f"class colours in the scatter plot ({len(present)} of 10)")
        check(w > 600 and h > 500, f"scatter size {w}x{h}")
    a.keys(["3", "\r"], 1.5)
    check(len(pictures(a.data())) > len(pics), "a run's page (screen 3) draws its loss curves as sixel")
    n0 = len(pictures(a.data()))
    a.keys("?", 1.0)
    n1 = len(pictures(a.data()))
    check(n1 == n0, "no picture is written over the help overlay")
    a.keys("x", 1.0)
    check(len(pictures(a.data())) > n1, "pictures come back when the help closes")
    check(bottom_ok(pictures(a.data())), "no picture reaches the status bar's row")
    a.quit()
    check(a.p.returncode == 0, f"exit status {a.p.returncode}")
    check(b"Sanitizer" not in a.data(), "no sanitizer report")


def live():
    """A tiny CNN run typed into the form with screen 6 open; bytes per epoch refresh."""
    epochs = 3
    trace = os.path.join(WORK, "trace")
    e = env()
    e["AETUI_TRACE"] = trace
    a = App(["--db", DB], e)
    time.sleep(1.0)
    # Train form: model -> cnn (Right from lstm wraps), epochs, train and test samples
    a.keys(["2", "\x1b[C", "j", "j", "j", "\r", str(epochs), "\r", "j", "j", "j", "\r", "256", "\r",
            "j", "\r", "32", "\r"], 0.5)
    t0 = len(a.data())
    a.keys(["s", "6"], 0.2)  # screen 6 opens while the data loads
    done = a.wait_for(lambda d: os.path.exists(trace) and
                      f"samples_epoch={epochs}".encode() in open(trace, "rb").read(), 120)
    check(done, f"the reconstructions refresh at every epoch ({epochs} epochs)")
    time.sleep(1.0)
    a.quit()
    data = a.data()
    check(b"Sanitizer" not in data, "no sanitizer report")
    if not done:
        return
    lines = open(trace).read().splitlines()
    refresh = [l for l in lines if "samples_epoch=" in l]
    per = [int(re.search(r"sixel_bytes=(\d+)", l).group(1)) for l in refresh]
    # Pictures changed by training are paced (at most one write a second each, within a byte
    # budget: ui/gfx.h), so epochs shorter than that may share a write; the first epoch's and
    # the last epoch's samples always go out, the last one within a few seconds.
    last = next((i for i, l in enumerate(lines) if f"samples_epoch={epochs}" in l), None)
    t_last = float(re.search(r"t=([0-9.]+)", lines[last]).group(1)) if last is not None else 0
    later = [int(re.search(r"sixel_bytes=(\d+)", l).group(1)) for l in lines[last:]
             if float(re.search(r"t=([0-9.]+)", l).group(1)) - t_last < 3.0] if last is not None else []
    check(len(refresh) >= epochs and per[0] > 0 and sum(later) > 0,
          f"the first and the last epoch's pictures are written: sixel bytes per refresh {per}, "
          f"within 3 s of the last {later}")
    recon = [p for p in pictures(data[t0:]) if (p[0], p[1]) == (4, 2)]
    sizes = [len(p[2]) for p in recon]
    check(len(recon) >= 2, f"{len(recon)} reconstruction pictures written while training")
    total = len(data) - t0
    print(f"measure: {total} bytes written to the terminal from start to end of a {epochs}-epoch "
          f"run with screen 6 open; reconstruction pictures {sizes} bytes; sixel bytes of the "
          f"epoch-refresh frames {per}")


finished() if MODE == "finished" else live()
sys.exit(1 if fails else 0)

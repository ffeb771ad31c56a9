#!/usr/bin/env python3
"""tui_latency.py: key-to-screen latency of the aetui interface under CNN training load.

Starts `aetui --db DB` in a pseudo-terminal (120x36, xterm-256color, AETUI_TRACE=FILE),
starts a CNN run from the Train form (model cnn, its default dataset), waits until it trains,
then presses screen keys (2 3 4 1 ...) every 0.2 s for --seconds and measures, for each key,
the time from writing the key to the first byte of the screen update (outside view), and
reads the trace's key_ms (poll wake-up to doupdate end, inside view). Prints max and p99 of
both. Stops the run (x) and quits (q, y) at the end.

usage: tui_latency.py AETUI_BIN DB [--seconds N] [--trace FILE]"""
import os, pty, select, struct, sys, time, fcntl, termios, argparse, re

ap = argparse.ArgumentParser()
ap.add_argument("bin"); ap.add_argument("db")
ap.add_argument("--seconds", type=float, default=40)
ap.add_argument("--trace", default="/tmp/aetui_latency_trace.txt")
ap.add_argument("--model", default="cnn")
a = ap.parse_args()

pid, fd = pty.fork()
if pid == 0:
    env = dict(os.environ, TERM="xterm-256color", AETUI_TRACE=a.trace, LC_ALL="C.UTF-8",
               AETUI_GRAPHICS="blocks")
    os.execve(a.bin, [a.bin, "--db", a.db], env)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))

def drain(t):
    end = time.monotonic() + t; out = b""
    while True:
        left = end - time.monotonic()
        if left <= 0: return out
        r, _, _ = select.select([fd], [], [], left)
        if r:
            try: out += os.read(fd, 65536)
            except OSError: return out

def send(s): os.write(fd, s.encode())

drain(1.5)
send("2")  # Train
drain(0.3)
send("\r" + a.model + "\r")  # the model field is selected first: type the name
drain(0.3)
send("s")
buf = drain(8)
print("training started" if b"TRAINING" in buf or b"LOADING" in buf else "warning: training state not seen", file=sys.stderr)
lat = []
keysq = "3412"
t_end = time.monotonic() + a.seconds
i = 0
while time.monotonic() < t_end:
    drain(0.2)
    k = keysq[i % len(keysq)]; i += 1
    t0 = time.monotonic(); send(k)
    r, _, _ = select.select([fd], [], [], 2.0)
    t1 = time.monotonic()
    if r:
        os.read(fd, 65536)
        lat.append((t1 - t0) * 1e3)
    else:
        lat.append(2000.0)
send("2"); drain(0.3); send("x"); drain(3); send("q"); drain(0.5); send("y"); drain(3)
try: os.waitpid(pid, 0)
except ChildProcessError: pass

def stats(v):
    v = sorted(v)
    if not v: return "no samples"
    p99 = v[min(len(v) - 1, int(round(0.99 * (len(v) - 1))))]
    return "n=%d max=%.2f ms p99=%.2f ms median=%.2f ms" % (len(v), v[-1], p99, v[len(v) // 2])

inside = []
for line in open(a.trace):
    m = re.search(r"key_ms=([0-9.]+).*training=1", line)
    if m: inside.append(float(m.group(1)))
print("outside (key written -> first screen byte):", stats(lat))
print("inside (trace key_ms, frames while training):", stats(inside))

#!/usr/bin/python3
"""get_server.py: a small HTTP server on 127.0.0.1 for test_get.sh, serving files with the
misbehaviours a download must survive (Python's http.server does not do Range requests).

    get_server.py ROOT PORTFILE LOGFILE [LIFETIME_SECONDS]

Binds a free port (written to PORTFILE once listening) and serves ROOT/NAME under
/MODE/NAME, where MODE is:
  ok       the file, honouring "Range: bytes=N-" (206 with Content-Range)
  norange  ignores Range: always 200 and the whole file
  drop     the first request in this mode gets the headers for the whole answer but only
           half of the bytes, then the connection closes; later requests as ok
  stall    the first request for a name gets half of the bytes, then nothing more; later
           requests get no answer at all
  hang     accepts the request and never answers
  slow     as ok, 4 kB every 20 ms (for the progress bar)
  e500     the first request in this mode gets HTTP 500, later ones as ok
A missing file is 404. Every request is logged to LOGFILE as "MODE NAME RANGE STATUS" (RANGE
is "-" without one). Stalls and hangs last at most 30 s; the server exits by itself after
LIFETIME_SECONDS (default 300), so a test that dies never leaves it running.
"""
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT, PORTFILE, LOGFILE = sys.argv[1], sys.argv[2], sys.argv[3]
LIFETIME = float(sys.argv[4]) if len(sys.argv) > 4 else 300.0
seen = set()
lock = threading.Lock()


def first_time(key):
    with lock:
        if key in seen:
            return False
        seen.add(key)
        return True


def log(line):
    with lock, open(LOGFILE, "a") as f:
        f.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        m = re.fullmatch(r"/([a-z0-9]+)/(.+)", self.path)
        rng = self.headers.get("Range")
        mode, name = (m.group(1), m.group(2)) if m else ("-", self.path)
        path = os.path.join(ROOT, name)
        if not m or ".." in name or not os.path.isfile(path):
            log(f"{mode} {name} {rng or '-'} 404")
            self.send_error(404)
            return
        data = open(path, "rb").read()
        if mode == "hang":
            log(f"{mode} {name} {rng or '-'} hang")
            time.sleep(30)
            return
        if mode == "e500" and first_time("e500"):
            log(f"{mode} {name} {rng or '-'} 500")
            self.send_error(500)
            return
        start = 0
        r = re.fullmatch(r"bytes=(\d+)-", rng or "")
        if r and mode != "norange":
            start = int(r.group(1))
            if start >= len(data):
                log(f"{mode} {name} {rng} 416")
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        if mode == "stall" and not first_time(("stall", name)):
            log(f"{mode} {name} {rng or '-'} hang")
            time.sleep(30)
            return
        body = data[start:]
        status = 206 if start else 200
        log(f"{mode} {name} {rng or '-'} {status}")
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        try:
            if (mode == "drop" and first_time("drop-half")) or (
                mode == "stall" and first_time(("stall-half", name))
            ):
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                if mode == "stall":
                    time.sleep(30)
                self.close_connection = True
                return
            if mode == "slow":
                for i in range(0, len(body), 4096):
                    self.wfile.write(body[i : i + 4096])
                    self.wfile.flush()
                    time.sleep(0.02)
                return
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = PORTFILE + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, PORTFILE)
    threading.Timer(LIFETIME, lambda: os._exit(0)).start()
    server.serve_forever()


if __name__ == "__main__":
    main()

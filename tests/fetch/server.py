#!/usr/bin/env python3
"""tests/fetch/server.py -- a local HTTP/1.1 file server that misbehaves on purpose.

Serves --root on 127.0.0.1 (a free port, written to --port-file once listening).  Every request is
appended to --log as one line: "METHOD PATH range=RANGE status=CODE".  The server exits by itself
after --lifetime seconds (default 120) so a crashed test cannot leave it behind.

Misbehaviour is chosen by a path prefix /mode/NAME/ in front of the file path, with parameters in
the query string.  The state ("the first time") is kept per path+query.

  (no prefix)        plain file server with single-range support (206 + Content-Range, 416)
  /mode/drop/P?n=N   first request: promise the whole body, send N bytes (default half), cut the
                     connection; later requests are served normally (Range honoured)
  /mode/flaky/P?k=K&code=C&ra=S
                     the first K requests (default 2) answer C (default 503) with Retry-After: S
                     (default 1), then serve normally
  /mode/404/P        always 404
  /mode/truncate/P   always: Content-Length of the whole file, half the body, connection closed;
                     ignores Range
  /mode/stall/P?n=N&s=S
                     send the headers and N bytes (default 10), then sleep S seconds (default 60)
  /mode/norange/P    always 200 with the whole file, ignoring Range
  /mode/redirect/P   302 to /P
  /mode/slow/P?chunks=C&delay=D
                     the whole file in C pieces (default 10) with D seconds between (default 0.1)
  /mode/redirloop/P  302 to itself, for ever (tests/fault/network.sh)

Google Drive, reached through a --mirror of http://127.0.0.1:PORT/gd (so the paths are
/gd/HOST/PATH); the files are ROOT/drive/ID:
  /gd/drive.google.com/uc?export=download&id=ID
                     a file under 1000 bytes is served at once; a larger one gets the confirmation
                     page of today's Drive (a form to drive.usercontent.google.com/download with
                     hidden id, export, confirm=t and uuid); an ID starting "old-" gets the older
                     page (a link back to /uc with &amp;confirm=TOKEN); "quota" a page with no way on
  /gd/drive.google.com/uc?...&confirm=TOKEN, /gd/drive.usercontent.google.com/download?...&uuid=U
                     the file, when the token or uuid is the one the page gave, else 403
"""
import argparse
import os
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATE = {}
STATE_LOCK = threading.Lock()


def bump(key):
    with STATE_LOCK:
        STATE[key] = STATE.get(key, 0) + 1
        return STATE[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "l4r-test-server"

    def log_message(self, fmt, *args):  # quiet on stderr; we keep our own log
        pass

    def note(self, status):
        line = "%s %s range=%s status=%s\n" % (self.command, self.path,
                                               self.headers.get("Range", "-"), status)
        with STATE_LOCK:
            with open(self.server.log_path, "a") as f:
                f.write(line)

    def simple(self, code, body=b"", headers=()):
        self.note(code)
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.close_connection = True

    def cut(self):
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True

    def do_HEAD(self):
        self.do_GET()

    def drive(self, path, q):
        fid = q.get("id", "")
        local = os.path.join(self.server.root, "drive", fid)
        html = [("Content-Type", "text/html; charset=utf-8")]
        if fid == "quota" or not os.path.isfile(local):
            return self.simple(200, b"<html><body>Too many users have viewed or downloaded this file recently."
                               b" Please try accessing the file again later.</body></html>", html)
        data = open(local, "rb").read()
        file_hdr = [("Content-Type", "application/octet-stream")]
        if path == "/gd/drive.google.com/uc":
            if q.get("confirm") == "Tk3n":
                return self.simple(200, data, file_hdr)
            if "confirm" in q:
                return self.simple(403, b"bad token\n", html)
            if len(data) < 1000:
                return self.simple(200, data, file_hdr)
            if fid.startswith("old-"):
                page = ('<html><body><p>Google Drive can\'t scan this file for viruses.</p>'
                        '<a id="uc-download-link" href="/uc?export=download&amp;confirm=Tk3n&amp;id=%s">'
                        'Download anyway</a></body></html>' % fid)
            else:
                page = ('<!DOCTYPE html><html><head><title>Google Drive - Virus scan warning</title></head>'
                        '<body><p>Google Drive can\'t scan this file for viruses.</p>'
                        '<form id="download-form" action="https://drive.usercontent.google.com/download" method="get">'
                        '<input type="submit" id="uc-download-link" value="Download anyway"/>'
                        '<input type="hidden" name="id" value="%s">'
                        '<input type="hidden" name="export" value="download">'
                        '<input type="hidden" name="confirm" value="t">'
                        '<input type="hidden" name="uuid" value="5f2c-77aa"></form></body></html>' % fid)
            return self.simple(200, page.encode(), html)
        if path == "/gd/drive.usercontent.google.com/download":
            if q.get("uuid") == "5f2c-77aa" and q.get("confirm") == "t":
                return self.simple(200, data, file_hdr)
            return self.simple(403, b"bad uuid\n", html)
        return self.simple(404, b"not found\n")

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        path = urllib.parse.unquote(url.path)
        if path.startswith("/gd/"):
            return self.drive(path, q)
        mode = "plain"
        if path.startswith("/mode/"):
            rest = path[len("/mode/"):]
            mode, _, tail = rest.partition("/")
            path = "/" + tail
        local = os.path.normpath(os.path.join(self.server.root, path.lstrip("/")))
        if not local.startswith(self.server.root) or not os.path.isfile(local):
            return self.simple(404, b"not found\n")
        data = open(local, "rb").read()
        size = len(data)
        key = self.path
        n_seen = bump(key)

        if mode == "404":
            return self.simple(404, b"not found\n")
        if mode == "redirect":
            return self.simple(302, b"", [("Location", path)])
        if mode == "redirloop":
            return self.simple(302, b"", [("Location", self.path)])
        if mode == "flaky" and n_seen <= int(q.get("k", "2")):
            return self.simple(int(q.get("code", "503")), b"busy\n",
                               [("Retry-After", q.get("ra", "1"))])
        if mode == "truncate":
            self.note("200-truncated")
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.wfile.write(data[: size // 2])
            return self.cut()
        if mode == "slow":
            chunks = int(q.get("chunks", "10"))
            self.note("200-slow")
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.send_header("Connection", "close")
            self.end_headers()
            step = max(1, (size + chunks - 1) // chunks)
            for i in range(0, size, step):
                try:
                    self.wfile.write(data[i:i + step])
                    self.wfile.flush()
                except OSError:
                    break
                time.sleep(float(q.get("delay", "0.1")))
            self.close_connection = True
            return
        if mode == "stall":
            n = int(q.get("n", "10"))
            self.note("200-stalled")
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.wfile.write(data[:n])
            self.wfile.flush()
            time.sleep(float(q.get("s", "60")))
            return self.cut()

        start, end = 0, size - 1
        rng = self.headers.get("Range")
        partial = False
        if rng and mode != "norange" and rng.startswith("bytes="):
            a, _, b = rng[len("bytes="):].partition("-")
            if a.isdigit():
                start = int(a)
                if b.isdigit():
                    end = min(int(b), size - 1)
                if start >= size:
                    return self.simple(416, b"", [("Content-Range", "bytes */%d" % size)])
                partial = True
        body = data[start:end + 1]

        if mode == "drop" and n_seen == 1:
            n = int(q.get("n", str(len(body) // 2)))
            self.note("%d-dropped" % (206 if partial else 200))
            self.send_response(206 if partial else 200)
            if partial:
                self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:n])
            return self.cut()

        code = 206 if partial else 200
        headers = [("Accept-Ranges", "bytes")]
        if partial:
            headers.append(("Content-Range", "bytes %d-%d/%d" % (start, end, size)))
        self.simple(code, body, headers)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--lifetime", type=float, default=120)
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.root = os.path.realpath(args.root)
    srv.log_path = args.log
    open(args.log, "a").close()
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()

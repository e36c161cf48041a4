"""A web server on 127.0.0.1 for the tests of URL lists: never the internet."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

PAGE = ("<html><head><title>Harbour reopens</title>"
        '<meta property="article:published_time" content="2025-11-12T06:00:00Z">'
        '<meta property="og:site_name" content="Local Wire"></head><body><article>'
        + "<p>The harbour reopened on Tuesday after the storm, the port authority said.</p>" * 3
        + "</article></body></html>")


class _Handler(BaseHTTPRequestHandler):
    hits: list = []

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):
        self.hits.append((self.path, self.headers.get("User-Agent"), time.monotonic()))
        path = self.path.split("?")[0]  # "?followed": a redirect followed within one fetch
        if path in ("/page", "/other"):
            body = PAGE.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/page?followed")
            self.end_headers()
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop?followed")
            self.end_headers()
        elif path == "/pdf":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.end_headers()
            self.wfile.write(b"%PDF-1.4")
        elif path == "/slow":
            time.sleep(1.5)
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html></html>")
        else:
            self.send_error(404, "Not Found")


@pytest.fixture()
def server():
    """The base URL of a server started for one test (a thread, port chosen by the OS)."""
    _Handler.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()

"""URL lists: a ``.urls`` file (or a ``.txt`` file whose every non-blank line
is a URL, or the ``--url`` option), one web page per line, fetched and read
as :mod:`timeline.corpus.webpage` reads a saved page.  The id of each page is
its URL as written.

Fetching is polite and cached:

* one request at a time (so never two at once to a host), at least
  ``delay`` seconds between two requests to the same host, a ``timeout``,
  at most ``max_redirects`` redirects, at most ``max_bytes`` read, and a
  User-Agent naming the project;
* every page fetched is kept in ``cache_dir`` (one file per URL, named by
  the URL's hash), so a rerun reads it from there and never fetches it
  again; delete the folder (or a file in it) to fetch again.  Failures are
  not cached: they are tried again on the next run.
* each failure (a timeout, an HTTP error such as 404, a type of content
  that is not a web page, a redirect loop, a host that does not resolve)
  is one Reject naming the URL; the other URLs are read.

The standard library's ``urllib`` does the requests: trafilatura's own
fetcher answers ``None`` for every kind of failure, and rejects.csv must
say which one it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .checks import Context, Item, Reject, decode_text, failure

_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.I)
HTML_TYPES = ("text/html", "application/xhtml+xml")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/timeline/pages`` (``~/.cache/timeline/pages``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "timeline" / "pages"


def user_agent() -> str:
    """The User-Agent of every request: the project's name and version."""
    try:
        from importlib.metadata import version
        number = version("timeline")
    except Exception:
        number = "0"
    return f"timeline/{number} (event timelines from news articles; research use)"


class FetchError(Exception):
    """A page that could not be fetched; its message is the one-line reason."""


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_repeats = 1

    def __init__(self, limit: int):
        super().__init__()
        self.max_redirections = limit


class Fetcher:
    """Fetches web pages politely and keeps them on disk (see the module docstring)."""

    def __init__(self, cache_dir: str | Path | None = None, delay: float = 1.0,
                 timeout: float = 20.0, max_bytes: int = 20 * 2**20, max_redirects: int = 5,
                 agent: Optional[str] = None):
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.delay = delay
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.agent = agent or user_agent()
        self.opener = urllib.request.build_opener(_Redirects(max_redirects))
        self._last: dict[str, float] = {}
        #: requests made over the network by this fetcher (cache hits are not counted)
        self.requests = 0

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:40]
        return self.cache_dir / f"{key}.html", self.cache_dir / f"{key}.json"

    def cached(self, url: str) -> Optional[tuple[str, str]]:
        """``(markup, final URL)`` of a page fetched before, or None."""
        body, meta = self._paths(url)
        try:
            info = json.loads(meta.read_text("utf-8"))
            if info.get("url") != url:
                return None
            return body.read_text("utf-8", errors="replace"), info.get("final_url", url)
        except (OSError, ValueError):
            return None

    def _keep(self, url: str, final_url: str, markup: str) -> None:
        body, meta = self._paths(url)
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            for path, content in ((body, markup), (meta, json.dumps(
                    {"url": url, "final_url": final_url}))):
                temporary = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
                temporary.write_text(content, "utf-8", errors="surrogatepass")
                os.replace(temporary, path)
        except OSError:
            pass  # a cache that cannot be written costs a fetch next time, nothing else

    def _wait(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = last + self.delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def fetch(self, url: str) -> tuple[str, str]:
        """``(markup, final URL)`` of a page, from the cache or the network;
        raises :class:`FetchError` with a one-line reason."""
        hit = self.cached(url)
        if hit is not None:
            return hit
        host = urllib.parse.urlsplit(url).hostname or ""
        self._wait(host)
        request = urllib.request.Request(url, headers={
            "User-Agent": self.agent, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"})
        self.requests += 1
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                kind = (response.headers.get_content_type() or "").lower()
                if kind not in HTML_TYPES:
                    raise FetchError(f"not a web page (content type {kind or 'unknown'})")
                data = response.read(self.max_bytes + 1)
                if len(data) > self.max_bytes:
                    raise FetchError(f"the page is over {self.max_bytes // 2**20} MB")
                final_url = response.geturl() or url
                charset = response.headers.get_content_charset()
        except FetchError:
            raise
        except urllib.error.HTTPError as error:
            if 300 <= error.code < 400:
                raise FetchError(f"a redirect loop or too many redirects (HTTP {error.code})"
                                 ) from None
            raise FetchError(f"HTTP {error.code} {error.reason}") from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, socket.gaierror):
                raise FetchError(f"the host {host!r} was not found (DNS)") from None
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise FetchError(f"no answer within {self.timeout:g} s (timeout)") from None
            raise FetchError(f"cannot be fetched ({reason})") from None
        except (socket.timeout, TimeoutError):
            raise FetchError(f"no answer within {self.timeout:g} s (timeout)") from None
        except Exception as error:  # http.client's protocol errors, resets ...
            raise FetchError(f"cannot be fetched ({failure(error)})") from None
        finally:
            self._last[host] = time.monotonic()
        markup = _decode(data, charset)
        self._keep(url, final_url, markup)
        return markup, final_url


def _decode(data: bytes, charset: Optional[str]) -> str:
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    from .webpage import decode_page

    try:
        return decode_page(data)
    except Exception:
        return decode_text(data)[0]


def is_url(line: str) -> bool:
    """True for one http(s) URL and nothing else."""
    return bool(_URL.fullmatch(line.strip()))


def is_url_list(lines: Iterable[str]) -> bool:
    """True when every non-blank line (``#`` comments aside) is a URL, and there is one."""
    found = False
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not is_url(line):
            return False
        found = True
    return found


def read_urls(urls: Iterable[str], label: str, ctx: Context, numbered: bool = True
              ) -> Iterator[Item]:
    """The pages of URLs; ``label`` names where they were listed."""
    from .webpage import read_markup

    for number, line in enumerate(urls, 1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        where = f"line {number}: " if numbered else ""
        if not is_url(url):
            yield Reject(label, "", f"{where}{url[:80]!r} is not an http(s) URL", "skipped")
            continue
        try:
            markup, final_url = ctx.fetcher.fetch(url)
        except FetchError as error:
            yield Reject(label, url, f"{where}{url}: {error}", "skipped")
            continue
        try:
            yield from read_markup(markup, url, label, ctx, url=final_url)
        except (MemoryError, KeyboardInterrupt):
            raise
        except Exception as error:
            yield Reject(label, url, f"{where}the page could not be read ({failure(error)})",
                         "skipped")


def read_lines(lines: list[str], label: str, ctx: Context) -> Iterator[Item]:
    """The pages of a URL list already split into lines."""
    yield from read_urls(lines, label, ctx)


def read(path: Path, ctx: Context) -> Iterator[Item]:
    """A ``.urls`` file: one URL per line (blank lines and ``#`` comments ignored)."""
    from .checks import read_whole

    label = ctx.label(path)
    data, reject = read_whole(path, label, what="URL list")
    if reject:
        yield reject
        return
    text, _damaged = decode_text(data)
    yield from read_urls(text.splitlines(), label, ctx)

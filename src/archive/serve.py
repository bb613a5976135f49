"""`archive serve`: build, serve on localhost, rebuild on change, reload the browser.

- The site is built into a temporary folder (as `mkdocs serve` does), so previewing never
  touches the archive's real `build/`.
- A watcher thread polls modification times of archive.yml, the articles, the registry and the
  archive's and default theme's templates/static (polling is portable and cheap at archive
  sizes; no extra dependency) and rebuilds when anything changed.
- HTML responses get a small script that polls `/__archive__/version` and reloads the page
  when the build version moves on. It is added by the server when it sends a page, so it is
  never in the files that `archive build` writes.
- A build that fails does not stop the server: every page shows the error until the next
  successful build; articles that were skipped are listed in a banner on every page.
- Pages first, search index after: the preview is built without running Pagefind, which
  then indexes it in the background (serve_search.py), so a save is not kept waiting for the
  index (the bundles a save changed: 3-5 s at 10,000 articles).
"""
from __future__ import annotations

import functools
import html
import json
import logging
import os
import posixpath
import shutil
import tempfile
import threading
import time
import traceback
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from archive.errors import ArchiveError
from archive.search import index_sections
from archive.serve_search import BackgroundIndex, index_path

log = logging.getLogger("archive")

VERSION_PATH = "/__archive__/version"

_RELOAD_JS = """<script>/* archive serve: live reload (only in `archive serve`, never in built sites) */
(function () {
  var version = %d;
  function poll() {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (d) {
      if (d.version !== version) { location.reload(); } else { setTimeout(poll, 1000); }
    }).catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 1000);
})();
</script>
"""
_BANNER = ('<div class="archive-serve-warnings" role="alert" style="background:#fff3cd;color:#000;'
           'border:2px solid #c90;padding:.5em 1em;margin:0;font:14px/1.4 sans-serif">'
           '<strong>archive serve: {n} article(s) skipped</strong><ul>{items}</ul></div>')
_ERROR_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Build failed · archive serve</title></head>
<body style="font:16px/1.5 sans-serif;margin:2em">
<h1>The build failed</h1>
<p>Fix the problem below and save: the page reloads when the next build succeeds.</p>
<pre id="archive-build-error" style="white-space:pre-wrap;background:#fee;padding:1em;border:1px solid #c00">{error}</pre>
</body></html>
"""


class SiteState:
    """The outcome of the latest build, shared between the watcher and request threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version = 0
        self.error: str | None = None  # the build failed: show this instead of pages
        self.skipped: list[str] = []  # the build succeeded without these articles
        self.changed = threading.Condition(self.lock)

    def publish(self, error: str | None, skipped: list[str]) -> int:
        with self.lock:
            self.version += 1
            self.error, self.skipped = error, skipped
            self.changed.notify_all()
            return self.version

    def snapshot(self) -> tuple[int, str | None, list[str]]:
        with self.lock:
            return self.version, self.error, list(self.skipped)


def inject(page: str, version: int, skipped: list[str]) -> str:
    """Add the reload script (and the skipped-articles banner) to an HTML page."""
    extra = _RELOAD_JS % (version, VERSION_PATH)
    if skipped:
        items = "".join(f"<li>{html.escape(s)}</li>" for s in skipped)
        banner = _BANNER.format(n=len(skipped), items=items)
        page = _insert_after_body(page, banner)
    idx = page.lower().rfind("</body>")
    return page[:idx] + extra + page[idx:] if idx >= 0 else page + extra


def _insert_after_body(page: str, fragment: str) -> str:
    lower = page.lower()
    start = lower.find("<body")
    end = lower.find(">", start) if start >= 0 else -1
    return page[: end + 1] + fragment + page[end + 1:] if end >= 0 else fragment + page


def error_page(error: str, version: int) -> str:
    return inject(_ERROR_PAGE.format(error=html.escape(error)), version, [])


class _Handler(SimpleHTTPRequestHandler):
    state: SiteState  # set on the subclass made per server
    search_root: str | None = None  # the folder holding the search index's `pagefind/` (serve_search.py)

    def translate_path(self, path):
        # The search index lives outside the site (it is swapped in whole when Pagefind is
        # done): `/pagefind/...` is answered from its folder, everything else from the site.
        # (decided on the normalised path, as the answer is: '/pagefind/../x' is the site's 'x')
        url_path = posixpath.normpath(unquote(path.split("?", 1)[0].split("#", 1)[0]))
        if self.search_root is not None and index_path(url_path):
            site, self.directory = self.directory, self.search_root
            try:
                return super().translate_path(path)
            finally:
                self.directory = site
        return super().translate_path(path)

    def do_GET(self):  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == VERSION_PATH:
            version, error, _ = self.state.snapshot()
            return self._send(HTTPStatus.OK, json.dumps({"version": version, "error": error is not None}),
                              "application/json")
        version, error, skipped = self.state.snapshot()
        fs = Path(self.translate_path(path))
        is_page = fs.suffix.lower() in (".html", ".htm") or path.endswith("/") or fs.is_dir()
        if error is not None and is_page:
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, error_page(error, version), "text/html")
        if fs.is_dir():
            if not path.endswith("/"):
                return super().do_GET()  # the standard redirect to "dir/"
            fs = fs / "index.html"
        if fs.suffix.lower() in (".html", ".htm") and fs.is_file():
            page = fs.read_text(encoding="utf-8", errors="replace")
            return self._send(HTTPStatus.OK, inject(page, version, skipped), "text/html")
        return super().do_GET()

    def _send(self, status, body: str, ctype: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def end_headers(self):
        # Previews must never come from the browser's cache.
        if not any(h.lower().startswith(b"cache-control") for h in getattr(self, "_headers_buffer", [])):
            self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
        log.debug("serve: " + format, *args)


class DevServer:
    """Build, serve and watch one archive. `start()` returns once the first build is done and
    the server listens; `stop()` shuts everything down and removes the temporary site."""

    def __init__(self, archive_dir: str | Path = ".", host: str = "127.0.0.1", port: int = 8000,
                 model: str | None = None, interval: float = 0.5, output: str | Path | None = None,
                 echo=lambda message: None):
        self.echo = echo  # where progress lines go (the CLI passes click.echo)
        self.archive_dir = Path(archive_dir).resolve()
        self.model = model
        self.interval = interval
        self.state = SiteState()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._watched: list[Path] = []
        self._before: dict = {}
        self._annotator = None  # ((model, registry), Annotator) of the last build
        self._own_output = output is None
        handler = type("Handler", (_Handler,), {"state": self.state})
        # Listen first: a busy port fails here, before any temporary folder exists.
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.output = Path(output).resolve() if output else Path(tempfile.mkdtemp(prefix="archive-serve-")) / "site"
        self.httpd.RequestHandlerClass = functools.partial(handler, directory=str(self.output))
        self.search = BackgroundIndex(Path(tempfile.mkdtemp(prefix="archive-serve-search-")), echo)
        handler.search_root = str(self.search.root)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def load_config(self):
        from archive.config import load_config

        # Links are relative, so the preview works at the server's root whatever base_url
        # the archive publishes under; '/' also keeps canonical links out of the preview.
        return load_config(self.archive_dir, {"output": str(self.output), "base_url": "/", "model": self.model})

    def rebuild(self) -> int:
        """Build once; publish the outcome (never raises). Returns the new version."""
        import archive.build as build_module
        from archive.build import build

        # The `archive` command keeps a build's objects until the process ends (cli.run); this
        # process lives on and builds again and again, so each build's objects must be freed.
        build_module.KEEP_UNTIL_EXIT = None
        error, skipped, wants_search = None, [], False
        self.search.cancel()  # Pagefind must not read pages while they change
        try:
            config = self.load_config()
            self._watched = watched_paths(config)
            # the pages only: their search index is made after them (serve_search.py)
            report = build(config, annotator=self._annotator_for(config), index_search=False)
            wants_search = config.search
            skipped = [str(e) for e in report.skipped]
            self.echo(report.summary())
        except ArchiveError as exc:
            error = exc.format_message()
        except Exception:  # anything else: the server stays up and shows the traceback
            error = traceback.format_exc()
        if error:
            self.echo(f"build failed (the server keeps running): {error}")
            self.output.mkdir(parents=True, exist_ok=True)
        # (before the new version is announced: whoever waits for it finds its index under way)
        if error is None and wants_search:
            # search answers from the last index until this one is in
            self.search.start(self.output, index_sections(config))
        elif error is None:
            self.search.clear()  # `search: false`: the search page says there is no index
        return self.state.publish(error, skipped)

    def _annotator_for(self, config):
        """The loaded pipeline is kept between rebuilds (loading it takes seconds) as long as
        the model setting and the registry stay the same."""
        from archive.annotate import Annotator
        from archive.registry import load_registry

        key = (config.model, load_registry(config.registry_path))
        if self._annotator is None or self._annotator[0] != key:
            self._annotator = (key, Annotator(key[1], config.model))
            self._annotator[1].kept = {}  # and the last build's annotated articles (annotate_stage.py)
        return self._annotator[1]

    def start(self) -> "DevServer":
        # The first snapshot is taken before the first build, so that nothing saved from now
        # on can be missed (and watching needs the paths the config names: load it first).
        try:
            self._watched = watched_paths(self.load_config())
        except ArchiveError:
            pass
        self._before = snapshot(self._watched_or_default())
        self.rebuild()
        serve = threading.Thread(target=self.httpd.serve_forever, name="archive-serve-http", daemon=True)
        watch = threading.Thread(target=self._watch, name="archive-serve-watch", daemon=True)
        self._threads = [serve, watch]
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        # Ctrl-C can come at any moment, even between starting the two threads: shutdown()
        # waits for serve_forever(), so call it only if that thread runs; join only live ones.
        try:
            if self._threads and self._threads[0].is_alive():
                self.httpd.shutdown()
            self.httpd.server_close()
            for t in self._threads:
                if t.is_alive():
                    t.join(timeout=30)
        finally:
            self.search.close()
            if self._own_output:
                shutil.rmtree(self.output.parent, ignore_errors=True)

    def wait_for_version(self, version: int, timeout: float) -> bool:
        """Block until a build with at least this version was published (for tests)."""
        with self.state.changed:
            return self.state.changed.wait_for(lambda: self.state.version >= version, timeout)

    def _watch(self) -> None:
        paths = self._watched_or_default()
        before = self._before
        while not self._stop.wait(self.interval):
            now = snapshot(paths)
            if now == before:
                continue
            # Compare later polls with the state *before* this build: a file saved while the
            # build runs has a newer mtime and triggers the next build.
            before = now
            self.echo("change detected, rebuilding")
            self.rebuild()
            if self._watched_or_default() != paths:  # archive.yml moved content or registry
                paths = self._watched_or_default()
                before = snapshot(paths)

    def _watched_or_default(self) -> list[Path]:
        if self._watched:
            return self._watched
        # The config itself failed to load: watch the whole archive folder (minus outputs).
        return [self.archive_dir]


def watched_paths(config) -> list[Path]:
    """Everything a build reads: config, articles, registry, both themes."""
    from archive.render import theme_dir

    paths = [config.root / "archive.yml", config.content_dir, config.registry_path,
             config.templates_dir, config.static_dir, theme_dir("templates"), theme_dir("static")]
    return list(dict.fromkeys(paths))


_SKIP_DIRS = {".git", "build", "node_modules", "__pycache__", ".archive-cache"}


def snapshot(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """path → (mtime_ns, size) of every file under `paths` (missing paths count as absent)."""
    out: dict[str, tuple[int, int]] = {}
    for root in paths:
        if root.is_file():
            _stat_into(root, out)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.startswith(".")]
            for name in filenames:
                _stat_into(Path(dirpath) / name, out)
    return out


def _stat_into(path: Path, out: dict) -> None:
    try:
        st = path.stat()
    except OSError:
        return
    out[str(path)] = (st.st_mtime_ns, st.st_size)


def serve_forever(server: DevServer) -> None:
    """Run until Ctrl-C or SIGTERM (the CLI's loop); both remove the temporary site."""
    import signal

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
    try:
        server.start()
        while True:
            # Short sleeps: Python runs a signal's handler in the main thread, between bytecodes,
            # even when the kernel handed the signal to another of this process's threads; such
            # a signal does not interrupt this thread's sleep. With time.sleep(3600), SIGTERM went
            # unhandled for the rest of the hour in one run of four of
            # test_cli_serve_stops_cleanly_on_sigterm (0 in 10 with this).
            time.sleep(0.25)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()

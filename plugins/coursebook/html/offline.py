"""A built site's files in, its service worker and web app manifest out (offline and installable).

The service worker keeps one version of the whole course (every page and asset, the PDFs
left out) in a cache named by a hash of the files, and answers every request from it:
a visited course opens and saves with no network, and always as one consistent version.
A new deployment installs beside it and waits; the page then offers to reload ("A new
version of this course is available"), and only then does the new version take over, so
old and new pages are never mixed. Everything is the course's own: no third-party code.

With ``offline: false`` the site gets a worker that removes itself and its caches, so
browsers that installed an earlier one stop using it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SKIP_SUFFIXES = (".pdf", ".map", ".gz")
"""Files not kept offline: the PDFs are large and downloaded on purpose; maps and archives
are for developers."""
MAX_FILE = 5_000_000


def offline_files(site: Path) -> list[str]:
    """The site's files to keep offline, as URLs relative to the site root, sorted.

    A folder's ``index.html`` is listed as the folder (``why/``), the URL pages link to.
    """
    found = []
    for path in sorted(site.rglob("*")):
        relative = path.relative_to(site).as_posix()
        if (
            not path.is_file()
            or path.suffix in SKIP_SUFFIXES
            or relative in ("sw.js",)
            or path.stat().st_size > MAX_FILE
        ):
            continue
        if path.name == "index.html":
            relative = relative[: -len("index.html")] or "./"
        found.append(relative)
    return found


def version_of(site: Path, urls: Iterable[str]) -> str:
    """A hash of every file kept offline: any change makes a new version."""
    digest = hashlib.sha256()
    for url in urls:
        path = site / (url + "index.html" if url.endswith("/") else url)
        if url == "./":
            path = site / "index.html"
        digest.update(url.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def service_worker(namespace: str, version: str, urls: list[str]) -> str:
    """The worker's JavaScript: cache ``urls`` as ``version``, serve from it, update on request."""
    data = json.dumps({"prefix": f"coursebook-{namespace}-", "version": version, "files": urls})
    return WORKER.replace("/*DATA*/null", data)


def retired_worker(namespace: str) -> str:
    """A worker that unregisters itself and deletes this course's caches (offline turned off)."""
    return RETIRED.replace("/*PREFIX*/", json.dumps(f"coursebook-{namespace}-"))


def manifest(
    name: str, language: str, direction: str, theme_color: str, icons: list[dict[str, str]]
) -> dict[str, Any]:
    """The web app manifest: what "Add to home screen" installs."""
    return {
        "name": name,
        "short_name": name if len(name) <= 16 else name[:15].rstrip() + "…",
        "start_url": "./",
        "scope": "./",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": theme_color,
        "lang": language,
        "dir": direction,
        "icons": icons,
    }


WORKER = """/* coursebook: keeps this course's current version in the browser, for offline use. */
"use strict";
const C = /*DATA*/null, NAME = C.prefix + C.version;
self.addEventListener("install", (e) => {
  // the files of this version, all or none; the page decides when it takes over
  e.waitUntil(caches.open(NAME).then((c) => c.addAll(C.files)));
});
self.addEventListener("activate", (e) => {
  e.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(C.prefix) && k != NAME).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});
self.addEventListener("message", (e) => {
  if (e.data == "coursebook:update") self.skipWaiting();
});
self.addEventListener("fetch", (e) => {
  const r = e.request;
  if (r.method != "GET" || new URL(r.url).origin != location.origin) return;
  e.respondWith(
    caches.open(NAME).then((c) =>
      c.match(r, { ignoreSearch: true }).then((hit) =>
        hit || fetch(r).catch(() => (r.mode == "navigate" ? c.match("404.html") : Response.error()))
      )
    )
  );
});
"""

RETIRED = """/* coursebook: offline use is turned off for this course; remove the old worker. */
"use strict";
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => {
  e.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(/*PREFIX*/)).map((k) => caches.delete(k))))
      .then(() => self.registration.unregister())
  );
});
"""

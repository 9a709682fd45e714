"""The browser side of the suite: one reused tab that records what each hostile page did."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import ConsoleMessage, Dialog, Page, Route

# everything in the content that could run script or load from elsewhere
SCAN = """(root) => {
  const found = [];
  const scope = root ? document.querySelector(root) : document.querySelector("article") || document.body;
  if (!scope) return ["no content"];
  const risky = /^(javascript|vbscript|livescript|data):/;
  const urls = ["href", "src", "action", "formaction", "xlink:href", "data", "poster",
                "background", "srcset", "ping", "lowsrc", "dynsrc", "values", "to", "from", "by"];
  const banned = ["script", "iframe", "frame", "frameset", "object", "embed", "applet",
                  "base", "meta", "link", "style", "noscript"];
  for (const el of [scope, ...scope.querySelectorAll("*")]) {
    const tag = el.localName;
    if (banned.includes(tag)) found.push(`<${tag}>`);
    if (tag === "form" && !el.hasAttribute("data-worksheet")) found.push("<form> not a worksheet");
    if (tag === "animate" || tag === "set") found.push(`<${tag}>`);
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      const value = a.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(`${tag}[${name}]`);
      if (name === "srcdoc") found.push(`${tag}[srcdoc]`);
      if (urls.includes(name) && risky.test(value)) found.push(`${tag}[${name}=${a.value.slice(0, 40)}]`);
      if (name === "style" && /url\\s*\\(|expression|@import/i.test(a.value)) found.push(`${tag}[style]`);
    }
  }
  for (const el of document.querySelectorAll("base, meta[http-equiv]"))
    found.push(`document <${el.localName}>`);
  return found;
}"""


@dataclass
class Visit:
    """What one page did while it was open."""

    url: str
    final_url: str = ""
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    pwned: Any = None
    found: list[str] = field(default_factory=list)

    def check(self) -> None:
        assert self.pwned is None, f"a payload ran: window.__pwned = {self.pwned!r}"
        assert self.dialogs == [], f"a payload opened a dialog: {self.dialogs}"
        assert self.errors == [], self.errors
        assert self.outside == [], f"requests left 127.0.0.1: {self.outside}"
        assert self.final_url == self.url, f"the page went elsewhere: {self.final_url}"
        assert self.found == [], f"script-capable content survived: {self.found}"


class Tab:
    """One browser tab reused by every case of a module (a new tab costs more than a case):
    whatever happens in it is recorded into the visit under way."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.visit = Visit("")
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda e: self.visit.errors.append(f"page error: {e}"))
        page.on("console", self._console)
        # only requests that leave 127.0.0.1 come to Python (the pattern is matched in the browser)
        page.route(OUTSIDE, self._outside)

    def _dialog(self, dialog: Dialog) -> None:
        self.visit.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        # a missing image is the author's mistake, not a script: 404s are not errors here
        if message.type == "error" and "status of 404" not in message.text:
            self.visit.errors.append(f"console: {message.text}")

    def _outside(self, route: Route) -> None:
        self.visit.outside.append(route.request.url)
        route.abort()

    def open(self, url: str) -> Visit:
        self.visit = Visit(url)
        self.page.goto(url, wait_until="load")
        self.page.wait_for_timeout(60)  # a meta refresh or an autofocus handler would act now
        return self.visit

    def observe(self, root: str | None = None) -> Visit:
        visit = self.visit
        visit.final_url = self.page.url
        visit.pwned = self.page.evaluate("window.__pwned")
        if visit.final_url == visit.url:
            visit.found = self.page.evaluate(SCAN, root)
        return visit


OUTSIDE = re.compile(r"^(?!http://127\.0\.0\.1[:/]|data:|blob:|about:)")


def storage(page: Page) -> dict[str, str]:
    """Every localStorage key of the page's origin and its value."""
    data: dict[str, str] = page.evaluate(
        "() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)]))"
    )
    return data

"""The built test site and the browser, shared by the site's end-to-end and accessibility
tests (registered in conftest.py as a plugin, so each session builds the site and starts
Chromium once): `policykit build` of a copy of policies/ plus one hostile region, served
on localhost; Debian's /usr/bin/chromium through Playwright; helpers to open a watched
page and save a screenshot under test-artifacts/ (gitignored).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import POLICIES, REPO, run_cli

AS_OF = "2025-06-30"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
EVIL = "<script>alert(1)</script>"

EVIL_CATALOGUE = f"""
  test.injected:
    label: {{zh: "{EVIL}|注入标签", en: injected label}}
    description: {{zh: "说明 <img src=x onerror=alert(5)> | 竖线", en: injected}}
    area: other
    scheme: general
    type: ratio
    unit: {{zh: "比例<b>", en: share}}
    comparable: true
"""
EVIL_REGION = f"""\
region:
  code: "441700"
  name: {{zh: "{EVIL}|阳江测试", en: "Test <i>"}}
  level: prefecture
  parent: "440000"
  note: "备注 <script>alert(2)</script> | a | b"
rules:
  - parameter: resident.inpatient.ratio
    breakdown: {{hospital_level: level1}}
    history:
      - status: in_force
        start: "2022-01-01"
        ratio: 0.8
        source: evil-source
        quote: "<script>alert(3)</script> 一级医院80% | x"
  - parameter: test.injected
    history:
      - status: in_force
        start: "2023-01"
        ratio: 0.5
        source: evil-source
        quote: "注入 50% <img src=x onerror=alert(4)>"
        note: "<b>不加粗</b>"
"""
EVIL_SOURCES = f"""\
sources:
  - id: evil-source
    title: "标题 {EVIL} | 竖线"
    issuer: "发文机关 <b>"
    kind: notice
    url: "https://example.org/a?b=1&c=\\"onmouseover=alert(6)"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class BuiltSite:
    out: Path
    url: str
    stderr: str
    pages: dict[str, str] = field(default_factory=dict)   # relative path → HTML


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """Build once, serve on 127.0.0.1 with a site_url matching the served address."""
    work = tmp_path_factory.mktemp("site")
    data = work / "policies"
    shutil.copytree(POLICIES, data)
    with (data / "catalogue.yaml").open("a", encoding="utf-8") as f:
        f.write(EVIL_CATALOGUE)
    evil = data / "regions" / "440000-广东省" / "441700-测试"
    evil.mkdir()
    (evil / "region.yaml").write_text(EVIL_REGION, encoding="utf-8")
    (evil / "sources.yaml").write_text(EVIL_SOURCES, encoding="utf-8")
    # The region file must agree with the division registry: the copy's registry gets the
    # hostile name too (so registry text reaches the pages through the same escaping).
    registry = data / "registry" / "divisions.csv"
    csv = registry.read_text(encoding="utf-8")
    assert "\n441700,阳江市," in csv
    registry.write_text(csv.replace("\n441700,阳江市,", f"\n441700,{EVIL}|阳江测试,"),
                        encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    out = work / "site"
    result = run_cli("build", str(data), "--out", str(out), "--site-url", url, "--as-of", AS_OF)
    assert result.returncode == 0, result.stdout + result.stderr
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    pages = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
             for p in out.rglob("*.html")}
    try:
        yield BuiltSite(out, url, result.stderr, pages)
    finally:
        server.shutdown()
        server.server_close()



@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Watched:
    page: Any
    requests: list[str]
    errors: list[str]
    dialogs: list[str]


def open_page(browser: Any, built: BuiltSite, path: str, width: int = 1280,
              height: int = 900, color_scheme: str = "light") -> Watched:
    """A fresh page that records every request (and blocks any that leave localhost),
    console errors, page errors and dialogs."""
    context = browser.new_context(viewport={"width": width, "height": height},
                                  locale="zh-CN", service_workers="block",
                                  color_scheme=color_scheme)
    page = context.new_page()
    w = Watched(page, [], [], [])

    def route(r: Any) -> None:
        w.requests.append(r.request.url)
        if r.request.url.startswith(built.url):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda m: w.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: w.errors.append(str(e)))

    def dialog(d: Any) -> None:
        w.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(built.url + path)
    page.wait_for_load_state("networkidle")
    return w


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_clean(w: Watched, built: BuiltSite) -> None:
    outside = [u for u in w.requests if not u.startswith(built.url)]
    assert not outside, outside
    assert not w.errors, w.errors
    assert not w.dialogs, w.dialogs


def search(page: Any, query: str) -> Any:
    """Type a query into Material's search and wait for that query's own results; returns
    the result items. The box is emptied first and the count line goes back to its
    placeholder, so the count ("结果") and the list that follow are this query's, never
    the previous query's still on screen (a search right after another could otherwise
    pass on the old results). Material reads the query on key-up, hence the key press."""
    box = page.locator("input.md-search__input")
    meta = page.locator(".md-search-result__meta")
    items = page.locator(".md-search-result__item")
    box.fill("")
    box.press("End")
    expect(meta).not_to_contain_text("结果")
    expect(items).to_have_count(0)
    box.fill(query)
    box.press("End")
    expect(meta).to_contain_text("结果")
    return items

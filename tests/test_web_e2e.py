"""End to end in a real browser: `xxgk serve` on a free loopback port, driven by Playwright through Debian's
Chromium (headless). Screenshots of every page go to tests/artifacts/screenshots/. Also the load test:
50 concurrent uploads against the live server, none lost, none failed.

Chromium comes from apt (`apt-get install chromium`; CI installs it), never from `playwright install`.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import REAL, SEEDS
from system import ensure_apt_package
from xxgk.generate import random_record, render_text


def _chromium() -> str | None:
    return shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


SHOTS = Path(__file__).parent / "artifacts" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
AGENCY = "示例市交通运输局"
LOAD_UPLOADS = 50

_missing = ensure_apt_package("chromium", lambda: _chromium() is not None)  # installed by the test setup
if _missing:
    pytest.skip(f"browser tests need Chromium: {_missing}", allow_module_level=True)
CHROMIUM = _chromium() or "/usr/bin/chromium"
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (pip) is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generated(seed: int, agency: str | None = None, year: int | None = None) -> bytes:
    rng = random.Random(seed)
    record = random_record(rng, "2021", year=year)
    if agency:
        record["agency"] = agency
    return render_text(record, "tab", rng, distortions=()).encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """`xxgk serve` in a subprocess on 127.0.0.1 (a fresh DuckDB), stopped after the module."""
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {**os.environ, "XXGK_TEST_MODE": "1", "PYTHONUNBUFFERED": "1"}
    env.pop("XXGK_TOKEN", None)
    cmd = [sys.executable, "-m", "xxgk", "serve", "--db", str(tmp / "e2e.duckdb"), "--port", str(port)]
    log = (tmp / "serve.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, proc, tmp / "serve.log")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"xxgk serve exited early:\n{log.read_text(encoding='utf-8')}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    pytest.fail("xxgk serve did not answer within 30 s")


@pytest.fixture(scope="module")
def page(server: str):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:  # Playwright gives the browser a fresh profile itself
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        yield pg
        context.close()
        browser.close()
        assert not errors, f"JavaScript errors in the pages: {errors}"


def shot(page, name: str) -> None:
    page.evaluate(
        "window.scrollTo(0, 0)"
    )  # sticky header and side panels belong at the top of a full-page shot
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def uploaded(page, server: str, tmp_path_factory) -> dict[str, str]:
    """Upload the seeds, ../shared/real and a two-year agency through the upload page (as a person would)."""
    folder = tmp_path_factory.mktemp("uploads")
    (folder / "交通2022.txt").write_bytes(generated(11, AGENCY, 2022))
    (folder / "交通2023.txt").write_bytes(generated(12, AGENCY, 2023))
    files = sorted(SEEDS.glob("*.txt")) + sorted(
        p for p in REAL.iterdir() if p.suffix in (".txt", ".md", ".pdf")
    )
    files += sorted(folder.iterdir())
    page.goto(f"{server}/upload")
    page.set_input_files("#file-input", [str(p) for p in files])
    rows = page.locator("#queue tr")
    page.wait_for_function(
        "n => document.querySelectorAll('#queue tr[data-status]').length === n",
        arg=len(files),
        timeout=60_000,
    )
    statuses = [rows.nth(i).get_attribute("data-status") for i in range(rows.count())]
    assert statuses == ["stored"] * len(files), statuses
    shot(page, "01-upload")
    links = {
        rows.nth(i).locator("td").first.inner_text(): rows.nth(i).locator("a").first.get_attribute("href")
        for i in range(rows.count())
    }
    return links


def test_report_page_finding_highlights_cells(page, server, uploaded):
    page.goto(server + uploaded["004_hongze_qzf_2023.pdf"])
    shot(page, "02-report")
    finding = page.locator("#finding-list button.finding[data-cells]:not([data-cells=''])").first
    cells = (finding.get_attribute("data-cells") or "").split()
    assert cells
    finding.click()
    assert finding.get_attribute("aria-pressed") == "true"
    highlighted = page.locator(".grid td.hl")
    assert highlighted.count() >= 1
    keys = {highlighted.nth(i).get_attribute("data-key") for i in range(highlighted.count())}
    assert keys <= set(cells) and keys
    excerpt = page.locator(f"#excerpt-{finding.get_attribute('data-index')}")
    assert excerpt.is_visible() and "T4_BLOCK" in excerpt.inner_text()
    shot(page, "03-report-finding-clicked")


def test_text_report_excerpt_shows_source_line(page, server, uploaded):
    page.goto(server + uploaded["000_5f1914cbe288c934.txt"])
    finding = page.locator("#finding-list button.finding").filter(has_text="S_BLANK_CELLS").first
    finding.click()
    excerpt = page.locator(f"#excerpt-{finding.get_attribute('data-index')}")
    assert excerpt.locator(".line.focus").count() == 1
    assert page.locator(".grid td.blank.hl").count() >= 1, (
        "the blank cells named by the finding are highlighted"
    )


def test_pages_render_with_charts(page, server, uploaded):
    for name, path in (
        ("04-dashboard", "/"),
        ("05-corpus", "/corpus?sort=-errors"),
        ("06-agencies", "/agencies"),
        ("07-agency", f"/agencies/{AGENCY}"),
    ):
        page.goto(server + path)
        charts = page.locator("[data-chart]")
        for i in range(charts.count()):
            assert charts.nth(i).get_attribute("data-ready") == "1", f"chart {i} on {path} not drawn"
            assert charts.nth(i).locator("canvas").count() >= 1
        shot(page, name)
    page.goto(server + "/corpus")
    page.fill("input[name=agency]", "公安")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/corpus?**agency=%E5%85%AC%E5%AE%89**")
    agencies = page.locator("table.list tbody tr td:nth-child(2)").all_inner_texts()
    assert agencies and all("公安" in a for a in agencies)


def test_compare_page(page, server, uploaded):
    a = uploaded["交通2022.txt"].rsplit("/", 1)[-1]
    b = uploaded["交通2023.txt"].rsplit("/", 1)[-1]
    page.goto(f"{server}/compare?a={a}&b={b}")
    assert page.locator(".grid td.diff").count() > 0
    shot(page, "08-compare")


def test_draft_names_broken_identity_as_user_types(page, server):
    page.goto(f"{server}/draft")
    page.fill("input[name=agency]", "某市某局")
    page.fill("input[name=year]", "2024")
    for part, value in (
        ("upheld", "1"),
        ("corrected", "0"),
        ("other", "0"),
        ("pending", "0"),
        ("total", "3"),
    ):
        page.fill(f'input[name="cell:appeals.review.{part}"]', value)
    check = page.locator("#draft-check")
    check.locator("li.finding.sev-error", has_text="T4_BLOCK").wait_for(timeout=10_000)
    assert "总计＝结果维持＋结果纠正＋其他结果＋尚未审结" in check.inner_text()
    total_cell = page.locator('td[data-key="appeals.review.total"]')
    page.wait_for_function(
        "() => document.querySelector('td[data-key=\"appeals.review.total\"]').classList.contains('sev-error')"
    )
    assert "sev-error" in (total_cell.get_attribute("class") or "")
    assert page.locator(".download-button").first.is_disabled()
    shot(page, "09-draft-broken")
    page.fill('input[name="cell:appeals.review.total"]', "1")
    page.wait_for_function("() => !document.querySelector('#draft-check').textContent.includes('T4_BLOCK')")
    page.wait_for_function("() => !document.querySelector('.download-button').disabled", timeout=5_000)
    assert page.locator('td[data-key="appeals.review.total"].sev-error').count() == 0


def test_docs_page_offline(page, server):
    page.goto(f"{server}/docs")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=15_000)
    shot(page, "10-api-docs")


def test_load_50_concurrent_uploads(server):
    """50 distinct reports uploaded at once: every one stored, none lost, none failed."""
    import httpx

    async def upload_all(client: httpx.AsyncClient, token: str) -> list[tuple[httpx.Response, float]]:
        async def one(n: int) -> tuple[httpx.Response, float]:
            t0 = time.perf_counter()
            response = await client.post(
                "/upload",
                files={"files": (f"load-{n:02d}.txt", generated(5000 + n))},
                headers={"X-CSRF-Token": token, "Accept": "application/json"},
            )
            return response, time.perf_counter() - t0

        return await asyncio.gather(*(one(n) for n in range(LOAD_UPLOADS)))

    async def run() -> tuple[list[tuple[httpx.Response, float]], float, int, int]:
        limits = httpx.Limits(max_connections=LOAD_UPLOADS)
        async with httpx.AsyncClient(base_url=server, timeout=120, limits=limits) as client:
            before = (await client.get("/corpus.json")).json()["total"]
            t0 = time.perf_counter()
            results = await upload_all(client, client.cookies["xxgk_csrf"])
            elapsed = time.perf_counter() - t0
            after = (await client.get("/corpus.json")).json()["total"]
        return results, elapsed, before, after

    # in a thread of its own: the Playwright fixtures keep an event loop running in this one
    with ThreadPoolExecutor(max_workers=1) as pool:
        results, elapsed, before, after = pool.submit(asyncio.run, run()).result()
    failed = [r.text[:200] for r, _ in results if r.status_code != 200]
    stored = [
        f for r, _ in results if r.status_code == 200 for f in r.json()["files"] if f["status"] == "stored"
    ]
    latencies = [t for _, t in results]
    print(
        f"\nload test: {LOAD_UPLOADS} concurrent uploads in {elapsed:.2f} s ({LOAD_UPLOADS / elapsed:.1f} files/s); "
        f"stored {len(stored)}, failed {len(failed)}, corpus {before} -> {after}; "
        f"latency median {statistics.median(latencies):.2f} s, max {max(latencies):.2f} s"
    )
    assert not failed, failed
    assert len(stored) == LOAD_UPLOADS and len({o["report_id"] for o in stored}) == LOAD_UPLOADS
    assert after - before == LOAD_UPLOADS, "no upload may be lost"

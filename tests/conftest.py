from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests judge results, not speed: a loaded machine (CI, parallel jobs) must not fail them on
# hypothesis's default 200 ms deadline per example. Speed lives in bench/.
settings.register_profile("xxgk", deadline=None)
settings.load_profile("xxgk")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
REAL = SHARED / "real"

if not SHARED.exists():  # pragma: no cover - CI always has shared/ beside the checkout
    pytest.exit(f"shared/ not found beside the checkout at {SHARED}", returncode=3)


def gold_pairs(folder: Path, suffixes: tuple[str, ...]) -> list[tuple[Path, Path]]:
    """(document, gold record) pairs for the documents whose format can be read."""
    docs = {p.stem: p for p in folder.iterdir() if p.is_file() and p.suffix in suffixes}
    return [(docs[g.stem], g) for g in sorted((folder / "gold").glob("*.json")) if g.stem in docs]


def load_gold(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def as_mhtml(html: bytes, location: str, parts: dict[str, bytes], charset: str = "utf-8") -> bytes:
    """A page as Chromium saves it "as a single file" (MHTML): the HTML quoted-printable under its
    address, each picture a base64 part under its own address."""
    import base64
    import quopri

    boundary = "----MultipartBoundary--xxgk----"
    out = [
        "From: <Saved by Blink>",
        f"Snapshot-Content-Location: {location}",
        "Subject: =?utf-8?Q?report?=",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{boundary}"',
        "",
        "",
        f"--{boundary}",
        f'Content-Type: text/html; charset="{charset}"',
        "Content-Transfer-Encoding: quoted-printable",
        f"Content-Location: {location}",
        "",
        quopri.encodestring(html).decode("ascii"),
    ]
    for where, data in parts.items():
        out += [f"--{boundary}", "Content-Type: image/png", "Content-Transfer-Encoding: base64"]
        out += [f"Content-Location: {where}", "", base64.encodebytes(data).decode("ascii")]
    out.append(f"--{boundary}--")
    return "\r\n".join(out).encode("ascii")


def print_with_chromium(page: Path, pdf: Path) -> None:
    """Print a web page to PDF with headless Chromium: a second PDF producer beside LibreOffice."""
    import subprocess

    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )


TEXT_FAMILY = (".txt", ".md")
GOLD_CASES = gold_pairs(SEEDS, TEXT_FAMILY) + gold_pairs(REAL, TEXT_FAMILY)


@pytest.fixture(scope="session")
def pg_url():
    """URL of a private PostgreSQL server on 127.0.0.1, started for this session and deleted after it.

    Skips (with the reason) when no PostgreSQL binaries are installed; CI installs them.
    """
    from pgserver import find_bin_dir, start_server, stop_and_remove
    from system import ensure_apt_package

    missing = ensure_apt_package("postgresql", lambda: find_bin_dir() is not None)
    if missing:
        pytest.skip(missing)
    server = start_server()
    try:
        yield server.url()
    finally:
        stop_and_remove(server)


def new_pg_database(request: pytest.FixtureRequest) -> str:
    """URL of a new, empty corpus on the session's PostgreSQL server (skips without psycopg or server).

    Each caller gets its own schema (selected through the URL's search_path), which isolates as well as a
    database per test at a fraction of CREATE DATABASE's cost.
    """
    import os
    import time

    psycopg = pytest.importorskip("psycopg")
    base = request.getfixturevalue("pg_url")
    name = f"t_{os.getpid()}_{time.monotonic_ns()}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {name}")
    return f"{base}?options=-csearch_path%3D{name}"


@pytest.fixture
def no_ocr(monkeypatch):
    """The OCR extra as if not installed."""
    import xxgk.ingest.ocr as ocr

    def missing():
        raise ImportError("rapidocr")

    monkeypatch.setattr(ocr, "_engine", missing)

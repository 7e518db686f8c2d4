"""Per-format parsing speed against each format's floor, measured in the same run on the same files.

Corpus: every gold record in ../shared (seeds and real) plus generated records, rendered to PDF
(through LibreOffice), DOCX and HTML. Floors: PDF — pypdfium2 plain-text extraction of every page;
DOCX — unzip + parse word/document.xml with lxml; HTML — lxml parse. Ours: xxgk.api.parse end to end.
Last line: pdf_ratio=… docx_ratio=… html_ratio=…   (targets: pdf ≤ 1.5, docx ≤ 2, html ≤ 2)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from xxgk.api import parse
from xxgk.render import render

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def records(n_generated: int, seed: int) -> list[dict]:
    out = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SHARED.glob("*/gold/*.json"))]
    from xxgk.generate import random_record

    rng = random.Random(seed)
    out += [random_record(rng) for _ in range(n_generated)]
    return out


def floor_pdf(path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    for page in pdf:
        page.get_textpage().get_text_range()
    pdf.close()


def floor_docx(path: Path) -> None:
    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        etree.fromstring(zf.read("word/document.xml"))


def floor_html(path: Path) -> None:
    from lxml import html

    html.document_fromstring(path.read_bytes())


FLOORS = {"pdf": floor_pdf, "docx": floor_docx, "html": floor_html}


def paired(ours, floor, files: list[Path], repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Best time of each over `repeat` rounds, the two measured alternately: this host's speed drifts
    by tens of percent within a minute, and timing all of one before all of the other skews the ratio."""
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for i, fn in enumerate((ours, floor)):
            t0 = time.perf_counter()
            for f in files:
                fn(f)
            best[i] = min(best[i], time.perf_counter() - t0)
    return best[0], best[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--generated", type=int, default=12)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    recs = records(args.generated, args.seed)
    ratios = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, floor in FLOORS.items():
            files = []
            for i, rec in enumerate(recs):
                path = Path(tmp) / f"r{i:03d}.{fmt}"
                render(rec, fmt, path)
                files.append(path)
            parse(files[0])  # warm
            ours, base = paired(parse, floor, files, args.repeat)
            ratios[fmt] = ours / base
            n = len(files)
            print(
                f"{fmt}: files={n} ours={n / ours:.1f}/s floor={n / base:.1f}/s ratio={ours / base:.2f}",
                file=sys.stderr,
            )
    print(" ".join(f"{fmt}_ratio={r:.2f}" for fmt, r in ratios.items()))


if __name__ == "__main__":
    main()

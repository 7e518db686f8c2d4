"""Parsing throughput on one core: seeds + real text reports + generated reports in every text layout.

The floor is what any tool must do with the same files: read the bytes, decode them, split them into
lines. We report reports/s end to end (read, extract, audit) and ours ÷ floor. Last line:
    reports_per_s=… floor_ratio=…
Target (issue 2): ≥ 500 reports/s. It measures the installed build: pure Python, or the parsing core
compiled with mypyc (`XXGK_COMPILE=1 pip install .`, see setup.py); the first stderr line says which.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import xxgk
from xxgk.api import parse
from xxgk.ingest.decode import decode_text

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def corpus(folder: Path, per_layout: int, seed: int) -> list[Path]:
    from xxgk.generate import LAYOUTS, random_record, render_text

    files = (
        sorted(SHARED.glob("seeds/*.txt"))
        + sorted(SHARED.glob("real/*.txt"))
        + sorted(SHARED.glob("real/*.md"))
    )
    rng = random.Random(seed)
    for layout in LAYOUTS:
        for i in range(per_layout):
            path = folder / f"gen_{layout}_{i:04d}.txt"
            path.write_text(render_text(random_record(rng), layout, rng), encoding="utf-8")
            files.append(path)
    return files


def floor_pass(files: list[Path]) -> float:
    t0 = time.perf_counter()
    for f in files:
        decode_text(f.read_bytes(), str(f)).splitlines()
    return time.perf_counter() - t0


def our_pass(files: list[Path]) -> float:
    t0 = time.perf_counter()
    for f in files:
        parse(f)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-layout", type=int, default=100, help="generated reports per text layout")
    ap.add_argument("--repeat", type=int, default=3, help="passes; the best one is reported")
    ap.add_argument("--seed", type=int, default=20261121)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = corpus(Path(tmp), args.per_layout, args.seed)
        our_pass(files[:5])  # warm imports and caches
        ours = min(our_pass(files) for _ in range(args.repeat))
        floor = min(floor_pass(files) for _ in range(args.repeat))
    n = len(files)
    print(f"build={'compiled' if xxgk.is_compiled() else 'pure'}", file=sys.stderr)
    print(f"files={n} ours_s={ours:.3f} floor_s={floor:.4f} floor_per_s={n / floor:.0f}", file=sys.stderr)
    print(f"reports_per_s={n / ours:.1f} floor_ratio={ours / floor:.1f}")


if __name__ == "__main__":
    main()

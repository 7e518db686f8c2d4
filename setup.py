"""Optional compiled build of the parsing core, the way black and mypy ship theirs.

`XXGK_COMPILE=1 pip install .` compiles the pure, type-checked modules of the core (model, text
reading, extraction, the audit and its rules) to C extensions with mypyc: the same source, faster.
Without the variable the package is pure Python. Metadata and dependencies are in pyproject.toml.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from setuptools import setup

MYPYC = "mypy==2.4.1"
ROOT = Path(__file__).parent


def _modules() -> list[str]:
    """The modules `mypy` checks (pyproject.toml, [tool.mypy] files) are the ones compiled."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        patterns = tomllib.load(f)["tool"]["mypy"]["files"]
    return sorted(str(p.relative_to(ROOT)) for pattern in patterns for p in ROOT.glob(pattern))


def main() -> None:
    if os.environ.get("XXGK_COMPILE") != "1":
        setup()
        return
    try:
        from mypyc.build import mypycify
    except ImportError:
        # pip asks for the build requirements first: this makes it install mypyc, then build again
        setup(setup_requires=[MYPYC])
        return
    setup(ext_modules=mypycify(["--ignore-missing-imports", *_modules()], opt_level="3"))


main()

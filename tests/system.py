"""Installing the system packages a test needs (PostgreSQL, Chromium) when they are missing.

Tests install and start their own servers: as root on a Debian machine (CI, a fresh container) a
missing package is installed with apt-get; elsewhere the test is skipped with the command to run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable


def ensure_apt_package(package: str, present: Callable[[], bool]) -> str | None:
    """None when `present()` holds (after installing `package` if needed); else why it could not be had."""
    if present():
        return None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"{package} is not installed (apt-get install {package})"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", package],
    ):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            return f"apt-get could not install {package}: {done.stderr.strip()[-300:]}"
    return None if present() else f"{package} installed but still not usable"

"""LibreOffice headless conversion (.doc/.wps → .docx, .docx → .pdf), one private profile per call."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from xxgk.errors import MissingExtraError

TIMEOUT_S = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: Path, fmt: str, outdir: Path, timeout: int = TIMEOUT_S) -> Path:
    """`soffice --convert-to fmt`; a fresh profile per call, because shared profiles drop outputs."""
    exe = soffice()
    if exe is None:
        raise MissingExtraError(str(src), "需要安装 LibreOffice（apt-get install libreoffice-writer-nogui）")
    with tempfile.TemporaryDirectory(prefix="xxgk-lo-") as profile:
        cmd = [
            exe,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(src),
        ]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise MissingExtraError(str(src), f"LibreOffice 转换超时（{timeout} 秒）") from exc
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    if not out.exists():
        raise MissingExtraError(str(src), "LibreOffice 未能转换该文件")
    return out

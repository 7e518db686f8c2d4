"""PATH arguments → the files to ingest: files, folders (recursive), globs and .zip archives.

Discovery never judges content: whether a file is a report is the parser's decision (content sniffing),
so hidden files and odd extensions are passed on and fail with the reader's Chinese reason if need be.
Only things that are not files at all (directories, archive metadata) are left out.

Archives are read in memory with limits, because a zip's declared sizes are cheap to fake: a small
archive can expand to gigabytes (a "zip bomb"). Such an archive is refused as a whole, before any
member is decompressed.
"""

from __future__ import annotations

import glob
import os
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from xxgk.bulk.model import Failure, Source
from xxgk.ingest import MAX_BYTES

_GLOB_CHARS = frozenset("*?[")
_UTF8_FLAG = 0x800


@dataclass(frozen=True)
class ZipLimits:
    """Refuse archives beyond these (checked on the central directory, before decompressing)."""

    max_members: int = 20_000
    max_total_bytes: int = 2 * 1024**3  # all members, uncompressed
    max_member_bytes: int = MAX_BYTES  # the readers' own per-file limit
    max_ratio: int = 2_000  # uncompressed ÷ compressed for one member; deflate's own maximum is ~1032


DEFAULT_LIMITS = ZipLimits()


@dataclass
class Discovery:
    sources: list[Source]
    failures: list[Failure]


def discover(paths: Iterable[str | Path], limits: ZipLimits = DEFAULT_LIMITS) -> Discovery:
    """Expand PATH arguments into sources, in a stable order, each file once."""
    found = Discovery([], [])
    seen: set[str] = set()
    real_dirs: dict[str, str] = {}
    for arg in paths:
        for item in _expand(str(arg), limits):
            if isinstance(item, Failure):
                found.failures.append(item)
                continue
            key = item.name if item.path is None else _real_path(item.path, real_dirs)
            if key not in seen:
                seen.add(key)
                found.sources.append(item)
    return found


def _real_path(path: Path, real_dirs: dict[str, str]) -> str:
    """os.path.realpath, resolving each folder once: only the file itself may still be a link."""
    text = str(path)
    if ".." in path.parts or os.path.islink(text):
        return os.path.realpath(text)
    folder, name = os.path.split(text)
    real = real_dirs.get(folder)
    if real is None:
        real = real_dirs[folder] = os.path.realpath(folder)
    return os.path.join(real, name)


def _expand(arg: str, limits: ZipLimits) -> Iterator[Source | Failure]:
    path = Path(arg)
    if path.is_dir():
        for file in _walk(path):
            yield from _file(file, limits)
    elif path.exists():
        yield from _file(path, limits)
    elif _GLOB_CHARS & set(arg):
        matches = sorted(glob.glob(arg, recursive=True))
        if not matches:
            yield Failure(arg, f"没有与“{arg}”匹配的文件。")
        for match in matches:
            if not Path(match).is_dir():  # `**` also yields the folders themselves
                yield from _file(Path(match), limits)
    else:
        yield Failure(arg, f"无法处理文件 {arg}：文件不存在。")


def _walk(folder: Path) -> Iterator[Path]:
    """Every file under `folder`, sorted; symbolic links to folders are not followed (no cycles). A saved
    web page's own folder (页面_files beside 页面.html: its pictures, styles and scripts) is part of the
    page — read with it when its tables are pictures — not files to ingest on their own."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _page_resources(d, files))
        for name in sorted(files):
            yield Path(root) / name


def _page_resources(folder: str, files: list[str]) -> bool:
    for tail in ("_files", ".files"):
        if folder.endswith(tail):
            stem = folder[: -len(tail)]
            return any(f"{stem}.{ext}" in files for ext in ("html", "htm", "shtml", "xhtml"))
    return False


def _file(path: Path, limits: ZipLimits) -> Iterator[Source | Failure]:
    if not path.is_file():  # a pipe or a device would block or never end when read
        yield Failure(str(path), f"无法处理文件 {path}：不是普通文件（管道、设备等）。")
    elif path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
        yield from read_archive(path, limits)
    else:
        yield Source(str(path), path=path)


def read_archive(path: Path, limits: ZipLimits = DEFAULT_LIMITS) -> Iterator[Source | Failure]:
    """The archive's member files as in-memory sources named `archive.zip!inner/path`."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = [i for i in zf.infolist() if not i.is_dir() and not _is_metadata(i.filename)]
            refusal = _refusal(members, limits)
            if refusal:
                yield Failure(str(path), f"拒绝展开压缩包 {path}：{refusal}。")
                return
            for info in members:
                yield _member(zf, info, f"{path}!{member_name(info)}", limits)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        yield Failure(str(path), f"无法处理文件 {path}：压缩包已损坏或无法打开（{exc}）。")


def _member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: ZipLimits) -> Source | Failure:
    if info.flag_bits & 0x1:
        return Failure(name, f"无法处理文件 {name}：压缩包成员已加密。")
    try:
        with zf.open(info) as fh:
            data = fh.read(limits.max_member_bytes + 1)  # bounded even if the header lies
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        return Failure(name, f"无法处理文件 {name}：无法解压（{exc}）。")
    if len(data) > limits.max_member_bytes:
        return Failure(name, f"无法处理文件 {name}：解压后超过单个文件上限。")
    return Source(name, data=data)


def _refusal(members: list[zipfile.ZipInfo], limits: ZipLimits) -> str | None:
    """Why the archive is refused as a whole (zip bomb guard), or None."""
    if len(members) > limits.max_members:
        return f"成员文件 {len(members)} 个，超过上限 {limits.max_members} 个"
    total = sum(i.file_size for i in members)
    if total > limits.max_total_bytes:
        return (
            f"解压后共 {total // 1024**2} MB，超过上限 {limits.max_total_bytes // 1024**2} MB（疑似压缩炸弹）"
        )
    for info in members:
        if info.file_size > limits.max_member_bytes:
            return f"成员 {member_name(info)} 解压后 {info.file_size // 1024**2} MB，超过单个文件上限"
        if info.file_size > 1024**2 and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            return f"成员 {member_name(info)} 压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍，疑似压缩炸弹）"
    return None


def _is_metadata(name: str) -> bool:
    """macOS resource forks stored beside the real files; not files the user put in the archive."""
    return name.startswith("__MACOSX/")


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name. Archives made on Chinese Windows store names in GBK without the UTF-8
    flag; zipfile then decodes them as cp437 (mojibake). Undo that: UTF-8 first (some tools omit the
    flag), then GB18030 (a superset of GBK), else keep cp437."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename

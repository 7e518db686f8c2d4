"""Bytes → str for text-family files, as they are found in the wild (UTF-8 ± BOM, GB18030/GBK, UTF-16)."""

from __future__ import annotations

import codecs
from typing import Final

from xxgk.errors import UnreadableError

# GB2312/GBK labels are decoded as GB18030, their superset: the label is often narrower than the content.
_GB_FAMILY: Final = {"gb2312", "gbk", "gb18030", "hz", "cp936", "euc_cn"}
_CJK_FOLD: Final = {**{cp: chr(cp - 0xFEE0) for cp in range(0xFF10, 0xFF1A)}}  # full-width digits


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nuls > 0.2 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.2 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def ascii_head(data: bytes, size: int = 2048) -> bytes:
    """The first bytes in an ASCII-compatible form, for sniffers looking for markup: a UTF-16 text's
    head (a page Windows saved "as Unicode") decoded and written as UTF-8; any other as it is."""
    head = data[:size]
    codec = next(
        (
            c
            for bom, c in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
            if head.startswith(bom)
        ),
        None,
    ) or _looks_utf16(head)
    return head.decode(codec, errors="ignore").lstrip("\ufeff").encode("utf-8") if codec else head


def _cjk_share(text: str) -> float:
    sample = text[:5000]
    if not sample:
        return 0.0
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    return cjk / len(sample)


def decode_text(data: bytes, path: str) -> str:
    """Decode or raise UnreadableError naming the file; never returns mojibake silently."""
    if not data.strip():
        raise UnreadableError(path, "文件为空")
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise UnreadableError(path, f"文件声明为 {codec} 编码但内容无法解码") from exc
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        raise UnreadableError(path, "这是二进制文件，不是文本")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        if _cjk_share(text) > 0.05:
            return text
    except UnicodeDecodeError:
        pass
    return _guess(data, path)


def _guess(data: bytes, path: str) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise UnreadableError(path, "无法识别文本编码")
    encoding = "gb18030" if best.encoding.replace("-", "_").lower() in _GB_FAMILY else best.encoding
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableError(path, f"按 {encoding} 编码解码失败") from exc
    if _cjk_share(text) < 0.02:
        raise UnreadableError(path, "无法识别文本编码（解码后不含中文）")
    return text

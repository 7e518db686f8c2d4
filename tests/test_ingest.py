"""Text-family reading: encodings found in the wild, look-alike characters, and hostile input."""

from __future__ import annotations

import codecs
import contextlib
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS, load_gold
from xxgk.api import parse, parse_bytes
from xxgk.errors import NotAReportError, UnreadableError, XxgkError
from xxgk.ingest import read_path
from xxgk.model import cell_items

SEED = SEEDS / "003_29ee529a4ac3a460.txt"  # markdown tables, every cell filled


def _cells(record: dict) -> dict:
    return dict(cell_items(record))


@pytest.fixture(scope="module")
def reference() -> dict:
    return _cells(parse(SEED))


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("gb18030"),
        lambda t: t.encode("gbk", errors="strict"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),  # with BOM
        lambda t: t.encode("utf-16-le"),  # without BOM
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["gb18030", "gbk", "utf8-bom", "utf16-bom", "utf16le-nobom", "crlf"],
)
def test_encodings_read_the_same_cells(tmp_path, reference, encode):
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / "report.txt"
    path.write_bytes(encode(text))
    assert _cells(parse(path)) == reference


def test_full_width_digits_and_kangxi_radicals(tmp_path, reference):
    text = SEED.read_text(encoding="utf-8")
    full = str.maketrans("0123456789", "０１２３４５６７８９")
    kangxi = str.maketrans({"一": "⼀", "二": "⼆", "行": "⾏", "文": "⽂", "十": "⼗"})
    head, table = text.split("二、主动公开政府信息情况", 1)
    path = tmp_path / "report.txt"
    path.write_text(
        head + "二、主动公开政府信息情况" + table.translate(full).translate(kangxi), encoding="utf-8"
    )
    assert _cells(parse(path)) == reference


def test_radical_supplement_look_alikes_in_a_text_layer(tmp_path):
    """PDF text layers (pypdf's, some producers') write 人民 as ⼈⺠, 长 as ⻓, 门 as ⻔: the whole
    document, agency name included, reads as if printed with the common characters."""
    from xxgk.ingest.clean import RADICAL_SUPPLEMENT

    look_alike = {ideograph: radical for radical, ideograph in RADICAL_SUPPLEMENT.split()}
    look_alike.update({"人": "⼈", "工": "⼯", "一": "⼀"})  # Kangxi Radicals (folded by NFKC)
    for gold_path in sorted((SEEDS / "gold").glob("*.json")):
        gold = load_gold(gold_path)
        text = (SEEDS / f"{gold_path.stem}.txt").read_text(encoding="utf-8")
        disguised = text.translate(str.maketrans(look_alike))
        assert "⺠" in disguised or "⻓" in disguised or "⻔" in disguised  # the test means something
        path = tmp_path / f"{gold_path.stem}.txt"
        path.write_text(disguised, encoding="utf-8")
        back = parse(path)
        assert (back["agency"], back["year"]) == (gold["agency"], gold["year"])
        assert _cells(back) == _cells(gold)
        assert not any(0x2E80 <= ord(c) <= 0x2FDF for c in json.dumps(back, ensure_ascii=False))


def test_compatibility_ideographs_in_a_text_layer(tmp_path):
    """Some fonts map common characters to their CJK compatibility duplicates (年 as U+F98E, 不 as
    U+F967, 六 as U+F9D1): the document reads as if printed with the unified ones."""
    import unicodedata

    duplicate: dict[str, str] = {}
    for cp in range(0xF900, 0xFADA):
        duplicate.setdefault(unicodedata.normalize("NFC", chr(cp)), chr(cp))
    for gold_path in sorted((SEEDS / "gold").glob("*.json")):
        gold = load_gold(gold_path)
        text = (SEEDS / f"{gold_path.stem}.txt").read_text(encoding="utf-8")
        disguised = text.translate(str.maketrans(duplicate))
        assert "\uf98e" in disguised  # 年: the test means something
        path = tmp_path / f"{gold_path.stem}.txt"
        path.write_text(disguised, encoding="utf-8")
        back = parse(path)
        assert (back["agency"], back["year"]) == (gold["agency"], gold["year"])
        assert _cells(back) == _cells(gold)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "空"),
        (b"   \n\n  ", "空"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "图片"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(100), "PDF"),
        (bytes(range(256)) * 40, "二进制"),
    ],
    ids=["empty", "whitespace", "png", "pdf-stub", "binary"],
)
def test_unreadable_inputs_name_the_file(tmp_path, data, reason):
    path = tmp_path / "input.txt"
    path.write_bytes(data)
    with pytest.raises(UnreadableError) as err:
        read_path(path)
    assert str(path) in err.value.message and reason in err.value.message


def test_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)  # sparse: costs no disk, must not be read
    t0 = time.perf_counter()
    with pytest.raises(UnreadableError, match="过大"):
        read_path(path)
    assert time.perf_counter() - t0 < 1


def test_directory_and_missing_file(tmp_path):
    with pytest.raises(UnreadableError, match="目录"):
        read_path(tmp_path)
    with pytest.raises(UnreadableError, match="不存在"):
        read_path(tmp_path / "nope.txt")


def test_prose_that_is_not_a_report():
    with pytest.raises(NotAReportError):
        parse_bytes(
            "关于开展2021年度安全生产检查的通知\n各单位：\n请于月底前完成自查。\n".encode(), "notice.txt"
        )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4000))
def test_random_bytes_never_crash(data):
    try:
        parse_bytes(data, "random.bin")
    except XxgkError as exc:
        assert "random.bin" in exc.message


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("0123456789 \t|\n一二三、（）总计本年新收政府信息公开申请数量年度报告")
        ),
        max_size=3000,
    )
)
def test_random_report_like_text_never_crashes(text):
    with contextlib.suppress(XxgkError):
        parse_bytes(text.encode("utf-8"), "fuzz.txt")


def test_pathological_digit_run_finishes_quickly():
    """A 表三 row whose digits run together for hundreds of characters must not explode the split search."""
    text = SEED.read_text(encoding="utf-8")
    text = text.replace(
        "| 一、本年新收政府信息公开申请数量 | | 86 | 0 | 0 | 0 | 0 | 0 | 86 | |",
        "一、本年新收政府信息公开申请数量 " + "1234567890" * 30,
    )
    t0 = time.perf_counter()
    record = parse_bytes(text.encode("utf-8"), "long.txt")
    assert time.perf_counter() - t0 < 5
    assert record["requests"]["new_received"]["total"] is None  # cannot be read exactly: abstain

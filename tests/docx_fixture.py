"""A hand-written DOCX exercising every structure the DOCX reader handles, for tests that must not depend
on what python-docx or LibreOffice happen to write: list numbering from numbering.xml, content controls
(body and cell), a one-column layout wrapper around a data table, gridSpan, vMerge, a cell of two
paragraphs, tabs and breaks inside runs, a table nested in a cell, deleted text and field codes."""

from __future__ import annotations

import io
import zipfile

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _p(text: str = "", num: tuple[int, int] | None = None, runs: str | None = None) -> str:
    ppr = (
        f'<w:pPr><w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr></w:pPr>'
        if num
        else ""
    )
    body = runs if runs is not None else f"<w:r><w:rPr><w:b/></w:rPr><w:t>{text}</w:t></w:r>"
    return f"<w:p>{ppr}{body}</w:p>"


def _tc(inner: str, span: int = 1, vmerge: str | None = None) -> str:
    props = ""
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge is not None:
        props += "<w:vMerge/>" if vmerge == "continue" else f'<w:vMerge w:val="{vmerge}"/>'
    return f'<w:tc><w:tcPr><w:tcW w:w="1000" w:type="dxa"/>{props}</w:tcPr>{inner}</w:tc>'


def _tbl(rows: list[str]) -> str:
    return "<w:tbl><w:tblPr/><w:tblGrid/>" + "".join(f"<w:tr>{r}</w:tr>" for r in rows) + "</w:tbl>"


def _sdt(inner: str) -> str:
    return f"<w:sdt><w:sdtPr/><w:sdtContent>{inner}</w:sdtContent></w:sdt>"


NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="0">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>
<w:num w:numId="3"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>"""


def structured_body() -> str:
    data = _tbl(
        [
            _tc(_p("项目")) + _tc(_p("合计"), span=2) + _tc(_p("备注")),
            _tc(_p("申请"), vmerge="restart")
            + _tc(_p("12"))
            + _tc(_p("3"))
            + _tc(_p("第一段") + _p("第二段")),
            _tc(_p(""), vmerge="continue")
            + _tc(_sdt(_p("4")))
            + _tc(_p(runs="<w:r><w:t>5</w:t></w:r><w:r><w:tab/><w:t>6</w:t></w:r>"))
            + _tc(_p("外") + _tbl([_tc(_p("内1")) + _tc(_p("内2"))])),
        ]
    )
    wrapper = _tbl([_tc(_p("包装表格中的说明") + data)])
    return (
        _p("总体情况", num=(3, 0))
        + _p("主动公开", num=(3, 1))
        + _p("依申请公开", num=(3, 1))
        + _sdt(_p("内容控件中的段落"))
        + _p("政府信息公开", num=(3, 0))
        + _p(runs="<w:r><w:t>第一行</w:t><w:br/><w:t>第二行</w:t></w:r>")
        + _p(
            runs='<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
            "<w:r><w:t>保留</w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>"
        )
        + wrapper
        + _p("表后段落")
    )


def structured_docx() -> bytes:
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}">'
        f"<w:body>{structured_body()}<w:sectPr/></w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("word/document.xml", document)
        zf.writestr("word/numbering.xml", NUMBERING)
    return buf.getvalue()

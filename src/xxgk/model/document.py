"""The document model every reader produces: paragraphs and table grids, each with provenance.

Readers (text, markdown, HTML, DOCX, PDF) differ in what they can see; they all hand the extractor the
same shapes, so extraction never depends on the file format.

The classes made by the thousand per report (Provenance, Cell, Row, Paragraph; likewise Unit, Slot,
LogicalRow, Reading and RowChoice in extract) write their __init__ out (dataclass(init=False)): the
parsing core is compiled with mypyc, and a dataclass-generated __init__ stays interpreted Python, about
ten times slower to call than a compiled one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True, init=False)
class Provenance:
    """Where a piece of text sits in the source (1-based; None where it does not apply).

    Treat as immutable. Not declared frozen: readers create one per cell and token, and a frozen
    dataclass costs four times as much to construct (and cannot have a compiled __init__).
    """

    line: int | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    x: float | None = None  # horizontal position (character column or PDF points), for alignment
    confidence: float = 1.0  # < 1 for OCR'd text

    def __init__(
        self,
        line: int | None = None,
        page: int | None = None,
        table: int | None = None,
        row: int | None = None,
        col: int | None = None,
        x: float | None = None,
        confidence: float = 1.0,
    ) -> None:
        self.line, self.page, self.table, self.row, self.col = line, page, table, row, col
        self.x, self.confidence = x, confidence

    def as_location(self) -> dict[str, int | None]:
        return {"line": self.line, "page": self.page, "table": self.table, "row": self.row, "col": self.col}


@dataclass(slots=True, init=False)
class Cell:
    text: str
    prov: Provenance
    spanned: bool  # an empty position a cell to its left spans (colspan, gridSpan): not a cell of its own

    def __init__(self, text: str, prov: Provenance, spanned: bool = False) -> None:
        self.text, self.prov, self.spanned = text, prov, spanned


@dataclass(slots=True, init=False)
class Row:
    """One row of a table grid. Merged cells appear as empty cells, never as copies."""

    cells: list[Cell]
    prov: Provenance

    def __init__(self, cells: list[Cell], prov: Provenance) -> None:
        self.cells, self.prov = cells, prov


@dataclass(slots=True)
class Table:
    rows: list[Row]
    prov: Provenance


@dataclass(slots=True, init=False)
class Paragraph:
    text: str
    prov: Provenance

    def __init__(self, text: str, prov: Provenance) -> None:
        self.text, self.prov = text, prov


Block = Paragraph | Table


@dataclass(slots=True)
class Source:
    path: str
    sha256: str
    format: str


@dataclass(slots=True)
class Document:
    blocks: list[Block]
    source: Source
    meta: dict[str, str] = field(default_factory=dict)  # e.g. {"published": "2023-02-20"}

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def plain_text(self) -> str:
        """All text in reading order, table cells joined by tabs (for narrative and year checks)."""
        parts: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                parts.append(block.text)
            else:
                parts.extend("\t".join(c.text for c in row.cells) for row in block.rows)
        return "\n".join(parts)

    def source_text(self) -> str:
        """The text findings point into: each paragraph and table row on its own source line where the
        reader numbers lines (text formats, PDF), so that `location.line` N is line N of this text;
        reading order otherwise (DOCX, HTML locate by table/row/col)."""
        numbered: dict[int, str] = {}
        for block in self.blocks:
            if isinstance(block, Paragraph):
                if block.prov.line:
                    numbered[block.prov.line] = block.text
                continue
            for row in block.rows:
                if row.prov.line:
                    numbered[row.prov.line] = "\t".join(c.text for c in row.cells)
        if not numbered:
            return self.plain_text()
        return "\n".join(numbered.get(i, "") for i in range(1, max(numbered) + 1))

"""Pure data shared by every stage: documents, records, findings. No I/O here."""

from xxgk.model.document import Block, Cell, Document, Paragraph, Provenance, Row, Source, Table
from xxgk.model.finding import Finding, Location, Severity
from xxgk.model.record import cell_items, get_cell, set_cell

__all__ = [
    "Block",
    "Cell",
    "Document",
    "Finding",
    "Location",
    "Paragraph",
    "Provenance",
    "Row",
    "Severity",
    "Source",
    "Table",
    "cell_items",
    "get_cell",
    "set_cell",
]

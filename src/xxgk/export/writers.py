"""Streaming writers for csv, jsonl and parquet: rows go out as they come, the corpus is never in memory.

Parquet goes through DuckDB (a dependency already) rather than pyarrow: the rows are streamed to a
temporary newline-delimited JSON file, then `COPY (SELECT … FROM read_json(…, columns=…)) TO … (FORMAT
parquet)` with explicit column types, so DuckDB never guesses a type from the first rows.

Cell values are DOUBLE in parquet. A DOUBLE holds every count exactly (to 2^53) and every amount as
printed (≤ 15 significant digits); BIGINT would silently truncate a non-integral count that a misprinted
report can carry (NONNEG flags it, the export must not hide it), and DECIMAL comes back as Python
Decimal objects in most dataframe tools.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from xxgk.export.columns import Column

_PARQUET_TYPES = {"text": "VARCHAR", "int": "BIGINT", "count": "DOUBLE", "amount": "DOUBLE"}


def _csv_value(value: Any) -> Any:
    """Blank stays an empty field (never 0); numbers as Python prints them (710.824, not 7.10824e2)."""
    return "" if value is None else value


def write_csv(
    path: Path, columns: Sequence[Column], rows: Iterable[dict[str, Any]], labels: bool = False
) -> int:
    """UTF-8 with BOM so that Excel opens Chinese text; machine keys as header, labels as a second row."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.key for c in columns])
        if labels:
            writer.writerow([c.label for c in columns])
        for row in rows:
            writer.writerow([_csv_value(row.get(c.key)) for c in columns])
            count += 1
    return count


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """One JSON object per line, UTF-8, Chinese not escaped."""
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, default=_json_default))
            fh.write("\n")
            count += 1
    return count


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _select(columns: Sequence[Column], source: Path | None) -> str:
    if source is None:  # no rows: an empty file with the right schema
        cols = ", ".join(f'CAST(NULL AS {_PARQUET_TYPES[c.type]}) AS "{c.key}"' for c in columns)
        return f"SELECT {cols} WHERE false"
    spec = ", ".join(f"{_sql_string(c.key)}: {_sql_string(_PARQUET_TYPES[c.type])}" for c in columns)
    return (
        f"SELECT * FROM read_json({_sql_string(str(source))}, format = 'newline_delimited', "
        f"columns = {{{spec}}})"
    )


def write_parquet(path: Path, columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> int:
    """Rows → temporary NDJSON → DuckDB COPY to parquet, with the columns' declared types."""
    with tempfile.TemporaryDirectory(prefix="xxgk-export-") as tmp:
        staging = Path(tmp) / "rows.jsonl"
        keys = [c.key for c in columns]
        count = write_jsonl(staging, ({k: row.get(k) for k in keys} for row in rows))
        con = duckdb.connect()
        try:
            query = _select(columns, staging if count else None)
            con.execute(f"COPY ({query}) TO {_sql_string(str(path))} (FORMAT parquet)")
        finally:
            con.close()
    return count

"""Exports as files: CSV for Excel (UTF-8 with BOM), XLSX with a real header, JSON.

Every text cell a spreadsheet would run as a formula is neutralised (a leading
quote, which ``cqn import`` drops again).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cqn_cli.dates import format_date
from cqn_cli.values import neutralise_formula

if TYPE_CHECKING:
    from cqn_cli.exports import ExportColumn

_VOCABULARIES = ("gender", "status", "group_kind", "meeting_kind", "mark", "reason")
MAX_WIDTH = 50
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")  # not allowed in a sheet's name


def cell_text(value: Any, kind: str, lang: str) -> str:
    """A value as written in a file ``cqn import`` reads: the clerk's words in Vietnamese,
    the vocabulary of SPEC §2 in English; dates ``dd/mm/yyyy`` (ISO in English)."""
    from cqn_cli.i18n import t

    if value is None:
        return ""
    if kind in ("date", "partial_date"):
        return format_date(str(value), lang)
    if kind == "bool":
        if lang == "vi":
            return t("value.yes") if value else t("value.no")
        return "true" if value else "false"
    if kind in _VOCABULARIES and lang == "vi":
        return t(f"{kind}.{value}")
    return str(value)


def to_csv(
    columns: Sequence[ExportColumn], rows: Sequence[dict[str, Any]], lang: str, *, bom: bool = True
) -> bytes:
    """CSV for Excel: a file gets the BOM that tells Excel it is UTF-8; standard output
    (``bom=False``), read by scripts, has none (as a listing's)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.vi if lang == "vi" else c.en for c in columns])
    for row in rows:
        writer.writerow(
            [neutralise_formula(cell_text(row.get(c.key), c.kind, lang)) for c in columns]
        )
    return buf.getvalue().encode("utf-8-sig" if bom else "utf-8")


def to_json(rows: Sequence[dict[str, Any]], params: dict[str, Any]) -> bytes:
    doc = {"params": params, "rows": list(rows), "total": {"count": len(rows)}}
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _xlsx_value(value: Any, kind: str, lang: str) -> Any:
    if value is None:
        return None
    if kind in ("int", "money") and isinstance(value, int):
        return value
    if kind == "rate" and isinstance(value, (int, float)):
        return float(value)  # a share in [0, 1], shown as a percentage
    if kind in ("date", "partial_date") and isinstance(value, str) and len(value) == 10:
        return dt.date.fromisoformat(value)  # a real date; a partial one stays text
    return neutralise_formula(cell_text(value, kind, lang))


def to_xlsx(
    columns: Sequence[ExportColumn], rows: Sequence[dict[str, Any]], lang: str, sheet: str
) -> bytes:
    """One sheet: bold frozen header, widths that fit, numbers as numbers, dates as dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _SHEET_FORBIDDEN.sub("-", sheet)[:31] or "cqn"
    heads = [c.vi if lang == "vi" else c.en for c in columns]
    ws.append(heads)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in heads]
    date_format = "DD/MM/YYYY" if lang == "vi" else "YYYY-MM-DD"
    for row in rows:
        values = [_xlsx_value(row.get(c.key), c.kind, lang) for c in columns]
        ws.append(values)
        for i, value in enumerate(values):
            shown = value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value
            widths[i] = max(widths[i], len(str(shown)) if shown is not None else 0)
    for i, c in enumerate(columns, start=1):
        if c.kind in ("date", "partial_date"):
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                if isinstance(cell.value, dt.date):
                    cell.number_format = date_format
        elif c.kind == "rate":
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "0.00%"
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = min(MAX_WIDTH, widths[i - 1] + 2)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

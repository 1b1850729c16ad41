"""The rejects file of ``--skip-bad``: the bad rows as they came, plus a reason column."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

from cqn_cli.atomic import write_atomically
from cqn_cli.errors import RowProblem
from cqn_cli.i18n import describe_problem, t
from cqn_cli.ingest import read
from cqn_cli.ingest.read import Cell, Source
from cqn_cli.text import encode_cp1258
from cqn_cli.values import neutralise_formula


def _reasons(problems: Sequence[RowProblem]) -> dict[int, str]:
    """Each refused line's reasons, after the line of the file it came from (the rows
    of the rejects file are not where they were)."""
    by_line: dict[int, list[str]] = {}
    for p in problems:
        by_line.setdefault(p.line, []).append(describe_problem("", p, with_path=False))
    return {
        line: f"{t('rejects.line', line=line)}: {'; '.join(texts)}"
        for line, texts in by_line.items()
    }


def _as_text(cell: Cell) -> str:
    return cell if isinstance(cell, str) else str(cell)  # a day in ISO; a month as shown


def write_rejects(
    src: Source, target: Path, header_line: int, problems: Sequence[RowProblem]
) -> None:
    """Write the header and every refused row of ``src`` to ``target``, atomically, mode 0600."""
    reasons = _reasons(problems)
    kept: list[tuple[list[Cell], str]] = []  # (cells, reason), the header first
    for line, cells in read.rows(src):
        if line == header_line:
            kept.insert(0, (list(cells), t("col.reason")))
        elif line in reasons:
            kept.append((list(cells), reasons[line]))
    # The reason in a column of its own, under its heading, however short a row was cut
    # (a workbook drops empty cells at the end of a row) or long it ran.
    width = max((len(cells) for cells, _ in kept), default=0)
    table = [cells + [""] * (width - len(cells)) + [reason] for cells, reason in kept]
    write_atomically(target, _encode(src, table, target))


# How a workbook showed a date cell, to show it so again (see ``dates.ShownDate``).
_SHOWN_AS = {"month": "mm/yyyy", "year": "yyyy"}


def _encode(src: Source, table: list[list[Cell]], target: Path) -> bytes:
    suffix = target.suffix.lower()
    if suffix == ".xlsx" or (src.kind == "xlsx" and suffix not in (".csv", ".txt")):
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        names = read.sheet_names(src.path) if src.kind == "xlsx" else []
        if names:  # the sheet's name too, as the clerk named it (not as --sheet was typed)
            ws.title = read.sheet_named(src.sheet, names) if src.sheet else names[0]
        for row in table:
            # A workbook's cells as they came: numbers as numbers, dates as dates shown
            # as the sheet showed them (so that the fixed file reads back the same).
            ws.append([neutralise_formula(c) if isinstance(c, str) else c for c in row])
            for cell, value in zip(ws[ws.max_row], row, strict=False):
                if isinstance(value, dt.date):
                    cell.number_format = _SHOWN_AS.get(getattr(value, "shown", ""), "dd/mm/yyyy")
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    text = io.StringIO()
    writer = csv.writer(text, delimiter=src.delimiter, lineterminator="\r\n")
    writer.writerows([[neutralise_formula(_as_text(c)) for c in row] for row in table])
    body = text.getvalue()
    encoding = src.encoding or "utf-8"
    if encoding == "cp1258":
        return encode_cp1258(body)
    if encoding.startswith("utf-16"):
        return (b"\xff\xfe" if encoding != "utf-16-be" else b"\xfe\xff") + body.encode(
            "utf-16-le" if encoding != "utf-16-be" else "utf-16-be"
        )
    bom = src.bom or src.kind == "xlsx"  # a CSV made from a workbook is for Excel: BOM
    return (b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8")

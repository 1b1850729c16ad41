"""The review report as a Rich document, Markdown, HTML (one printable A4 page) or XLSX.

Every renderer walks the same sections with the same column layouts; the text
comes from the catalogue (Vietnamese by default) and numbers are in its style.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cqn_cli.i18n import fmt_int, fmt_pct, fmt_share, lang, t
from cqn_cli.render.output import Column, human
from cqn_cli.report import Report, Section
from cqn_cli.values import neutralise_formula


@dataclass(frozen=True)
class Layout:
    title: str  # catalogue key
    columns: tuple[Column, ...]


def _c(key: str, title: str, kind: str = "text", justify: str = "left") -> Column:
    return Column(key, title, kind, justify)


def _n(key: str, title: str) -> Column:
    return Column(key, title, "int", "right")


_WARD = (_c("ward_code", "col.ward_code"), _c("ward", "col.ward"))
LAYOUTS: dict[str, Layout] = {
    "gathering": Layout(
        "report.gathering",
        (*_WARD, _c("share", "col.gathered_share", "text", "right")),
    ),
    "profile": Layout(
        "report.profile",
        (
            *_WARD,
            _n("gathered", "col.gathered"),
            _n("party_members", "col.party_member"),
            _n("youth_union_members", "col.youth_union_member"),
            _n("reservists", "col.reservist"),
            _n("ccb_members", "col.veterans_association_member"),
            _n("clubs", "col.clubs"),
            _n("boards", "col.boards"),
            _n("smallest_group", "col.smallest_group"),
            _n("largest_group", "col.largest_group"),
        ),
    ),
    "groups": Layout(
        "report.groups",
        (
            *_WARD,
            _c("group_code", "col.code"),
            _c("group", "col.group"),
            _c("kind", "col.kind", "group_kind"),
            _n("members", "col.members"),
        ),
    ),
    "meetings": Layout(
        "report.meetings",
        (
            _c("group_code", "col.code"),
            _c("ward", "col.ward"),
            _n("quarters", "col.quarters"),
            _n("quarters_met", "col.quarters_met"),
            _c("rate", "col.rate", "rate", "right"),
            _c("missed", "col.missed"),
        ),
    ),
    "attendance_by_quarter": Layout(
        "report.attendance_by_quarter",
        (
            _c("quarter", "col.quarter"),
            _n("meetings", "col.meetings"),
            _n("expected", "col.expected"),
            _n("present", "col.present"),
            _n("excused", "col.excused"),
            _c("rate", "col.rate", "rate", "right"),
        ),
    ),
    "attendance_by_kind": Layout(
        "report.attendance_by_kind",
        (
            _c("kind", "col.kind", "meeting_kind"),
            _n("meetings", "col.meetings"),
            _n("expected", "col.expected"),
            _n("present", "col.present"),
            _n("excused", "col.excused"),
            _c("rate", "col.rate", "rate", "right"),
        ),
    ),
    "gatherings": Layout(
        "report.gatherings",
        (
            _c("occasion", "col.occasion"),
            _c("year", "col.year"),
            *_WARD,
            _c("share", "col.present_share", "text", "right"),
        ),
    ),
    "visits_by_ward": Layout(
        "report.visits_by_ward",
        (
            *_WARD,
            _n("visits", "col.visits"),
            _n("people", "col.people_visited"),
            _c("gift_total", "col.gift_total", "money", "right"),
        ),
    ),
    "visits_by_reason": Layout(
        "report.visits_by_reason",
        (
            _c("reason", "col.reason_visit", "reason"),
            _n("visits", "col.visits"),
            _n("people", "col.people_visited"),
            _c("gift_total", "col.gift_total", "money", "right"),
        ),
    ),
    "inactive": Layout(
        "report.inactive",
        (
            _c("person_id", "col.id"),
            _c("name", "col.full_name"),
            _c("group_code", "col.group"),
            _c("last_present", "col.last_present", "date"),
        ),
    ),
}


def _with_shares(section: Section) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows and total with the ``x/y (z%)`` column the report shows for a share."""

    def share(row: dict[str, Any]) -> dict[str, Any]:
        if "gathered" in row and "on_roster" in row:
            return {**row, "share": fmt_share(row["gathered"], row["on_roster"], row["rate"])}
        if "present" in row and "on_roster" in row:
            return {**row, "share": fmt_share(row["present"], row["on_roster"], row["rate"])}
        return row

    return [share(r) for r in section.table.rows], share(section.table.total)


def summary_line(section: Section) -> str:
    """One sentence: the section's total, and the previous period's beside it."""
    current = _total_text(section.key, section.table.total)
    if section.previous is None:
        return current
    return t("report.versus", now=current, before=_total_text(section.key, section.previous.total))


def _total_text(key: str, total: dict[str, Any]) -> str:
    if key == "gathering":
        return fmt_share(total["gathered"], total["on_roster"], total["rate"])
    if key == "gatherings":
        return fmt_share(total["present"], total["on_roster"], total["rate"])
    if key.startswith("attendance"):
        return fmt_share(total["present"], total["expected"], total["rate"])
    if key == "meetings":
        return fmt_share(total["quarters_met"], total["quarters"], total["rate"])
    if key.startswith("visits"):
        return t(
            "report.visits_total",
            visits=fmt_int(total["visits"]),
            people=fmt_int(total["people"]),
            gift=fmt_int(total["gift_total"]),
        )
    if key == "inactive":
        return t("report.inactive_total", count=fmt_int(total["inactive"]))
    if key == "groups":
        return t("report.groups_total", members=fmt_int(total["members"]))
    if key == "profile":
        return t(
            "report.profile_total",
            gathered=fmt_int(total["gathered"]),
            clubs=fmt_int(total["clubs"]),
            boards=fmt_int(total["boards"]),
        )
    return ""


def _cells(section: Section, row: dict[str, Any]) -> list[str]:
    return [human(row.get(c.key), c.kind) for c in LAYOUTS[section.key].columns]


def _heading(report: Report) -> str:
    p = report.period
    return t("report.title", start=p.start.strftime("%d/%m/%Y"), end=p.end.strftime("%d/%m/%Y"))


def _rows_of(section: Section) -> list[dict[str, Any]]:
    return _with_shares(section)[0]


# ---- Rich (terminal) --------------------------------------------------------------------


def to_console(report: Report, console: Any) -> None:
    from rich.table import Table

    console.print(_heading(report), style="bold")
    for section in report.sections:
        layout = LAYOUTS[section.key]
        table = Table(title=t(layout.title), title_justify="left", header_style="bold")
        columns = list(layout.columns)
        if section.key == "gathering":
            columns.append(_c("bar", "col.bar"))
        for c in columns:
            table.add_column(t(c.title), justify=c.justify)  # type: ignore[arg-type]
        for row in _rows_of(section):
            cells = [human(row.get(c.key), c.kind) for c in layout.columns]
            if section.key == "gathering":
                cells.append(_bar(row["rate"]))
            table.add_row(*cells)
        console.print(table)
        console.print(summary_line(section))


def _bar(share: float, width: int = 20) -> str:
    full = round(share * width)
    return "█" * full + "░" * (width - full)


# ---- Markdown ---------------------------------------------------------------------------


def to_markdown(report: Report) -> str:
    out = [f"# {_heading(report)}", ""]
    for section in report.sections:
        layout = LAYOUTS[section.key]
        out += [f"## {t(layout.title)}", "", summary_line(section), ""]
        heads = [t(c.title) for c in layout.columns]
        out.append("| " + " | ".join(heads) + " |")
        out.append(
            "| "
            + " | ".join("---:" if c.justify == "right" else "---" for c in layout.columns)
            + " |"
        )
        for row in _rows_of(section):
            out.append("| " + " | ".join(_md(v) for v in _cells(section, row)) + " |")
        out.append("")
    return "\n".join(out)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# ---- HTML -------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 15mm; }
body { font-family: "Times New Roman", serif; font-size: 11pt; color: #000; }
h1 { font-size: 15pt; text-align: center; text-transform: uppercase; }
h2 { font-size: 12pt; margin-top: 14pt; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
th, td { border: 1px solid #444; padding: 2pt 4pt; }
th { background: #eee; }
td.r { text-align: right; }
p.sum { margin: 4pt 0; font-style: italic; }
svg { display: block; margin: 6pt 0; }
"""


def to_html(report: Report) -> str:
    esc = html.escape
    lang = "vi" if t("report.lang") == "vi" else "en"
    parts = [
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{esc(_heading(report))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(_heading(report))}</h1>",
    ]
    for section in report.sections:
        layout = LAYOUTS[section.key]
        parts.append(f"<h2>{esc(t(layout.title))}</h2>")
        parts.append(f'<p class="sum">{esc(summary_line(section))}</p>')
        if section.key == "gathering":
            parts.append(_svg_bars(section))
        parts.append("<table><thead><tr>")
        parts += [f"<th>{esc(t(c.title))}</th>" for c in layout.columns]
        parts.append("</tr></thead><tbody>")
        for row in _rows_of(section):
            parts.append("<tr>")
            for c, text in zip(layout.columns, _cells(section, row), strict=True):
                cls = ' class="r"' if c.justify == "right" else ""
                parts.append(f"<td{cls}>{esc(text)}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "".join(parts)


def _svg_bars(section: Section) -> str:
    """Gathering rate per ward as an inline SVG bar chart (prints with the page)."""
    rows = section.table.rows
    bar_h, gap, label_w, chart_w = 16, 4, 170, 360
    height = len(rows) * (bar_h + gap) + gap
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + chart_w + 70}" '
        f'height="{height}" role="img" aria-label="{html.escape(t(LAYOUTS["gathering"].title))}">'
    ]
    for i, row in enumerate(rows):
        y = gap + i * (bar_h + gap)
        width = round(row["rate"] * chart_w)
        out.append(
            f'<text x="0" y="{y + bar_h - 4}" font-size="10">{html.escape(row["ward"])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{width}" height="{bar_h}" fill="#3a6ea5"/>'
            f'<text x="{label_w + width + 4}" y="{y + bar_h - 4}" font-size="10">'
            f"{html.escape(fmt_pct(row['rate']))}</text>"
        )
    out.append("</svg>")
    return "".join(out)


# ---- XLSX -------------------------------------------------------------------------------


def to_xlsx(report: Report) -> bytes:
    """One sheet per section; numbers stored as numbers (a year too), rates as
    percentages, whole dates as dates; text that a spreadsheet would run as a formula
    (a name written ``=…``) kept as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for section in report.sections:
        layout = LAYOUTS[section.key]
        ws = wb.create_sheet(title=t(f"sheet.{section.key}"))
        ws.append([_heading(report)])
        ws["A1"].font = Font(bold=True)
        ws.append([t(layout.title)])
        ws.append([summary_line(section)])
        columns = [c for c in layout.columns if c.key != "share"]
        extra = _raw_columns(section.key)
        heads = [t(c.title) for c in columns] + [t(title) for _, title in extra]
        ws.append(heads)
        for cell in ws[4]:
            cell.font = Font(bold=True)
        for row in section.table.rows:
            values: list[Any] = [_xlsx_value(row.get(c.key), c.kind) for c in columns]
            values += [row.get(key) for key, _ in extra]
            ws.append(values)
            for c, cell in zip(
                [*columns, *(Column(k, k) for k, _ in extra)], ws[ws.max_row], strict=True
            ):
                if c.kind == "rate" or c.key == "rate":
                    cell.number_format = "0.00%"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "DD/MM/YYYY" if lang() == "vi" else "YYYY-MM-DD"
        ws.freeze_panes = "A5"
        for i, head in enumerate(heads, start=1):
            ws.column_dimensions[ws.cell(row=4, column=i).column_letter].width = max(
                10, len(head) + 2
            )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _raw_columns(key: str) -> list[tuple[str, str]]:
    """The numbers behind a ``x/y (z%)`` column, as numbers for the spreadsheet."""
    if key == "gathering":
        return [("on_roster", "col.on_roster"), ("gathered", "col.gathered"), ("rate", "col.rate")]
    if key == "gatherings":
        return [("on_roster", "col.on_roster"), ("present", "col.present"), ("rate", "col.rate")]
    return []


def _xlsx_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in ("int", "money", "rate") or (isinstance(value, int) and not isinstance(value, bool)):
        return value  # a count, an amount, a share, a year
    if kind == "date" and isinstance(value, str) and len(value) == 10:
        return dt.date.fromisoformat(value)
    if isinstance(value, list):
        return neutralise_formula(", ".join(str(v) for v in value))
    return neutralise_formula(human(value, kind))


RENDERERS: dict[str, Callable[[Report], str | bytes]] = {
    "md": to_markdown,
    "html": to_html,
    "xlsx": to_xlsx,
}

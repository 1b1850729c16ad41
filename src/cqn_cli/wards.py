"""The ward registry: wards with their validity, aliases, merges, and resolution by date.

A code does not identify a ward across time (20218 was Vĩnh Trung, then the
enlarged Thạc Gián), nor does a name ("An Khê" before and after 01/07/2025): a
written ward is always read at a date, and wards are keyed by the registry's id.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from cqn_cli.errors import DataError, FieldProblem, NotFound
from cqn_cli.i18n import t
from cqn_cli.store.db import Database, write
from cqn_cli.text import closest, fold, match_key, nfc

_PREFIX = re.compile(r"^(?:phường|phuong)(?:\s+|$)|^p\.\s*|^p\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Ward:
    id: str
    code: str
    name: str
    district: str | None
    province: str | None
    valid_from: str | None
    valid_to: str | None
    successor_id: str | None

    def in_force(self, day: dt.date) -> bool:
        iso = day.isoformat()
        return (self.valid_from is None or self.valid_from <= iso) and (
            self.valid_to is None or self.valid_to >= iso
        )

    @property
    def short_name(self) -> str:
        return strip_prefix(self.name)


def _at(written: str, spans: list[tuple[Ward, str | None, str | None]], as_of: dt.date) -> Ward:
    """Of the wards that bore a name or code (each from ``start`` to ``end``), the one
    that bore it on ``as_of``, else the latest that did."""
    day = as_of.isoformat()
    bearing = {w.id: w for w, start, end in spans if (start or "") <= day <= (end or "9999")}
    if len(bearing) == 1:
        return next(iter(bearing.values()))
    if len(bearing) > 1:
        listed = ", ".join(
            f"{w.name} ({', '.join(x for x in (w.code, w.district or w.province) if x)})"
            for w in bearing.values()
        )
        raise FieldProblem("file.ambiguous_ward", value=written, candidates=listed)
    return max(spans, key=lambda s: (s[2] or "9999", s[1] or ""))[0]


def strip_prefix(text: str) -> str:
    """``Phường Xuân Hà`` / ``P. Xuân Hà`` / ``P Xuân Hà`` → ``Xuân Hà``."""
    return _PREFIX.sub("", nfc(text), count=1).strip()


def _row_to_ward(row: dict[str, Any]) -> Ward:
    return Ward(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        district=row["district"],
        province=row["province"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        successor_id=row["successor_id"],
    )


class WardIndex:
    """Every ward and alias in memory, for resolving many written wards quickly."""

    def __init__(self, db: Database) -> None:
        self.wards: dict[str, Ward] = {
            r["id"]: _row_to_ward(r) for r in db.query("SELECT * FROM ward ORDER BY id")
        }
        self.aliases: dict[str, list[str]] = {}
        self._by_key: dict[str, set[str]] = {}
        self._by_fold: dict[str, set[str]] = {}
        self._by_code: dict[str, set[str]] = {}
        for ward in self.wards.values():
            self._add_name(ward.id, ward.short_name)
            self._by_code.setdefault(ward.code, set()).add(ward.id)
        for r in db.query("SELECT ward_id, alias FROM ward_alias ORDER BY alias"):
            self.aliases.setdefault(r["ward_id"], []).append(r["alias"])
            self._add_name(r["ward_id"], strip_prefix(r["alias"]))
        # Codes a ward bore for a time besides its own (the enlarged Thạc Gián's 20218).
        self.dated_codes: dict[str, list[tuple[str, str | None, str | None]]] = {}
        for r in db.query("SELECT code, ward_id, valid_from, valid_to FROM ward_dated_code"):
            borne = (r["ward_id"], r["valid_from"], r["valid_to"])
            self.dated_codes.setdefault(r["code"], []).append(borne)
        self._cache: dict[tuple[str, dt.date], Ward | FieldProblem] = {}
        self._map_cache: dict[tuple[str, dt.date], Ward] = {}

    def _add_name(self, ward_id: str, name: str) -> None:
        self._by_key.setdefault(match_key(name), set()).add(ward_id)
        self._by_fold.setdefault(fold(name), set()).add(ward_id)

    def resolve(self, written: str, as_of: dt.date) -> Ward:
        """The ward a clerk meant by ``written`` (name, alias or code) on ``as_of``.

        Exact name first (case, NFC and tone placement folded), then the
        accent-free name when it names only one ward; among the wards that bore
        it, the one in force on ``as_of``, else the latest. Raises FieldProblem
        with a "did you mean" for a near miss.
        """
        cache_key = (written, as_of)
        found = self._cache.get(cache_key)
        if found is None:
            try:
                found = self._resolve(written, as_of)
            except FieldProblem as problem:  # a misspelt ward repeats on every row: once
                self._cache[cache_key] = problem
                raise
            self._cache[cache_key] = found
        if isinstance(found, FieldProblem):
            raise FieldProblem(found.key, **found.params)
        return found

    def _resolve(self, written: str, as_of: dt.date) -> Ward:
        if written.strip() in self.wards:  # the registry's own id: one ward, at any date
            return self.wards[written.strip()]
        text = strip_prefix(written)
        if not text:
            raise FieldProblem("value.required")
        if text.isdigit():  # each ward bore a code for its life, some another for a time
            spans = [(self.wards[w], self.wards[w].valid_from, self.wards[w].valid_to)
                     for w in self._by_code.get(text, ())]  # fmt: skip
            spans += [
                (self.wards[w], start, end) for w, start, end in self.dated_codes.get(text, ())
            ]
            if spans:
                return _at(written, spans, as_of)
        candidates = self._by_key.get(match_key(text))
        if not candidates:
            loose = self._by_fold.get(fold(text), set())
            names = {match_key(self.wards[w].short_name) for w in loose}
            if len(names) > 1:
                listed = ", ".join(sorted({self.wards[w].name for w in loose}))
                raise FieldProblem("file.ambiguous_ward", value=written, candidates=listed)
            candidates = loose
        if not candidates:
            suggestion = self.suggest(text)
            if suggestion:
                raise FieldProblem(
                    "file.unknown_ward_suggest", value=written, suggestion=suggestion
                )
            raise FieldProblem("file.unknown_ward", value=written)
        wards = [self.wards[w] for w in candidates]
        return _at(written, [(w, w.valid_from, w.valid_to) for w in wards], as_of)

    def reference(self, ward_id: str, today: dt.date) -> str:
        """How to write a ward so that it reads back as this very ward: its name when the
        name means it today, else its id (an old ward whose name a new one now bears)."""
        ward = self.wards[ward_id]
        try:
            if self.resolve(ward.name, today).id == ward_id:
                return ward.name
        except FieldProblem:
            pass
        return ward_id

    def names_for(self, text: str) -> set[str]:
        """Wards (any time) whose name or alias is ``text``, exactly or accent-free."""
        return self._by_key.get(match_key(text), set()) | self._by_fold.get(fold(text), set())

    def codes_for(self, text: str) -> set[str]:
        return self._by_code.get(text.strip(), set())

    def suggest(self, text: str) -> str | None:
        """The ward name closest to a mistyped one (an alias leads to its ward's name)."""
        named = {w.short_name: w.short_name for w in self.wards.values()}
        for ward_id, aliases in self.aliases.items():
            for alias in aliases:
                named.setdefault(alias, self.wards[ward_id].short_name)
        close = closest(text, named)
        return named[close[0]] if close else None

    def same_place(self, a: str, b: str, day: dt.date) -> bool:
        """True if wards ``a`` and ``b`` are one ward on the map of ``day``.

        A person held in ward 20224 (An Khê, 2019) is in the new An Khê (20305) of
        a roster sent in 2026; Hòa Khê and Thanh Khê Đông are two places in 2019.
        """
        return a == b or self.on_map(a, day).id == self.on_map(b, day).id

    def rolls_into(self, a: str, b: str, day: dt.date) -> bool:
        """Whether ward ``a`` is ward ``b`` on the map of ``day``, or, when ``b`` came into
        force only after ``day``, on the map of ``b``'s first day (20224, An Khê of 2019,
        is 20305, the An Khê of 2025; Hòa Khê is not Thanh Khê Đông in 2019, though it
        became part of it in 2025: both were in force)."""
        later = self.wards[b].valid_from
        if later is not None and later > day.isoformat():
            day = dt.date.fromisoformat(later)
        return self.on_map(a, day).id == b

    def one_place(self, a: str, b: str, day: dt.date) -> bool:
        """Whether a person held in ward ``a`` and one written in ward ``b`` on the map
        of ``day`` live in one place: the same ward on that map, or one of them a ward
        of a later map that the other had become part of (a roster typed on today's map,
        then sent again dated 2019: its 20224 is the held 20305)."""
        return (
            self.same_place(a, b, day) or self.rolls_into(a, b, day) or self.rolls_into(b, a, day)
        )

    def on_map(self, ward_id: str, map_date: dt.date) -> Ward:
        """The ward that ``ward_id`` had become by ``map_date`` (SPEC §4 ward map).

        Follow the chain of successors while the successor had come into force
        (the day after its predecessor's ``valid_to``) on or before ``map_date``.
        """
        key = (ward_id, map_date)
        cached = self._map_cache.get(key)
        if cached is not None:
            return cached
        ward = self.wards[ward_id]
        iso = map_date.isoformat()
        seen = {ward.id}
        while ward.successor_id and ward.valid_to is not None and ward.valid_to < iso:
            ward = self.wards[ward.successor_id]
            if ward.id in seen:  # a cycle typed by hand: stop rather than loop
                break
            seen.add(ward.id)
        self._map_cache[key] = ward
        return ward


def ward_names(db: Database) -> dict[str, str]:
    """Each ward's name by its id (how a ward held by id is said to the clerk)."""
    return dict(db.execute("SELECT id, name FROM ward").fetchall())


def wards_within(index: WardIndex, ward: Ward, day: dt.date) -> list[str]:
    """Ids of the wards whose people belong to ``ward`` on the map of ``day``.

    ``day`` is clamped to the ward's own life, so a ward merged away still
    gathers what it held on its last day (and the older wards merged into it).
    """
    if ward.valid_to is not None and ward.valid_to < day.isoformat():
        day = dt.date.fromisoformat(ward.valid_to)
    return sorted(w for w in index.wards if index.on_map(w, day).id == ward.id)


def check_default_ward(index: WardIndex, written: str, as_of: dt.date) -> None:
    """``--ward`` of an import, checked once before any row: a wrong one is exit 2."""
    from cqn_cli.errors import UsageError

    try:
        index.resolve(written, as_of)
    except FieldProblem as problem:
        raise UsageError("usage.bad_ward", reason=t(problem.key, **problem.params)) from None


def resolve_or_fail(db: Database, written: str, as_of: dt.date) -> Ward:
    """Resolve a ward named on the command line; a miss is a user error."""
    try:
        return WardIndex(db).resolve(written, as_of)
    except FieldProblem as problem:
        key = {
            "file.unknown_ward": "ward.not_found",
            "file.unknown_ward_suggest": "ward.not_found_suggest",
            "file.ambiguous_ward": "ward.ambiguous",
            "value.required": "ward.not_found",
        }[problem.key]
        raise NotFound(key, **{"value": written, **problem.params}) from None


@dataclass(frozen=True)
class WardRow:
    ward: Ward
    successor_name: str | None
    aliases: list[str]
    people: int


def list_wards(db: Database, as_of: dt.date | None = None) -> list[WardRow]:
    index = WardIndex(db)
    counts = {
        r["ward_id"]: r["n"]
        for r in db.query("SELECT ward_id, count(*) AS n FROM person GROUP BY ward_id")
    }
    wards = sorted(
        index.wards.values(), key=lambda w: (w.valid_from or "", w.code, w.valid_to or "9999")
    )
    return [
        WardRow(
            ward=w,
            successor_name=index.wards[w.successor_id].name if w.successor_id else None,
            aliases=index.aliases.get(w.id, []),
            people=counts.get(w.id, 0),
        )
        for w in wards
        if as_of is None or w.in_force(as_of)
    ]


def _new_id(db: Database, name: str) -> str:
    base = "w-" + re.sub(r"[^a-z0-9]+", "-", fold(strip_prefix(name))).strip("-")
    candidate, n = base, 2
    while db.execute("SELECT 1 FROM ward WHERE id = ?", [candidate]).fetchone():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def add_ward(
    db: Database,
    code: str,
    name: str,
    *,
    valid_from: dt.date | None,
    district: str | None = None,
    province: str | None = None,
) -> Ward:
    """Add a ward in force from ``valid_from`` (or always)."""
    code, name = code.strip(), nfc(name)
    if not strip_prefix(name):
        raise DataError("ward.empty")
    if not code.isdigit():
        raise DataError("ward.bad_code", value=code)
    day = valid_from or dt.date.today()
    index = WardIndex(db)
    iso = day.isoformat()
    for other in index.wards.values():
        if other.code == code and other.in_force(day):
            raise DataError("ward.exists", value=code)
    for _, start, end in index.dated_codes.get(code, ()):  # a code borne for a time
        if (start or "") <= iso <= (end or "9999"):
            raise DataError("ward.exists", value=code)
    ward = Ward(
        id=_new_id(db, name),
        code=code,
        name=name,
        district=nfc(district) if district else None,
        province=nfc(province) if province else None,
        valid_from=valid_from.isoformat() if valid_from else None,
        valid_to=None,
        successor_id=None,
    )
    with write(db):
        db.execute(
            "INSERT INTO ward (id, code, name, district, province, valid_from)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [ward.id, ward.code, ward.name, ward.district, ward.province, ward.valid_from],
        )
    return ward


def sharing(db: Database, ward: Ward) -> list[Ward]:
    """Wards still in force on ``ward``'s first day or later that bear its name (or an
    alias of it) or its code: until they are merged into it (``ward merge``, as the new
    An Khê took the old in 2025) or end, a file naming it on a day both are in force
    cannot be read."""
    index = WardIndex(db)
    since = ward.valid_from or ""  # none: in force always, beside every ward not ended
    alike = index.names_for(strip_prefix(ward.name)) | index.codes_for(ward.code)
    return sorted(
        (index.wards[w] for w in alike - {ward.id} if (index.wards[w].valid_to or "9999") >= since),
        key=lambda w: w.code,
    )


def add_alias(db: Database, written: str, alias: str, as_of: dt.date) -> Ward:
    """Another spelling of a ward; refused if it is (or folds to) another ward's name."""
    ward = resolve_or_fail(db, written, as_of)
    index = WardIndex(db)
    text = strip_prefix(alias)
    if not text:
        raise DataError("ward.empty")
    others = (index.names_for(text) | index.codes_for(text)) - {ward.id}
    if others:
        names = ", ".join(sorted({index.wards[w].name for w in others}))
        raise DataError("ward.alias_taken", alias=alias, wards=names)
    with write(db):
        db.execute(
            "INSERT OR IGNORE INTO ward_alias (ward_id, alias) VALUES (?, ?)", [ward.id, nfc(alias)]
        )
    return ward


def _leads_to(index: WardIndex, start: str, target: str) -> bool:
    """True if ``target`` is among the successors of ``start``."""
    seen: set[str] = set()
    ward = index.wards[start]
    while ward.successor_id and ward.id not in seen:
        seen.add(ward.id)
        if ward.successor_id == target:
            return True
        ward = index.wards[ward.successor_id]
    return False


def merge_wards(db: Database, olds: list[str], into: str, on: dt.date) -> tuple[list[Ward], Ward]:
    """From ``on``, the ``olds`` wards are part of ``into``: they end the day before."""
    day_before = on - dt.timedelta(days=1)
    new = resolve_or_fail(db, into, on)
    old_wards = [resolve_or_fail(db, w, day_before) for w in olds]
    index = WardIndex(db)
    on_text = on.strftime("%d/%m/%Y")
    if new.valid_from is not None and new.valid_from > on.isoformat():
        raise DataError("ward.merge_target_not_yet", ward=new.name, date=on_text)
    if new.valid_to is not None and new.valid_to < on.isoformat():
        raise DataError("ward.merge_target_ended", ward=new.name, date=on_text)
    for ward in old_wards:
        if ward.id == new.id:
            raise DataError("ward.merge_into_self", ward=ward.name)
        if ward.successor_id is not None or ward.valid_to is not None:
            # History is not rewritten: a ward merges once.
            into = index.wards[ward.successor_id].name if ward.successor_id else "—"
            end = dt.date.fromisoformat(ward.valid_to).strftime("%d/%m/%Y") if ward.valid_to else ""
            raise DataError("ward.already_merged", ward=ward.name, into=into, date=end)
        if ward.valid_from is not None and ward.valid_from > day_before.isoformat():
            raise DataError("ward.merge_not_yet", ward=ward.name, date=on_text)
        if _leads_to(index, new.id, ward.id):
            raise DataError("ward.merge_loop", ward=ward.name, into=new.name)
    with write(db):
        for ward in old_wards:
            db.execute(
                "UPDATE ward SET valid_to = ?, successor_id = ? WHERE id = ?",
                [day_before.isoformat(), new.id, ward.id],
            )
    return old_wards, new

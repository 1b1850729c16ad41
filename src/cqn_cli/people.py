"""People on the roster: identity, lookup, listing, and the edits a clerk makes by hand."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from cqn_cli.store.db import Database

if TYPE_CHECKING:
    from cqn_cli.wards import WardIndex

from cqn_cli.dates import format_date, precision_prefix_compare
from cqn_cli.errors import DataError, FieldProblem, NotFound, UsageError
from cqn_cli.i18n import lang, t
from cqn_cli.ingest.fields import ROSTER
from cqn_cli.store.db import write
from cqn_cli.text import closest, fold, mask, match_and_fold, match_key, vn_name_sort_key

# Database columns of a person, in the order of SPEC §3; each is the field's English alias.
PERSON_COLUMNS: tuple[str, ...] = tuple(f.english for f in ROSTER)
BOOL_COLUMNS = frozenset(f.english for f in ROSTER if f.kind == "bool")
# Every personal value shown unless --reveal: characters kept at the start and the end
# (``0011******89``); notes, which may be health data, entirely.
MASKS: dict[str, tuple[int, int]] = {"national_id": (4, 2), "phone": (4, 2), "notes": (0, 0)}


def mask_value(field: str, value: Any) -> Any:
    """``value`` of ``field`` as shown without --reveal."""
    if field not in MASKS or not isinstance(value, str) or not value:
        return value
    return mask(value, *MASKS[field])


# A ma_cqn has at most 8 digits; 9 or more are an id card, CCCD or phone number.
_ID = re.compile(r"^(?:CQN)?[-\s]?0*(\d{1,8})$", re.IGNORECASE)


def format_id(pk: int) -> str:
    """The ``ma_cqn`` a person is known by: ``CQN000042``."""
    return f"CQN{pk:06d}"


def parse_id(text: str) -> int | None:
    m = _ID.match(text.strip())
    return int(m.group(1)) if m else None


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def compatible_dates(a: str | None, b: str | None) -> bool:
    """Two (partial) dates that could be the same day: one unknown, or one a prefix of the other."""
    return not a or not b or precision_prefix_compare(a, b) == 0


@dataclass(slots=True)  # one per person held: a million of them at city scale
class Held:
    """What identity matching needs to know of a person already on the roster."""

    name_key: str
    birth: str | None
    ward_id: str
    national_id: str | None
    full_name: str | None  # None: not read (see ``PersonIndex.name_of``)


def _once(pairs: list[tuple[int, Held]]) -> list[tuple[int, Held]]:
    """Each person once (the first of their identities), in the order given."""
    seen: set[int] = set()
    kept = []
    for pk, held in pairs:
        if pk not in seen:
            seen.add(pk)
            kept.append((pk, held))
    return kept


@lru_cache(maxsize=128)
def _lookup_sql(wards: int | None, by_cccd: bool, by_ids: bool = False) -> str:
    """``PersonIndex.lookup``'s query: a name (in ``wards`` wards, if given), or a number.
    ``by_ids``: the name sought among the people whose ids a JSON array names, first
    parameter (the index on names is left out: see ``PersonIndex.keep_names``)."""
    # The name as written is left out: the index answers alone (see ``name_of``).
    columns = "id, name_key, birth_date, ward_id, national_id, NULL"
    where = "name_key = ?"
    if by_ids:
        where = f"id IN (SELECT value FROM json_each(?)) AND {where}"
    if wards is not None:
        where += f" AND ward_id IN ({', '.join('?' * wards)})"
    if by_cccd:
        # Namesakes known by another number are someone else, unless born the same year
        # (a mistyped number?): the others are not read at all. The birth date twice.
        same_year = "birth_date IS NULL OR ? IS NULL OR substr(birth_date, 1, 4) = substr(?, 1, 4)"
        where = f"({where} AND (national_id IS NULL OR {same_year})) OR national_id = ?"
    return f"SELECT {columns} FROM person WHERE {where}"


class AddedKeys:
    """The identity keys of every row an import into an empty table has taken so far:
    a row that none of them can be the answer to needs no lookup at all (it is someone
    new, with no namesake to warn of). Three filters of bits (Bloom's), 1 MiB each
    whatever the import's size: one may say "maybe" of a key it never saw (about 1 in
    20 at a million people), never "no" of one it saw.

    Sound because into an empty table nobody is updated: a row that is someone this
    import added is refused (the same person twice in one file), so everyone held is
    as the row that added them wrote them, and that row's keys were taken. A row taken
    and then refused all the same (a conflict) only adds a "maybe"."""

    BITS = 1 << 23
    _MASK = BITS - 1

    def __init__(self) -> None:
        # National ids; the name keys of everyone; and, as a row with a number asks, the
        # name keys of those without a number or a birth date, the others' with the year.
        self._sets = [bytearray(self.BITS >> 3) for _ in range(3)]

    def taken(self, cccd: str | None, name_key: str, birth: str | None) -> bool:
        """Whether someone taken before may hold ``cccd`` or be a namesake a lookup of
        this row returns (given a ``cccd``, those without a number, or born the year of
        ``birth`` or any year if it is not known: see ``_lookup_sql``); then the row's
        own keys are taken. Written out, not in helpers: it runs once a row, and calls
        cost more than the bits."""
        numbers, names, dated = self._sets
        mask = self._MASK
        # Each key: two bits (index in the filter, bit in the byte), from one hash.
        h = hash(name_key)
        a, b = h & mask, (h >> 23) & mask
        ai, ab, bi, bb = a >> 3, 1 << (a & 7), b >> 3, 1 << (b & 7)
        name = names[ai] & ab and names[bi] & bb
        names[ai] |= ab
        names[bi] |= bb
        if cccd is None:
            dated[ai] |= ab
            dated[bi] |= bb
            return bool(name)
        h = hash(cccd)
        c, d = h & mask, (h >> 23) & mask
        ci, cb, di, db = c >> 3, 1 << (c & 7), d >> 3, 1 << (d & 7)
        found = (numbers[ci] & cb and numbers[di] & db) or (dated[ai] & ab and dated[bi] & bb)
        numbers[ci] |= cb
        numbers[di] |= db
        if birth is None:
            dated[ai] |= ab
            dated[bi] |= bb
            return bool(found or name)
        h = hash(f"{name_key}|{birth[:4]}")
        c, d = h & mask, (h >> 23) & mask
        ci, cb, di, db = c >> 3, 1 << (c & 7), d >> 3, 1 << (d & 7)
        found = found or (dated[ci] & cb and dated[di] & db)
        dated[ci] |= cb
        dated[di] |= db
        return bool(found)


# People whose digests ``PersonIndex.digest_of`` reads at once: at first, and at most.
DIGESTS_FIRST, DIGESTS_AHEAD = 16, 1000


class PersonIndex:
    """The identity keys of the people held, for one import or command.

    Read from the database as they are needed (its indexes on ``national_id`` and
    ``name_key`` answer), so memory stays flat however large the roster; the people
    this import has added or changed but not yet written are ``pending`` and always
    win over what is stored. ``written()`` after each batch is written.
    """

    def __init__(self, db: Database) -> None:
        self._conn = db.conn
        self._pending: dict[int, Held] = {}
        # People added, not yet written, by the rows that add them: made ``Held`` only
        # when asked for (``_pending_held``), by ``_held_of``.
        self._added: dict[int, Sequence[Any]] = {}
        self._held_of: Callable[[Sequence[Any]], Held] | None = None
        self._pending_cccd: dict[str, int] = {}
        self._pending_names: dict[str, list[int]] = {}
        self._former: dict[str, list[tuple[int, Held]]] = {}
        self._place: Callable[[str], str] | None = None
        # The ids written under each name key's hash, while the index on names is left
        # out (``keep_names``); an int for one person, a list for more.
        self._written_names: dict[int, int | list[int]] | None = None
        # Digests read ahead (``digest_of``): national id → (id, digest); the id of the
        # last person asked for; how many were read ahead last, and the last id read.
        self._digests: dict[str, tuple[int, str | None]] = {}
        self._last_digest = 0
        self._ahead = self._ahead_to = 0
        row = db.execute("SELECT coalesce(max(id), 0) FROM person").fetchone()
        seq = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'person'").fetchone()
        self.next_id: int = max(int(row[0]), int(seq[0]) if seq else 0) + 1
        # No id: nobody held, but whom this import adds (see ``AddedKeys``).
        self.empty_at_start = row[0] == 0

    def keep_names(self) -> None:
        """From now on, know everyone written by their name keys (``written``): for an
        import into an empty table whose index on names is left out until its end
        (``RosterLoader``), everyone held is someone it wrote, and ``lookup`` reads them
        by their ids instead. Some 140 bytes a person (14 MB for 100,000)."""
        assert self.empty_at_start, "only everyone held is known by name"
        self._written_names = {}

    def names_indexed(self) -> None:
        """The index on names is there again: ``lookup`` reads by it."""
        self._written_names = None

    @property
    def keeps_names(self) -> bool:
        return self._written_names is not None

    def _know(self, pk: int, name_key: str) -> None:
        """``pk`` (to be) written under ``name_key`` (see ``keep_names``)."""
        known = self._written_names
        assert known is not None
        h = hash(name_key)
        ids = known.get(h)
        if ids is None:
            known[h] = pk
        elif isinstance(ids, int):
            if ids != pk:
                known[h] = [ids, pk]
        elif pk not in ids:
            ids.append(pk)

    def written(self, names: Iterable[tuple[int, str]] = ()) -> None:
        """The pending people are now in the database (their former keys stay known).
        ``names``: the (id, name key) of every person written, added or renamed (see
        ``keep_names``)."""
        if self._written_names is not None:
            for pk, name_key in names:
                self._know(pk, name_key)
        self._pending.clear()
        self._added.clear()
        self._pending_cccd.clear()
        self._pending_names.clear()
        self._digests.clear()  # as read before the batch was written

    def add(self, pk: int, held: Held, former: Held | None = None) -> None:
        """A person this import adds or changes (name, ward, national id), not yet written.
        ``former``: what they were held as before this import changed them; a later row
        written that way is still them (so two rows for one person are seen), whether or
        not the change has been written yet. Only changed people are kept: memory stays
        small."""
        self._pending[pk] = held
        if held.national_id:
            self._pending_cccd[held.national_id] = pk
        if self._written_names is not None:  # a change of someone written: its name
            self._know(pk, held.name_key)
        names = self._pending_names.setdefault(held.name_key, [])
        if pk not in names:
            names.append(pk)
        if former is not None and (former.name_key, former.birth, former.ward_id) != (
            held.name_key,
            held.birth,
            held.ward_id,
        ):
            self._former.setdefault(former.name_key, []).append((pk, former))

    def add_new(
        self,
        rows: Sequence[Sequence[Any]],
        at: tuple[int, int, int],
        held_of: Callable[[Sequence[Any]], Held],
    ) -> None:
        """``add`` of people this import adds, not yet written (none held before, none
        given before), each by the row that adds them: its id, name key and national id
        where ``at`` says; what matching needs of one (``held_of`` its row) is made only
        when asked for (most of a first roster's people never are: a third of the time
        this process spent on a row, made for each)."""
        pk_at, name_at, cccd_at = at
        self._held_of = held_of
        ids = list(map(itemgetter(pk_at), rows))
        self._added.update(zip(ids, rows, strict=True))
        by_cccd = self._pending_cccd
        by_cccd.update(zip(map(itemgetter(cccd_at), rows), ids, strict=True))
        by_cccd.pop(None, None)  # type: ignore[call-overload]  # of those without one
        by_name = self._pending_names
        for pk, name_key in zip(ids, map(itemgetter(name_at), rows), strict=True):
            by_name.setdefault(name_key, []).append(pk)

    def _pending_held(self, pk: int) -> Held | None:
        """The keys of ``pk`` as this import has them, not yet written (``add``,
        ``add_new``); None if it has none."""
        found = self._pending.get(pk)
        if found is None:
            row = self._added.get(pk)
            if row is not None:
                assert self._held_of is not None
                found = self._pending[pk] = self._held_of(row)  # the same one, if asked again
        return found

    def is_former(self, pk: int, held: Held) -> bool:
        """Whether ``held`` is what ``pk`` was before this import changed them."""
        return any(p == pk and h is held for p, h in self._former.get(held.name_key, ()))

    def allocate(self) -> int:
        pk = self.next_id
        self.next_id += 1
        return pk

    def held(self, pk: int) -> Held | None:
        found = self._pending_held(pk)
        if found is not None:
            return found
        row = self._conn.execute(
            "SELECT name_key, birth_date, ward_id, national_id, full_name FROM person WHERE id = ?",
            (pk,),
        ).fetchone()
        return Held(*row) if row else None

    def holder(self, cccd: str) -> tuple[int, Held] | None:
        """Who holds ``cccd``, with their keys (this import's pending change first), in
        one query."""
        pk = self._pending_cccd.get(cccd)
        if pk is not None:
            return pk, self._pending_held(pk)  # type: ignore[return-value]  # pending: held
        row = self._conn.execute(
            "SELECT id, name_key, birth_date, ward_id, national_id, full_name FROM person"
            " WHERE national_id = ?",
            (cccd,),
        ).fetchone()
        return (int(row[0]), Held(*row[1:])) if row else None

    def digest_of(self, cccd: str) -> tuple[int, str | None] | None:
        """Who holds ``cccd`` in the database, with their ``roster_digest``; None when
        nobody does, or when this import has a change of that number not yet written.

        A roster imported again comes mostly in the order it was first imported, the
        order of the ids: once two people asked for one after the other are one id
        apart, the next ones are read at once (each row's own query took a quarter of
        the time of importing 100,000 unchanged rows again): ``DIGESTS_FIRST``, twice
        as many each time the file goes on past the last of them, up to
        ``DIGESTS_AHEAD`` (a file in another order, whose people come two by two,
        reads few it does not need). They are let go when a batch is written
        (``written``): a person a batch changes was asked for before it, and is not
        taken as unchanged again (``RosterLoader._unchanged``), but what is read ahead
        is only ever what the database holds."""
        if cccd in self._pending_cccd:
            return None
        found = self._digests.get(cccd)
        if found is None:
            row = self._conn.execute(
                "SELECT id, roster_digest FROM person WHERE national_id = ?", (cccd,)
            ).fetchone()
            if row is None:
                return None
            found = (int(row[0]), row[1])
            if found[0] == self._last_digest + 1:
                goes_on = found[0] == self._ahead_to + 1
                ahead = max(2 * self._ahead, DIGESTS_FIRST) if goes_on else DIGESTS_FIRST
                self._ahead = min(ahead, DIGESTS_AHEAD)
                self._digests = {}
                self._ahead_to = found[0]
                for number, pk, digest in self._conn.execute(
                    "SELECT national_id, id, roster_digest FROM person"
                    " WHERE id > ? AND national_id IS NOT NULL ORDER BY id LIMIT ?",
                    (found[0], self._ahead),
                ):
                    self._digests[number] = (pk, digest)
                    self._ahead_to = pk
        self._last_digest = found[0]
        return found

    def named(self, name_key: str) -> list[tuple[int, Held]]:
        """Everyone held under that name key, in the order of their ids."""
        return self.lookup(None, name_key)[2]

    def lookup(
        self,
        cccd: str | None,
        name_key: str,
        wards: Collection[str] | None = None,
        birth: str | None = None,
    ) -> tuple[int | None, Held | None, list[tuple[int, Held]]]:
        """In one query: who holds ``cccd`` (id and keys, if anyone), and the people under
        ``name_key`` (only those held in ``wards``, if given: a common name has hundreds of
        holders in a city) in the order of their ids; pending changes applied, so a
        person this import moves out of ``wards`` may still be among them. Given a
        ``cccd``, the namesakes held with another national id are left out (SPEC §3:
        another number is another person) unless born the year of ``birth`` (or either
        date is unknown): a mistyped number is warned of. Those this import has pending
        are all there."""
        args: list[Any] = [name_key] if wards is None else [name_key, *wards]
        if cccd is not None:
            args += (birth, birth, cccd)
        shape = (None if wards is None else len(wards), cccd is not None)
        known = self._written_names  # no index on names, if kept (see ``keep_names``)
        if known is None:
            rows = self._conn.execute(_lookup_sql(*shape), args).fetchall()
        else:
            ids = known.get(hash(name_key))
            if ids is None and cccd is None:
                rows = []  # nobody written by that name
            else:
                args.insert(0, f"[{ids}]" if isinstance(ids, int) else json.dumps(ids or []))
                rows = self._conn.execute(_lookup_sql(*shape, True), args).fetchall()
        pending = self._pending
        found = {pk: pending.get(pk) or Held(*held) for pk, *held in rows}
        for pk in self._pending_names.get(name_key, ()):
            found[pk] = self._pending_held(pk)  # type: ignore[assignment]  # pending: held
        by_cccd = self._pending_cccd.get(cccd) if cccd is not None else None
        if by_cccd is None and cccd is not None:
            by_cccd = next((pk for pk, h in found.items() if h.national_id == cccd), None)
        holder = None if by_cccd is None else found.get(by_cccd) or self._pending_held(by_cccd)
        # A pending rename moves a person away from the name the database still holds; what
        # this import changed them from still names them (an entry per identity: a person
        # may be here twice, as they are and as they were).
        named = sorted((pk, h) for pk, h in found.items() if h.name_key == name_key)
        named += self._former.get(name_key, ())
        return by_cccd, holder, named

    @staticmethod
    def natural(
        named: list[tuple[int, Held]], birth: str | None, same_place: Callable[[str], bool]
    ) -> list[tuple[int, Held]]:
        """Of ``named``, those born on ``birth`` whose ward is ``same_place`` (each once)."""
        return _once([(pk, h) for pk, h in named if h.birth == birth and same_place(h.ward_id)])

    def index_places(self, place: Callable[[str], str]) -> None:
        """How ``namesakes`` places a ward: where it is on a map."""
        self._place = place

    def namesakes(self, named: list[tuple[int, Held]], ward_id: str) -> list[tuple[int, Held]]:
        """Of ``named``, those in the same place (see ``index_places``): who might be the
        same person."""
        place = self._place
        assert place is not None, "index_places() first"
        here = place(ward_id)
        return _once([(pk, held) for pk, held in named if place(held.ward_id) == here])

    def name_of(self, pk: int, held: Held | None = None) -> str:
        """A person's name as written (for messages)."""
        if held is not None and held.full_name is not None:
            return held.full_name
        found = self.held(pk)
        return (found.full_name or "") if found else ""

    def label(self, pk: int, held: Held | None = None) -> str:
        return f"{format_id(pk)} {self.name_of(pk, held)}"


# ---- reading -----------------------------------------------------------------

_SELECT = (
    "SELECT p.*, w.code AS ward_code, w.name AS ward_name"
    " FROM person p JOIN ward w ON w.id = p.ward_id"
)


# Each roster field of ``to_row``: (key, column read, yes/no, mask kept or None).
_ROW_PLAN = [
    (c, "ward_name" if c == "ward" else c, c in BOOL_COLUMNS, MASKS.get(c)) for c in PERSON_COLUMNS
]


def to_row(record: dict[str, Any], *, reveal: bool) -> dict[str, Any]:
    """A person as SPEC §5 shows it: ``id``, ``ward_code``, one key per roster field."""
    out: dict[str, Any] = {"id": format_id(record["id"]), "ward_code": record["ward_code"]}
    for key, column, yes_no, kept in _ROW_PLAN:
        value = record[column]
        if value is None:
            out[key] = None
        elif yes_no:
            out[key] = bool(value)
        elif kept is not None and not reveal and isinstance(value, str):
            out[key] = mask(value, *kept)
        else:
            out[key] = value
    return out


def _sorted(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Vietnamese name order; the erased (``person forget``: no name) last, by id."""
    return sorted(
        records, key=lambda r: (r["full_name"] == "", vn_name_sort_key(r["full_name"]), r["id"])
    )


def list_people(
    db: Database,
    *,
    ward_ids: list[str] | None = None,
    status: str | None = None,
    reveal: bool = False,
) -> list[dict[str, Any]]:
    """Everybody on the roster, any status, unless filtered; Vietnamese name order."""
    where, params = [], []
    if ward_ids is not None:
        where.append(f"p.ward_id IN ({', '.join('?' for _ in ward_ids)})")
        params.extend(ward_ids)
    if status is not None:
        where.append("p.status = ?")
        params.append(status)
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    return [to_row(r, reveal=reveal) for r in _sorted(db.query(sql, params))]


def _digits(text: str) -> str | None:
    """The digits of a national id or phone number typed on the command line, if it is one."""
    digits = re.sub(r"[\s.\-+]", "", text)
    return digits if digits.isdigit() and len(digits) >= 9 else None


def _as_cccd(digits: str) -> str:
    from cqn_cli.values import parse_cccd

    try:
        return parse_cccd(digits)[0]
    except FieldProblem:
        return digits


def _as_phone(text: str) -> str:
    from cqn_cli.values import parse_phone

    try:
        return parse_phone(text)
    except FieldProblem:
        return text


# The longest text a search takes: longer than any name, id or phone (SQLite refuses a
# pattern of 50,000 bytes, and the names near a miss are sought by comparing texts).
SEARCH_MAX = 200


def search_people(db: Database, text: str, *, reveal: bool = False) -> list[dict[str, Any]]:
    """Names with words starting as ``text``, ignoring case and diacritics.

    ``CQN000012`` finds that person; a national id or phone number finds its holder.
    A text with no letter or digit is refused (a script's empty variable would list
    everybody), and so is one longer than ``SEARCH_MAX`` (a file pasted by mistake).
    """
    if not any(ch.isalnum() for ch in text):
        raise UsageError("usage.nothing_to_search")
    if len(text) > SEARCH_MAX:
        raise UsageError("usage.search_too_long", length=len(text), most=SEARCH_MAX)
    pk = parse_id(text) if text.strip().upper().startswith("CQN") else None
    digits = _digits(text)
    if pk is not None:
        records = list(db.query(_SELECT + " WHERE p.id = ?", [pk]))
    elif digits is not None:
        records = list(
            db.query(
                _SELECT + " WHERE p.national_id IN (?, ?) OR p.phone = ?",
                [digits, _as_cccd(digits), _as_phone(text)],
            )
        )
    else:
        needle = fold(text)
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        # Words starting with the text: "an" finds "An" and "Anh", not "Thanh".
        records = list(
            db.query(_SELECT + " WHERE ' ' || p.search_key LIKE ? ESCAPE '\\'", [f"% {escaped}%"])
        )
    return [to_row(r, reveal=reveal) for r in _sorted(records)]


def similar_names(db: Database, text: str, n: int = 3) -> list[str]:
    """Names close to a search that found nobody: one word is compared with the words of
    the names ("Xuan" → "Xuân"), more with whole names. Ids and numbers have none."""
    if _digits(text) is not None or text.strip().upper().startswith("CQN"):
        return []
    names = [
        r[0] for r in db.execute("SELECT DISTINCT full_name FROM person WHERE forgotten_on IS NULL")
    ]
    if len(text.split()) == 1:
        names = sorted({word for name in names for word in name.split()})
    return closest(text, names, n=n)


def get_record(db: Database, person: str) -> dict[str, Any]:
    """A person by ``ma_cqn`` (``CQN000012``, ``12``) or by national id (12 digits)."""
    digits = _digits(person)
    if digits is not None:  # an identity number, never echoed in full
        # As an import reads it: Excel's 11 digits are the 12 with their leading zero.
        rows = list(db.query(_SELECT + " WHERE p.national_id = ?", [_as_cccd(digits)]))
        if not rows:
            raise NotFound("person.not_found", value=mask(digits))
        return rows[0]
    pk = parse_id(person)
    if pk is None:  # not an id at all: a wrong command line (exit 2), not a person unknown
        raise UsageError("person.bad_id", value=person)
    rows = list(db.query(_SELECT + " WHERE p.id = ?", [pk]))
    if not rows:
        raise NotFound("person.not_found", value=format_id(pk))
    return rows[0]


def masked_query(text: str) -> str:
    """What a search was for, as echoed back: an id or phone number masked."""
    if _digits(text) is None:
        return text
    return mask(text.strip()) or ""


def show_person(db: Database, person: str, *, reveal: bool = False) -> dict[str, Any]:
    return to_row(get_record(db, person), reveal=reveal)


def refuse_before_birth(record: dict[str, Any], on: dt.date) -> None:
    """Nothing is recorded of a person (a status, a consent) before they were born."""
    birth = record["birth_date"]
    if birth and precision_prefix_compare(on.isoformat(), birth) < 0:
        shown = {"date": on.strftime("%d/%m/%Y"), "id": format_id(record["id"])}
        raise DataError("person.status_before_birth", name=record["full_name"], **shown)


def set_status(
    db: Database, person: str, status: str, on: dt.date | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Record that a person moved out, died, or is active again, from ``on``; the person
    as they are now, and as they were (``status``, ``status_since``)."""
    record = get_record(db, person)
    before = {"status": record["status"], "status_since": record["status_since"]}
    if status != "active" and on is None:
        raise UsageError("usage.status_needs_date", status=t(f"status.{status}"))
    if on is not None:
        if on > dt.date.today():  # an option date: exit 2
            shown = {"date": on.strftime("%d/%m/%Y"), "id": format_id(record["id"])}
            raise UsageError("person.status_in_future", **shown)
        refuse_before_birth(record, on)
        registered = record["registered_on"]
        if status != "active" and registered and on.isoformat() <= registered:
            # Gone before they came: on the roster on no day at all (SPEC §4).
            shown = {"date": format_date(on.isoformat(), lang()), "id": format_id(record["id"])}
            came = format_date(registered, lang())
            raise DataError("person.status_before_registered", registered=came, **shown)
    since = on.isoformat() if on else None
    with write(db):
        db.execute(
            "UPDATE person SET status = ?, status_since = ?, updated_at = ? WHERE id = ?",
            [status, since, now_iso(), record["id"]],
        )
    return show_person(db, str(record["id"])), before


@lru_cache(maxsize=2048)  # the names that repeat most (a city's 40,000: 17 MB)
def name_keys(full_name: str) -> tuple[str, str]:
    """(match key, search key) stored beside a name (names repeat: remembered)."""
    return match_and_fold(full_name)


def roster_by_ward(db: Database, day: dt.date) -> list[dict[str, Any]]:
    """People per ward on the ward map of ``day``: all held, and on the roster that day."""
    from cqn_cli.wards import WardIndex

    index = WardIndex(db)
    iso = day.isoformat()
    totals: dict[str, dict[str, Any]] = {}
    from cqn_cli.figures import on_roster

    for ward_id, people, on_roster_count in db.execute(
        f"SELECT ward_id, count(*), sum({on_roster('p', ':d')}) FROM person p GROUP BY ward_id",
        {"d": iso},
    ):
        ward = index.on_map(ward_id, day)
        row = totals.setdefault(
            ward.id, {"ward_code": ward.code, "ward": ward.name, "people": 0, "on_roster": 0}
        )
        row["people"] += people
        row["on_roster"] += on_roster_count
    return sorted(totals.values(), key=lambda r: (r["ward_code"], r["ward"]))


# See ``PersonResolver(numbers_at_once=True)``: one read of every number held costs about
# as much as looking up one person for every this many held.
NUMBERS_AFTER = 8


# Unknown names for which a resolver looks for the same letters without their accents
# (a scan of the roster each, where nobody is found): the first ones of a file.
SUGGESTIONS = 20


class PersonResolver:
    """A person reference of SPEC §3 resolved the same way in every file and command.

    ``so_cccd``; else ``ma_cqn``; else ``ho_ten`` + ``ngay_sinh`` + ``phuong``
    (the birth date may be less precise than the one held: "1952" finds
    15/03/1952; the ward is compared on the map of ``as_of``). An unknown or
    ambiguous reference raises FieldProblem naming the candidates.

    ``numbers_at_once``: for a file naming thousands of people by national id, while
    nobody is added or changed (an activity import). Past one number for every
    ``NUMBERS_AFTER`` people held, who holds each number is read in one go (an index
    built once, instead of a lookup for each person named).
    """

    def __init__(
        self,
        db: Database,
        as_of: dt.date,
        wards: WardIndex | None = None,
        *,
        numbers_at_once: bool = False,
    ) -> None:
        from cqn_cli.wards import WardIndex

        self.index = PersonIndex(db)
        self.wards = wards or WardIndex(db)
        self.as_of = as_of
        self._db = db
        self._holders: dict[str, int] | None = None
        held = self.index.next_id - 1  # at least as many as are held
        self._numbers_left = held // NUMBERS_AFTER if numbers_at_once else None
        self._suggestions_left = SUGGESTIONS
        # An erased person, named by id, is refused (new data); a caller that may end
        # what is held of them (a membership) asks ``erased`` itself.
        self.refuse_erased = True

    def _of_id(self, person_id: str) -> int:
        """The person of a cqn id as written (``CQN000012``, ``12``), or FieldProblem."""
        found = parse_id(person_id)
        erased = None if found is None else self._erased(found)
        if found is None or erased is None:
            shown = mask(person_id) if _digits(person_id) else person_id
            raise FieldProblem("ref.unknown_id", value=shown)
        # Erased (``person forget``): given no new data (a visit's notes, a mark, a club).
        # Only their id still names them: their name and number are gone.
        if self.refuse_erased and erased:
            raise FieldProblem("ref.forgotten", id=format_id(found))
        return found

    def _erased(self, pk: int) -> bool | None:
        """Whether ``pk``'s personal data was erased (``person forget``); None: no ``pk``."""
        row = self._db.execute("SELECT forgotten_on FROM person WHERE id = ?", [pk]).fetchone()
        return None if row is None else row[0] is not None

    def erased(self, pk: int) -> bool:
        """Whether the personal data of ``pk``, who is held, was erased."""
        return bool(self._erased(pk))

    def _holder_of(self, number: str) -> int | None:
        """Who holds ``number``, as ``resolve`` asks when no name is given to compare."""
        if self._holders is None:
            if self._numbers_left is None or self._numbers_left > 0:
                if self._numbers_left is not None:
                    self._numbers_left -= 1
                holding = self.index.holder(number)
                return None if holding is None else holding[0]
            sql = "SELECT national_id, id FROM person WHERE national_id IS NOT NULL"
            self._holders = dict(self._db.execute(sql).fetchall())
        return self._holders.get(number)

    def resolve(
        self,
        *,
        cccd: str | None = None,
        person_id: str | None = None,
        name: str | None = None,
        birth: str | None = None,
        ward: str | None = None,
    ) -> int:
        from cqn_cli.values import mask_cccd_text, parse_cccd

        idx = self.index
        if cccd:
            number, _ = parse_cccd(cccd)
            if name is None:
                found = self._holder_of(number)
                if found is None:
                    raise FieldProblem("ref.unknown_cccd", value=mask_cccd_text(number))
            else:
                holding = idx.holder(number)
                if holding is None:
                    raise FieldProblem("ref.unknown_cccd", value=mask_cccd_text(number))
                found, held = holding
                other_name = match_key(name) != held.name_key
                if other_name and not compatible_dates(held.birth, birth):
                    raise FieldProblem("ref.disagrees", person=idx.label(found))
            # A ma_cqn beside it must be one, and name the same person.
            if person_id and self._of_id(person_id) != found:
                raise FieldProblem("ref.id_disagrees", person=idx.label(found))
            return found
        if person_id:
            return self._of_id(person_id)
        if not name:
            raise FieldProblem("ref.missing")
        namesakes = idx.named(match_key(name))
        named = [(pk, h) for pk, h in namesakes if compatible_dates(h.birth, birth)]
        if ward:
            place = self.wards.resolve(ward, self.as_of).id
            named = [
                (pk, h) for pk, h in named if self.wards.one_place(h.ward_id, place, self.as_of)
            ]
        candidates = [pk for pk, _ in _once(named)]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise self._nobody(name, birth, ward, bool(namesakes))
        listed = ", ".join(idx.label(pk) for pk in candidates[:5])
        raise FieldProblem("ref.ambiguous", candidates=listed)

    def _nobody(self, name: str, birth: str | None, ward: str | None, held: bool) -> FieldProblem:
        """Why nobody answers to a name (with a birth date, a ward): the name is held but
        not with what was given, or it is not held, perhaps written without its accents
        (``Nguyen Duc Chau``: who it might be is said, not guessed)."""
        if held and birth and ward:
            return FieldProblem("ref.unknown_person", value=name)
        if held and birth:
            shown = format_date(birth, lang())  # 1970, 01/1970, 05/01/1970
            return FieldProblem("ref.unknown_person_birth", value=name, birth=shown)
        if held and ward:
            place = self.wards.resolve(ward, self.as_of).name  # "Phường An Khê"
            return FieldProblem("ref.unknown_person_ward", value=name, ward=place)
        if self._suggestions_left > 0:  # a file of unknown names is not read through each time
            self._suggestions_left -= 1
            alike = self._db.execute(
                "SELECT id, full_name FROM person WHERE search_key = ? ORDER BY id LIMIT 3",
                [fold(name)],
            ).fetchall()
            if alike:
                listed = ", ".join(f"{format_id(pk)} {full}" for pk, full in alike)
                return FieldProblem("ref.unknown_name_suggest", value=name, suggestion=listed)
        return FieldProblem("ref.unknown_name", value=name)

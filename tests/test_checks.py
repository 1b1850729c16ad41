"""A table's CHECK constraints read from its schema (``checks_in``), left out of a bulk
write (``checks_left_out``) and looked at once after it (``first_broken``), as a roster
import does with the people it adds."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cqn_cli.store.db import (
    Database,
    begin,
    check_constraints,
    checks_in,
    checks_left_out,
    first_broken,
    open_db,
    rollback,
)

# Text that looks like SQL to a careless reader: quotes, parentheses, comments, the word.
_TRICKY = st.text(alphabet=st.sampled_from("ab ()'\"-/*\n,;CHECKcheck`[]$é"), max_size=10)
# Between the word CHECK and its parenthesis; after its expression, inside it.
_GAP = st.sampled_from(["", " ", "\t", "\n  ", "/* CHECK ( */", "-- CHECK (\n", " /* ) */ "])
_TAIL = st.sampled_from(["", " -- tail )\n", " /* ) ( */"])
_QUOTES = st.sampled_from(['"{}"', "[{}]", "`{}`", "{}"])
# Columns whose declared type holds the word, which SQLite does not read as a CHECK.
_DECOY = st.sampled_from(
    [
        "a$CHECK(0)",
        "€CHECK(0)",
        "CHECK\u00a0(0)",
        "TEXT DEFAULT 'CHECK (0)'",
        "TEXT /* CHECK (0) */",
        "TEXT -- CHECK (0)\n",
    ]
)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@st.composite
def _tables(draw: st.DrawFn) -> tuple[str, list[str], list[str]]:
    """A CREATE TABLE with checks written in many ways among decoys: its text, the
    expressions of its checks, and its checked columns."""
    parts, expressions, checked = [], [], []
    for i in range(draw(st.integers(0, 4))):
        name = draw(_QUOTES).format(f"c{i}")
        values = draw(st.lists(_TRICKY, min_size=1, max_size=3))
        expression = f"{name} IN ({', '.join(map(_literal, values))}){draw(_TAIL)}"
        named = f'CONSTRAINT "k{i}" ' if draw(st.booleans()) else ""
        default = _literal(draw(_TRICKY))
        parts.append(f"{name} TEXT DEFAULT ({default}) {named}CHECK{draw(_GAP)}({expression})")
        expressions.append(expression)
        checked.append(f"c{i}")
    for j, decoy in enumerate(draw(st.lists(_DECOY, max_size=3))):
        parts.append(f"d{j} {decoy}")
    parts.append("check_me TEXT")
    if draw(st.booleans()):
        expression = f"length(check_me) < 5 OR (check_me = 'CHECK ('){draw(_TAIL)}"
        parts.append(f"CHECK{draw(_GAP)}({expression})")
        expressions.append(expression)
        checked.append("check_me")
    return f"CREATE TABLE t ({', '.join(parts)}\n)", expressions, checked


@given(table=_tables())
@example(
    table=(
        "CREATE TABLE t (x TEXT CHECK (x IN ('a') -- a note\n))",
        ["x IN ('a') -- a note\n"],
        ["x"],
    )
)
def test_checks_in_finds_each_check_as_sqlite_reads_it(
    table: tuple[str, list[str], list[str]],
) -> None:
    """Each CHECK of a table SQLite accepts, and no more: not the word in a quoted name,
    a string, a comment or a type name, nor in a longer word; a comment between the
    word and its parenthesis, or at the end of its expression, is no end to it. And
    what ``first_broken`` finds after a row that breaks every check is written
    unweighed is what SQLite's own ``quick_check`` finds."""
    sql, expressions, checked = table
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(sql)  # what SQLite itself takes as one statement
    stored = conn.execute("SELECT sql FROM sqlite_master WHERE name = 't'").fetchone()[0]
    assert checks_in(stored) == expressions
    db = Database(conn)
    conn.execute("BEGIN")
    with checks_left_out(db):
        names = ", ".join(f'"{c}"' for c in checked)
        marks = ", ".join("'zzzzzz'" for _ in checked)  # in no list of values, too long
        conn.execute(
            f"INSERT INTO t ({names}) VALUES ({marks})"
            if checked
            else "INSERT INTO t DEFAULT VALUES"
        )
    sqlite_says = conn.execute("PRAGMA quick_check(t)").fetchall()
    assert (first_broken(db, "t") is not None) == (sqlite_says != [("ok",)]) == bool(checked)
    conn.execute("ROLLBACK")
    with pytest.raises(LookupError):  # a table that is not there is not "nothing broken"
        first_broken(db, "T")


@pytest.fixture(scope="module")
def person_table(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The person table as the migrations leave it (columns added later included)."""
    db = open_db(tmp_path_factory.mktemp("checks") / "cqn.db", create=True)
    try:
        assert len(check_constraints(db, "person")) == 8
        return str(db.execute("SELECT sql FROM sqlite_master WHERE name = 'person'").fetchone()[0])
    finally:
        db.close()


@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from([None, "male", "female", "Nam", ""]),
            st.sampled_from([None, 0, 1, 2, -1]),
            st.sampled_from(["active", "moved_out", "deceased", "gone"]),
            st.sampled_from([None, "2019-01-01"]),
            st.sampled_from([None, 0, 1, 3]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_first_broken_finds_the_first_row_the_person_table_would_refuse(
    person_table: str, rows: list[tuple[Any, ...]]
) -> None:
    """Rows written with the checks left out, then looked at: the first one found is
    the first that SQLite refuses when it weighs each row as it comes (ids 1, 2, …)."""
    sql = (
        "INSERT INTO person (full_name, name_key, search_key, ward_id, created_at,"
        " updated_at, gender, reservist, status, status_since, consent)"
        " VALUES ('A', 'a', 'a', 'w', 't', 't', ?, ?, ?, ?, ?)"
    )
    weighed = sqlite3.connect(":memory:", isolation_level=None)
    weighed.execute(person_table)
    refused = []
    for i, row in enumerate(rows, start=1):
        try:
            weighed.execute(sql, row)
        except sqlite3.IntegrityError:
            refused.append(i)
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(person_table)
    db = Database(conn)
    conn.execute("BEGIN")
    with checks_left_out(db):
        conn.executemany(sql, rows)  # not one refused
    assert conn.execute("SELECT count(*) FROM person").fetchone()[0] == len(rows)
    assert first_broken(db, "person") == (refused[0] if refused else None)
    # Among the rows ``where`` names only; the checks weigh each row again after the block.
    assert first_broken(db, "person", f"id > {len(rows)}") is None
    assert conn.execute("PRAGMA ignore_check_constraints").fetchone()[0] == 0
    conn.execute("ROLLBACK")


def test_checks_are_weighed_again_after_the_block_however_it_ends(tmp_path: Path) -> None:
    db = open_db(tmp_path / "cqn.db", create=True)
    with pytest.raises(RuntimeError), checks_left_out(db):  # only inside a write transaction
        pass
    begin(db)
    with pytest.raises(ZeroDivisionError), checks_left_out(db):
        assert db.execute("PRAGMA ignore_check_constraints").fetchone()[0] == 1
        _ = 1 / 0
    assert db.execute("PRAGMA ignore_check_constraints").fetchone()[0] == 0
    rollback(db)
    db.close()

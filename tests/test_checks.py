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
_TRICKY = st.text(alphabet=st.sampled_from("ab ()'\"-/*\n,;CHECKcheck"), max_size=10)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


@given(
    checks=st.lists(st.lists(_TRICKY, min_size=1, max_size=3), max_size=4),
    defaults=st.lists(_TRICKY, min_size=1, max_size=4),
    table_check=st.booleans(),
)
@example(checks=[["a)"], ["CHECK (x)"]], defaults=["-- CHECK (", "/* CHECK ("], table_check=True)
def test_checks_in_finds_each_check_as_the_table_writes_it(
    checks: list[list[str]], defaults: list[str], table_check: bool
) -> None:
    """Each CHECK of a table SQLite accepts, and no more: not the word in a quoted name,
    a string or a comment, nor in a longer word."""
    expressions = [
        f"{_identifier(f'c{i}')} IN ({', '.join(map(_literal, values))})"
        for i, values in enumerate(checks)
    ]
    columns = [
        f"{_identifier(f'c{i}')} TEXT DEFAULT ({_literal(defaults[i % len(defaults)])})"
        f" CHECK ({e}), -- {defaults[0].replace(chr(10), ' ')}\n"
        for i, e in enumerate(expressions)
    ]
    decoy = _identifier("check (" + defaults[-1])
    table = f"CREATE TABLE t ({''.join(columns)} check_me TEXT, /* CHECK (x) */ {decoy} TEXT"
    if table_check:
        expressions.append("length(check_me) < 5 OR (check_me = 'CHECK (')")
        table += f", CHECK ({expressions[-1]})"
    table += ")"
    conn = sqlite3.connect(":memory:")
    conn.execute(table)  # what SQLite itself takes as one statement
    stored = conn.execute("SELECT sql FROM sqlite_master WHERE name = 't'").fetchone()[0]
    assert checks_in(stored) == expressions


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

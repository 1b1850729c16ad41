"""``cqn demo``: the sample data of ``sample_data/`` loaded into a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from cqn_cli.errors import UsageError
from cqn_cli.ingest.engine import ImportOptions, ImportResult, importer
from cqn_cli.stats import period_of
from cqn_cli.store.db import Database

# The sample was written with the 2019 ward names: read it on the 2019 map.
SAMPLE_AS_OF = dt.date(2019, 12, 31)
SAMPLE_PERIOD = period_of("2019")
SUFFIXES = (".csv", ".txt", ".xlsx")
# In the order they depend on each other: people, groups, then who is in them and what they did.
KINDS = (
    ("roster", "roster"),
    ("groups", "groups.csv"),
    ("members", "members"),
    ("attendance", "attendance"),
    ("visits", "visits"),
)


def sample_files(data_dir: Path) -> list[tuple[str, Path]]:
    """Every sample file with the kind of import it is, in loading order; a missing
    sample is a missing input (exit 2)."""
    if not (data_dir / "roster").is_dir():
        raise UsageError("demo.missing", path=str(data_dir / "roster"))
    found = []
    for kind, name in KINDS:
        where = data_dir / name
        if where.is_file():
            found.append((kind, where))
        elif where.is_dir():
            found += [(kind, p) for p in sorted(where.iterdir()) if p.suffix.lower() in SUFFIXES]
    return found


def load_sample(db: Database, files: list[tuple[str, Path]]) -> Iterator[ImportResult]:
    """Import every sample file (each all or nothing), yielding each file's result."""
    options = ImportOptions(as_of=SAMPLE_AS_OF, today=dt.date.today())
    for kind, path in files:
        yield importer(kind)(db, path, options)

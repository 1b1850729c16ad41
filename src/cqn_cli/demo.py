"""``cqn demo``: the sample data of ``sample_data/`` loaded into a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from cqn_cli.errors import DataError
from cqn_cli.ingest.engine import ImportOptions, ImportResult, import_roster

# The sample rosters were written with the 2019 ward names: read them on the 2019 map.
SAMPLE_AS_OF = dt.date(2019, 12, 31)
ROSTER_SUFFIXES = (".csv", ".txt", ".xlsx")


def load_sample(db: Database, data_dir: Path) -> Iterator[ImportResult]:
    """Import every sample file (each all or nothing), yielding each file's result."""
    roster_dir = data_dir / "roster"
    if not roster_dir.is_dir():
        raise DataError("demo.missing", path=str(roster_dir))
    options = ImportOptions(as_of=SAMPLE_AS_OF, today=dt.date.today())
    for path in sorted(roster_dir.iterdir()):
        if path.suffix.lower() in ROSTER_SUFFIXES:
            yield import_roster(db, path, options)

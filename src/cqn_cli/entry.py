"""The ``cqn`` command: ``--version`` answered before the whole CLI is imported."""

from __future__ import annotations

import gc
import sys

# The cycle collector, run every 700 new objects as Python's default has it, walks the
# import's live rows again and again: 0.39 s of CPU in a 100,000-row roster import (both
# processes), some 6 % of it, for cycles that a run of this command hardly makes (what it
# no longer holds, reference counting frees at once). Less often: 0.03 s. Memory stays
# as it was (the 1,000,000-row import's peak: see bench/results.md).
GC_THRESHOLDS = (50_000, 20, 100)


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    if sys.argv[1:] == ["--version"]:  # what scripts and monitors call most: keep it instant
        from cqn_cli import __version__

        sys.stdout.write(f"cqn {__version__}\n")
        return
    from cqn_cli.cli.app import main as run

    run()

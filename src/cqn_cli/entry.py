"""The ``cqn`` command: ``--version`` answered before the whole CLI is imported."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:  # what scripts and monitors call most: keep it instant
        from cqn_cli import __version__

        sys.stdout.write(f"cqn {__version__}\n")
        return
    from cqn_cli.cli.app import main as run

    run()

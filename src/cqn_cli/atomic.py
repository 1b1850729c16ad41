"""Writing a whole file or nothing, readable by its owner only. Ground floor."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from cqn_cli.errors import UsageError
from cqn_cli.i18n import os_reason


def write_atomically(path: Path, data: bytes) -> None:
    """A temp file in the same folder (mode 0600), flushed to disk, then renamed over ``path``.

    A write that fails half-way leaves the previous file in place; a folder that is
    missing or not writable, or a target that is a folder, is a usage error (exit 2).
    """
    target = path.resolve()
    if target.is_dir():
        raise UsageError("usage.cannot_write", path=str(path), reason="is a directory")
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError("usage.cannot_write", path=str(path), reason=os_reason(exc)) from None
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError("usage.cannot_write", path=str(path), reason=os_reason(exc)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

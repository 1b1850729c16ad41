"""Writing a whole file or nothing, readable by its owner only. Ground floor."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from cqn_cli.errors import UsageError
from cqn_cli.i18n import os_reason


def write_atomically(path: Path, data: bytes) -> None:
    """A temp file in the same folder (mode 0600), flushed to disk, then renamed over ``path``.

    A write that fails half-way leaves the previous file in place; a folder that is
    missing or not writable, or a target that is a folder, is a usage error (exit 2).
    A target that is no file but a device or a pipe (``/dev/stdout``) is written as it
    is: renaming over it would put a file in its place.
    """
    target = path.resolve()
    if target.is_dir():
        reason = os_reason(IsADirectoryError(errno.EISDIR, path))
        raise UsageError("usage.cannot_write", path=str(path), reason=reason)
    if target.exists() and not target.is_file():
        try:
            with open(target, "wb") as out:
                out.write(data)
        except OSError as exc:
            raise UsageError("usage.cannot_write", path=str(path), reason=os_reason(exc)) from None
        return
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

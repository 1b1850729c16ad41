"""Writing a whole file or nothing, readable by its owner only. Ground floor."""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from pathlib import Path

from cqn_cli.errors import UsageError
from cqn_cli.i18n import os_reason


def write_atomically(path: Path, data: bytes) -> None:
    """A temp file in the same folder (mode 0600), flushed to disk, then renamed over ``path``.

    A write that fails half-way leaves the previous file in place; a folder that is
    missing or not writable, or a target that is a folder, is a usage error (exit 2).
    A target that is no file but a device or a pipe, or this process's own output
    (``-o /dev/stdout``, where a shell may have sent it to a log), is written as it is:
    renaming over it would put a file in its place.
    """
    try:
        found: os.stat_result | None = os.stat(path)  # the device or pipe a link names
    except OSError:
        found = None
    if found is not None and stat.S_ISDIR(found.st_mode):
        reason = os_reason(IsADirectoryError(errno.EISDIR, path))
        raise UsageError("usage.cannot_write", path=str(path), reason=reason)
    # This process's own outputs, named as a file: written as the shell opened them.
    stream = {"/dev/stdout": sys.stdout, "/dev/stderr": sys.stderr}.get(str(path))
    if stream is not None or (found is not None and not stat.S_ISREG(found.st_mode)):
        try:
            if stream is not None:
                stream.flush()
                stream.buffer.write(data)
                stream.flush()
            else:
                with open(path, "wb") as out:
                    out.write(data)
        except OSError as exc:
            raise UsageError("usage.cannot_write", path=str(path), reason=os_reason(exc)) from None
        return
    target = path.resolve()
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

"""Atomic file writes: a crash never leaves a half-written briefing, digest or schema.

Parent folders are never created here: a caller that owns a folder (the digest `--out`, the
schema export) creates it on purpose; a missing folder for `-o` is a mistake to report.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

__all__ = ["write_atomic", "write_all_atomic", "unwritable_reason", "beside"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_temp(path: Path, text: str) -> str:
    """`text` in a temp file next to `path`, synced; returns the temp file's name."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(path: Path, text: str) -> Path:
    """Write `text` to `path` via a temp file in the same folder and an atomic rename."""
    path = Path(path)
    tmp = _write_temp(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_all_atomic(items: Sequence[tuple[Path, str]]) -> list[Path]:
    """Write several files all or none: every temp file is written before the first rename."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, text in items:
            temps.append((_write_temp(Path(path), text), Path(path)))
        for tmp, path in temps:
            os.replace(tmp, path)
    finally:
        for tmp, _ in temps:
            Path(tmp).unlink(missing_ok=True)
    return [Path(p) for p, _ in items]


def unwritable_reason(path: Path) -> str | None:
    """Why `path` cannot be written (a missing folder is not created), or None. Probes with a temp file."""
    path = Path(path)
    if path.is_dir():
        return f"{path} is a folder; give a file name"
    parent = path.parent
    if not parent.is_dir():
        return f"the folder {parent} does not exist (brief does not create it); create it first (mkdir -p {parent}) or pick another path"
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".probe")
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        return f"cannot write in {parent} ({exc.strerror or exc}); pick a writable folder"
    return None


def beside(path: Path, tag: str) -> Path:
    """`briefing.md` -> `briefing.<tag>.md`, in the same folder."""
    path = Path(path)
    return path.with_name(f"{path.stem}.{tag}{path.suffix}")

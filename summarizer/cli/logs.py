"""One log handler for every command: stderr, quiet unless --verbose, secrets blanked out of every line.

The app installs it around whichever command runs (`command_logging`); a command that resolves
settings hands over their secrets (the API key, the cache URL's password) with `configure`, so no
log line, traceback included, ever shows them.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterable, Iterator

__all__ = ["RedactingFormatter", "command_logging", "configure"]

FORMAT = "%(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats a record, then replaces every known secret with [redacted]."""

    def __init__(self, fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        self.secrets: set[str] = set()

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "[redacted]")
        return text


_active: list[RedactingFormatter] = []


def _levels(verbose: bool) -> None:
    logging.getLogger().setLevel(logging.DEBUG if verbose else logging.CRITICAL)
    logging.getLogger("instructor").setLevel(logging.NOTSET if verbose else logging.CRITICAL + 1)


@contextlib.contextmanager
def command_logging() -> Iterator[RedactingFormatter]:
    """The handler for one command: on stderr as it is now, critical only until `configure(verbose=True)`."""
    formatter = RedactingFormatter()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root, instructor = logging.getLogger(), logging.getLogger("instructor")
    saved = root.level, instructor.level
    root.addHandler(handler)
    _levels(False)
    _active.append(formatter)
    try:
        yield formatter
    finally:
        _active.remove(formatter)
        root.removeHandler(handler)
        root.setLevel(saved[0])
        instructor.setLevel(saved[1])


def configure(*, verbose: bool = False, secrets: Iterable[str] = ()) -> None:
    """Set the running command's verbosity and the secrets its log lines must never show (no-op outside a command)."""
    if not _active:
        return
    _levels(verbose)
    for formatter in _active:
        formatter.secrets.update(s for s in secrets if s and len(s) >= 6)

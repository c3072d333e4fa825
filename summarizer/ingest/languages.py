"""Article languages, detected ahead of need by a forked worker where the OS allows it.

The detector (py3langid) takes about 0.3 s to load its model and a few milliseconds per article,
all of it holding the GIL. At the start of a run that time would add to the SDK's import before
the first request; later it would compete with parsing the answers. So where a process can be
forked safely (POSIX except macOS, and only this thread running) a child process reads the same
files, detects their languages and writes one `id language` line each, while this process loads
the SDK and sends. Anywhere else, or if the child goes away, each article is detected here when
asked: the same function, the same answer.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import ArticleError
from ..models import Article
from ..util.speed import freeze_heap, thaw_heap
from .articles import detect_language, read_article, undetected

__all__ = ["Languages", "can_fork"]

Wanted = Callable[[Article], bool]


def can_fork() -> bool:
    """Forking is available and safe here: POSIX but macOS (whose system libraries are not fork-safe) and a single thread."""
    return hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1


def _detect_all(files: Sequence[tuple[Path, str]], wanted: Wanted | None, fd: int) -> None:
    """The child: the language of every readable (wanted) file, one `id language` line each."""
    for path, display in files:
        try:
            article = read_article(path, display, language_of=undetected)
        except ArticleError:
            continue  # the parent reports it
        if wanted is None or wanted(article):
            os.write(fd, f"{article.id} {detect_language(article.text)}\n".encode())


class Languages:
    """The languages of the articles in `files`, detected ahead of need (see the module docstring)."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}
        self._lines: asyncio.StreamReader | None = None
        self._pipe: asyncio.ReadTransport | None = None
        self._pid: int | None = None
        self._frozen = False

    @classmethod
    async def start(
        cls, files: Sequence[tuple[Path, str]], wanted: Wanted | None = None, *, fork: bool | None = None
    ) -> Languages:
        """Start detecting the languages of `files` in order (in a child process when `fork`; None: where `can_fork`)."""
        self = cls()
        if not (can_fork() if fork is None else fork):
            return self
        read_end, write_end = os.pipe()
        # The objects alive now are shared with the child until it ends: keep the collector off them meanwhile,
        # or every collection here writes to (and copies) the shared pages, which costs this process more than
        # the detection it saves (Python's advice for fork without exec). Not if someone else froze objects.
        self._frozen = freeze_heap()
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: detect here
            os.close(read_end)
            os.close(write_end)
            self.close()
            return self
        if pid == 0:  # the child: never returns, never touches the parent's loop, cache or files
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it at once (not asyncio's handler)
                signal.set_wakeup_fd(-1)
                os.close(read_end)
                _detect_all(files, wanted, write_end)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        self._pid = pid
        self._lines = lines = asyncio.StreamReader()
        loop = asyncio.get_running_loop()
        try:
            self._pipe, _ = await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(lines), os.fdopen(read_end, "rb", buffering=0)
            )
        except BaseException:
            self.close()
            raise
        return self

    @property
    def forked(self) -> bool:
        return self._pid is not None

    async def of(self, article: Article) -> str:
        """`article`'s language: the child's answer, or detected here if there is no child (or it ended without one)."""
        while article.id not in self._known and self._lines is not None:
            line = await self._lines.readline()
            if not line.endswith(b"\n"):  # the child ended (killed, or out of memory): detect the rest here
                self._lines = None
                break
            article_id, _, language = line.decode().strip().partition(" ")
            self._known[article_id] = language
        return self._known.pop(article.id, None) or detect_language(article.text)

    def close(self) -> None:
        """Stop the child (if it is still detecting), reap it, and let the collector see every object again."""
        frozen, self._frozen = self._frozen, False
        thaw_heap(frozen)
        if self._pipe is not None:
            self._pipe.close()
            self._pipe = None
        self._lines = None
        if self._pid is not None:
            pid, self._pid = self._pid, None
            try:
                if os.waitpid(pid, os.WNOHANG) == (0, 0):
                    os.kill(pid, signal.SIGTERM)
                    os.waitpid(pid, 0)
            except (ChildProcessError, ProcessLookupError):
                pass

"""The output folder of `brief fetch`: article files, and what earlier runs saw (in DIR/.brief-fetch/).

- `seen.jsonl`: one line per entry handled (GUID, entry URL, canonical URL, content hash, file),
  appended after its article file is in place, so a crash loses at most the line of an article
  already written; a rerun finds that file by its path and content and adopts it.
- `feeds.json`: each feed's ETag and Last-Modified, for conditional GETs.
- `lock`: one `brief fetch` per folder at a time.

Article files are written atomically and never replaced: a name already taken by another text
gets a numbered suffix.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import FetchError
from ..util.files import write_atomic

__all__ = ["Store", "STATE_DIR"]

STATE_DIR = ".brief-fetch"


class Store:
    def __init__(self, out: Path, *, wait: float = 0.0) -> None:
        from filelock import FileLock, Timeout

        self.out = Path(out)
        self.state = self.out / STATE_DIR
        try:
            self.state.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FetchError(
                f"{self.out}: cannot create the output folder ({exc.strerror or exc}); pick a writable --out"
            ) from None
        self._lock = FileLock(str(self.state / "lock"))
        try:
            self._lock.acquire(timeout=wait)
        except Timeout:
            raise FetchError(
                f"{self.out}: another brief fetch is writing to this folder; wait for it to finish"
            ) from None
        self.guids: dict[str, str] = {}
        self.urls: dict[str, str] = {}
        self.hashes: dict[str, str] = {}
        self.records = 0
        self._load()
        self._log = open(self.state / "seen.jsonl", "a", encoding="utf-8")  # noqa: SIM115  (open for the store's life; close() closes it)
        self.feeds: dict[str, dict[str, str]] = self._load_feeds()

    def close(self) -> None:
        self._log.flush()
        os.fsync(self._log.fileno())
        self._log.close()
        self._lock.release()

    def _load(self) -> None:
        path = self.state / "seen.jsonl"
        if not path.exists():
            return
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a line cut by a crash: its article is adopted again when met
                if isinstance(record, dict):
                    self._index(record)

    def _index(self, record: dict[str, Any]) -> None:
        self.records += 1
        path = str(record.get("path") or "")
        if record.get("guid"):
            self.guids[record["guid"]] = path
        for key in ("url", "canonical"):
            if record.get(key):
                self.urls[record[key]] = path
        if record.get("hash") and path:
            self.hashes.setdefault(record["hash"], path)

    def _load_feeds(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads((self.state / "feeds.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def save_feeds(self) -> None:
        write_atomic(self.state / "feeds.json", json.dumps(self.feeds, indent=1, sort_keys=True, ensure_ascii=False))

    def seen(self, guid: str, url: str) -> bool:
        return (bool(guid) and guid in self.guids) or (bool(url) and url in self.urls)

    def remember(self, record: dict[str, Any]) -> None:
        """Record an entry as handled (its article file, if any, is already in place)."""
        self._index(record)
        self._log.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._log.flush()

    def write_article(self, domain: str, day: str, slug: str, text: str) -> Path:
        """Write a new article file under DIR/domain/day/, never replacing another file; the path relative to DIR."""
        folder = self.out / domain / day
        folder.mkdir(parents=True, exist_ok=True)
        for n in range(1, 1000):
            path = folder / (f"{slug}.txt" if n == 1 else f"{slug}-{n}.txt")
            if path.exists():
                try:
                    if path.read_text(encoding="utf-8") == text:  # written by a run that stopped before its seen line
                        return path.relative_to(self.out)
                except (OSError, UnicodeDecodeError):
                    pass
                continue
            write_atomic(path, text)
            return path.relative_to(self.out)
        raise FetchError(f"{folder}: a thousand articles named {slug}; clean up the folder")  # pragma: no cover

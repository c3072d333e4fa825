"""Sharded runs: `--shard K/N` briefs only the articles whose content hash falls in shard K of N.

Shards split the articles, not the files: an article's id is the hash of its text, so the split
is the same on every host whatever the folder's order or file names, and a duplicate file lands
in the shard of its first copy. A shard run writes only cache entries; with a shared cache
(Redis, or one folder for processes on one host) a final unsharded run over the same paths then
finds every brief in the cache and only merges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ConfigError
from ..models import Article, BriefResult, Outcome, RunStats

__all__ = ["Shard", "ShardRun", "parse_shard"]

_SHAPE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `count`."""

    index: int
    count: int

    def contains(self, article: Article) -> bool:
        return self.contains_id(article.id)

    def contains_id(self, article_id: str) -> bool:
        return int(article_id, 16) % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """'2/4' -> Shard(2, 4); ConfigError naming the fix for anything else."""
    match = _SHAPE.match(text or "")
    if match is None:
        raise ConfigError(f"--shard {text!r} is not K/N; write e.g. --shard 2/4 for the second of four shards")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise ConfigError(
            f"--shard {text}: K must be between 1 and N (N at least 1); e.g. --shard 1/{max(count, 2)} to --shard {max(count, 2)}/{max(count, 2)}"
        )
    return Shard(index, count)


@dataclass
class ShardRun:
    """What one shard did: its articles' results (cached for the final run), out of `total` articles."""

    shard: Shard
    total: int
    results: list[BriefResult] = field(default_factory=list)
    rejected: int = 0
    stats: RunStats = field(default_factory=RunStats)

    @property
    def failed(self) -> list[BriefResult]:
        return [r for r in self.results if not r.ok]

    @property
    def outcome(self) -> Outcome:
        """COMPLETE when every article of the shard is briefed (and cached), else PARTIAL."""
        return Outcome.PARTIAL if self.failed else Outcome.COMPLETE

    @property
    def exit_code(self) -> int:
        """The conventional process status for `outcome` (0 complete, 2 partial), for scripts using the API."""
        return 2 if self.outcome is Outcome.PARTIAL else 0

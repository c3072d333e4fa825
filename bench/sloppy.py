"""Benchmark: brief against a "sloppy model" that answers well-formed but imperfect JSON.

For each slip kind alone and all together (tests/fake_openai.py SLIPS), on the five seeds (answered
from the recordings) and on N generated articles (bench/corpus.py), prints: articles briefed,
evidence items kept (verified) and dropped, notes written, and HTTP requests per article.

    python bench/sloppy.py            # seeds + 200 articles
    python bench/sloppy.py --n 50
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import make_corpus
from summarizer.config.model import Settings
from summarizer.pipeline import build_briefing
from tests.fake_openai import SLIPS, FakeOpenAI, _user_text

_ARTICLE = re.compile(r"<article>\n(.*)\n</article>", re.S)


def _settings(server: FakeOpenAI, cache: Path) -> Settings:
    return Settings(
        base_url=server.base_url,
        api_key="sk-bench-000000",
        cache_dir=cache,
        concurrency=8,
        timeout=10.0,
        backoff_initial=0.01,
        backoff_max=0.05,
    )


def _row(label: str, slip: str, run: Any, requests: int) -> str:
    m = run.briefing.meta
    briefed = sum(r.ok for r in run.results)
    dropped = sum(1 for n in run.briefing.notes if n.kind == "unverified")
    return (
        f"| {label} | {slip} | {briefed}/{len(run.results)} | {m.items_verified} | {m.items_unverified} | {dropped} | "
        f"{requests / max(len(run.results), 1):.2f} | {'yes' if run.briefing.summary else 'no'} |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="generated articles (default 200)")
    args = parser.parse_args(argv)
    corpus = make_corpus(args.n)
    answers = {a.body: a.brief for a in corpus}

    class CorpusServer(FakeOpenAI):
        def answer_for(self, body: dict[str, Any], key: str | None) -> dict[str, Any]:
            if key and key.startswith("brief/"):
                match = _ARTICLE.search(_user_text(body))
                if match and match.group(1) in answers:
                    return answers[match.group(1)]
            return super().answer_for(body, key)

    print(
        "| articles | slip | briefed | items verified | items left out (quotes) | notes on left-out items | requests per article | summary |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = work / "corpus"
        folder.mkdir()
        for a in corpus:
            (folder / a.name).write_text(a.file_text, encoding="utf-8")
        for slip in ("none", *SLIPS, "all"):
            fault = "ok" if slip == "none" else f"sloppy:{slip}"
            with FakeOpenAI(default=fault, loose_keys=True) as server:
                run = build_briefing([ROOT / "seeds"], _settings(server, work / f"seeds-{slip}"))
                print(_row("5 seeds", slip, run, server.count))
            with CorpusServer(recordings=None, default=fault) as server:  # type: ignore[arg-type]
                run = build_briefing([folder], _settings(server, work / f"corpus-{slip}"))
                print(_row(f"{args.n} generated", slip, run, server.count))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: `brief seeds/ --concurrency 2` against a server that throttles, fails and truncates on a fixed schedule.

For each fault mix of issue 27 (429 on every 3rd request and 500 on every 5th; every 4th answer cut
off), each way of counting the schedule (over the whole run, as the issue measured it, or per call,
which no interleaving changes) and each kind of answer that needs two validation re-asks (only the
executive summary's, as in the issue, or every answer), runs the seeds N times with no backoff
waits and prints: runs that exited 0 with the executive summary, HTTP requests per run, and the most requests one call's key received
against the bound max_attempts x (1 + max_reasks + max_length_reasks) (x2 when an item re-ask
follows; tests/llm/test_faults.py pins the bound of one call).

    python bench/faults.py            # 20 runs of each row
    python bench/faults.py --runs 5
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config.model import Settings
from summarizer.llm.chain import request_bound
from tests.fake_openai import FakeOpenAI

MIXES = {"429 every 3rd + 500 every 5th": {3: "429:0", 5: "500"}, "cut off every 4th": {4: "length"}}
NEEDS = {"summary": ("summary",), "every answer": ()}


def run_once(every: dict[int, str], per_call: bool, needs_of: tuple[str, ...], work: Path) -> tuple[bool, int, int]:
    """(exit 0 with an executive summary, requests, most requests for one key)."""
    with FakeOpenAI(every=every, per_call=per_call, needs_reasks=2, needs_reasks_of=needs_of) as server:
        out = work / "briefing.md"
        result = CliRunner().invoke(
            app,
            [
                str(ROOT / "seeds"),
                "--concurrency",
                "2",
                "--base-url",
                server.base_url,
                "--api-key",
                "sk-bench-000000",
                "--config",
                str(work / "no-waits.toml"),
                "--cache-dir",
                str(work / "cache"),
                "-o",
                str(out),
                "--detail",
                "full",
            ],
        )
        per_key = collections.Counter(r["headers"].get("X-Brief-Key", "") for r in server.requests)
        summary = (
            out.read_text(encoding="utf-8").split("## Summary", 1)[-1].split("## Sources", 1)[0] if out.exists() else ""
        )
        ok = result.exit_code == 0 and "No executive summary" not in summary
        return ok, server.count, max(per_key.values(), default=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    bound = request_bound(Settings())
    print(f"runs per row: {args.runs}; bound per call: {bound} requests (defaults)\n")
    print(
        "| mix | counted | answers needing 2 re-asks | runs ok | requests per run | most for one key | seconds per run |"
    )
    print("|---|---|---|---|---|---|---|")
    for mix, every in MIXES.items():
        for counted, per_call in (("over the run", False), ("per call", True)):
            for needs, needs_of in NEEDS.items():
                ok, requests, most, started = 0, [], 0, time.monotonic()
                for _ in range(args.runs):
                    with tempfile.TemporaryDirectory() as tmp:
                        work = Path(tmp)
                        (work / "no-waits.toml").write_text(
                            "backoff_initial = 0\nbackoff_max = 0\nretry_after_max = 0\ntimeout = 10\n",
                            encoding="utf-8",
                        )
                        good, sent, key_most = run_once(every, per_call, needs_of, work)
                    ok += good
                    requests.append(sent)
                    most = max(most, key_most)
                seconds = (time.monotonic() - started) / args.runs
                print(
                    f"| {mix} | {counted} | {needs} | {ok}/{args.runs} | {min(requests)}-{max(requests)} | {most} | {seconds:.2f} |"
                )


if __name__ == "__main__":
    main()

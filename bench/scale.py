"""Benchmark sharded workers over a real Redis: wall time, requests and the final merge.

    python bench/scale.py                    # 2,000 articles, 4 workers x concurrency 64, latency 0.5 s
    python bench/scale.py --n 400 --workers 2 --concurrency 32 --latency 0.2

Starts Debian's redis-server on a free loopback port (tests/redis_server.py) and the fake server
of bench/run.py in a child process, writes N corpus articles, then runs `brief run --shard K/W`
as W separate processes at once (start-up included, as a whole process), then one final
`brief run` that merges. Prints:

1. the workers' wall time (launch to the last exit) against ceil(N / (W x C)) x latency
   (target within 1.2x), and the article phase alone (first to last brief request received);
2. requests the server received for briefs (target N, each article once) and in all;
3. the final merge's time, and its requests (briefs: must be 0; summary and analysis calls).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import Server, write_corpus  # noqa: E402


def brief(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "summarizer", *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_all(processes: list[subprocess.Popen]) -> None:
    for p in processes:
        _, errors = p.communicate()
        if p.returncode not in (0, 2):
            raise SystemExit(f"a brief process failed with exit {p.returncode}:\n{errors}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="articles (default 2000)")
    parser.add_argument("--workers", type=int, default=4, help="shard processes (default 4)")
    parser.add_argument("--concurrency", type=int, default=64, help="--concurrency of each worker (default 64)")
    parser.add_argument("--latency", type=float, default=0.5, help="seconds the server takes per request (default 0.5)")
    args = parser.parse_args(argv)

    from tests.redis_server import redis_server

    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs (nproc), Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="brief-scale-") as tmp, redis_server() as redis_url:
        work = Path(tmp)
        folder = write_corpus(args.n, work / "news")
        server = Server((args.n,), args.latency)
        env_home = work / "home"
        os.environ.update({"HOME": str(env_home), "XDG_CONFIG_HOME": str(env_home / "config"), "BRIEF_CACHE_URL": redis_url})
        common = ["--base-url", server.base_url, "--api-key", "sk-bench-not-a-key", "--model", "gpt-4o-mini", "--quiet"]
        try:
            server.ask("clear")
            start = time.perf_counter()
            wait_all([brief("run", str(folder), "--shard", f"{k}/{args.workers}", "-c", str(args.concurrency), *common)
                      for k in range(1, args.workers + 1)])
            wall = time.perf_counter() - start
            sizes = server.ask("sizes")
            briefs = [s for s in sizes if s["kind"] == "brief"]
            ideal = math.ceil(args.n / (args.workers * args.concurrency)) * args.latency
            phase = (max(s["time"] for s in briefs) - min(s["time"] for s in briefs) + args.latency) if briefs else 0.0
            print(f"\n1. {args.workers} workers x concurrency {args.concurrency}, {args.n} articles, latency {args.latency} s, over Redis")
            print(f"   wall time, launch to last exit (start-up included): {wall:.2f} s vs ideal ceil({args.n}/{args.workers * args.concurrency}) x "
                  f"{args.latency} = {ideal:.2f} s -> {wall / ideal:.2f}x (target <= 1.2x) {'OK' if wall <= 1.2 * ideal else 'MISSED'}")
            print(f"   article phase, first to last brief request received + one latency: {phase:.2f} s -> {phase / ideal:.2f}x")
            print(f"2. requests: {len(briefs)} for briefs (target {args.n}) {'OK' if len(briefs) == args.n else 'MISSED'}, {len(sizes)} in all")
            server.ask("clear")
            start = time.perf_counter()
            wait_all([brief("run", str(folder), "-c", str(args.concurrency), "-o", str(work / "briefing.md"), *common)])
            merge = time.perf_counter() - start
            after = server.ask("sizes")
            kinds = Counter(s["kind"] for s in after)
            print(f"3. final merge (one process, start-up included): {merge:.2f} s; requests: {kinds.get('brief', 0)} for briefs (target 0), "
                  f"{kinds.get('summary', 0)} summary, {kinds.get('analysis', 0)} analysis; briefing {(work / 'briefing.md').stat().st_size:,} bytes")
        finally:
            server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

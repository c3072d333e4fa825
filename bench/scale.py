"""Benchmark sharded workers over a real Redis: wall time, CPU, requests and the final merge.

    python bench/scale.py                    # 2,000 articles, 4 workers x concurrency 64, latency 0.5 s
    python bench/scale.py --n 400 --workers 2 --concurrency 32 --latency 0.2

Starts Debian's redis-server on a free loopback port (tests/redis_server.py) and the fake server
of bench/run.py in a child process, writes N corpus articles, then measures whole processes
(`python -m summarizer run`, start-up included). Prints:

1. one host: one worker alone on its shard (`--shard 1/W`, about N / W articles) at the same
   concurrency, against ceil(shard / C) x latency (target within 1.2x), with the CPU seconds it
   used: what each host of a W-host deployment would see; then the same worker again with every
   brief cached (start-up, reading, cache look-ups), and one worker over a tenth as many fresh
   articles: the difference of the two fresh runs' CPU, per article, is brief's CPU per answer
   with every one-off cost (imports, the SDK, start-up) taken out;
2. the W workers at once on this machine (launch to the last exit) against
   ceil(N / (W x C)) x latency (target within 1.2x), the article phase alone (first to last
   brief request received), and the CPU seconds each worker, the fake server and Redis used
   against the CPU this machine has in that time (nproc x wall), and how busy the machine's
   CPUs were (/proc/stat, other work included): whether the wall time is CPU-bound;
3. requests the server received for briefs (target N, each article once) and in all;
4. the final merge's time, and its requests (briefs: must be 0; summary and analysis calls).

CPU seconds are user + system time: of each worker from `os.wait4`, of the fake server from
/proc (Linux), of Redis from its own `INFO cpu`. The load average is printed before and after.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import Server, write_corpus


class Worker:
    """`python -m summarizer <args>` as a child process; `wait` returns its exit code, wall and CPU seconds."""

    def __init__(self, log: Path, *args: str) -> None:
        self.log = log
        self.started = time.monotonic()  # the server stamps requests with the same (system-wide) monotonic clock
        with log.open("w", encoding="utf-8") as errors:  # a file, not a pipe: a chatty worker can never block on it
            self.process = subprocess.Popen(
                [sys.executable, "-m", "summarizer", *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors
            )

    def wait(self) -> tuple[float, float]:
        _, status, usage = os.wait4(self.process.pid, 0)
        self.ended = time.monotonic()
        wall = self.ended - self.started
        self.process.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in (0, 2):
            raise SystemExit(
                f"a brief process failed with exit {code}:\n{self.log.read_text(encoding='utf-8')[-2000:]}"
            )
        return wall, usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) process `pid` has used so far, from /proc; None where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_ticks() -> tuple[int, int] | None:
    """(busy, all) CPU ticks of the whole machine so far, from /proc/stat (Linux); None elsewhere."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def redis_cpu(url: str) -> float:
    import redis

    client = redis.Redis.from_url(url)
    try:
        info = client.info("cpu")
    finally:
        client.close()
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def flush(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


class Meter:
    """CPU seconds the fake server and Redis use between `start` and `stop`."""

    def __init__(self, server: Server, redis_url: str) -> None:
        self.server, self.redis_url = server, redis_url

    def start(self) -> None:
        self.before = (process_cpu(self.server.process.pid), redis_cpu(self.redis_url))
        self.ticks = machine_ticks()

    def stop(self) -> tuple[float | None, float]:
        server = process_cpu(self.server.process.pid)
        ticks = machine_ticks()
        self.busy = (
            None
            if ticks is None or self.ticks is None
            else (ticks[0] - self.ticks[0]) / max(ticks[1] - self.ticks[1], 1)
        )
        return (None if server is None or self.before[0] is None else server - self.before[0]), redis_cpu(
            self.redis_url
        ) - self.before[1]

    def machine(self) -> str:
        """How busy the machine's CPUs were (by anything, other work included) between `start` and `stop`."""
        return "n/a (no /proc/stat)" if self.busy is None else f"{100 * self.busy:.0f}%"


def _brief_times(sizes: list[dict[str, Any]]) -> list[float]:
    return sorted(s["time"] for s in sizes if s["kind"] == "brief")


def _seconds(value: float | None) -> str:
    return "n/a (no /proc)" if value is None else f"{value:.2f} s"


def _verdict(ratio: float, target: float) -> str:
    return "OK" if ratio <= target else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="articles (default 2000)")
    parser.add_argument("--workers", type=int, default=4, help="shard processes (default 4)")
    parser.add_argument("--concurrency", type=int, default=64, help="--concurrency of each worker (default 64)")
    parser.add_argument("--latency", type=float, default=0.5, help="seconds the server takes per request (default 0.5)")
    args = parser.parse_args(argv)

    from tests.redis_server import redis_server

    cpus = os.cpu_count() or 1
    print(
        f"machine: {platform.platform()}, {cpus} CPUs (nproc), Python {platform.python_version()}, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min) before"
    )
    with tempfile.TemporaryDirectory(prefix="brief-scale-") as tmp, redis_server() as redis_url:
        work = Path(tmp)
        folder = write_corpus(args.n, work / "news")
        server = Server((args.n,), args.latency)
        meter = Meter(server, redis_url)
        env_home = work / "home"
        os.environ.update(
            {"HOME": str(env_home), "XDG_CONFIG_HOME": str(env_home / "config"), "BRIEF_CACHE_URL": redis_url}
        )
        common = ["--base-url", server.base_url, "--api-key", "sk-bench-not-a-key", "--model", "gpt-4o-mini", "--quiet"]
        c, latency, w = args.concurrency, args.latency, args.workers

        def shard(k: int) -> Worker:
            return Worker(work / f"worker{k}.log", "run", str(folder), "--shard", f"{k}/{w}", "-c", str(c), *common)

        try:
            # 1. one host: one worker alone on its shard
            server.ask("clear")
            meter.start()
            alone = shard(1)
            wall, cpu = alone.wait()
            server_cpu, redis_used = meter.stop()
            times = _brief_times(server.ask("sizes"))
            ideal = math.ceil(len(times) / c) * latency
            phase = times[-1] - times[0] + latency if times else 0.0
            print(
                f"\n1. one host: 1 worker alone on shard 1/{w} ({len(times)} articles), concurrency {c}, latency {latency} s, over Redis"
            )
            print(
                f"   wall time, launch to exit (start-up included): {wall:.2f} s vs ideal ceil({len(times)}/{c}) x {latency} = {ideal:.2f} s "
                f"-> {wall / ideal:.2f}x (target <= 1.2x) {_verdict(wall / ideal, 1.2)}"
            )
            print(
                f"   first request {times[0] - alone.started:.2f} s after launch; article phase, first to last brief request received + "
                f"one latency: {phase:.2f} s -> {phase / ideal:.2f}x; exit {alone.ended - times[-1] - latency:.2f} s after the last answer"
            )
            print(
                f"   CPU: the worker {cpu:.2f} s ({1000 * cpu / max(len(times), 1):.1f} ms per article, start-up included), "
                f"fake server {_seconds(server_cpu)}, Redis {redis_used:.2f} s; the machine's CPUs were {meter.machine()} busy"
            )
            server.ask("clear")
            rerun_wall, rerun_cpu = shard(1).wait()
            resent = len(_brief_times(server.ask("sizes")))
            print(
                f"   the same worker rerun, every brief cached ({resent} requests): {rerun_wall:.2f} s, CPU {rerun_cpu:.2f} s "
                "(start-up without the SDK, reading, cache look-ups)"
            )
            few = max(1, len(times) // 10)
            small = work / "few"
            small.mkdir()
            for path in sorted(folder.iterdir())[:few]:
                (small / path.name).write_bytes(path.read_bytes())
            flush(redis_url)
            _, few_cpu = Worker(work / "few.log", "run", str(small), "--shard", "1/1", "-c", str(c), *common).wait()
            print(
                f"   one worker over {few} fresh articles alone: CPU {few_cpu:.2f} s; so each further article cost "
                f"({cpu:.2f} - {few_cpu:.2f}) / ({len(times)} - {few}) = {1000 * (cpu - few_cpu) / max(len(times) - few, 1):.1f} ms of CPU "
                "(reading it, its request and answer, the cache)"
            )

            # 2. all workers at once on this machine
            flush(redis_url)
            server.ask("clear")
            meter.start()
            start = time.monotonic()
            workers = [shard(k) for k in range(1, w + 1)]
            measured = [worker.wait() for worker in workers]
            wall = time.monotonic() - start
            server_cpu, redis_used = meter.stop()
            sizes = server.ask("sizes")
            times = _brief_times(sizes)
            ideal = math.ceil(args.n / (w * c)) * latency
            phase = (times[-1] - times[0] + latency) if times else 0.0
            workers_cpu = [cpu for _, cpu in measured]
            total = sum(workers_cpu) + (server_cpu or 0.0) + redis_used
            print(
                f"\n2. {w} workers at once on this machine x concurrency {c}, {args.n} articles, latency {latency} s, over Redis"
            )
            print(
                f"   wall time, launch to last exit (start-up included): {wall:.2f} s vs ideal ceil({args.n}/{w * c}) x "
                f"{latency} = {ideal:.2f} s -> {wall / ideal:.2f}x (target <= 1.2x) {_verdict(wall / ideal, 1.2)}"
            )
            print(
                f"   article phase, first to last brief request received + one latency: {phase:.2f} s -> {phase / ideal:.2f}x"
            )
            print(
                f"   CPU: workers {' + '.join(f'{x:.2f}' for x in workers_cpu)} = {sum(workers_cpu):.2f} s "
                f"({1000 * sum(workers_cpu) / max(len(times), 1):.1f} ms per article, start-ups included), fake server "
                f"{_seconds(server_cpu)}, Redis {redis_used:.2f} s; "
                f"{total:.2f} CPU-s in all against {cpus} CPUs x {wall:.2f} s = {cpus * wall:.2f} CPU-s available "
                f"({100 * total / (cpus * wall):.0f}%); the machine's CPUs were {meter.machine()} busy (other work included)"
            )
            print(
                f"3. requests: {len(times)} for briefs (target {args.n}) {'OK' if len(times) == args.n else 'MISSED'}, {len(sizes)} in all"
            )

            # 4. the final merge
            server.ask("clear")
            merge_wall, merge_cpu = Worker(
                work / "merge.log", "run", str(folder), "-c", str(c), "-o", str(work / "briefing.md"), *common
            ).wait()
            kinds = Counter(s["kind"] for s in server.ask("sizes"))
            print(
                f"4. final merge (one process, start-up included): {merge_wall:.2f} s, CPU {merge_cpu:.2f} s; requests: "
                f"{kinds.get('brief', 0)} for briefs (target 0), {kinds.get('summary', 0)} summary, {kinds.get('analysis', 0)} analysis; "
                f"briefing {(work / 'briefing.md').stat().st_size:,} bytes"
            )
        finally:
            server.close()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min) after")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""How brief's cost grows with the number of articles: cold and warm runs at several sizes, two corpus shapes.

    python bench/growth.py                                  # 1,000 and 10,000 articles, both shapes (about 15 min)
    python bench/growth.py --sizes 1000 --shapes giant      # one size, one shape
    python bench/growth.py --work /tmp/g --warm-only        # rerun warm over corpora and caches kept by an earlier --work run

Each run is a whole fresh process, `python -m summarizer run FOLDER -o OUT.md` (start-up
included), against the fake server of `tests/fake_openai.py` in a child process. The shapes:

- **giant**: `bench/corpus.py` (short articles over a shared world; clustering makes most of
  them one big story, the rest small ones and single articles);
- **crowded**: the giant shape with `crowded=True` (states named in a third of the events,
  one or two incidents per article that name no actor, a third of them undated);
- **small**: the labelled story corpus `bench/stories_corpus.jsonl` repeated in windows 70 days
  apart with its own names (`bench/eval_stories.scaled`): many stories of 3 to 20 articles, in
  outlet folders. Each record becomes an article file (headline, summary, one sentence per
  event) answered with its brief (every event quoting its sentence).

For each shape and size: a **cold** run (empty cache; the server answers after `--latency`
seconds, `--concurrency` requests in flight), then a **warm** rerun (every answer cached, no
request sent). Printed for each: wall time, peak resident memory of the brief process
(`os.wait4`), its CPU seconds, the CPU it used after the last answer arrived (cold: sampled from
/proc while it runs; warm: all of it, no answer is awaited), requests sent, and the words and
lines of the Markdown written. Then the ratio of each figure between consecutive sizes: a
linear cost grows 10x from 1,000 to 10,000 articles. The load average is printed with each
figure: the machine is shared.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHAPES = ("giant", "small", "crowded")
TARGET_WARM = {1000: 5.0, 10000: 60.0}  # issue 26: seconds for a warm rerun
TARGET_MB = 1024.0  # peak resident memory, both shapes


# --------------------------------------------------------------------------- corpora


@dataclass(frozen=True)
class Item:
    path: str  # relative to the corpus folder
    file_text: str
    body: str  # the text inside the <article> fence of the brief request
    brief: dict[str, Any]


def giant(n: int, crowded: bool = False) -> list[Item]:
    from bench.corpus import make_corpus

    return [Item(a.name, a.file_text, a.body, a.brief) for a in make_corpus(n, crowded=crowded)]


def small(n: int) -> list[Item]:
    """The labelled stories corpus scaled to n articles, each record an article file with its brief."""
    from bench.eval_stories import CORPUS, load, scaled

    items = []
    for r in scaled(load(CORPUS), n):
        sentences = [e["description"] for e in r["events"]]
        body = "\n".join([r["headline"], r["summary"], " ".join(sentences), f"Report {r['id']}."])
        names = {a["name"] for a in r["actors"]}
        actors = [
            {"name": a["name"], "name_in_source": a["name"], "kind": a["kind"], "role": a["role"]} for a in r["actors"]
        ]
        actors += [
            {"name": x, "name_in_source": x, "kind": "person", "role": ""}
            for e in r["events"]
            for x in e["actors"]
            if x not in names
        ]
        events = [
            {
                "date": e["date"],
                "precision": {None: "unknown", 4: "year", 7: "month", 10: "day"}[len(e["date"]) if e["date"] else None],
                "description": e["description"],
                "actors": e["actors"],
                "evidence": e["description"],
            }
            for e in r["events"]
        ]
        brief = {
            "source_language": r["language"],
            "headline": r["headline"],
            "summary": r["summary"],
            "actors": actors[:12],
            "stances": [],
            "events": events,
        }
        items.append(Item(f"{r['outlet']}/{r['id']}.txt", f" date {r['date']} {body}\n", body, brief))
    return items


def corpus(shape: str, n: int) -> list[Item]:
    return small(n) if shape == "small" else giant(n, crowded=shape == "crowded")


def write_corpus(items: list[Item], folder: Path) -> None:
    for item in items:
        path = folder / item.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(item.file_text, encoding="utf-8")


# --------------------------------------------------------------------------- the server (child process)


def _serve(shape: str, n: int, latency: float, conn: Any) -> None:
    import re
    import socketserver

    from tests.fake_openai import FakeOpenAI, _user_text

    socketserver.TCPServer.request_queue_size = 256
    socketserver.StreamRequestHandler.disable_nagle_algorithm = True
    fence = re.compile(r"<article>\n(.*)\n</article>", re.S)
    answers = {item.body: item.brief for item in corpus(shape, n)}

    class CorpusServer(FakeOpenAI):
        def answer_for(self, body: dict[str, Any], key: str | None) -> dict[str, Any]:
            arrived = next((r["time"] for r in reversed(self.requests) if r["body"] is body), time.monotonic())
            time.sleep(max(0.0, arrived + latency - time.monotonic()))
            if key and key.startswith("brief/"):
                match = fence.search(_user_text(body))
                if match and match.group(1) in answers:
                    return answers[match.group(1)]
            return super().answer_for(body, key)

    with CorpusServer(recordings=None, latency=0.0) as server:  # type: ignore[arg-type]
        conn.send(server.base_url)
        while True:
            command = conn.recv()
            if command == "times":  # arrival times of the brief requests, and the number of requests
                kinds = [(r["headers"].get("X-Brief-Key") or "").split("/")[0] for r in server.requests]
                conn.send(([r["time"] for r, k in zip(server.requests, kinds) if k == "brief"], len(server.requests)))
                server.requests.clear()
            else:
                conn.send(True)
                return


class Server:
    def __init__(self, shape: str, n: int, latency: float) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(shape, n, latency, child), daemon=True)
        self.process.start()
        self.base_url = self.conn.recv()

    def times(self) -> tuple[list[float], int]:
        self.conn.send("times")
        return self.conn.recv()

    def close(self) -> None:
        self.conn.send("stop")
        self.conn.recv()
        self.process.join(5)


# --------------------------------------------------------------------------- one whole process


@dataclass
class Figures:
    wall: float
    peak_mb: float
    cpu: float
    cpu_after: float | None  # CPU seconds after the last answer arrived
    requests: int
    words: int
    lines: int
    load: float  # 1-minute load average when the run started
    code: int


def _cpu_of(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_brief(
    folder: Path, out: Path, cache: Path, base_url: str, args: argparse.Namespace, server: Server | None
) -> Figures:
    env = {
        **os.environ,
        "HOME": str(cache.parent / "home"),
        "XDG_CONFIG_HOME": str(cache.parent / "home" / "config"),
        "BRIEF_CACHE_DIR": str(cache),
    }
    command = [
        sys.executable,
        "-m",
        "summarizer",
        "run",
        str(folder),
        "--base-url",
        base_url,
        "--api-key",
        "sk-bench-not-a-key",
        "--model",
        "gpt-4o-mini",
        "-c",
        str(args.concurrency),
        "-o",
        str(out),
        "--quiet",
        *args.brief_args,
    ]
    load = os.getloadavg()[0]
    samples: list[tuple[float, float]] = []  # (monotonic time, CPU seconds so far) every 20 ms
    start = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            cpu = _cpu_of(process.pid)
            if cpu is not None:
                samples.append((time.monotonic(), cpu))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = process.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    done.set()
    sampler.join()
    process.returncode = code = os.waitstatus_to_exitcode(status)
    if code not in (0, 2):
        raise SystemExit(f"brief failed (exit {code}): {stderr.decode(errors='replace')[-2000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    briefs, requests = server.times() if server is not None else ([], 0)
    if briefs:
        last_answer = max(briefs) + args.latency
        before = [c for t, c in samples if t <= last_answer]
        cpu_after = cpu - before[-1] if before else None
    else:
        cpu_after = cpu
    text = out.read_text(encoding="utf-8")
    return Figures(
        wall, usage.ru_maxrss / 1024, cpu, cpu_after, requests, len(text.split()), text.count("\n"), load, code
    )


def show(label: str, f: Figures, n: int, warm: bool) -> str:
    target = ""
    if warm and n in TARGET_WARM:
        ok = f.wall <= TARGET_WARM[n] and f.peak_mb < TARGET_MB and f.requests == 0
        target = f" (target <= {TARGET_WARM[n]:.0f} s, < {TARGET_MB:.0f} MB, 0 requests) {'OK' if ok else 'MISSED'}"
    after = "n/a" if f.cpu_after is None else f"{f.cpu_after:.2f} s"
    return (
        f"   {label}: {f.wall:.2f} s, peak {f.peak_mb:.0f} MB, CPU {f.cpu:.2f} s (after the last answer {after}), {f.requests} requests, "
        f"Markdown {f.words:,} words / {f.lines:,} lines, exit {f.code}; load {f.load:.1f}{target}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="article counts, comma-separated (default 1000,10000)")
    parser.add_argument(
        "--shapes",
        default="giant,small",
        help=f"corpus shapes, comma-separated, of {', '.join(SHAPES)} (default giant,small)",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0.02,
        help="seconds the server takes per request in the cold run (default 0.02)",
    )
    parser.add_argument(
        "--concurrency", type=int, default=64, help="brief's --concurrency in the cold run (default 64)"
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="keep corpora, caches and outputs here (default: a temporary folder)"
    )
    parser.add_argument(
        "--warm-only", action="store_true", help="skip the cold run where --work already holds a filled cache"
    )
    parser.add_argument("brief_args", nargs="*", help="more options for `brief run` after --, e.g. -- --detail full")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    shapes = [s for s in args.shapes.split(",") if s]
    if unknown := set(shapes) - set(SHAPES):
        parser.error(f"unknown shape(s) {sorted(unknown)}; use {', '.join(SHAPES)}")

    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs (nproc), Python {platform.python_version()}")
    work = args.work or Path(tempfile.mkdtemp(prefix="brief-growth-"))
    try:
        for shape in shapes:
            rows: dict[int, tuple[Figures | None, Figures]] = {}
            for n in sizes:
                base = work / f"{shape}-{n}"
                folder, cache = base / "articles", base / "cache"
                items = None
                if not folder.exists():
                    items = corpus(shape, n)
                    write_corpus(items, folder)
                print(f"\n{shape}, {n:,} articles:", flush=True)
                cold = None
                if not (args.warm_only and cache.exists()):
                    shutil.rmtree(cache, ignore_errors=True)
                    server = Server(shape, n, args.latency)
                    try:
                        cold = run_brief(folder, base / "cold.md", cache, server.base_url, args, server)
                        print(
                            show(f"cold (latency {args.latency} s, concurrency {args.concurrency})", cold, n, False),
                            flush=True,
                        )
                        warm = run_brief(folder, base / "warm.md", cache, server.base_url, args, server)
                    finally:
                        server.close()
                else:
                    warm = run_brief(folder, base / "warm.md", cache, "http://127.0.0.1:9/v1", args, None)
                print(show("warm (every answer cached)", warm, n, True), flush=True)
                rows[n] = (cold, warm)
                del items
            for small_n, big_n in zip(sizes, sizes[1:]):
                (c1, w1), (c2, w2) = rows[small_n], rows[big_n]
                x = big_n / small_n
                parts = [
                    f"warm time {w2.wall / w1.wall:.1f}x, warm CPU {w2.cpu / w1.cpu:.1f}x, warm peak memory {w2.peak_mb / w1.peak_mb:.1f}x, "
                    f"words {w2.words / max(w1.words, 1):.1f}x"
                ]
                if c1 and c2:
                    parts.append(f"cold time {c2.wall / c1.wall:.1f}x, cold CPU {c2.cpu / c1.cpu:.1f}x")
                print(f"   {shape} {small_n:,} -> {big_n:,} articles ({x:g}x): " + "; ".join(parts))
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

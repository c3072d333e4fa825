"""Benchmark brief against a local fake OpenAI-compatible server: throughput, overhead, memory, merge.

    python bench/run.py                      # the figures in bench/README.md (about two minutes)
    python bench/run.py --n 200 --latency 0.5 --concurrency 16 --big 1000

The fake server (tests/fake_openai.py) runs in a child process, so its work does not count as
brief's; it answers each article with the brief a careful model would write (bench/corpus.py),
after `--latency` seconds. The script prints:

0. `brief run` as a whole fresh process (start-up included): when the first request leaves
   (target 1.0 s), the article phase against ceil(N / concurrency) x latency (target 1.10x), and
   the time after the last article's answer (target at most two rounds of latency);
1. wall time of the article requests vs the ideal ceil(N / concurrency) x latency (target 1.15x);
2. prompt overhead: tokens per article request beyond the article itself (chars / 4), measured
   on the request bodies the server received, split into system prompt, schema and user template;
3. a run over --big articles with the cache warm: requests sent (must be 0) and brief's own
   time per article (target < 5 ms);
4. peak memory of the process running brief for --big articles;
5. merge time and the largest prompt the executive summary sent for --big briefs.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import platform
import re
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import make_corpus

_ARTICLE = re.compile(r"<article>\n(.*)\n</article>", re.S)


# --------------------------------------------------------------------------- the server (child process)


def _bodies(shape: str, n: int) -> dict[str, Any]:
    """{article text inside the brief request's fence: the brief a careful model writes} for a corpus of `shape`."""
    if shape == "giant":
        return {a.body: a.brief for a in make_corpus(n)}
    from bench.growth import corpus

    return {item.body: item.brief for item in corpus(shape, n)}


def _serve(sizes: tuple[int, ...], latency: float, conn: Any, shape: str = "giant") -> None:
    """Child process: a FakeOpenAI answering the corpus's articles; reports request sizes on demand."""
    import socketserver

    from tests.fake_openai import FakeOpenAI, _user_text

    socketserver.TCPServer.request_queue_size = 256  # a burst of `concurrency` connects must not overflow the backlog
    # Headers and body go out as two writes: with Nagle's algorithm on, the body waits for the
    # client's delayed ACK (40 ms on Linux). Real servers set TCP_NODELAY; so does this one.
    socketserver.StreamRequestHandler.disable_nagle_algorithm = True
    answers = {body: brief for n in sizes for body, brief in _bodies(shape, n).items()}

    class CorpusServer(FakeOpenAI):
        """Answers the corpus's articles; each answer leaves `delay` seconds after its request arrived."""

        delay: float = 0.0

        def answer_for(self, body: dict[str, Any], key: str | None) -> dict[str, Any]:
            # FakeOpenAI's own latency sleeps after its bookkeeping; timing from the arrival keeps
            # the server's Python overhead out of the latency the benchmark compares against.
            arrived = next((r["time"] for r in reversed(self.requests) if r["body"] is body), time.monotonic())
            time.sleep(max(0.0, arrived + self.delay - time.monotonic()))
            if key and key.startswith("brief/"):
                match = _ARTICLE.search(_user_text(body))
                if match and match.group(1) in answers:
                    return answers[match.group(1)]
            return super().answer_for(body, key)

    with CorpusServer(recordings=None, latency=0.0) as server:  # type: ignore[arg-type]
        server.delay = latency
        conn.send(server.base_url)
        while True:
            command = conn.recv()
            if command == "sizes":
                conn.send([_sizes(r) for r in server.requests])
            elif command == "clear":
                server.requests.clear()
                conn.send(True)
            elif isinstance(command, tuple) and command[0] == "latency":
                server.delay = command[1]
                conn.send(True)
            else:
                conn.send(True)
                return


def _sizes(request: dict[str, Any]) -> dict[str, Any]:
    """What one request carried, in characters: whole body, messages by role, tools, the article."""
    import json

    body = request["body"]
    key = request["headers"].get("X-Brief-Key") or request["headers"].get("x-brief-key") or ""
    messages = body.get("messages", [])
    user = "\n".join(m.get("content") or "" for m in messages if m.get("role") == "user")
    match = _ARTICLE.search(user)
    return {
        "kind": key.split("/")[0],
        "time": request.get("time", 0.0),
        "body": len(json.dumps(body, ensure_ascii=False)),
        "system": sum(len(m.get("content") or "") for m in messages if m.get("role") == "system"),
        "user": len(user),
        "tools": len(json.dumps(body.get("tools") or body.get("response_format") or "", ensure_ascii=False)),
        "article": len(match.group(1)) if match else 0,
    }


class Server:
    """The fake server in a child process."""

    def __init__(self, sizes: tuple[int, ...], latency: float, shape: str = "giant") -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(sizes, latency, child, shape), daemon=True)
        self.process.start()
        self.base_url = self.conn.recv()

    def ask(self, command: Any) -> Any:
        self.conn.send(command)
        return self.conn.recv()

    def close(self) -> None:
        self.ask("stop")
        self.process.join(5)


# --------------------------------------------------------------------------- brief (this process)


def write_corpus(n: int, folder: Path, shape: str = "giant") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if shape != "giant":
        from bench.growth import corpus, write_corpus as write_items

        write_items(corpus(shape, n), folder)
        return folder
    for article in make_corpus(n):
        (folder / article.name).write_text(article.file_text, encoding="utf-8")
    return folder


def tail_rounds(late: list[float], last_answer: float, latency: float) -> tuple[int, int]:
    """(requests, sequential rounds) after the last article's answer, counted from the order of events, not the clock:
    a request is one round later than every request whose answer had left the server before it arrived. Requests
    sent side by side are one round however long the machine took to send them, unless an answer came back between."""
    after = sorted(t for t in late if t >= last_answer - 1e-3)
    depth: list[int] = []
    for i, t in enumerate(after):
        depth.append(1 + max((depth[j] for j in range(i) if after[j] + latency <= t), default=0))
    return len(after), max(depth, default=0)


def settings_for(base_url: str, cache_dir: Path, concurrency: int):  # type: ignore[no-untyped-def]
    from pydantic import SecretStr

    from summarizer.config.settings import Settings

    return Settings(
        model="gpt-4o-mini",
        base_url=base_url,
        api_key=SecretStr("sk-bench-not-a-key"),
        cache_dir=cache_dir,
        concurrency=concurrency,
    )


def run_brief(folder: Path, settings) -> tuple[Any, dict[str, float]]:  # type: ignore[no-untyped-def]
    """build_briefing over `folder`; timings (time.monotonic, the server's clock) of the whole run and of the last article result."""
    from summarizer.pipeline import build_briefing

    marks: dict[str, float] = {}

    def result(_: Any) -> None:
        marks["last_result"] = time.monotonic()

    marks["start"] = time.monotonic()
    run = build_briefing([folder], settings, on_result=result)
    marks["total"] = time.monotonic() - marks["start"]
    return run, marks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark brief against a local fake OpenAI-compatible server.")
    parser.add_argument("--n", type=int, default=200, help="articles for the throughput run (default 200)")
    parser.add_argument("--latency", type=float, default=0.5, help="seconds the server takes per request (default 0.5)")
    parser.add_argument("--concurrency", type=int, default=16, help="brief's --concurrency (default 16)")
    parser.add_argument(
        "--big", type=int, default=1000, help="articles for the warm-cache, memory and merge figures (default 1000)"
    )
    parser.add_argument(
        "--big-latency",
        type=float,
        default=0.02,
        help="server latency while filling the cache for --big (default 0.02)",
    )
    parser.add_argument(
        "--shape",
        choices=("giant", "small"),
        default="giant",
        help="corpus of the whole-process run: giant (bench/corpus.py: one big story and small ones) or small "
        "(many small stories from bench/stories_corpus.jsonl, as bench/growth.py); default giant",
    )
    parser.add_argument(
        "--tail-only",
        action="store_true",
        help="only the whole-process run (0.): the first request and the rounds after the last article",
    )
    args = parser.parse_args(argv)

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs (nproc), Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="brief-bench-") as tmp:
        work = Path(tmp)
        server = Server((args.n,) if args.tail_only else (args.n, args.big, 1), args.latency, args.shape)
        try:
            whole_process(args, server, work)
            if args.tail_only:
                return 0
            warm_up(server, work)
            throughput(args, server, work)
            big(args, server, work)
        finally:
            server.close()
    return 0


def whole_process(args: argparse.Namespace, server: Server, work: Path) -> None:
    """`brief run` as a fresh process, start-up included: when the first request leaves, the article phase, the tail after it."""
    import subprocess

    folder = write_corpus(args.n, work / "process", args.shape)
    server.ask(("latency", args.latency))
    server.ask("clear")
    env = {
        **os.environ,
        "HOME": str(work / "home"),
        "XDG_CONFIG_HOME": str(work / "home" / "config"),
        "BRIEF_CACHE_DIR": str(work / "cache-process"),
    }
    command = [
        sys.executable,
        "-m",
        "summarizer",
        "run",
        str(folder),
        "--base-url",
        server.base_url,
        "--api-key",
        "sk-bench-not-a-key",
        "--model",
        "gpt-4o-mini",
        "-c",
        str(args.concurrency),
        "-o",
        str(work / "process.md"),
        "--quiet",
    ]
    start = time.monotonic()  # the server stamps requests with the same (system-wide) monotonic clock
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    end = time.monotonic()
    sizes = server.ask("sizes")
    briefs = sorted(s["time"] for s in sizes if s["kind"] == "brief")
    if done.returncode not in (0, 2) or not briefs:
        print(f"0. whole process: brief failed (exit {done.returncode}): {done.stderr.strip()[:400]}")
        return
    first = briefs[0] - start
    phase = briefs[-1] + args.latency - briefs[0]
    ideal = math.ceil(args.n / args.concurrency) * args.latency
    tail = end - (briefs[-1] + args.latency)
    late, rounds = tail_rounds(
        [s["time"] for s in sizes if s["kind"] != "brief"], briefs[-1] + args.latency, args.latency
    )
    kinds = ", ".join(
        f"{sum(s['kind'] == k for s in sizes)} {k}" for k in sorted({s["kind"] for s in sizes} - {"brief"})
    )
    floor = sdk_floor()
    print(
        f"0. whole process (python -m summarizer run, start-up included): {args.n} articles ({args.shape} shape), latency {args.latency} s, "
        f"concurrency {args.concurrency}, load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"   after the last article's answer: {late} request(s) ({kinds}) in {rounds} sequential round(s) (counted from the order of "
        f"requests and answers, at most {args.concurrency} in flight; target <= 2) {'OK' if rounds <= 2 else 'MISSED'}"
    )
    print(
        f"   first request {first:.2f} s after launch (target <= 1.0 s; SDK floor here {floor:.2f} s) {'OK' if first <= 1.0 else 'MISSED'}; "
        f"article phase {phase:.2f} s vs ideal {ideal:.2f} s -> {phase / ideal:.3f}x (target <= 1.10x) {'OK' if phase <= 1.10 * ideal else 'MISSED'}; "
        f"after the last article {tail:.2f} s = {tail / args.latency:.1f} rounds of latency (target <= 2) {'OK' if tail <= 2 * args.latency else 'MISSED'}; "
        f"total {end - start:.2f} s, {len(sizes) - len(briefs)} summary/analysis requests"
    )


def sdk_floor() -> float:
    """Seconds from launching a fresh Python that only imports openai and instructor and wraps an AsyncOpenAI client
    (instructor.from_openai): the least any first request through the SDK can take on this machine."""
    import subprocess

    code = (
        "import time, instructor, openai; "
        "instructor.from_openai(openai.AsyncOpenAI(api_key='sk-bench-not-a-key', base_url='http://127.0.0.1:9/v1')); print(time.monotonic())"
    )
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout) - start


def warm_up(server: Server, work: Path) -> None:
    """One article end to end: the one-off costs of a process (imports, openai's lazy modules, the language model)."""
    start = time.perf_counter()
    server.ask(("latency", 0.0))
    run_brief(write_corpus(1, work / "warm-up"), settings_for(server.base_url, work / "cache-warm-up", 1))
    print(
        f"one-off warm-up of the process (imports of openai and instructor, first request, language detector): "
        f"{time.perf_counter() - start:.2f} s, not counted below"
    )


def throughput(args: argparse.Namespace, server: Server, work: Path) -> None:
    server.ask(("latency", args.latency))
    folder = write_corpus(args.n, work / "small")
    settings = settings_for(server.base_url, work / "cache-small", args.concurrency)
    server.ask("clear")
    run, marks = run_brief(folder, settings)
    sizes = server.ask("sizes")
    briefs = [s for s in sizes if s["kind"] == "brief"]
    ideal = math.ceil(args.n / args.concurrency) * args.latency
    # from the first article request (the files are read while the first answers are awaited) to the last article's result
    marks["articles"] = marks["last_result"] - min(s["time"] for s in briefs)
    ratio = marks["articles"] / ideal
    print(f"\n1. throughput: {args.n} articles, latency {args.latency} s, concurrency {args.concurrency}")
    print(
        f"   article requests: {marks['articles']:.2f} s vs ideal ceil({args.n}/{args.concurrency}) x {args.latency} = {ideal:.2f} s "
        f"-> {ratio:.3f}x (target <= 1.15x) {'OK' if ratio <= 1.15 else 'MISSED'}"
    )
    print(
        f"   whole run (read, {len(briefs)} briefs, merge, {len(sizes) - len(briefs)} summary/analysis requests): {marks['total']:.2f} s; "
        f"{run.briefing.meta.briefs} briefs, {len(run.briefing.timeline)} timeline entries, exit code {run.exit_code}"
    )
    overhead(briefs)


def overhead(briefs: list[dict[str, Any]]) -> None:
    if not briefs:
        return
    n = len(briefs)
    article = sum(b["article"] for b in briefs) / n
    body = sum(b["body"] for b in briefs) / n
    system = sum(b["system"] for b in briefs) / n
    tools = sum(b["tools"] for b in briefs) / n
    template = sum(b["user"] - b["article"] for b in briefs) / n
    rest = body - article - system - tools - template
    print(f"2. prompt overhead per article request (chars / 4 ~ tokens), mean over {n} requests:")
    print(
        f"   article itself {article / 4:.0f} tokens; overhead {(body - article) / 4:.0f} tokens = system prompt {system / 4:.0f} "
        f"+ schema/tools {tools / 4:.0f} + user template {template / 4:.0f} + JSON framing {rest / 4:.0f}"
    )


def big(args: argparse.Namespace, server: Server, work: Path) -> None:
    from summarizer.llm.context import context_window, input_room
    from summarizer.stages.merge import merge_briefs

    folder = write_corpus(args.big, work / "big")
    settings = settings_for(server.base_url, work / "cache-big", args.concurrency)
    server.ask(("latency", args.big_latency))
    server.ask("clear")
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cold, cold_marks = run_brief(folder, settings)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sizes = server.ask("sizes")
    server.ask("clear")
    warm, warm_marks = run_brief(folder, settings)
    sent = len(server.ask("sizes"))
    tracemalloc.start()
    run_brief(folder, settings)
    heap_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    per_article = warm_marks["total"] / args.big * 1000
    print(
        f"\n3. warm cache: {args.big} articles again: {sent} requests sent, {warm.briefing.meta.llm_requests} counted, "
        f"{warm.briefing.meta.cache_hits} cache hits; {warm_marks['total']:.2f} s = {per_article:.2f} ms per article "
        f"(target < 5 ms) {'OK' if per_article < 5 and sent == 0 else 'MISSED'}"
    )
    print(
        f"   (cold run that filled it: {cold_marks['total']:.1f} s at latency {args.big_latency} s, {cold.briefing.meta.llm_requests} requests)"
    )
    print(
        f"4. peak memory, {args.big} articles: max RSS of the process running brief {peak_mb:.0f} MB after the cold run "
        f"({before_mb:.0f} MB before it: interpreter, libraries, the {args.n}-article run); Python heap peak of a warm run "
        f"{heap_mb:.0f} MB (tracemalloc)"
    )
    summary = [
        s for s in sizes if s["kind"] in ("summary", "pack-summary")
    ]  # pack-: several small stories' questions in one call
    analysis = [s for s in sizes if s["kind"] in ("analysis", "pack-analysis")]
    packed = {k: sum(s["kind"] == f"pack-{k}" for s in sizes) for k in ("summary", "analysis")}
    results = cold.results
    start = time.perf_counter()
    briefing = merge_briefs(results, meta=cold.briefing.meta)
    merge_s = time.perf_counter() - start
    events = sum(len(r.brief.events) for r in results if r.ok)
    print(
        f"5. merge of {len(results)} briefs ({events} events): {merge_s:.2f} s -> {len(briefing.timeline)} timeline entries, {len(briefing.actors)} actors"
    )
    if summary:
        from summarizer.stages.synthesis import summary_input

        by_id = {r.article.id: r for r in results if r.ok}
        summaries = {s.ref: by_id[s.article_id].brief.summary for s in briefing.sources}
        one_prompt = len(summary_input(briefing, summaries)) / 4
        print(
            f"   executive summary: {len(summary)} call(s) ({packed['summary']} of them packing small stories), each within {settings.model}'s input room of ~{input_room(settings):,} tokens "
            f"({context_window(settings):,}-token window); largest prompt {max(s['body'] for s in summary) / 4:,.0f} tokens "
            f"(all {len(briefing.sources)} briefs in one prompt: ~{one_prompt:,.0f} tokens)"
        )
    if analysis:
        print(
            f"   cross-source analysis: {len(analysis)} call(s) ({packed['analysis']} of them packing small stories); largest prompt {max(s['body'] for s in analysis) / 4:,.0f} tokens"
        )
    else:
        skipped = [n.message for n in cold.briefing.notes if n.message.startswith("model comparison skipped")]
        print(
            f"   cross-source analysis: no LLM call{' (skipped by design: its input exceeds the one-call limit; see the briefing notes)' if skipped else ''}"
        )


if __name__ == "__main__":
    raise SystemExit(main())

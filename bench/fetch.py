"""Benchmark `brief fetch`: 500 entries from 20 feeds on local servers, then 10,000 seen entries finding nothing new.

    python bench/fetch.py                      # 20 feeds x 25 entries, then 20 feeds x 500 seen entries
    python bench/fetch.py --feeds 10 --entries 10 --seen 2000

Starts one HTTP server per feed on 127.0.0.1 (its own port, so each feed is its own host, as
outlets are) in a child process, so the servers' Python work is not counted as brief's. Pages
are generated (distinct invented text, with navigation, scripts and a footer around it, about
60 KB each, like a news site's article page). Then measures whole processes, start-up included:

1. `brief fetch` of every feed into an empty folder (`--per-host 2 --delay 0`: the politeness
   delay would only measure itself; with the default 1 s delay, 25 pages from one host take at
   least 12 s): wall time, pages per second, CPU seconds (user + system of the brief process)
   per page, and peak memory (max RSS);
2. the same feeds grown to `--seen` entries in all, every one already in the folder's
   `.brief-fetch/seen.jsonl` (as after earlier runs) and served without ETag, so each feed is
   downloaded and parsed in full and every entry is looked up: nothing new is found, no page is
   requested. Wall time, CPU and max RSS.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WORDS = (
    "council minister bridge river harbour election budget school hospital railway market winter harvest port festival "
    "museum court strike factory airport mayor village region ministry parliament teachers doctors farmers workers "
    "announced said opened closed agreed rejected planned approved reported warned promised delayed extended"
).split()


def _text(rng: random.Random, n: int) -> list[str]:
    paras = []
    for _ in range(n):
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 22))).capitalize() + "."
            for _ in range(rng.randint(3, 6))
        ]
        paras.append(" ".join(sentences))
    return paras


def page(feed: int, item: int) -> bytes:
    rng = random.Random(feed * 100_003 + item)
    title = " ".join(rng.choice(WORDS) for _ in range(7)).capitalize()
    paras = "".join(f"<p>{p}</p>" for p in _text(rng, 6))
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(120))
    script = "<script>" + "var tracking = {};" * 1500 + "</script>"
    related = "".join(
        f'<li><a href="/news/{i}">{" ".join(rng.choice(WORDS) for _ in range(8))}</a></li>' for i in range(40)
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Bench News {feed}</title>{script}</head>'
        f'<body><header><ul class="menu">{nav}</ul></header><main><article><h1>{title}</h1>'
        f'<time datetime="2025-10-06">6 October 2025</time>{paras}</article><aside><ul>{related}</ul></aside></main>'
        f"<footer>Bench News {feed}. Cookie settings. Subscribe.</footer></body></html>"
    ).encode()


def feed(feed_no: int, port: int, count: int) -> bytes:
    items = "".join(
        f"<item><title>Story {feed_no}-{i}</title><link>http://127.0.0.1:{port}/a/{i}</link><guid>bench-{feed_no}-{i}</guid>"
        f"<pubDate>Mon, 06 Oct 2025 {i % 24:02d}:{i % 60:02d}:00 +0000</pubDate></item>"
        for i in range(count)
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench {feed_no}</title>{items}</channel></rss>'.encode()


def serve(feeds: int, ready, counts) -> None:  # type: ignore[no-untyped-def]
    """Child process: one server per feed; `counts[i]` entries in feed i (changed by the parent between phases)."""
    import threading

    ports = []
    for n in range(feeds):

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            feed_no = n

            def log_message(self, *a: object) -> None:
                pass

            def do_GET(self) -> None:
                port = self.server.server_address[1]
                if self.path == "/feed.rss":
                    body, kind = feed(self.feed_no, port, counts[self.feed_no]), "application/rss+xml"
                elif self.path.startswith("/a/"):
                    body, kind = page(self.feed_no, int(self.path[3:])), "text/html; charset=utf-8"
                else:
                    body, kind = b"not found", "text/plain"
                self.send_response(200 if kind != "text/plain" else 404)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        ports.append(httpd.server_address[1])
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
    ready.send(ports)
    ready.recv()  # until the parent is done


def run_fetch(urls: list[str], out: Path) -> tuple[float, float, float, int, str]:
    """(wall s, CPU s, max RSS MB, exit code, stderr tail) of one `python -m summarizer fetch` process."""
    args = [
        sys.executable,
        "-m",
        "summarizer",
        "fetch",
        *urls,
        "--out",
        str(out),
        "--allow-network",
        "127.0.0.1",
        "--delay",
        "0",
        "--per-host",
        "2",
        "--quiet",
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read() if proc.stderr else ""
    return (
        wall,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status),
        stderr[-500:],
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=20)
    ap.add_argument("--entries", type=int, default=25, help="entries per feed in phase 1")
    ap.add_argument("--seen", type=int, default=10_000, help="entries in all in phase 2, every one seen before")
    a = ap.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; load before: {os.getloadavg()[0]:.2f}"
    )
    counts = multiprocessing.Array("i", [a.entries] * a.feeds)
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(a.feeds, child, counts), daemon=True)
    server.start()
    ports = parent.recv()
    urls = [f"http://127.0.0.1:{p}/feed.rss" for p in ports]
    with tempfile.TemporaryDirectory(prefix="brief-fetch-bench-") as tmp:
        out = Path(tmp) / "news"
        wall, cpu, rss, code, err = run_fetch(urls, out)
        written = len(list(out.rglob("*.txt")))
        total = a.feeds * a.entries
        print(f"1. fetch {total} entries from {a.feeds} feeds (one host each; --per-host 2 --delay 0), whole process:")
        print(
            f"   {written} articles written, exit {code}; {wall:.2f} s wall = {written / wall:.1f} pages/s; "
            f"CPU {cpu:.2f} s = {1000 * cpu / max(written, 1):.1f} ms per page (download, extraction, writing; start-up included); max RSS {rss:.0f} MB"
        )
        if code:
            print("   stderr:", err)

        per_feed = a.seen // a.feeds
        with open(out / ".brief-fetch" / "seen.jsonl", "a", encoding="utf-8") as fh:
            for f, port in enumerate(ports):
                for i in range(a.entries, per_feed):
                    link = f"http://127.0.0.1:{port}/a/{i}"
                    fh.write(
                        json.dumps(
                            {
                                "guid": f"bench-{f}-{i}",
                                "url": link,
                                "canonical": link,
                                "feed": urls[f],
                                "hash": f"{f:04d}{i:012d}",
                                "path": f"127.0.0.1/2025-10-06/story-{f}-{i}.txt",
                                "day": "2025-10-06",
                                "dated_by": "feed",
                            }
                        )
                        + "\n"
                    )
        for f in range(a.feeds):
            counts[f] = per_feed
        (out / ".brief-fetch" / "feeds.json").unlink(
            missing_ok=True
        )  # no ETag: every feed downloaded and parsed in full
        wall, cpu, rss, code, err = run_fetch(urls, out)
        after = len(list(out.rglob("*.txt")))
        print(
            f"2. {per_feed * a.feeds} entries in {a.feeds} feeds, every one seen before (feeds downloaded and parsed in full, no ETag):"
        )
        print(
            f"   {after - written} new articles, exit {code}; {wall:.2f} s wall, CPU {cpu:.2f} s, max RSS {rss:.0f} MB"
        )
        if code:
            print("   stderr:", err)
    parent.send("done")
    server.join(timeout=5)
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

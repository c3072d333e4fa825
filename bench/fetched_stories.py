"""Story clustering on corpora that arrive by `brief fetch`: one outlet's feed at a time, scored by pairwise F1.

    python bench/fetched_stories.py                    # three outlets
    python bench/fetched_stories.py --outlets 9        # every outlet of bench/story_world.py

For each outlet, the labelled one-outlet corpus of make_story_corpus.py (`--outlet X`, seed 13)
is published as a news site on 127.0.0.1: an RSS feed whose entries carry each article's
publication time on the outlet's clock (some late in the evening, a day ahead in UTC), and one
HTML page per article (headline and text between a menu and a footer). The site's host name is
`<outlet>.test`, resolved to 127.0.0.1 inside this process only. `fetch_feeds` (the library call
behind `brief fetch`) writes the articles into `<outlet>.test/<YYYY-MM-DD>/...`; each fetched
file is matched to its labelled record by the URL on its header line, and clustered with the
outlet and date *as read from the fetched file* (`outlet_of`, the header date) and the record's
brief (what the model would answer; the labels are of briefs, not texts). Prints, per outlet:
articles fetched, dates that differ from the label, clusters, pairwise precision/recall/F1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import socket
import sys
import tempfile
import threading
from dataclasses import replace
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_story_corpus import make_records
from story_world import OUTLETS


def _page(r: dict) -> bytes:
    sentences = r["summary"].split(". ") + [
        e["description"] for e in r["events"]
    ]  # the events' accounts make it article-length
    paras = "".join(f"<p>{escape(s.rstrip('.'))}.</p>" for s in sentences)
    menu = "".join(f'<li><a href="/s/{i}">Section {i}</a></li>' for i in range(30))
    return (
        f'<!DOCTYPE html><html lang="{r["language"]}"><head><meta charset="utf-8"><title>{escape(r["headline"])}</title></head>'
        f"<body><nav><ul>{menu}</ul></nav><article><h1>{escape(r['headline'])}</h1>{paras}</article>"
        f"<footer>All rights reserved.</footer></body></html>"
    ).encode()


def _pub_date(r: dict, n: int) -> str:
    """Every fifth article at 23:40 on the outlet's clock (+03:00), a day ahead in UTC from 20:40 on."""
    day = dt.date.fromisoformat(r["date"])
    hour, minute = (23, 40) if n % 5 == 0 else (9 + n % 10, n % 60)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.timezone(dt.timedelta(hours=3))).strftime(
        "%a, %d %b %Y %H:%M:%S %z"
    )


def _site(records: list[dict], host: str):  # type: ignore[no-untyped-def]
    port_box: list[int] = []

    def url(r: dict) -> str:
        return f"http://{host}:{port_box[0]}/a/{r['id']}"

    by_path = {f"/a/{r['id']}": r for r in records}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/feed.rss":
                items = "".join(
                    f"<item><title>{xml_escape(r['headline'])}</title><link>{url(r)}</link><guid>{r['id']}</guid>"
                    f"<pubDate>{_pub_date(r, n)}</pubDate></item>"
                    for n, r in enumerate(records)
                )
                body, kind = (
                    f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{host}</title>{items}</channel></rss>'.encode(),
                    "application/rss+xml",
                )
            elif self.path in by_path:
                body, kind = _page(by_path[self.path]), "text/html; charset=utf-8"
            else:
                body, kind = b"", "text/plain"
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    port_box.append(httpd.server_address[1])
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://{host}:{port_box[0]}/feed.rss", url


def _resolve_test_hosts() -> None:
    """`*.test` names resolve to 127.0.0.1 in this process (the reserved .test domain never reaches DNS)."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(host, str) and host.endswith(".test"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    socket.getaddrinfo = resolve  # type: ignore[assignment]


def fetched_outlet(
    outlet: str, seed: int = 13
) -> tuple[int, int, int, int, tuple[float, float, float], list[str], int]:
    """(records, fetched, dates off, clusters, (P, R, F1), problems, duplicates) for one outlet's corpus fetched from its feed."""
    import ipaddress

    from story_scoring import pairwise, to_doc
    from summarizer.fetch.run import FetchOptions, fetch_feeds
    from summarizer.ingest.articles import load_articles, outlet_of
    from summarizer.stories.clustering import cluster_stories

    records = make_records(seed, outlet)
    host = f"{outlet}.test"
    httpd, feed_url, url = _site(records, host)
    by_url = {url(r): r for r in records}
    try:
        with tempfile.TemporaryDirectory(prefix="brief-fetched-stories-") as tmp:
            options = FetchOptions(
                allow_networks=(ipaddress.ip_network("127.0.0.1/32"),), delay=0.0, per_host=4, timeout=30
            )
            run = fetch_feeds([feed_url], Path(tmp), options)
            problems = [f"{p.where}: {p.reason}" for p in run.problems]
            docs, labels, off = [], {}, 0
            for article in load_articles([tmp], language_of=lambda _id, _text: "und").articles:
                r = by_url[article.url or ""]
                off += article.date != dt.date.fromisoformat(r["date"])
                doc = replace(
                    to_doc(r), outlet=outlet_of(article.path, article.url or ""), date=article.date
                )  # as read from the fetched file
                docs.append(doc)
                labels[doc.id] = r["story"]
    finally:
        httpd.shutdown()
        httpd.server_close()
    stories = cluster_stories(docs)
    clusters = {a: s.id for s in stories for a in s.article_ids}
    return len(records), len(docs), off, len(stories), pairwise(labels, clusters), problems, len(run.duplicates)


def fetched_one_outlet(outlets: int = 3, seed: int = 13) -> float:
    """Print the fetched one-outlet corpora's scores; return the lowest pairwise F1."""
    _resolve_test_hosts()
    print(
        f"\none outlet's feed at a time, fetched by brief fetch from 127.0.0.1 (make_story_corpus.py --outlet X, seed {seed}):"
    )
    lowest = 1.0
    for outlet in sorted(OUTLETS)[:outlets]:
        total, fetched, off, clusters, (p, r, f), problems, duplicates = fetched_outlet(outlet, seed)
        lowest = min(lowest, f)
        late = sum(1 for n in range(total) if n % 5 == 0)
        print(
            f"  {outlet:14} {fetched} of {total} articles fetched ({off} dated off the label; {late} published at 23:40 on the outlet's clock, "
            f"a day later in UTC) -> {clusters} clusters; pairwise F1 {f:.3f} (P {p:.3f}, R {r:.3f})"
        )
        if duplicates:
            print(f"    {duplicates} stored once as the same text as another entry (listed under both URLs)")
        if problems:
            print(f"    {len(problems)} not fetched, e.g. {problems[0]}")
    return lowest


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=3, help="how many outlets (alphabetical), up to 9")
    args = parser.parse_args()
    fetched_one_outlet(args.outlets)

"""`brief fetch`: feeds on a local news site -> dated article files that `brief` reads, once each.

The site runs on 127.0.0.1; its outlets have names under the reserved `.test` domain, which the
`site` fixture resolves to 127.0.0.1, so each outlet gets its own folder as real outlets would.
Because loopback is refused by default, these runs pass `--allow-network 127.0.0.1`
(test_fetch_safety.py shows the refusal without it).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.ingest.articles import load_articles
from tests.feed_server import NewsServer
from tests.news_pages import ARTICLES, atom, full_text_html, json_feed, opml, page, rss

ALLOW = ["--allow-network", "127.0.0.1", "--delay", "0"]


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[NewsServer]:
    """The news site, and `*.test` host names resolving to it."""
    server = NewsServer()
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if isinstance(host, str) and host.endswith(".test"):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    yield server
    server.close()


def at(site: NewsServer, host: str, path: str) -> str:
    return f"http://{host}:{site.port}{path}"


def fetch(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["fetch", *ALLOW, *args], catch_exceptions=False)


def articles_in(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.txt"))}


def four_outlets(site: NewsServer) -> list[str]:
    """An RSS, an Atom, a JSON Feed and a full-text RSS feed, one article each, in en/ru/uk/lv."""
    en = at(site, "en.test", "/news/bridge")
    site.add("/news/bridge", page("en-bridge", canonical=en))
    site.add(
        "/en.rss",
        rss(
            "Marlow Vale News",
            [
                {
                    "title": "New footbridge opens over the Lune river",
                    "link": en,
                    "guid": "en-1",
                    "pubDate": "Mon, 06 Oct 2025 09:15:00 +0100",
                }
            ],
        ),
        content_type="application/rss+xml",
    )
    ru = at(site, "ru.test", "/port?id=7&utm_source=rss")
    site.add("/port?id=7&utm_source=rss", page("ru-port", canonical=at(site, "ru.test", "/port?id=7")))
    site.add(
        "/ru.atom",
        atom(
            "Северогорск",
            [
                {
                    "title": "В порту Северогорска открыли новый причал",
                    "link": ru,
                    "updated": "2025-10-06T11:00:00+03:00",
                }
            ],
        ),
        content_type="application/atom+xml",
    )
    uk = at(site, "uk.test", "/tram")
    site.add("/tram", page("uk-metro", published="2025-10-08"))
    site.add(
        "/uk.json",
        json_feed("Вербівка", [{"title": "У Вербівці запустили нову лінію трамвая", "link": uk}]),
        content_type="application/feed+json",
    )
    lv = at(site, "lv.test", "/skola")
    site.add(
        "/lv.rss",
        rss(
            "Kalnciems",
            [
                {
                    "title": "Kalnciemā atklāta jauna skola",
                    "link": lv,
                    "pubDate": "Tue, 07 Oct 2025 08:00:00 +0300",
                    "content": full_text_html("lv-school"),
                }
            ],
            language="lv",
        ),
        content_type="application/rss+xml",
    )
    return [
        at(site, "en.test", "/en.rss"),
        at(site, "ru.test", "/ru.atom"),
        at(site, "uk.test", "/uk.json"),
        at(site, "lv.test", "/lv.rss"),
    ]


def test_feeds_become_dated_articles_with_their_urls_that_brief_reads(site: NewsServer, tmp_path: Path) -> None:
    feeds = four_outlets(site)
    result = fetch(*feeds, "--out", str(tmp_path / "news"))
    assert result.exit_code == 0, result.stderr
    files = articles_in(tmp_path / "news")
    assert sorted(files) == [
        "en.test/2025-10-06/new-footbridge-opens-over-the-lune-river.txt",
        "lv.test/2025-10-07/kalnciemā-atklāta-jauna-skola.txt",
        "ru.test/2025-10-06/в-порту-северогорска-открыли-новый-причал.txt",
        "uk.test/2025-10-08/у-вербівці-запустили-нову-лінію-трамвая.txt",
    ]
    en = files["en.test/2025-10-06/new-footbridge-opens-over-the-lune-river.txt"]
    assert (
        en.splitlines()[0]
        == f" date 2025-10-06 {at(site, 'en.test', '/news/bridge')} New footbridge opens over the Lune river"
    )
    assert ARTICLES["en-bridge"][2][1] in en  # the main text, quotes intact
    assert "Subscribe to our newsletter" not in en and "Sport" not in en  # navigation and footer left out
    ru = files["ru.test/2025-10-06/в-порту-северогорска-открыли-новый-причал.txt"]
    assert ru.splitlines()[0].split()[2] == at(
        site, "ru.test", "/port?id=7"
    )  # the page's canonical URL, not the tracking link
    assert ARTICLES["lv-school"][2][2] in files["lv.test/2025-10-07/kalnciemā-atklāta-jauna-skola.txt"]
    assert site.requested("/skola") == 0  # a full-text entry needs no page fetch
    read = load_articles([tmp_path / "news"])
    assert read.rejected == []
    assert sorted((str(a.date), a.language) for a in read.articles) == [
        ("2025-10-06", "en"),
        ("2025-10-06", "ru"),
        ("2025-10-07", "lv"),
        ("2025-10-08", "uk"),
    ]
    assert sorted(result.stdout.split()) == sorted((tmp_path / "news" / f).as_posix() for f in files)
    assert "4 article(s) written; 3 page(s) downloaded" in result.stderr


def test_a_list_of_feed_urls_and_an_opml_export_name_the_same_feeds(site: NewsServer, tmp_path: Path) -> None:
    feeds = four_outlets(site)
    listing = tmp_path / "feeds.txt"
    listing.write_text("# my feeds\n" + "\n".join(feeds[:2]) + "\n\n", encoding="utf-8")
    export = tmp_path / "subscriptions.opml"
    export.write_text(opml(feeds[2:]), encoding="utf-8")
    result = fetch(str(listing), str(export), "--out", str(tmp_path / "news"))
    assert result.exit_code == 0, result.stderr
    assert sorted(p.split("/")[0] for p in articles_in(tmp_path / "news")) == [
        "en.test",
        "lv.test",
        "ru.test",
        "uk.test",
    ]


@pytest.mark.parametrize(
    "arg, message",
    [
        ("ftp://example.test/feed", "only http:// and https:// feeds can be fetched, not ftp://"),
        ("no-such-file.txt", "neither a feed URL nor a file"),
    ],
)
def test_a_bad_feed_argument_is_a_usage_error_before_anything_is_fetched(
    tmp_path: Path, arg: str, message: str
) -> None:
    result = fetch(arg, "--out", str(tmp_path / "news"))
    assert result.exit_code == 1
    assert message in result.stderr and arg in result.stderr
    assert not (tmp_path / "news").exists()


def test_a_rerun_fetches_only_what_is_new_and_rewrites_nothing(site: NewsServer, tmp_path: Path) -> None:
    feeds = four_outlets(site)
    out = tmp_path / "news"
    assert fetch(*feeds, "--out", str(out)).exit_code == 0
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.rglob("*.txt")}
    pages = len([p for p, _ in site.log if p in ("/news/bridge", "/port?id=7&utm_source=rss", "/tram")])
    new = at(site, "en.test", "/news/ferry")
    site.add("/news/ferry", page("en-ferry"))
    site.add(
        "/en.rss",
        rss(
            "Marlow Vale News",
            [
                {
                    "title": "New footbridge opens over the Lune river",
                    "link": at(site, "en.test", "/news/bridge"),
                    "guid": "en-1",
                    "pubDate": "Mon, 06 Oct 2025 09:15:00 +0100",
                },
                {"title": "Ferry", "link": new, "guid": "en-2", "pubDate": "Thu, 09 Oct 2025 10:00:00 +0100"},
            ],
        ),
        content_type="application/rss+xml",
    )
    second = fetch(*feeds, "--out", str(out))
    assert second.exit_code == 0, second.stderr
    assert second.stdout.split() == [(out / "en.test/2025-10-09/ferry.txt").as_posix()]
    assert (
        len([p for p, _ in site.log if p in ("/news/bridge", "/port?id=7&utm_source=rss", "/tram")]) == pages
    )  # no old page again
    assert {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in before} == before
    assert "1 article(s) written; 1 page(s) downloaded; 4 entries seen before" in second.stderr


def test_the_same_story_under_two_urls_is_stored_once_and_listed_under_both(site: NewsServer, tmp_path: Path) -> None:
    a, b = at(site, "en.test", "/a/bridge"), at(site, "wire.test", "/syndicated/bridge-story")
    site.add("/a/bridge", page("en-bridge"))
    site.add("/syndicated/bridge-story", page("en-bridge"))
    site.add(
        "/en.rss",
        rss("en", [{"title": "Bridge", "link": a, "pubDate": "Mon, 06 Oct 2025 09:15:00 +0100"}]),
        content_type="application/rss+xml",
    )
    site.add(
        "/wire.rss",
        rss("wire", [{"title": "Bridge (wire)", "link": b, "pubDate": "Mon, 06 Oct 2025 12:00:00 +0100"}]),
        content_type="application/rss+xml",
    )
    out = tmp_path / "news"
    first = fetch(at(site, "en.test", "/en.rss"), "--out", str(out))
    second = fetch(at(site, "wire.test", "/wire.rss"), "--out", str(out))
    assert (first.exit_code, second.exit_code) == (0, 0)
    assert list(articles_in(out)) == ["en.test/2025-10-06/bridge.txt"]
    assert f"{b}: same article as en.test/2025-10-06/bridge.txt; stored once, listed under both URLs" in second.stderr
    import json

    seen = [json.loads(line) for line in (out / ".brief-fetch" / "seen.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["url"]: r["path"] for r in seen} == {
        a: "en.test/2025-10-06/bridge.txt",
        b: "en.test/2025-10-06/bridge.txt",
    }


def test_an_article_written_before_a_crash_is_adopted_not_written_twice(site: NewsServer, tmp_path: Path) -> None:
    feeds = four_outlets(site)
    out = tmp_path / "news"
    assert fetch(*feeds, "--out", str(out)).exit_code == 0
    (out / ".brief-fetch" / "seen.jsonl").write_text(
        "", encoding="utf-8"
    )  # as if killed before any seen line was written
    again = fetch(*feeds, "--out", str(out))
    assert again.exit_code == 0, again.stderr
    assert len(articles_in(out)) == 4
    assert not list(out.rglob("*-2.txt"))
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_a_page_cannot_pass_for_another_outlet_with_its_canonical_link(site: NewsServer, tmp_path: Path) -> None:
    link = at(site, "copycat.test", "/bridge")
    site.add("/bridge", page("en-bridge", canonical="https://www.en.test/news/bridge"))
    site.add(
        "/c.rss",
        rss("c", [{"title": "Bridge", "link": link, "pubDate": "Mon, 06 Oct 2025 09:15:00 +0100"}]),
        content_type="application/rss+xml",
    )
    assert fetch(at(site, "copycat.test", "/c.rss"), "--out", str(tmp_path / "news")).exit_code == 0
    ((name, text),) = articles_in(tmp_path / "news").items()
    assert name == "copycat.test/2025-10-06/bridge.txt" and text.startswith(f" date 2025-10-06 {link} Bridge\n")


def test_a_late_evening_article_keeps_the_outlets_calendar_day(site: NewsServer, tmp_path: Path) -> None:
    """23:30 in New York on 6 October is already 7 October in UTC: the article is the outlet's 6 October, and a note says so."""
    site.add("/evening", page("en-ferry"))
    site.add("/undated", page("en-bridge"))
    feed = site.add(
        "/ny.rss",
        rss(
            "ny",
            [
                {
                    "title": "Ferry",
                    "link": at(site, "en.test", "/evening"),
                    "pubDate": "Mon, 06 Oct 2025 23:30:00 -0500",
                },
                {"title": "Bridge", "link": at(site, "en.test", "/undated")},
            ],
        ),
        content_type="application/rss+xml",
    )
    assert feed
    result = fetch(at(site, "en.test", "/ny.rss"), "--out", str(tmp_path / "news"))
    assert result.exit_code == 0, result.stderr
    import datetime as dt

    today = dt.date.today().isoformat()
    assert sorted(articles_in(tmp_path / "news")) == ["en.test/2025-10-06/ferry.txt", f"en.test/{today}/bridge.txt"]
    assert (
        f"note: {at(site, 'en.test', '/evening')}: published 2025-10-06T23:30-05:00 on the outlet's clock: dated 2025-10-06, "
        "although it was already 2025-10-07 in UTC"
    ) in result.stderr
    assert (
        f"note: {at(site, 'en.test', '/undated')}: no publication date in the feed or on the page: dated by the fetch"
        in result.stderr
    )
    undated = tmp_path / "news" / "en.test" / today / "bridge.txt"
    assert undated.read_text(encoding="utf-8").startswith(
        f" date {today} {at(site, 'en.test', '/undated')} [date: fetched] Bridge\n"
    )
    article = load_articles([undated]).articles[0]
    assert article.text.startswith("Bridge\n") and article.url == at(site, "en.test", "/undated")
    assert "dated by the day it was fetched: neither its feed nor its page gives a publication date" in article.notes
    CliRunner().invoke(
        app,
        ["fetch", *ALLOW, at(site, "en.test", "/ny.rss"), "--tz", "Europe/Riga", "--out", str(tmp_path / "riga")],
        catch_exceptions=False,
    )
    assert "en.test/2025-10-07/ferry.txt" in articles_in(tmp_path / "riga")  # 06:30 on 7 October in Riga
    bad = CliRunner().invoke(
        app, ["fetch", at(site, "en.test", "/ny.rss"), "--tz", "Mars/Olympus", "--out", str(tmp_path / "x")]
    )
    assert (
        bad.exit_code == 1
        and "--tz 'Mars/Olympus' is not a time zone; give an IANA name such as Europe/Riga" in bad.stderr
    )


def test_ctrl_c_leaves_whole_files_only_and_a_rerun_finishes_the_job(site: NewsServer, tmp_path: Path) -> None:
    """A real `brief fetch` process interrupted half-way: exit 130, no temp or partial file; the rerun writes the rest, nothing twice."""
    import os
    import signal
    import subprocess
    import sys
    import time

    keys = ["en-bridge", "en-ferry", "ru-port", "uk-metro", "lv-school"]
    for i, key in enumerate(keys):
        site.add(f"/p{i}", page(key), delay=0.0 if i == 0 else 1.5)
    feed = site.add(
        "/slow.rss",
        rss(
            "slow",
            [
                {"title": f"Story {i}", "link": site.url(f"/p{i}"), "pubDate": "Mon, 06 Oct 2025 09:15:00 +0100"}
                for i in range(len(keys))
            ],
        ),
        content_type="application/rss+xml",
    )
    out = tmp_path / "news"
    args = [
        sys.executable,
        "-m",
        "summarizer",
        "fetch",
        feed,
        "--out",
        str(out),
        "--allow-network",
        "127.0.0.1",
        "--delay",
        "0",
        "--per-host",
        "1",
    ]
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"}
    )
    deadline = time.monotonic() + 60
    while not list(out.rglob("*.txt")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted; the articles written so far stay in" in stderr
    first = articles_in(out)
    assert 1 <= len(first) < len(keys)
    assert all(text.startswith(" date 2025-10-06 ") and text.endswith("\n") for text in first.values())
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    for i in range(len(keys)):
        site.routes[f"/p{i}"].delay = 0.0
    again = fetch(feed, "--out", str(out))
    assert again.exit_code == 0, again.stderr
    final = articles_in(out)
    assert len(final) == len(set(final.values())) == len(keys)  # each article once
    assert {k: v for k, v in final.items() if k in first} == first

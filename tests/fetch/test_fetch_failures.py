"""Bad feeds and bad pages: each gets one stderr line naming it and why; the rest of the run goes on; exit 2."""

from __future__ import annotations

from pathlib import Path

from tests.feed_server import NewsServer
from tests.news_pages import ARTICLES, page, rss
from tests.fetch.test_fetch import articles_in, at, fetch, site  # noqa: F401  (the site fixture)


def lines_about(stderr: str, url: str) -> list[str]:
    return [line for line in stderr.splitlines() if url in line]


def test_every_bad_feed_and_page_is_one_line_and_the_good_ones_are_written(site: NewsServer, tmp_path: Path) -> None:  # noqa: F811
    good = at(site, "ru.test", "/cp1251")
    site.add(
        "/cp1251",
        page("ru-port", charset="windows-1251").encode("cp1251"),
        content_type="text/html; charset=windows-1251",
    )
    meta_only = at(site, "uk.test", "/meta-charset")
    site.add("/meta-charset", page("uk-metro", charset="windows-1251").encode("cp1251"), content_type="text/html")
    pages = {
        "/gone": ("HTTP 404 not found", {"status": 404}),
        "/broken": ("HTTP 500 server error", {"status": 500}),
        "/script-only": (
            "no article text found on the page",
            {"body": "<html><body><div id=app></div><script>render()</script></body></html>"},
        ),
        "/huge": (
            "too large (1.2 MB; the limit is 1 MB)",
            {"body": page("en-bridge", body_extra="<p>" + "word " * 240_000 + "</p>")},
        ),
        "/bomb": (
            "too large (over 1 MB",
            {"body": page("en-ferry", body_extra="<p>" + "zip " * 600_000 + "</p>"), "gzip": True},
        ),
        "/hangs": ("no answer within 1 s (timed out)", {"body": page("lv-school"), "delay": 4.0}),
        "/pdf": ("not a web page (application/pdf)", {"body": b"%PDF-1.4", "content_type": "application/pdf"}),
    }
    for path, (_, kw) in pages.items():
        site.add(path, **{"body": page("en-bridge"), **kw})  # type: ignore[arg-type]
    site.add(
        "/pages.rss",
        rss(
            "Pages",
            [
                {"title": p.strip("/"), "link": at(site, "en.test", p), "pubDate": "Mon, 06 Oct 2025 09:15:00 +0100"}
                for p in pages
            ]
            + [
                {"title": "Порт", "link": good, "pubDate": "Mon, 06 Oct 2025 09:15:00 +0300"},
                {"title": "Трамвай", "link": meta_only, "pubDate": "Wed, 08 Oct 2025 09:15:00 +0300"},
            ],
        ),
        content_type="application/rss+xml",
    )
    feeds = {
        at(site, "bad.test", "/missing.rss"): "HTTP 404 not found; the feed moved or was removed",
        at(site, "bad.test", "/error.rss"): "HTTP 500 server error",
        at(site, "bad.test", "/homepage"): "an HTML page, not a feed; the page names its feed: /rss.xml",
        at(site, "bad.test", "/broken.xml"): "malformed XML",
        at(site, "bad.test", "/not-a-feed.json"): "JSON, but not a JSON Feed",
    }
    site.add("/error.rss", "oops", status=500)
    site.add(
        "/homepage",
        '<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>Welcome</body></html>',
    )
    site.add(
        "/broken.xml",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a &bad; <b></item></rss>',
        content_type="application/xml",
    )
    site.add("/not-a-feed.json", '{"posts": []}', content_type="application/json")
    site.add("/empty.rss", rss("Quiet outlet", []), content_type="application/rss+xml")

    result = fetch(
        at(site, "en.test", "/pages.rss"),
        *feeds,
        at(site, "bad.test", "/empty.rss"),
        "--out",
        str(tmp_path / "news"),
        "--timeout",
        "1",
        "--max-mb",
        "1",
    )

    assert result.exit_code == 2, result.stderr
    for path, (reason, _) in pages.items():
        url = at(site, "en.test", path)
        assert [line for line in lines_about(result.stderr, url) if line.startswith("failed:")] == [
            line for line in lines_about(result.stderr, url) if reason in line
        ], result.stderr
        assert len([line for line in lines_about(result.stderr, url) if line.startswith("failed:")]) == 1
    for url, reason in feeds.items():
        failed = [line for line in lines_about(result.stderr, url) if line.startswith("failed:")]
        assert len(failed) == 1 and reason in failed[0], result.stderr
    assert f"note: {at(site, 'bad.test', '/empty.rss')}: empty feed" in result.stderr
    files = articles_in(tmp_path / "news")
    assert sorted(files) == ["ru.test/2025-10-06/порт.txt", "uk.test/2025-10-08/трамвай.txt"]
    assert (
        ARTICLES["ru-port"][2][1] in files["ru.test/2025-10-06/порт.txt"]
    )  # Windows-1251 named by the server, decoded
    assert ARTICLES["uk-metro"][2][1] in files["uk.test/2025-10-08/трамвай.txt"]  # ... and named only by <meta charset>
    assert "2 article(s) written" in result.stderr and f"{len(pages) + len(feeds)} failed" in result.stderr


def test_failed_entries_are_tried_again_by_the_next_run(site: NewsServer, tmp_path: Path) -> None:  # noqa: F811
    feed = site.add(
        "/f.rss",
        rss(
            "f",
            [{"title": "Bridge", "link": at(site, "en.test", "/later"), "pubDate": "Mon, 06 Oct 2025 09:15:00 +0100"}],
        ),
        content_type="application/rss+xml",
        etag='"v1"',
    )
    site.add("/later", "down", status=503)
    first = fetch(at(site, "en.test", "/f.rss"), "--out", str(tmp_path / "news"))
    assert first.exit_code == 2 and "HTTP 503 server error" in first.stderr
    site.add("/later", page("en-bridge"))
    second = fetch(at(site, "en.test", "/f.rss"), "--out", str(tmp_path / "news"))
    assert second.exit_code == 0, second.stderr
    assert list(articles_in(tmp_path / "news")) == ["en.test/2025-10-06/bridge.txt"]
    assert feed.endswith("/f.rss")

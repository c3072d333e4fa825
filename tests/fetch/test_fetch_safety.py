"""`brief fetch` is polite and safe: conditional GETs, robots.txt, per-host limits, a User-Agent,
bounded redirects, and no connection to loopback, private or link-local addresses unless allowed.

A feed is untrusted input. The refusals are shown two ways: the test server (on loopback) logs
no request when loopback is not allowed, and the suite's network guard (tests/netguard.py),
which fails any test that so much as tries to connect outside loopback, records no attempt for
entries pointing at 10.x or 169.254.169.254, directly or by a redirect.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from tests import netguard
from tests.feed_server import NewsServer
from tests.news_pages import page, rss
from tests.fetch.test_fetch import articles_in, at, fetch, four_outlets, site  # noqa: F401  (the site fixture)

RSS = "application/rss+xml"


def feed_of(site: NewsServer, host: str, links: list[str]) -> str:  # noqa: F811
    site.add(
        "/feed.rss",
        rss(
            "t",
            [
                {"title": f"Item {i}", "link": link, "pubDate": "Mon, 06 Oct 2025 09:15:00 +0100"}
                for i, link in enumerate(links)
            ],
        ),
        content_type=RSS,
    )
    return at(site, host, "/feed.rss")


def test_loopback_is_refused_without_the_flag_before_any_connection(site: NewsServer, tmp_path: Path) -> None:  # noqa: F811
    feeds = four_outlets(site)
    result = CliRunner().invoke(app, ["fetch", feeds[0], "--out", str(tmp_path / "news")], catch_exceptions=False)
    assert result.exit_code == 2
    assert f"failed: {feeds[0]}: en.test is a loopback address (127.0.0.1): refused" in result.stderr
    assert "pass --allow-network" in result.stderr
    assert site.log == []  # not even a connection reached the server


@pytest.mark.parametrize(
    "target",
    [
        "http://10.20.30.40/internal/report",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://[fd00::1]/admin",
        "http://100.64.0.7/",
    ],
)
def test_an_entry_pointing_at_a_private_address_is_refused_and_never_connected(
    site: NewsServer,  # noqa: F811  (the fixture, imported above)
    tmp_path: Path,
    target: str,
) -> None:
    attempts = len(netguard.attempts)
    result = fetch(feed_of(site, "en.test", [target]), "--out", str(tmp_path / "news"))
    assert result.exit_code == 0, result.stderr  # left alone on purpose, like a robots.txt refusal
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped:")]
    assert (
        len(skipped) == 1
        and skipped[0].startswith(f"skipped: {target}: ")
        and "address" in skipped[0]
        and "refused" in skipped[0]
    )
    assert len(netguard.attempts) == attempts
    assert articles_in(tmp_path / "news") == {}


def test_a_redirect_to_the_metadata_service_is_refused_at_the_hop(site: NewsServer, tmp_path: Path) -> None:  # noqa: F811
    attempts = len(netguard.attempts)
    site.add("/moved", "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    result = fetch(feed_of(site, "en.test", [at(site, "en.test", "/moved")]), "--out", str(tmp_path / "news"))
    assert "169.254.169.254 is a link-local address (169.254.169.254): refused" in result.stderr
    assert len(netguard.attempts) == attempts


def test_allow_network_opens_exactly_the_networks_named(site: NewsServer, tmp_path: Path) -> None:  # noqa: F811
    site.add("/p", page("en-bridge"))
    result = CliRunner().invoke(
        app,
        [
            "fetch",
            feed_of(site, "en.test", [at(site, "en.test", "/p")]),
            "--allow-network",
            "127.0.0.0/8",
            "--delay",
            "0",
            "--out",
            str(tmp_path / "news"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    bad = CliRunner().invoke(
        app,
        ["fetch", "http://x.test/", "--allow-network", "intranet", "--out", str(tmp_path / "n2")],
        catch_exceptions=False,
    )
    assert (
        bad.exit_code == 1
        and "--allow-network 'intranet' is not an address or network; write e.g. 10.0.0.0/8" in bad.stderr
    )


def test_redirects_are_followed_a_few_times_and_only_to_http(site: NewsServer, tmp_path: Path) -> None:  # noqa: F811
    site.add("/r1", "", status=301, headers={"Location": "/r2"})
    site.add("/r2", "", status=307, headers={"Location": at(site, "en.test", "/final")})
    site.add("/final", page("en-bridge"), gzip=True)
    for i in range(8):
        site.add(f"/loop{i}", "", status=302, headers={"Location": f"/loop{i + 1}"})
    site.add("/to-file", "", status=302, headers={"Location": "file:///etc/passwd"})
    links = [at(site, "en.test", p) for p in ("/r1", "/loop0", "/to-file")]
    result = fetch(feed_of(site, "en.test", links), "--out", str(tmp_path / "news"))
    assert list(articles_in(tmp_path / "news")) == ["en.test/2025-10-06/item-0.txt"]
    assert f"failed: {links[1]}: more than 5 redirects" in result.stderr
    assert f"skipped: {links[2]}: not an http(s) URL (file:)" in result.stderr
    assert site.requested("/loop6") == 0  # the sixth redirect is not followed
    assert result.exit_code == 2


def test_conditional_get_a_second_run_downloads_no_page(site: NewsServer, tmp_path: Path) -> None:  # noqa: F811
    feeds = four_outlets(site)
    for path in ("/en.rss", "/ru.atom"):
        site.routes[path].etag = f'"{path}-v1"'
    site.routes["/uk.json"].last_modified = "Mon, 06 Oct 2025 10:00:00 GMT"
    assert fetch(*feeds, "--out", str(tmp_path / "news")).exit_code == 0
    before = len(site.log)
    again = fetch(*feeds, "--out", str(tmp_path / "news"))
    assert again.exit_code == 0
    later = site.log[before:]
    assert [p for p, _ in later] and all(
        p.endswith((".rss", ".atom", ".json")) for p, _ in later
    )  # feeds only, no page
    sent = dict(later)
    assert sent["/en.rss"]["If-None-Match"] == '"/en.rss-v1"'
    assert sent["/uk.json"]["If-Modified-Since"] == "Mon, 06 Oct 2025 10:00:00 GMT"
    assert "3 feed(s) not modified" in again.stderr


def test_robots_txt_is_respected_with_one_line_naming_the_rule(site: NewsServer, tmp_path: Path) -> None:  # noqa: F811
    site.add(
        "/robots.txt",
        "User-agent: *\nDisallow: /members/\n\nUser-agent: OtherBot\nDisallow: /\n",
        content_type="text/plain",
    )
    site.add("/members/bridge", page("en-bridge"))
    site.add("/open/ferry", page("en-ferry"))
    links = [at(site, "en.test", "/members/bridge"), at(site, "en.test", "/open/ferry")]
    result = fetch(feed_of(site, "en.test", links), "--out", str(tmp_path / "news"))
    assert result.exit_code == 0, result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("skipped:")] == [
        f"skipped: {links[0]}: {at(site, 'en.test', '/robots.txt')} disallows it (Disallow: /members/); brief does not fetch pages a site asks robots to leave alone"
    ]
    assert site.requested("/members/bridge") == 0 and site.requested("/robots.txt") == 1
    assert list(articles_in(tmp_path / "news")) == ["en.test/2025-10-06/item-1.txt"]


def test_requests_name_brief_and_keep_to_the_per_host_limit_and_delay(site: NewsServer, tmp_path: Path) -> None:  # noqa: F811
    keys = ["en-bridge", "en-ferry", "ru-port", "uk-metro", "lv-school"]
    for i, key in enumerate(keys):
        site.add(f"/slow{i}", page(key), delay=0.3)
    feed = feed_of(site, "en.test", [at(site, "en.test", f"/slow{i}") for i in range(len(keys))])
    result = CliRunner().invoke(
        app,
        [
            "fetch",
            feed,
            "--allow-network",
            "127.0.0.1",
            "--per-host",
            "2",
            "--delay",
            "0.2",
            "--out",
            str(tmp_path / "news"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert len(articles_in(tmp_path / "news")) == len(keys)
    assert site.most_active == 2
    starts = sorted(t for path, times in site.started.items() if path.startswith(("/slow", "/robots")) for t in times)
    # the client starts one request to the host every 0.2 s at most; arrival times jitter a little on a busy machine
    assert starts[-1] - starts[0] >= 0.2 * (len(starts) - 1) - 0.1
    assert all(h["User-Agent"].startswith("brief/") for _, h in site.log)


def test_a_crawl_delay_in_robots_txt_spaces_the_pages_of_that_host(site: NewsServer, tmp_path: Path) -> None:  # noqa: F811
    site.add("/robots.txt", "User-agent: brief\nCrawl-delay: 1\n", content_type="text/plain")
    for i, key in enumerate(["en-bridge", "en-ferry", "ru-port"]):
        site.add(f"/c{i}", page(key))
    result = fetch(
        feed_of(site, "en.test", [at(site, "en.test", f"/c{i}") for i in range(3)]), "--out", str(tmp_path / "news")
    )
    assert result.exit_code == 0, result.stderr
    starts = sorted(t for path, times in site.started.items() if path.startswith("/c") for t in times)
    assert len(starts) == 3 and starts[-1] - starts[0] >= 2 * 1.0 - 0.1

"""Citations carry the URL: a URL after the header's date is the article's page, and every output links a source to it.

End to end: `brief fetch` from the local news site -> `brief` (a fake LLM on 127.0.0.1) -> the
Sources table, the HTML page and the JSON name each cited source's page; a second fetch
downloads no page. Files without a URL read exactly as before.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.ingest.articles import read_article
from tests.feed_server import NewsServer
from tests.fetch.test_fetch import at, fetch, four_outlets, site  # noqa: F401  (the site fixture)

CITE = re.compile(r"\[(\d+)\]")


def test_a_url_after_the_date_is_the_articles_page_not_its_text(tmp_path: Path) -> None:
    with_url = tmp_path / "a.txt"
    with_url.write_text(
        " date 2025-10-06 https://outlet.example/news/bridge?id=4 New bridge opens\n\nThe bridge opened on Monday.\n",
        encoding="utf-8",
    )
    article = read_article(with_url, "a.txt")
    assert (article.url, article.text) == (
        "https://outlet.example/news/bridge?id=4",
        "New bridge opens\n\nThe bridge opened on Monday.",
    )
    plain = tmp_path / "b.txt"
    plain.write_text(
        " date 2025-10-06 New bridge opens at https://outlet.example/x\n\nThe bridge opened on Monday.\n",
        encoding="utf-8",
    )
    before = read_article(plain, "b.txt")
    assert (
        before.url is None
        and before.text == "New bridge opens at https://outlet.example/x\n\nThe bridge opened on Monday."
    )


def test_fetched_articles_are_briefed_with_every_citation_linking_to_its_page(
    site: NewsServer,  # noqa: F811  (the fixture, imported above)
    tmp_path: Path,
    fake_openai,
) -> None:
    news = tmp_path / "news"
    assert fetch(*four_outlets(site), "--out", str(news)).exit_code == 0
    header_urls = {
        p.relative_to(news).as_posix(): p.read_text(encoding="utf-8").split()[2] for p in news.rglob("*.txt")
    }
    result = CliRunner().invoke(
        app,
        [
            "run",
            str(news),
            "--base-url",
            fake_openai.base_url,
            "--api-key",
            "sk-test",
            "-o",
            str(tmp_path / "b.md"),
            "--json",
            str(tmp_path / "b.json"),
            "--html",
            str(tmp_path / "b.html"),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    briefing = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert {s["file"]: s["url"] for s in briefing["sources"]} == header_urls
    assert sorted(s["outlet"] for s in briefing["sources"]) == [
        "en.test",
        "lv.test",
        "ru.test",
        "uk.test",
    ]  # the outlet's folder
    markdown = (tmp_path / "b.md").read_text(encoding="utf-8")
    body, _, table = markdown.partition("## Sources")
    cited = {int(n) for n in CITE.findall(body)}
    assert cited
    url_of = {s["ref"]: s["url"] for s in briefing["sources"]}
    for ref in cited:
        (row,) = [line for line in table.splitlines() if line.startswith(f"| [{ref}] |")]
        assert f"](<{url_of[ref]}>)" in row, row  # the headline links to the page
    page = (tmp_path / "b.html").read_text(encoding="utf-8")
    for ref, url in url_of.items():
        section = page.split(f'id="src-{ref}"', 1)[1].split("</li>", 1)[0]
        assert f'<a href="{url.replace("&", "&amp;")}" rel="noopener noreferrer nofollow" target="_blank">' in section
    before = len(site.log)
    again = fetch(*four_outlets(site), "--out", str(news))
    assert again.exit_code == 0
    assert all(p.endswith((".rss", ".atom", ".json")) for p, _ in site.log[before:])  # a second fetch downloads no page


def test_a_digest_of_the_fetched_folder_links_its_sources(site: NewsServer, tmp_path: Path, fake_openai) -> None:  # noqa: F811
    news = tmp_path / "news"
    assert fetch(*four_outlets(site), "--out", str(news)).exit_code == 0
    result = CliRunner().invoke(
        app,
        [
            "digest",
            str(news),
            "--since",
            "2025-10-06",
            "--until",
            "2025-10-08",
            "--out",
            str(tmp_path / "digests"),
            "--base-url",
            fake_openai.base_url,
            "--api-key",
            "sk-test",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    day = json.loads((tmp_path / "digests" / "2025-10-06.json").read_text(encoding="utf-8"))
    assert sorted(s["url"] for s in day["sources"]) == sorted(
        [at(site, "en.test", "/news/bridge"), at(site, "ru.test", "/port?id=7")]
    )
    text = (tmp_path / "digests" / "2025-10-06.md").read_text(encoding="utf-8")
    assert f"](<{at(site, 'en.test', '/news/bridge')}>)" in text
    assert sorted(p.name for p in (tmp_path / "digests").glob("2025-*.md")) == [
        "2025-10-06.md",
        "2025-10-07.md",
        "2025-10-08.md",
    ]

"""The HTML briefing in a real browser (headless Chromium driven by Selenium), opened from file://.

A citation opens its source beside the text with the cited quote highlighted and scrolled into
view; the page logs no console error, makes no network request, and a <script> injected through
an article never runs. Screenshots of the seeds' page are saved and their paths printed.

Needs Debian's `chromium` and `chromium-driver` (.ci/run installs them) and selenium (dev
extras). Without them these tests skip, except under CI (env CI set), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.models import Briefing
from summarizer.models.evidence import normalize
from tests.html_pages import hostile_briefing, seeds_run, write_page

CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    """What is missing to drive Chromium here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        return "chromium is not installed (apt-get install chromium chromium-driver)"
    if not shutil.which("chromedriver"):
        return "chromedriver is not installed (apt-get install chromium-driver)"
    return None


def _chrome(*, javascript: bool = True) -> Iterator[object]:
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {missing}")
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="brief-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for flag in [*CHROME_FLAGS, f"--user-data-dir={profile}", "--window-size=1400,1000"]:
        options.add_argument(flag)
    if not javascript:  # like a mail client's preview: the page's script does not run
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # Explicit driver path: Selenium Manager never looks for (or downloads) a driver.
    browser = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    yield from _chrome()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, isolated_session) -> dict[str, object]:
    """The seeds' page and a hostile one, written as files; the seeds' briefing for reference."""
    folder = tmp_path_factory.mktemp("pages")
    run = seeds_run()
    seeds = write_page(folder / "seeds.html", run.briefing, run.source_texts())
    hostile = write_page(folder / "hostile.html", *hostile_briefing(run))
    return {"seeds": seeds, "hostile": hostile, "briefing": run.briefing, "texts": run.source_texts(), "folder": folder}


def _open(driver, path: Path, size: tuple[int, int] = (1400, 1000)) -> None:  # type: ignore[no-untyped-def]
    driver.set_window_size(*size)
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get_log("performance")
    driver.get(path.as_uri())


def _click(driver, link) -> None:  # type: ignore[no-untyped-def]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()


def _highlighted(driver) -> list[object]:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 5).until(lambda d: d.find_element(By.ID, "panel").is_displayed())
    return driver.find_elements(By.CSS_SELECTOR, "#panel .panel-body .q.hl")


def _in_view(driver, element) -> bool:  # type: ignore[no-untyped-def]
    """The element is inside both the panel's scrolled area and the window."""
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(), p = document.querySelector('#panel .panel-body').getBoundingClientRect();"
        "return r.height > 0 && r.top >= p.top && r.bottom <= p.bottom && r.top >= 0 && r.bottom <= window.innerHeight"
        " && r.left >= p.left && r.right <= p.right;",
        element,
    )


def _errors(driver) -> list[dict]:  # type: ignore[no-untyped-def]
    return [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]


def _requests(driver) -> list[str]:  # type: ignore[no-untyped-def]
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            urls.append(message["params"].get("request", {}).get("url") or message["params"].get("url", ""))
    return urls


def _screenshot(driver, pages, name: str) -> Path:  # type: ignore[no-untyped-def]
    folder = Path(os.environ.get("HTML_SCREENSHOTS") or pages["folder"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    assert driver.save_screenshot(str(path))
    print(f"screenshot of the seeds' page: {path}")
    return path


def test_a_citation_opens_its_source_beside_the_text_with_the_quote_highlighted_and_in_view(driver, pages):
    from selenium.webdriver.common.by import By

    b: Briefing = pages["briefing"]
    _open(driver, pages["seeds"])
    # The Dushanbe meeting, reported by three sources: each citation opens its own source's quote.
    entry = next(i for i, e in enumerate(b.timeline, 1) if len(e.sources) >= 3)
    for account in b.timeline[entry - 1].accounts:
        link = driver.find_element(By.CSS_SELECTOR, f"#event-{entry} .event-head a.cite[data-src='{account.source}']")
        _click(driver, link)
        marks = _highlighted(driver)
        assert marks, f"nothing highlighted for [{account.source}]"
        assert normalize("".join(m.get_attribute("textContent") for m in marks)).strip(" \"'.,;:!?-()[]") == normalize(
            account.quote.text
        ).strip(" \"'.,;:!?-()[]")
        assert _in_view(driver, marks[0]), "the quote is not scrolled into view"
        source = b.source(account.source)
        meta = driver.find_element(By.CSS_SELECTOR, "#panel .panel-meta").text
        for fact in (source.file, str(source.date), source.language, source.headline):
            assert fact in meta
        assert driver.find_element(By.CSS_SELECTOR, "#panel .panel-title").text.lower() == f"source [{account.source}]"
    path = _screenshot(driver, pages, "seeds-desktop.png")
    assert path.stat().st_size > 10_000


def _unfold(driver) -> None:
    """Open every folded Evidence section, as a reader's click on its title does."""
    driver.execute_script("document.querySelectorAll('details.fold').forEach(function (d) { d.open = true; })")


def test_the_last_quote_of_a_long_source_is_scrolled_into_view(driver, pages):
    from selenium.webdriver.common.by import By

    _open(driver, pages["seeds"])
    _unfold(driver)
    links = driver.find_elements(By.CSS_SELECTOR, "a.cite[data-q]")
    last = max(
        links, key=lambda a: int(a.get_attribute("data-q").rsplit("-", 1)[1])
    )  # the quote furthest into its text
    _click(driver, last)
    marks = _highlighted(driver)
    assert marks and _in_view(driver, marks[0])
    assert driver.execute_script("return document.querySelector('#panel .panel-body').scrollTop") > 0


def test_a_bottom_line_citation_opens_the_source_without_a_highlight_and_escape_closes_it(driver, pages):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _open(driver, pages["seeds"])
    _click(driver, driver.find_element(By.CSS_SELECTOR, "#bottom-line-text a.cite"))
    assert _highlighted(driver) == []
    assert (
        pages["texts"][int(driver.find_element(By.CSS_SELECTOR, "#bottom-line-text a.cite").get_attribute("data-src"))][
            :40
        ]
        in driver.find_element(By.CSS_SELECTOR, "#panel .panel-body").text
    )
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    assert not driver.find_element(By.ID, "panel").is_displayed()
    assert _errors(driver) == []


def test_every_timeline_date_stands_apart_from_its_text(driver, pages):
    """'by 2025-12-22' and 'after 2025-07' fit their column, a longer label wraps: none runs into the event's text."""
    _open(driver, pages["seeds"])
    gaps = driver.execute_script(
        """return [...document.querySelectorAll('.event-head')].map(head => {
            const range = document.createRange();
            range.selectNodeContents(head.querySelector('time.date'));
            const text = range.getBoundingClientRect(), body = head.querySelector('.event-body').getBoundingClientRect();
            return [head.querySelector('time.date').textContent, body.left - text.right, text.height];
        });"""
    )
    assert any(date.startswith("by ") for date, _, _ in gaps)  # the longest labels are on the page
    assert all(gap >= 6 for _, gap, _ in gaps), [g for g in gaps if g[1] < 6]
    line = min(height for _, _, height in gaps)
    assert all(height < 1.5 * line for date, _, height in gaps if len(date) <= len("by 2025-12-22")), gaps  # one line


def test_on_a_phone_the_source_covers_the_screen_with_the_quote_in_view(driver, pages):
    from selenium.webdriver.common.by import By

    _open(driver, pages["seeds"], size=(390, 844))
    _unfold(driver)
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), (
        "the page scrolls sideways on a phone"
    )
    _click(driver, driver.find_element(By.CSS_SELECTOR, "li[id^='stance-'] a.cite[data-q]"))
    marks = _highlighted(driver)
    assert marks and _in_view(driver, marks[0])
    width = driver.execute_script("return document.getElementById('panel').getBoundingClientRect().width")
    assert width >= driver.execute_script("return window.innerWidth") - 1
    _screenshot(driver, pages, "seeds-phone.png")
    driver.find_element(By.CSS_SELECTOR, "#panel .panel-close").click()
    assert not driver.find_element(By.ID, "panel").is_displayed()


def test_the_page_logs_no_error_and_loads_nothing_from_the_network(driver, pages):
    from selenium.webdriver.common.by import By

    _open(driver, pages["seeds"])
    _unfold(driver)
    for link in driver.find_elements(By.CSS_SELECTOR, ".divergence a.cite[data-q]")[:6]:
        _click(driver, link)
        assert _highlighted(driver)
    urls = _requests(driver)
    assert pages["seeds"].as_uri() in urls, "the performance log saw no request at all: it is not recording"
    assert [u for u in urls if u != pages["seeds"].as_uri() and not u.startswith("data:")] == []
    assert _errors(driver) == []


def test_script_injected_through_an_article_never_runs_and_shows_as_text(driver, pages):
    from selenium.webdriver.common.by import By

    _open(driver, pages["hostile"])
    _unfold(driver)
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert (
        "<script>window.__pwned = 'headline'</script></textarea>{{ 7*7 }}" in driver.find_element(By.ID, "src-1").text
    )
    _click(driver, driver.find_element(By.CSS_SELECTOR, "#stance-1 a.cite[data-q]"))
    marks = _highlighted(driver)
    assert "<script>window.__pwned = 'article text'</script>" in "".join(m.get_attribute("textContent") for m in marks)
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    # Nothing was even blocked by the Content-Security-Policy: no script was ever parsed from the text.
    assert _errors(driver) == []
    assert [u for u in _requests(driver) if u.startswith(("http", "ws"))] == []


def test_printing_hides_the_navigation_and_panel_and_unfolds_every_quote(driver, pages):
    from selenium.webdriver.common.by import By

    _open(driver, pages["seeds"])
    _click(driver, driver.find_element(By.CSS_SELECTOR, "#event-1 a.cite"))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        driver.execute_script("window.dispatchEvent(new Event('beforeprint'))")
        assert not driver.find_element(By.CSS_SELECTOR, "nav.toc").is_displayed()
        assert not driver.find_element(By.ID, "panel").is_displayed()
        assert driver.execute_script("return [...document.querySelectorAll('details.evidence')].every(d => d.open)")
        driver.execute_script("window.dispatchEvent(new Event('afterprint'))")
        assert driver.execute_script("return [...document.querySelectorAll('details.evidence')].every(d => !d.open)")
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert _errors(driver) == []


def test_a_link_into_the_folded_evidence_opens_its_fold(driver, pages):
    import time

    _open(driver, pages["seeds"])
    assert driver.execute_script("return document.getElementById('stances-fold').open") is False
    driver.execute_script("location.hash = '#stance-2'")
    deadline = time.monotonic() + 5
    while (
        not driver.execute_script("return document.getElementById('stances-fold').open") and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert driver.execute_script("return document.getElementById('stances-fold').open") is True
    assert driver.execute_script("return document.getElementById('actors-fold').open") is False
    assert _errors(driver) == []


def test_without_javascript_a_citation_still_leads_to_the_source_text(pages):
    from selenium.webdriver.common.by import By

    for browser in _chrome(javascript=False):
        browser.get(pages["seeds"].as_uri())
        assert not browser.find_element(By.CSS_SELECTOR, "#src-2 .source-text").is_displayed()
        _click(browser, browser.find_element(By.CSS_SELECTOR, "#key-1 a.cite"))
        ref = browser.find_element(By.CSS_SELECTOR, "#key-1 a.cite").get_attribute("data-src")
        assert browser.current_url.endswith(f"#src-{ref}")
        text = browser.find_element(By.CSS_SELECTOR, f"#src-{ref} .source-text")
        assert text.is_displayed() and pages["texts"][int(ref)][:40] in text.text
        assert not browser.find_element(By.ID, "panel").is_displayed()


def test_a_digest_page_opens_its_sources_too(driver, tmp_path: Path):
    from selenium.webdriver.common.by import By
    from typer.testing import CliRunner

    from summarizer.cli import app
    from tests.html_pages import SEEDS

    out = tmp_path / "digests"
    result = CliRunner().invoke(app, ["digest", str(SEEDS), "--date", "2025-09-03", "--html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    _open(driver, out / "index.html")
    driver.find_element(By.CSS_SELECTOR, "a.day").click()
    assert driver.current_url.endswith("2025-09-03.html")
    link = driver.find_element(By.CSS_SELECTOR, ".timeline a.cite[data-q]")
    _click(driver, link)
    marks = _highlighted(driver)
    assert marks and _in_view(driver, marks[0])
    assert _errors(driver) == []

"""A folder of hostile and malformed files next to good articles: good ones are briefed, each bad
one is rejected with its own reason, nothing crashes. Very long articles are trimmed before they
are sent, with a note saying what was left out, and their quotes are checked against what was sent.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.config.settings import Settings
from summarizer.models import Article, Briefing
from summarizer.stages.summarize import brief_key, fit_article
from tests.conftest import SEED_FILES, SEEDS
from tests.fake_openai import FakeOpenAI, synthetic_brief
from tests.llm.test_faults import cli_args

RU = "Президент Азербайджана Ильхам Алиев заявил, что переговоры с Россией продолжатся в следующем месяце. "
PARAGRAPH = RU * 20 + "\n\n"
TAIL = "Эта последняя фраза стоит только в самом конце очень длинной статьи."

HOSTILE = {  # file -> the reason it is rejected
    "empty.txt": "empty file: nothing to summarize; add the article text or remove the file",
    "header_only.txt": "header only: no article text after the date; add the text or remove the file",
    "image.txt": "binary file, not text: it contains NUL bytes; give a plain-text article saved as UTF-8",
    "bad_date.txt": "impossible date '2025-02-30' in the header; write it as YYYY-MM-DD",
    "locked.txt": "cannot read: permission denied; check file permissions",
    "broken_link.txt": "broken symbolic link: its target /nonexistent/article.txt does not exist; fix or remove the link",
    "loop.txt": "symbolic link loop (it points to loop.txt, which leads back to itself); fix or remove the link",
}


def _fenced(request: dict) -> str:
    user = "\n".join(m["content"] for m in request["body"]["messages"] if m["role"] == "user")
    return re.search(r"<article>\n(.*)\n</article>", user, flags=re.S).group(1)


@pytest.fixture
def hostile_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    shutil.copy(SEEDS / SEED_FILES[0], folder / "good1.txt")
    shutil.copy(SEEDS / SEED_FILES[2], folder / "good2.txt")
    shutil.copy(SEEDS / SEED_FILES[0], folder / "zz_duplicate.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "header_only.txt").write_text(" date 2025-10-10\n", encoding="utf-8")
    (folder / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    (folder / "cp1251.txt").write_bytes(
        f" date 2025-10-11 Алиев встретился с Путиным в Душанбе.\n{RU}\n".encode("cp1251")
    )
    (folder / "bom_crlf.txt").write_bytes(
        "\ufeff date 2025-10-12 Ільхам Алієв провів переговори у Душанбе.\r\nЗустріч тривала дві години, повідомив речник Кремля.\r\n".encode(
            "utf-8"
        )
    )
    (folder / "bad_date.txt").write_text(
        " date 2025-02-30 Something happened on an impossible day.\nMore.\n", encoding="utf-8"
    )
    huge = f" date 2025-10-13 Очень длинная статья.\n{PARAGRAPH * (2_000_000 // len(PARAGRAPH.encode()))}{TAIL}\n"
    (folder / "huge.txt").write_text(huge, encoding="utf-8")
    assert (folder / "huge.txt").stat().st_size >= 1_990_000
    (folder / "Новости дня 1.txt").write_text(
        " date 2025-10-14 Алиев провёл встречу в Брюсселе.\nСтороны обсудили мирный договор.\n", encoding="utf-8"
    )
    (folder / "broken_link.txt").symlink_to("/nonexistent/article.txt")
    (folder / "loop.txt").symlink_to("loop.txt")
    # Tests run as root, who can read a chmod 000 file: simulate the unreadable file instead.
    locked = folder / "locked.txt"
    locked.write_text(" date 2025-10-15 Secret.\nText.\n", encoding="utf-8")
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return folder


def test_good_articles_are_briefed_and_each_bad_file_gets_its_reason(fake_openai, tmp_path, hostile_folder):
    out, js = tmp_path / "b.md", tmp_path / "b.json"
    result = CliRunner().invoke(
        app, [str(hostile_folder), "-o", str(out), "--json", str(js), *cli_args(fake_openai, tmp_path)]
    )
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    briefing = Briefing.model_validate_json(js.read_text(encoding="utf-8"))
    assert {n.file: n.message for n in briefing.notes if n.kind == "rejected"} == HOSTILE
    assert sorted(s.file for s in briefing.sources) == [
        "bom_crlf.txt",
        "cp1251.txt",
        "good1.txt",
        "good2.txt",
        "huge.txt",
        "Новости дня 1.txt",
    ]
    assert next(s for s in briefing.sources if s.file == "good1.txt").aliases == ["zz_duplicate.txt"]
    notes = {(n.kind, n.file): n.message for n in briefing.notes}
    assert notes[("duplicate", "zz_duplicate.txt")].startswith("identical to good1.txt; cited as [")
    assert notes[("info", "cp1251.txt")] == "not UTF-8: decoded as cp1251; check that the text reads correctly"
    assert notes[("info", "huge.txt")].startswith("too long: only the first ")
    assert "were left out. Raise --max-article-chars" in notes[("info", "huge.txt")]
    markdown = out.read_text(encoding="utf-8")
    assert all(f"`{name}` rejected: " in markdown for name in HOSTILE)

    sent = {
        r["headers"]["X-Brief-Label"]: _fenced(r)
        for r in fake_openai.requests
        if r["headers"]["X-Brief-Key"].startswith("brief/")
    }
    assert len(sent) == 6, "the duplicate is sent once, the rejected files never"
    assert all(len(text) <= Settings().max_article_chars for text in sent.values()), "nothing is sent over the limit"
    assert "Ильхам Алиев" in sent["cp1251.txt"]
    assert "\r" not in sent["bom_crlf.txt"] and "\ufeff" not in sent["bom_crlf.txt"]
    assert TAIL not in sent["huge.txt"]


class _QuotesTheEnd(FakeOpenAI):
    """Answers with one quote from the start of the article and one from its very end."""

    def answer_for(self, body, key):  # type: ignore[no-untyped-def]
        if not key.startswith("brief/"):
            return super().answer_for(body, key)
        answer = synthetic_brief(RU)
        answer["events"].append({**answer["events"][0], "description": "The closing sentence.", "evidence": TAIL})
        return answer


def test_a_long_article_is_trimmed_and_its_quotes_checked_against_what_was_sent(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "long.txt").write_text(f" date 2025-10-13 Длинная статья.\n{PARAGRAPH * 10}{TAIL}\n", encoding="utf-8")
    js = tmp_path / "b.json"
    with _QuotesTheEnd() as server:
        result = CliRunner().invoke(
            app, [str(folder), "-q", "--json", str(js), "--max-article-chars", "5000", *cli_args(server, tmp_path)]
        )
        assert result.exit_code == 0, result.output
        requests = [r for r in server.requests if r["headers"]["X-Brief-Key"].startswith("brief/")]
    assert len(requests) == 1, "one of its two items fails grounding: the answer stands, no re-ask"
    sent = _fenced(requests[0])
    assert all(_fenced(r) == sent for r in requests)
    assert len(sent) <= 5000 and sent.endswith(RU.strip()), "cut at the end of a paragraph"
    briefing = json.loads(js.read_text(encoding="utf-8"))
    assert [e["accounts"][0]["quote"]["text"] for e in briefing["timeline"]] == [RU.split(". ")[0] + "."]
    unverified = [n["message"] for n in briefing["notes"] if n["kind"] == "unverified"]
    assert len(unverified) == 1 and TAIL in unverified[0], "a quote from the part never sent is not verified"
    [trimmed] = [n["message"] for n in briefing["notes"] if n["kind"] == "info"]
    assert trimmed.startswith(f"too long: only the first {len(sent):,} of ")
    assert "(--max-article-chars 5,000)" in trimmed


def _article(text: str) -> Article:
    return Article(id="0123456789abcdef", path="a.txt", date=None, language="ru", text=text)


def test_fit_article_leaves_short_articles_alone_and_cuts_long_ones_at_a_break():
    short = _article(PARAGRAPH)
    assert fit_article(short, 20_000) is short
    long = _article(PARAGRAPH * 10 + TAIL)
    fitted = fit_article(long, 5_000)
    assert len(fitted.text) <= 5_000 and fitted.text.endswith(RU.strip()) and long.text.startswith(fitted.text)
    assert fitted.id == long.id and long.notes == []
    [note] = fitted.notes
    left_out = len(long.text) - len(fitted.text)
    assert note == (
        f"too long: only the first {len(fitted.text):,} of {len(long.text):,} characters were summarized (--max-article-chars 5,000); "
        f"the last {left_out:,} characters, from \u201c{RU[:60].strip()}\u2026\u201d, were left out. Raise --max-article-chars if the model's context allows"
    )
    unbroken = _article("x" * 9_000)
    assert len(fit_article(unbroken, 5_000).text) == 5_000, "with no break to cut at, cut hard at the limit"


def test_the_cache_key_of_a_trimmed_article_depends_on_what_is_sent(tmp_path):
    settings = Settings(cache_dir=tmp_path)
    short, long = _article(PARAGRAPH), _article(PARAGRAPH * 10)
    assert brief_key(short, settings)[0] == brief_key(short, settings.with_(max_article_chars=5_000))[0]
    keys = {brief_key(long, settings.with_(max_article_chars=n))[0] for n in (5_000, 8_000, 100_000)}
    assert len(keys) == 3
    assert brief_key(long, settings.with_(max_article_chars=100_000))[1].subject == long.id, (
        "under the limit, the content id"
    )

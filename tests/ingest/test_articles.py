"""Reading article files and folders: what becomes an Article, what is rejected and why."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest

from summarizer.ingest.articles import (
    NO_HEADER_NOTE,
    ArticleSet,
    Rejection,
    content_id,
    decode_bytes,
    detect_language,
    load_articles,
    parse_header,
    read_article,
)
from summarizer.errors import ArticleError

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

RUSSIAN = (
    "Президенты Азербайджана и России не проводили двустороннюю встречу на полях саммита. "
    "Об этом сообщил спикер Кремля Дмитрий Песков. По его словам, встреча может состояться позже."
)


def fixed_language(article_id: str, text: str) -> str:
    """Stand-in for language detection where the language is not under test."""
    return "xx"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def load(*paths: Path | str) -> ArticleSet:
    return load_articles(list(paths), language_of=fixed_language)


# --------------------------------------------------------------------------- the real seeds

SEED_TABLE = [
    # file, date, language, start of the header's rest-of-line (kept as the first line of text), id
    ("000_1a84d6854ee061ff.txt", dt.date(2025, 12, 22), "lv", "VIP galdiņš paliek tukšs:", "29d479cb63bd0d42"),
    ("001_dbcce7b43ab26e22.txt", dt.date(2025, 9, 3), "uk", "Раніше президент Азербайджану", "884c0bbff3c72c0f"),
    ("002_1c8b09136a5d4e87.txt", dt.date(2025, 9, 3), "ru", "Президенты Азербайджана и России", "03aa1c35c20527b7"),
    ("003_1a35d96a14c93922.txt", dt.date(2025, 10, 10), "ru", "Как сообщалось, в Душанбе", "5d32ef709bbe4f77"),
    (
        "004_d1e212e9ebd721e5.txt",
        dt.date(2025, 10, 17),
        "ru",
        "Встреча Ильхама Алиева и Владимира Путина",
        "85a3c53b7b1b0730",
    ),
]


@pytest.fixture(scope="module")
def seeds() -> ArticleSet:
    return load_articles([SEEDS])


def test_seed_folder_loads_all_five_in_file_order(seeds: ArticleSet) -> None:
    assert seeds.rejected == []
    assert [a.path for a in seeds.articles] == [row[0] for row in SEED_TABLE]


@pytest.mark.parametrize(("name", "date", "language", "lead", "article_id"), SEED_TABLE)
def test_seed_article(seeds: ArticleSet, name: str, date: dt.date, language: str, lead: str, article_id: str) -> None:
    article = next(a for a in seeds.articles if a.path == name)
    assert article.date == date
    assert article.language == language
    assert article.text.startswith(lead), "the rest of the header line is the article's first line"
    assert "date 20" not in article.text.splitlines()[0]
    assert article.encoding == "utf-8"
    assert article.notes == [] and article.aliases == []
    assert article.id == article_id == content_id(article.text)


def test_seed_text_is_header_rest_then_body() -> None:
    raw = (SEEDS / "000_1a84d6854ee061ff.txt").read_text(encoding="utf-8")
    first, _, body = raw.partition("\n")
    article = read_article(SEEDS / "000_1a84d6854ee061ff.txt", "x.txt")
    assert article.text == (first.removeprefix(" date 2025-12-22 ") + "\n" + body).strip()


# --------------------------------------------------------------------------- header parsing


@pytest.mark.parametrize(
    ("line", "date", "rest"),
    [
        (" date 2025-12-22 Headline here", dt.date(2025, 12, 22), "Headline here"),
        ("date 2025-01-31 Lead", dt.date(2025, 1, 31), "Lead"),
        ("   DATE   2024-02-29   Leap day  ", dt.date(2024, 2, 29), "Leap day"),
        ("\tDate 2025-03-01\tTabbed", dt.date(2025, 3, 1), "Tabbed"),
        (" date 2025-03-01", dt.date(2025, 3, 1), ""),
        ("Dated reports say", None, "Dated reports say"),
        ("No header at all", None, "No header at all"),
        ("", None, ""),
    ],
)
def test_parse_header(line: str, date: dt.date | None, rest: str) -> None:
    assert parse_header(line) == (date, rest)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (" date 2025-02-30 Headline", "impossible date '2025-02-30' in the header; write it as YYYY-MM-DD"),
        (" date 2025-13-01 Headline", "impossible date '2025-13-01' in the header; write it as YYYY-MM-DD"),
        (" date 2023-02-29 Headline", "impossible date '2023-02-29' in the header; write it as YYYY-MM-DD"),
        (" date yesterday Headline", "malformed date 'yesterday' in the header; write it as YYYY-MM-DD"),
        (" date 22.12.2025 Headline", "malformed date '22.12.2025' in the header; write it as YYYY-MM-DD"),
        (" date 2025-1-5 Headline", "malformed date '2025-1-5' in the header; write it as YYYY-MM-DD"),
        (" date ", "the header has 'date' but no date after it; write it as ' date YYYY-MM-DD headline'"),
    ],
)
def test_parse_header_rejects_bad_dates(line: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_header(line)
    assert str(info.value) == message


# --------------------------------------------------------------------------- decoding


def test_bom_and_crlf_are_removed(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", b"\xef\xbb\xbf date 2025-05-06 Headline\r\nFirst line.\r\nSecond line.\rThird.\r\n")
    [article] = load(tmp_path).articles
    assert article.date == dt.date(2025, 5, 6)
    assert article.text == "Headline\nFirst line.\nSecond line.\nThird."
    assert article.encoding == "utf-8-sig"
    assert article.notes == []


def test_utf16_with_bom(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", " date 2025-05-06 Заголовок\r\nТекст статьи.".encode("utf-16"))
    [article] = load(tmp_path).articles
    assert (article.date, article.text, article.encoding) == (dt.date(2025, 5, 6), "Заголовок\nТекст статьи.", "utf-16")


def test_windows_1251_russian(tmp_path: Path) -> None:
    write(tmp_path, "ru.txt", f" date 2025-09-03 Песков о встрече\n{RUSSIAN}\n".encode("cp1251"))
    [article] = load_articles([tmp_path]).articles
    assert article.encoding == "cp1251"
    assert article.text == f"Песков о встрече\n{RUSSIAN}"
    assert article.language == "ru"
    assert article.notes == ["not UTF-8: decoded as cp1251; check that the text reads correctly"]


def test_decode_bytes_prefers_strict_utf8() -> None:
    assert decode_bytes("Żółć – ok\r\n".encode()) == ("Żółć – ok\n", "utf-8")


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        (b"date 2025-01-01 x\n\x00\x01\x02 text", "binary file, not text: it contains NUL bytes"),
        (bytes(range(1, 256)) * 4, "binary file, not text"),
        (b"\x1b\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 20, "binary file, not text: it is full of control characters"),
    ],
)
def test_decode_bytes_rejects_binary(data: bytes, phrase: str) -> None:
    with pytest.raises(ValueError) as info:
        decode_bytes(data)
    assert str(info.value).startswith(phrase)


def test_text_is_refused_for_control_characters_exactly_as_by_their_unicode_category() -> None:
    """Counted by one regex (issue 26: a category look-up per character was most of reading's CPU): the same characters."""
    import sys
    import unicodedata

    from summarizer.ingest.articles import _ALLOWED_CONTROLS, _plausible

    counted = [
        chr(c)
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Cc" and chr(c) not in _ALLOWED_CONTROLS
    ]
    assert len(counted) == 60
    for ch in counted:  # 1 in 100 characters passes, 2 in 100 does not
        assert _plausible("x" * 99 + ch) == "x" * 99 + ch
        with pytest.raises(ValueError, match="full of control characters"):
            _plausible("x" * 98 + ch * 2)
    for ch in [
        "\t",
        "\n",
        "\f",
        "\v",
        "\u00a0",
        "\u200b",
        "\u2028",
        "\ufeff",
        "\U000e0001",
    ]:  # allowed, or not in category Cc
        _plausible("x" * 90 + ch * 10)


def test_leading_spaces_before_header(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "      date 2025-07-08    Lead sentence.\nBody.")
    [article] = load(tmp_path).articles
    assert (article.date, article.text) == (dt.date(2025, 7, 8), "Lead sentence.\nBody.")


def test_header_without_rest_of_line(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", " date 2025-07-08\n\nBody only.\n")
    [article] = load(tmp_path).articles
    assert (article.date, article.text) == (dt.date(2025, 7, 8), "Body only.")


def test_no_header_means_unknown_date_and_a_note(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "Headline without a date\nBody text.\n")
    [article] = load(tmp_path).articles
    assert article.date is None
    assert article.text == "Headline without a date\nBody text."
    assert article.notes == [NO_HEADER_NOTE]
    assert NO_HEADER_NOTE == "no ' date YYYY-MM-DD' header on the first line; publication date unknown"


# --------------------------------------------------------------------------- rejections

REJECTED = [
    ("empty.txt", b"", "empty file: nothing to summarize; add the article text or remove the file"),
    ("blank.txt", b"  \r\n\t\n  ", "only whitespace: nothing to summarize; add the article text or remove the file"),
    (
        "bom_only.txt",
        b"\xef\xbb\xbf\n",
        "only whitespace: nothing to summarize; add the article text or remove the file",
    ),
    (
        "header_only.txt",
        b" date 2025-01-02 \n\n  \n",
        "header only: no article text after the date; add the text or remove the file",
    ),
    (
        "feb30.txt",
        b" date 2025-02-30 Headline\nBody",
        "impossible date '2025-02-30' in the header; write it as YYYY-MM-DD",
    ),
    (
        "month13.txt",
        b" date 2025-13-01 Headline\nBody",
        "impossible date '2025-13-01' in the header; write it as YYYY-MM-DD",
    ),
    (
        "words.txt",
        b" date yesterday Headline\nBody",
        "malformed date 'yesterday' in the header; write it as YYYY-MM-DD",
    ),
    (
        "nul.txt",
        b" date 2025-01-02 Headline\nBo\x00dy",
        "binary file, not text: it contains NUL bytes; give a plain-text article saved as UTF-8",
    ),
]


@pytest.mark.parametrize(("name", "content", "reason"), REJECTED)
def test_bad_file_is_rejected_with_a_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    write(tmp_path, name, content)
    write(tmp_path, "good.txt", " date 2025-01-01 Good\nBody.")
    result = load(tmp_path)
    assert result.rejected == [Rejection(name, reason)]
    assert [a.path for a in result.articles] == ["good.txt"], "one bad file never stops the others"


@pytest.mark.parametrize(("name", "content", "reason"), REJECTED)
def test_read_article_raises_with_the_file_named(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(ArticleError) as info:
        read_article(path, f"shown/{name}")
    assert (info.value.path, info.value.reason) == (f"shown/{name}", reason)
    assert str(info.value) == f"shown/{name}: {reason}"


def test_unreadable_file_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.txt", " date 2025-01-01 Hidden\nBody.")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running with privileges that read any file (root)")
        result = load(tmp_path)
    finally:
        path.chmod(0o644)
    assert result.rejected == [Rejection("secret.txt", "cannot read: permission denied; check file permissions")]


def test_permission_error_becomes_a_rejection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same as above without relying on file modes, so it also runs as root."""
    write(tmp_path, "secret.txt", " date 2025-01-01 Hidden\nBody.")
    write(tmp_path, "open.txt", " date 2025-01-01 Open\nBody.")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = load(tmp_path)
    assert result.rejected == [Rejection("secret.txt", "cannot read: permission denied; check file permissions")]
    assert [a.path for a in result.articles] == ["open.txt"]


# --------------------------------------------------------------------------- duplicates and ids


def test_identical_files_merge_into_one_article_with_aliases(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", " date 2025-01-01 Same\nBody.\n")
    write(tmp_path, "b.txt", " date 2025-01-01 Same\r\nBody.\r\n\r\n")  # CRLF and trailing blank lines
    write(tmp_path, "c/d.txt", b"\xef\xbb\xbf date 2025-01-01 Same\nBody.")
    write(tmp_path, "e.txt", " date 2025-01-01 Different\nBody.")
    result = load(tmp_path)
    assert [(a.path, a.aliases) for a in result.articles] == [("a.txt", ["b.txt", "c/d.txt"]), ("e.txt", [])]
    assert result.rejected == []


def test_same_text_with_another_date_is_merged_with_a_note(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", " date 2025-01-01 Same\nBody.")
    write(tmp_path, "b.txt", " date 2025-02-01 Same\nBody.")
    [article] = load(tmp_path).articles
    assert (article.date, article.aliases) == (dt.date(2025, 1, 1), ["b.txt"])
    assert article.notes == ["duplicate b.txt has date 2025-02-01; kept 2025-01-01 from a.txt"]


def test_same_file_given_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", " date 2025-01-01 Once\nBody.")
    result = load(tmp_path, path)
    assert [(a.path, a.aliases) for a in result.articles] == [("a.txt", [])]


def test_ids_are_stable_and_ignore_newline_style(tmp_path: Path) -> None:
    lf = write(tmp_path, "lf.txt", " date 2025-01-01 Head\nLine one.\nLine two.\n")
    crlf = write(tmp_path, "crlf.txt", " date 2025-01-01 Head\r\nLine one.\r\nLine two.\r\n")
    first = read_article(lf, "lf.txt", language_of=fixed_language)
    assert first.id == read_article(lf, "lf.txt", language_of=fixed_language).id
    assert first.id == read_article(crlf, "crlf.txt", language_of=fixed_language).id
    assert first.id == content_id("Head\nLine one.\nLine two.") == content_id("  Head\r\nLine one.\rLine two.\n\n")
    assert first.id == hashlib.sha256(b"Head\nLine one.\nLine two.").hexdigest()[:16] == "51e101dd072f93b6"
    assert len(first.id) == 16 and int(first.id, 16) >= 0


def test_language_of_receives_id_and_text(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", " date 2025-01-01 Head\nBody.")
    calls: list[tuple[str, str]] = []

    def language_of(article_id: str, text: str) -> str:
        calls.append((article_id, text))
        return "lv"

    [article] = load_articles([tmp_path], language_of=language_of).articles
    assert article.language == "lv"
    assert calls == [(article.id, "Head\nBody.")]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Короткий", "und"),
        ("12345 67890 !!!", "und"),
        (RUSSIAN, "ru"),
        ("Президент Азербайджану підтримав Україну та закликав не погоджуватися на окупацію.", "uk"),
        ("Ilhams Alijevs demonstratīvi atteicies no Maskavai svarīga piedāvājuma.", "lv"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


# --------------------------------------------------------------------------- folders and arguments


def test_folders_are_read_recursively_in_relative_path_order(tmp_path: Path) -> None:
    for name in ["b.txt", "sub/z.txt", "a.txt", "sub/deeper/c.txt", "A_upper.TXT", "notes.md", "sub/image.png"]:
        write(tmp_path, name, f" date 2025-01-01 {name}\nBody of {name}.")
    result = load(tmp_path)
    assert [a.path for a in result.articles] == ["A_upper.TXT", "a.txt", "b.txt", "sub/deeper/c.txt", "sub/z.txt"]


def test_explicit_files_are_read_whatever_their_extension(tmp_path: Path) -> None:
    md = write(tmp_path, "notes.md", " date 2025-01-01 Markdown\nBody.")
    write(tmp_path, "folder/x.txt", " date 2025-01-02 Text\nBody.")
    result = load(md, tmp_path / "folder")
    assert [(a.path, a.date) for a in result.articles] == [
        (str(md), dt.date(2025, 1, 1)),
        ("x.txt", dt.date(2025, 1, 2)),
    ]


def test_explicit_file_keeps_the_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "in/a.txt", " date 2025-01-01 Head\nBody.")
    [article] = load("in/a.txt").articles
    assert article.path == "in/a.txt"


def test_nonexistent_path_raises(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", " date 2025-01-01 Head\nBody.")
    missing = tmp_path / "nope.txt"
    with pytest.raises(ArticleError) as info:
        load(tmp_path, missing)
    assert info.value.path == str(missing)
    assert info.value.reason == "no such file or folder; check the path"


def test_folder_without_txt_files_raises(tmp_path: Path) -> None:
    write(tmp_path, "notes.md", "not an article")
    with pytest.raises(ArticleError) as info:
        load(tmp_path)
    assert info.value.path == str(tmp_path)
    assert info.value.reason == "no .txt files in this folder; article files must end in .txt"


def test_module_import_does_not_load_the_language_model() -> None:
    import subprocess
    import sys

    code = (
        "import sys, summarizer.ingest.articles; print('py3langid' in sys.modules, 'charset_normalizer' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.split() == ["False", "False"]

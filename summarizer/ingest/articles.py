"""Read article files and folders into `Article` objects: decoding, date header, language, duplicates.

An article file is plain text whose first line is normally ` date YYYY-MM-DD <headline or lead>`.
The rest of that first line is article text (the headline), not metadata, except an http(s) URL
right after the date (` date YYYY-MM-DD https://outlet/page <headline>`, as `brief fetch` writes
it): that is the article's page, kept as `Article.url` and cited with the source. After it,
`[date: fetched]` says the date is only the day it was fetched (a note says so). Bad files are collected
as `Rejection`s with a reason that names the fix; only unusable *arguments* raise `ArticleError`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import hashlib
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ArticleError
from ..models import Article

__all__ = [
    "Rejection",
    "ArticleSet",
    "ArticleReader",
    "undetected",
    "load_articles",
    "read_article",
    "parse_header",
    "split_url",
    "decode_bytes",
    "detect_language",
    "content_id",
    "NO_HEADER_NOTE",
    "FETCH_DATED",
    "article_outlet",
    "outlet_of",
]

LanguageOf = Callable[[str, str], str]


def undetected(article_id: str, text: str) -> str:
    """A `language_of` that detects nothing ('und'): for reading a file whose language is found elsewhere."""
    return "und"


NO_HEADER_NOTE = "no ' date YYYY-MM-DD' header on the first line; publication date unknown"
FETCH_DATED = "[date: fetched]"  # after the header's date (and URL): the date is the day brief fetch fetched it
FETCH_DATED_NOTE = "dated by the day it was fetched: neither its feed nor its page gives a publication date"
MIN_LETTERS = 20  # below this many letters, language detection is guesswork: 'und'
MAX_FILE_BYTES = 50 * 10**6  # larger files are not articles (and would be trimmed to --max-article-chars anyway)
LANGUAGE_SAMPLE = 20_000  # characters read by language detection

_HEADER = re.compile(r"^\s*date(?:\s+|$)", re.IGNORECASE)
_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NEWLINES = re.compile(r"\r\n?")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = set("\t\n\r\f\v")
# Unicode's control characters (category Cc: U+0000-U+001F, U+007F-U+009F) less the allowed ones, found by one regex
# instead of a category look-up per character (most of reading's CPU at 10,000 articles)
_CONTROLS = re.compile(
    "["
    + "".join(re.escape(chr(c)) for c in (*range(0x20), *range(0x7F, 0xA0)) if chr(c) not in _ALLOWED_CONTROLS)
    + "]"
)


@dataclass(frozen=True)
class Rejection:
    """A file that was not turned into an article, and why (and the local day it was last changed, when known)."""

    path: str
    reason: str
    changed: dt.date | None = field(default=None, compare=False)  # not part of what the rejection is


def _changed_day(path: Path) -> dt.date | None:
    try:
        return dt.date.fromtimestamp(path.lstat().st_mtime)
    except (OSError, ValueError, OverflowError):
        return None


@dataclass
class ArticleSet:
    """The articles read from the given paths, plus the files that were rejected."""

    articles: list[Article] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


def content_id(text: str) -> str:
    """Return the first 16 hex chars of the sha256 of `text` with newlines, Unicode form and edges normalised."""
    normal = unicodedata.normalize("NFC", _NEWLINES.sub("\n", text)).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of `text`'s language, or 'und' when it has fewer than 20 letters."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return "und"
    import py3langid  # lazy: loading the model takes about a second

    return str(py3langid.classify(text[:LANGUAGE_SAMPLE])[0])  # the opening is enough, and fast on huge files


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes to text with LF newlines; return (text, encoding) or raise ValueError if binary."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _plausible(data.decode(name)), name
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"binary file, not text: it starts with a {name} byte-order mark but does not decode ({exc.reason}); re-save it as UTF-8 text"
                ) from exc
    if b"\x00" in data:
        raise ValueError("binary file, not text: it contains NUL bytes; give a plain-text article saved as UTF-8")
    try:
        return _plausible(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # lazy: only needed for non-UTF-8 files

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ValueError("binary file, not text: no text encoding fits its bytes; re-save it as UTF-8 text")
    return _plausible(str(best)), best.encoding


def _plausible(text: str) -> str:
    """Normalise newlines and refuse text that is mostly control characters (a binary file in disguise)."""
    controls = len(_CONTROLS.findall(text))
    if controls * 100 > len(text):
        raise ValueError(
            "binary file, not text: it is full of control characters; give a plain-text article saved as UTF-8"
        )
    return _NEWLINES.sub("\n", text)


def parse_header(first_line: str) -> tuple[dt.date | None, str]:
    """Split ` date YYYY-MM-DD rest` into (date, rest); (None, line) if there is no header; ValueError if the date is bad."""
    match = _HEADER.match(first_line)
    if match is None:
        return None, first_line
    parts = first_line[match.end() :].split(maxsplit=1)
    if not parts:
        raise ValueError("the header has 'date' but no date after it; write it as ' date YYYY-MM-DD headline'")
    token, rest = parts[0], (parts[1].strip() if len(parts) > 1 else "")
    if not _DATE_SHAPE.match(token):
        raise ValueError(f"malformed date '{token}' in the header; write it as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(token), rest
    except ValueError:
        raise ValueError(f"impossible date '{token}' in the header; write it as YYYY-MM-DD") from None


_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)


def split_url(rest: str) -> tuple[str | None, str]:
    """'https://outlet/x Headline' -> ('https://outlet/x', 'Headline'): the page's URL when the header's text starts with one."""
    match = _URL.match(rest)
    if match is None:
        return None, rest
    return match.group(0), rest[match.end() :].strip()


def read_article(path: Path, display: str, *, language_of: LanguageOf | None = None) -> Article:
    """Read one article file; raise ArticleError(display, reason) if it cannot be used."""
    path = Path(path)
    if path.is_symlink() and not path.exists():
        target = os.readlink(path)
        try:
            path.stat()
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise ArticleError(
                    display,
                    f"symbolic link loop (it points to {target}, which leads back to itself); fix or remove the link",
                ) from None
        raise ArticleError(display, f"broken symbolic link: its target {target} does not exist; fix or remove the link")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ArticleError(
                display,
                f"too large for an article ({size / 1e6:.0f} MB; the limit is {MAX_FILE_BYTES // 10**6} MB); split it into articles",
            )
        data = path.read_bytes()
    except PermissionError:
        raise ArticleError(display, "cannot read: permission denied; check file permissions") from None
    except OSError as exc:
        raise ArticleError(display, f"cannot read: {exc.strerror or exc}; check that it is a readable file") from None
    if not data:
        raise ArticleError(display, "empty file: nothing to summarize; add the article text or remove the file")
    try:
        decoded, encoding = decode_bytes(data)
    except ValueError as exc:
        raise ArticleError(display, str(exc)) from None
    if not decoded.strip():
        raise ArticleError(display, "only whitespace: nothing to summarize; add the article text or remove the file")

    first_line, _, remainder = decoded.partition("\n")
    try:
        date, rest = parse_header(first_line)
    except ValueError as exc:
        raise ArticleError(display, str(exc)) from None
    notes: list[str] = []
    url = None
    if date is None:
        text = decoded.strip()
        notes.append(NO_HEADER_NOTE)
    else:
        url, rest = split_url(rest)
        if rest.startswith(FETCH_DATED):
            rest = rest[len(FETCH_DATED) :].strip()
            notes.append(FETCH_DATED_NOTE)
        text = f"{rest}\n{remainder}".strip()
        if not text:
            raise ArticleError(display, "header only: no article text after the date; add the text or remove the file")
    if encoding not in ("utf-8", "utf-8-sig"):
        notes.append(f"not UTF-8: decoded as {encoding}; check that the text reads correctly")

    article_id = content_id(text)
    language = language_of(article_id, text) if language_of else detect_language(text)
    shown = len(
        Path(display).parts
    )  # the folders the display path shows, and the folder given on the command line above them
    folders = "/".join(path.absolute().parts[-shown - 1 :])
    outlet = outlet_of(folders, url or first_line)
    return Article(
        id=article_id,
        path=display,
        date=date,
        language=language,
        text=text,
        encoding=encoding,
        notes=notes,
        url=url,
        outlet=outlet,
    )


def _expand(paths: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """Turn file and folder arguments into (file, display path) pairs; raise ArticleError for bad arguments."""
    found: list[tuple[Path, str]] = []
    for arg in paths:
        root = Path(arg)
        if root.is_dir():
            files = sorted(
                (p.relative_to(root).as_posix(), p)
                for p in root.rglob("*")
                if p.suffix.lower() == ".txt"
                and (p.is_file() or (p.is_symlink() and not p.exists()))  # broken links are reported
            )
            if not files:
                raise ArticleError(str(arg), "no .txt files in this folder; article files must end in .txt")
            found.extend((p, rel) for rel, p in files)
        elif root.exists():
            found.append((root, str(arg)))
        else:
            raise ArticleError(str(arg), "no such file or folder; check the path")
    return found


class ArticleReader:
    """The files under `paths`, read one at a time into `loaded` (load_articles reads them all).

    Bad *arguments* (no such path, a folder without .txt files) raise ArticleError here, before any
    file is read. `read` then turns one file into a new article (appended to `loaded.articles`),
    or records it as a rejection or as a duplicate of an earlier article (an alias, plus a note
    when its date differs).
    """

    def __init__(self, paths: Sequence[str | Path]) -> None:
        self.files = _expand(paths)
        self.loaded = ArticleSet()
        self._by_id: dict[str, int] = {}
        self._seen: set[Path] = set()

    def read(self, path: Path, display: str, *, language_of: LanguageOf | None = None) -> Article | None:
        """The article in this file if it is new, else None (rejected, a duplicate, or a file already read)."""
        try:
            real = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop; read_article reports it
            real = path.absolute()
        if real in self._seen:  # the same file reached twice (e.g. a folder and a file inside it)
            return None
        self._seen.add(real)
        try:
            article = read_article(path, display, language_of=language_of)
        except ArticleError as exc:
            self.loaded.rejected.append(Rejection(display, exc.reason, _changed_day(path)))
            return None
        if article.id in self._by_id:
            first = self.loaded.articles[self._by_id[article.id]]
            first.aliases.append(display)
            if article.date != first.date:
                first.notes.append(
                    f"duplicate {display} has date {article.date or 'unknown'}; kept {first.date or 'unknown'} from {first.path}"
                )
            return None
        self._by_id[article.id] = len(self.loaded.articles)
        self.loaded.articles.append(article)
        return article


def load_articles(paths: Sequence[str | Path], *, language_of: LanguageOf | None = None) -> ArticleSet:
    """Read every file and folder in `paths` into an ArticleSet; bad files become rejections, duplicates aliases."""
    reader = ArticleReader(paths)
    for path, display in reader.files:
        reader.read(path, display, language_of=language_of)
    return reader.loaded


_DOMAIN = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}")


def article_outlet(article: Article, named: str | None = None) -> str | None:
    """The one rule for an article's outlet (docs/output.md): its folder named like a domain (the folder
    given on the command line included: `Article.outlet`), else the host of a URL on its first line,
    else the outlet its brief names from the text."""
    first_line = article.url or article.text.split("\n", 1)[0]
    return article.outlet or outlet_of(article.path, first_line) or ((named or "").strip() or None)


def outlet_of(path: str, first_line: str = "") -> str | None:
    """The outlet of an article file, or None when nothing tells.

    The nearest folder named like a domain ('news/rbc.ru/2025/x.txt' -> 'rbc.ru'), else the host
    of a URL on the article's first line. Other folder names (dates, topics, 'seeds') say nothing
    about the outlet.
    """
    for folder in reversed(re.split(r"[\\/]", path)[:-1]):
        if _DOMAIN.fullmatch(folder.casefold()):
            return folder.casefold()
    match = re.search(r"https?://(?:www\.)?([a-z0-9.-]+\.[a-z]{2,})", first_line.casefold())
    return match.group(1) if match else None

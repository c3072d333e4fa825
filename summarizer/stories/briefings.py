"""Stories -> a briefing per story: each story's briefs merged, summarized and compared on their own.

`group_results` clusters the briefed articles into stories (`clustering.cluster_stories`, no LLM
call). `brief_story` runs, for one story, what the pipeline runs for a whole folder: merge (with
the story's own numbering 1..k, so every prompt holds only that story's sources and no prompt
grows with the number of stories), the executive summary and the cross-source analysis; then
every source number is mapped back to the briefing's global numbering, so citations resolve
through the top-level Sources. A run with one story takes the same path: its story is numbered as
the whole run numbers it (same prompts, same recordings) and `with_stories` lifts its sections to
the top level.

Title, lead and front-page order are deterministic:
- title: the headline of the latest source, the story's latest development (ties: the most
  central, sharing most actors with the story's other sources, then the lowest number);
- lead: the first one or two sentences of the story's bottom line, else of its summary, else of
  its most central source's brief;
- order: independent sources (distinct outlets), then languages, then the latest date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar, get_args

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from ..models import Account, Briefing, BriefResult, Note, Quote, Source, StanceRow, StoryBriefing, SummaryParagraph
from ..models.base import all_fields_set
from ..models.matching import normalize_name, processed_words
from .clustering import Story, cluster_stories
from .features import story_doc
from .features import warm as warm_story

__all__ = [
    "group_results",
    "remap_refs",
    "shared_values",
    "story_parts",
    "story_sections",
    "rank_stories",
    "lead_of",
    "with_stories",
    "warm",
    "LEAD_CHARS",
]

M = TypeVar("M", bound=BaseModel)
LEAD_CHARS = 320
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“'(])")
_CITATION = re.compile(r"\[(\d+)\]")


def group_results(results: Sequence[BriefResult]) -> list[tuple[Story, list[BriefResult]]]:
    """The briefed results grouped into stories (earliest story first); failed results are in none."""
    ok = [r for r in results if r.ok]
    by_id = {r.article.id: r for r in ok}
    stories = cluster_stories([story_doc(r.article, r.brief) for r in ok])  # type: ignore[arg-type]  # `ok` results all carry a brief
    return [(story, [by_id[a] for a in story.article_ids]) for story in stories]


def warm(result: BriefResult) -> None:
    """Work out what grouping and merging will need of this one brief alone (terms, normalised names,
    processed words; all remembered), e.g. as its answer arrives while the others are awaited."""
    brief = result.brief
    if brief is None:
        return
    warm_story(story_doc(result.article, brief))
    for actor in brief.actors:
        processed_words(actor.name)
    for event in brief.events:
        processed_words(event.description)
        for name in event.actors:
            normalize_name(name)


_NUMBER, _NUMBERS, _NESTED = 0, 1, 2  # what a field holds: a source number, a list of them, models (in lists or dicts)


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(arg) for arg in get_args(annotation))


@cache
def _plan(cls: type[BaseModel]) -> tuple[tuple[str, int], ...]:
    """The fields of `cls` that renumbering must look at (source numbers, and values that can hold models), by name.

    The rest (text, dates, lists of names) never holds a source number: skipped without a look.
    """
    plan = []
    for name, info in cls.model_fields.items():
        args = set(get_args(info.annotation)) | {info.annotation}
        if name in ("source", "ref") and int in args:
            plan.append((name, _NUMBER))
        elif name in ("sources", "latest") and list[int] in args:
            plan.append((name, _NUMBERS))
        elif _holds_model(info.annotation):
            plan.append((name, _NESTED))
    return tuple(plan)


def _copy_with(value: M, update: dict[str, Any]) -> M:
    """`value.model_copy(update=update)`: a shallow copy, no validation, the same fields set and private values,
    without pydantic's generic `copy.copy` dispatch (three calls per model: most of renumbering's time at 10,000 articles)."""
    cls = type(value)
    new = cls.__new__(cls)
    fields = value.__dict__.copy()
    fields.update(update)
    object.__setattr__(new, "__dict__", fields)
    extra = value.__pydantic_extra__
    object.__setattr__(new, "__pydantic_extra__", None if extra is None else dict(extra))
    fields_set = value.__pydantic_fields_set__
    if fields_set is not all_fields_set(cls):  # that one set serves every model given every field (models.base)
        fields_set = fields_set | update.keys()
    object.__setattr__(new, "__pydantic_fields_set__", fields_set)
    private = getattr(value, "__pydantic_private__", None)
    object.__setattr__(
        new,
        "__pydantic_private__",
        None if private is None else {k: v for k, v in private.items() if v is not PydanticUndefined},
    )
    return new


Shared = dict[tuple[Any, ...], BaseModel]  # see `shared_values`
_SHAREABLE = (Quote, Account, StanceRow)  # made of text, numbers and a quote: equal by value, and many


def _value_key(cls: type, fields: dict[str, Any], fields_set: set[str] | frozenset[str]) -> tuple[Any, ...] | None:
    """What a model of `cls` with these fields is, as a dict key (a nested model by identity); None if a field is no plain value."""
    values: list[Any] = []
    for name, v in fields.items():
        if isinstance(v, BaseModel):
            values.append((name, id(v)))
        elif v is None or isinstance(v, (str, int, float)):
            values.append((name, v))
        else:
            return None
    return (cls, frozenset(fields_set), tuple(values))


def shared_values(briefing: Briefing) -> Shared:
    """The whole run's timeline accounts, their quotes and its stance rows, by value (`_value_key`).

    A story's renumbered section holds the very same accounts and stances (same numbers, text and
    quote): with this table `remap_refs` gives it the whole run's objects instead of equal copies,
    about 80 MB less at 10,000 articles. Nothing is changed in place, so sharing is safe.
    """
    table: Shared = {}

    def add(model: BaseModel, **nested: BaseModel) -> BaseModel:
        """The table's object equal to `model` (`model` itself if none was yet); `nested`: its models as the table has them."""
        key = _value_key(type(model), {**model.__dict__, **nested}, model.__pydantic_fields_set__)
        return model if key is None else table.setdefault(key, model)

    for entry in briefing.timeline:
        for account in entry.accounts:
            add(account, quote=add(account.quote))
    for row in briefing.stances:
        add(row, quote=add(row.quote))
    return table


def _remap(value: Any, mapping: dict[int, int], shared: Shared | None = None) -> Any:
    """`value` (a model, or a list or dict of them) with every source number mapped (fields source, ref, sources, latest).

    Models that hold a number are copied (no re-validation: their other values are valid already);
    everything else is shared with `value`, so a story's renumbered sections cost little memory
    beyond their own numbers (a dump and `model_validate` made a copy of every string). `shared`
    (`shared_values` of the whole run): an account, quote or stance row equal to one of the whole
    run's, once renumbered, is that object.
    """
    if isinstance(value, BaseModel):
        update: dict[str, Any] = {}
        fields = value.__dict__
        for key, kind in _plan(type(value)):
            item = fields[key]
            if kind == _NESTED:
                if isinstance(item, (BaseModel, dict, list)):
                    new = _remap(item, mapping, shared)
                    if new is not item:
                        update[key] = new
            elif kind == _NUMBER:
                if isinstance(item, int):
                    update[key] = mapping[item]
            elif isinstance(item, list):
                update[key] = sorted(mapping[x] for x in item)
        if not update:
            return value
        if shared and isinstance(value, _SHAREABLE):
            found = _value_key(type(value), {**fields, **update}, value.__pydantic_fields_set__ | update.keys())
            if found is not None and (same := shared.get(found)) is not None:
                return same
        return _copy_with(value, update)
    if isinstance(value, list):
        items = [_remap(item, mapping, shared) if isinstance(item, (BaseModel, dict, list)) else item for item in value]
        return value if all(x is y for x, y in zip(items, value)) else items
    if isinstance(value, dict):
        mapped = {
            key: _remap(item, mapping, shared) if isinstance(item, (BaseModel, dict, list)) else item
            for key, item in value.items()
        }
        return value if all(mapped[key] is item for key, item in value.items()) else mapped
    return value


def remap_refs(items: Sequence[M], mapping: dict[int, int], shared: Shared | None = None) -> list[M]:
    """Copies of `items` with every source number (fields source, ref, sources, latest) mapped through `mapping`.

    `shared`: the whole run's values (`shared_values`), given instead of equal copies."""
    return [_remap(item, mapping, shared) for item in items]


def remap_note(note: Note, mapping: dict[int, int]) -> Note:
    """A note whose '[n]' citations are mapped to the global numbers."""
    return note.model_copy(
        update={"message": _CITATION.sub(lambda m: f"[{mapping.get(int(m.group(1)), m.group(1))}]", note.message)}
    )


def _first_sentences(text: str, limit: int = LEAD_CHARS) -> str:
    sentences = _SENTENCE.split(" ".join(text.split()))
    lead = sentences[0] if sentences else ""
    if len(sentences) > 1 and len(lead) + 1 + len(sentences[1]) <= limit:
        lead = f"{lead} {sentences[1]}"
    return lead if len(lead) <= limit else lead[: limit - 1].rsplit(" ", 1)[0] + "…"


def _weights(local: Briefing) -> dict[int, int]:
    weight = {s.ref: 0 for s in local.sources}
    for actor in local.actors:
        for ref in actor.sources:
            weight[ref] += len(actor.sources) - 1
    return weight


def _central(local: Briefing) -> Source:
    """The source sharing most actors with the story's other sources (ties: latest, then lowest number)."""
    weight = _weights(local)
    return max(local.sources, key=lambda s: (weight[s.ref], s.date.toordinal() if s.date else 0, -s.ref))


def _latest(local: Briefing) -> Source:
    """The story's latest source, whose headline is its latest development (ties: the most central, then the lowest number)."""
    weight = _weights(local)
    return max(local.sources, key=lambda s: (s.date.toordinal() if s.date else 0, weight[s.ref], -s.ref))


def lead_of(summary: Sequence[SummaryParagraph], central_summary: str) -> str:
    """One or two sentences: from the story's summary, else from its central source's brief."""
    return _first_sentences(summary[0].text if summary else central_summary)


_PARTS = ("timeline", "actors", "stances", "divergences", "framing", "stance_table", "corroborated")


def story_parts(local: Briefing, mapping: dict[int, int], shared: Shared | None = None) -> dict[str, list[Any]]:
    """The story's sections that do not depend on its summary, in global numbers (`mapping`: local -> global).

    Ready once its merge and analysis are: worked out while a long summary is still awaited. `shared`: the whole
    run's values (`shared_values`), given instead of equal copies.
    """
    return {name: remap_refs(getattr(local, name), mapping, shared) for name in _PARTS}


def story_sections(
    story: Story,
    local: Briefing,
    mapping: dict[int, int],
    brief_summaries: dict[int, str],
    *,
    parts: dict[str, list[Any]] | None = None,
    shared: Shared | None = None,
) -> StoryBriefing:
    """The story's section from its own briefing `local` (numbered 1..k), in global numbers (`mapping`: local -> global).

    `parts`: `story_parts` of `local` (or of `local` before its summary), if already worked out; `shared`: see `story_parts`.
    """
    parts = story_parts(local, mapping, shared) if parts is None else parts
    central = _central(local)
    refs = sorted(mapping.values())
    mine = local.sources  # the story's sources: dates, outlets and languages are the article's, whatever its number
    dates = sorted(s.date for s in mine if s.date is not None)
    outlets = {(s.outlet or "").casefold() or f"#{s.ref}" for s in mine}
    return StoryBriefing(
        id=story.id,
        title=_latest(local).headline,
        lead=lead_of([local.bottom_line] if local.bottom_line else local.summary, brief_summaries.get(central.ref, "")),
        sources=refs,
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        languages=sorted({s.language for s in mine}),
        independent_sources=len(outlets),
        summary=remap_refs(local.summary, mapping),
        bottom_line=(remap_refs([local.bottom_line], mapping)[0] if local.bottom_line else None),
        key_developments=remap_refs(local.key_developments, mapping),
        **parts,
    )


def rank_stories(stories: Sequence[StoryBriefing]) -> list[StoryBriefing]:
    """Front-page order: independent sources, then languages, then the most recent, then id."""
    return sorted(
        stories,
        key=lambda s: (
            -s.independent_sources,
            -len(s.languages),
            -(s.last_date.toordinal() if s.last_date else 0),
            s.id,
        ),
    )


def with_stories(briefing: Briefing, stories: Sequence[StoryBriefing], notes: Sequence[Note] = ()) -> Briefing:
    """The briefing with its stories in front-page order; summary and cross-source sections are theirs, in that order.

    A lone story's bottom line and key developments are the briefing's too (so one story reads as a
    plain briefing); with several stories each has its own and the briefing none.
    """
    ranked = rank_stories(stories)
    lone = ranked[0] if len(ranked) == 1 else None
    return briefing.model_copy(
        update={
            "stories": ranked,
            "summary": [p for s in ranked for p in s.summary],
            "bottom_line": lone.bottom_line if lone else None,
            "key_developments": lone.key_developments if lone else [],
            "divergences": [d for s in ranked for d in s.divergences],
            "framing": [f for s in ranked for f in s.framing],
            "stance_table": [c for s in ranked for c in s.stance_table],
            "corroborated": [c for s in ranked for c in s.corroborated],
            "notes": briefing.notes + list(notes),
        }
    )

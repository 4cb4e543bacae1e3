"""Questionnaire files: the one loader that reads and validates them, as pure functions (a file
in, a `Questionnaire` or a `QuestionnaireError` naming the file, the item and the field out).
selfscan.services.questionnaires records the versions in the database."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selfscan.core.vocabulary import N_, PRINCIPLE_KEYS, PROFESSIONAL, TAG_KEYS

LANGUAGES = ("nl", "en")
# The perspectives a file may word its texts for, beside the professional text it always has.
VARIANTS = ("parent", "young")
MAX_QUESTIONS = 2
KEY_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FILE_RE = re.compile(r"^(?P<key>[a-z0-9-]+)-v(?P<version>[1-9][0-9]*)\.toml$")
MAX_TEXT = 1000


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used; the message names file, item and field.

    The message is English (the CLI's). An error of the loader also keeps its parts, so that a
    page can say it in the reader's language with `say(gettext)`: `problem`, an English
    template marked for the catalogue, filled with `params`; and where: `filename`, `item` or
    `principle`, `field`.
    """

    def __init__(
        self,
        message: str | None = None,
        *,
        filename: str = "",
        problem: str = "",
        params: Mapping[str, object] | None = None,
        item: str | None = None,
        principle: str | None = None,
        field: str | None = None,
    ) -> None:
        self.filename = filename
        self.problem = problem
        self.params = dict(params or {})
        self.item = item
        self.principle = principle
        self.field = field
        self.message = message
        super().__init__(self.say(lambda text: text))

    def say(self, gettext: Callable[[str], str]) -> str:
        """The message in the language of `gettext` (a function from English to that)."""
        if self.message is not None:
            return self.message
        problem = gettext(self.problem)
        if self.params:
            problem = problem % self.params
        place = []
        if self.item:
            place.append(gettext("item %(item)s") % {"item": repr(self.item)})
        elif self.principle:
            place.append(gettext("principle %(principle)s") % {"principle": repr(self.principle)})
        if self.field:
            place.append(gettext("field %(field)s") % {"field": repr(self.field)})
        return ": ".join(
            [self.filename, ", ".join(place), problem] if place else [self.filename, problem]
        )


@dataclass(frozen=True)
class Text:
    """A text in every interface language."""

    nl: str
    en: str

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.nl


@dataclass(frozen=True)
class ScaleLabel:
    value: int
    text: Text


@dataclass(frozen=True)
class Scale:
    min: int
    max: int
    labels: tuple[ScaleLabel, ...]
    dont_know: Text

    @property
    def values(self) -> range:
        return range(self.min, self.max + 1)


@dataclass(frozen=True)
class PrincipleSpec:
    key: str
    explanation: Text
    # Open questions that start a region's conversation on this principle (none when absent).
    questions: tuple[Text, ...] = ()
    parent_explanation: Text | None = None
    young_explanation: Text | None = None

    def explanation_for(self, perspective: str) -> Text:
        """The explanation as this perspective reads it (the professional one if not worded)."""
        return _variant(self.explanation, self, "_explanation", perspective)


@dataclass(frozen=True)
class ItemSpec:
    key: str
    principle: str
    text: Text  # the professional statement
    tags: tuple[str, ...]
    position: int
    # Open questions that start a region's conversation on this statement (none when absent).
    questions: tuple[Text, ...] = ()
    parent: Text | None = None
    young: Text | None = None

    def text_for(self, perspective: str) -> Text:
        """The statement as this perspective reads it (the professional one if not worded)."""
        return _variant(self.text, self, "", perspective)


def _variant(professional: Text, spec: object, suffix: str, perspective: str) -> Text:
    if perspective == PROFESSIONAL or perspective not in VARIANTS:
        return professional
    worded = getattr(spec, perspective + suffix)
    return worded if worded is not None else professional


@dataclass(frozen=True)
class Questionnaire:
    """A validated questionnaire version."""

    key: str
    version: int
    title: Text
    introduction: Text
    scale: Scale
    principles: tuple[PrincipleSpec, ...]
    items: tuple[ItemSpec, ...]
    checksum: str
    filename: str
    # Item keys whose statement changed wording since the previous version: comparisons with
    # earlier rounds mark them "changed wording".
    changed_wording: frozenset[str] = frozenset()
    parent_introduction: Text | None = None
    young_introduction: Text | None = None
    _by_key: Mapping[str, ItemSpec] = field(default_factory=dict, compare=False, repr=False)

    def item(self, key: str) -> ItemSpec | None:
        return self._by_key.get(key)

    def items_of(self, principle: str) -> tuple[ItemSpec, ...]:
        return tuple(i for i in self.items if i.principle == principle)

    def introduction_for(self, perspective: str) -> Text:
        """The introduction as this perspective reads it (the professional one if not worded)."""
        return _variant(self.introduction, self, "_introduction", perspective)

    def principle(self, key: str) -> PrincipleSpec | None:
        return next((p for p in self.principles if p.key == key), None)

    def perspectives(self) -> tuple[str, ...]:
        """The perspectives this version words at least one statement for."""
        worded = [v for v in VARIANTS if any(getattr(i, v) is not None for i in self.items)]
        return (PROFESSIONAL, *worded)


class _Checker:
    """Collects the context (file, item, field) that every error message names."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(
        self,
        where: str,
        problem: str,
        item: str | None = None,
        *,
        principle: str | None = None,
        **params: object,
    ) -> QuestionnaireError:
        """The error of `problem` (a template marked with N_, filled with `params`) at a field."""
        return QuestionnaireError(
            filename=self.filename,
            problem=problem,
            params=params,
            item=item,
            principle=principle,
            field=where,
        )

    def text(
        self,
        data: Mapping[str, Any],
        name: str,
        item: str | None = None,
        *,
        principle: str | None = None,
    ) -> Text:
        def fail(where: str, problem: str, **params: object) -> QuestionnaireError:
            return self.fail(where, problem, item, principle=principle, **params)

        value = data.get(name)
        if not isinstance(value, Mapping):
            raise fail(name, N_("must be a table with a text per language (nl, en)"))
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                raise fail(f"{name}.{lang}", N_("is missing or empty"))
            if len(text) > MAX_TEXT:
                raise fail(f"{name}.{lang}", N_("is longer than %(n)d characters"), n=MAX_TEXT)
        unknown = set(value) - set(LANGUAGES)
        if unknown:
            raise fail(f"{name}.{sorted(unknown)[0]}", N_("is not a known language"))
        return Text(nl=value["nl"].strip(), en=value["en"].strip())

    def optional_text(
        self,
        data: Mapping[str, Any],
        name: str,
        item: str | None = None,
        *,
        principle: str | None = None,
    ) -> Text | None:
        return self.text(data, name, item, principle=principle) if name in data else None

    def questions(
        self, data: Mapping[str, Any], item: str | None = None, *, principle: str | None = None
    ) -> tuple[Text, ...]:
        """`questions = { nl = [...], en = [...] }`: one or two questions, in both languages."""

        def fail(where: str, problem: str, **params: object) -> QuestionnaireError:
            return self.fail(where, problem, item, principle=principle, **params)

        if "questions" not in data:
            return ()
        value = data["questions"]
        if not isinstance(value, Mapping):
            raise fail("questions", N_("must be a table with a list per language (nl, en)"))
        unknown = set(value) - set(LANGUAGES)
        if unknown:
            raise fail(f"questions.{sorted(unknown)[0]}", N_("is not a known language"))
        lists = {}
        for lang in LANGUAGES:
            entries = value.get(lang)
            if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_QUESTIONS:
                raise fail(
                    f"questions.{lang}", N_("must list 1 to %(n)d questions"), n=MAX_QUESTIONS
                )
            for entry in entries:
                if not isinstance(entry, str) or not entry.strip():
                    raise fail(f"questions.{lang}", N_("holds an empty question"))
                if len(entry) > MAX_TEXT:
                    raise self.fail(
                        f"questions.{lang}",
                        N_("holds a question longer than %(n)d characters"),
                        item,
                        n=MAX_TEXT,
                    )
            lists[lang] = entries
        if len(lists["nl"]) != len(lists["en"]):
            raise fail("questions", N_("needs as many questions in nl as in en"))
        return tuple(
            Text(nl=nl.strip(), en=en.strip())
            for nl, en in zip(lists["nl"], lists["en"], strict=True)
        )

    def integer(self, data: Mapping[str, Any], name: str, item: str | None = None) -> int:
        value = data.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(name, N_("must be a whole number"), item)
        return value

    def key(self, data: Mapping[str, Any], name: str, item: str | None = None) -> str:
        value = data.get(name)
        if not isinstance(value, str) or not KEY_RE.match(value) or len(value) > 60:
            raise self.fail(
                name, N_("must be lowercase letters, digits and single hyphens (at most 60)"), item
            )
        return value


def parse(content: bytes, filename: str) -> Questionnaire:
    """Validate the content of one questionnaire file; raise QuestionnaireError when it is bad."""
    check = _Checker(filename)
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise QuestionnaireError(
            filename=filename, problem=N_("the file is not UTF-8 text")
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise QuestionnaireError(
            filename=filename, problem=N_("not valid TOML: %(error)s"), params={"error": error}
        ) from None

    if not isinstance(data, Mapping):  # pragma: no cover - tomllib always gives a table
        raise QuestionnaireError(filename=filename, problem=N_("not a questionnaire"))
    unknown = set(data) - TOP_FIELDS
    if unknown:
        raise check.fail(sorted(unknown)[0], N_("is not a known field"))
    key = check.key(data, "key")
    version = check.integer(data, "version")
    if version < 1:
        raise check.fail("version", N_("must be 1 or higher"))
    name_match = FILE_RE.match(Path(filename).name)
    if not name_match or name_match["key"] != key or int(name_match["version"]) != version:
        raise check.fail(
            "key", N_("the file must be named %(name)s"), name=f"{key}-v{version}.toml"
        )

    scale = _parse_scale(check, data.get("scale"))
    principles = _parse_principles(check, data.get("principles"))
    items = _parse_items(check, data.get("items"))
    changed = _parse_changed(check, data, version, items)
    return Questionnaire(
        key=key,
        version=version,
        title=check.text(data, "title"),
        introduction=check.text(data, "introduction"),
        scale=scale,
        principles=principles,
        items=items,
        checksum=hashlib.sha256(content).hexdigest(),
        filename=filename,
        changed_wording=changed,
        parent_introduction=check.optional_text(data, "parent_introduction"),
        young_introduction=check.optional_text(data, "young_introduction"),
        _by_key={i.key: i for i in items},
    )


TOP_FIELDS = frozenset(
    {
        "key",
        "version",
        "title",
        "introduction",
        "parent_introduction",
        "young_introduction",
        "changed_wording",
        "scale",
        "principles",
        "items",
    }
)
PRINCIPLE_FIELDS = frozenset(
    {"key", "explanation", "parent_explanation", "young_explanation", "questions"}
)
ITEM_FIELDS = frozenset({"key", "principle", "text", "tags", "questions", *VARIANTS})


def _parse_changed(
    check: _Checker, data: Mapping[str, Any], version: int, items: tuple[ItemSpec, ...]
) -> frozenset[str]:
    value = data.get("changed_wording", [])
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise check.fail("changed_wording", N_("must be a list of item keys"))
    if value and version == 1:
        raise check.fail(
            "changed_wording", N_("a first version has no earlier wording to differ from")
        )
    keys = {i.key for i in items}
    for key in value:
        if key not in keys:
            raise check.fail("changed_wording", N_("is not an item of this file"), item=key)
    if len(set(value)) != len(value):
        raise check.fail("changed_wording", N_("names an item more than once"))
    return frozenset(value)


def _parse_scale(check: _Checker, data: Any) -> Scale:
    if not isinstance(data, Mapping):
        raise check.fail("scale", N_("is missing"))
    low, high = check.integer(data, "min"), check.integer(data, "max")
    if not 0 <= low < high <= 10:
        raise check.fail("scale.max", N_("the scale must run upwards within 0..10"))
    labels = data.get("labels")
    if not isinstance(labels, list):
        raise check.fail("scale.labels", N_("must be a list with a label for every value"))
    parsed = []
    for entry in labels:
        if not isinstance(entry, Mapping):
            raise check.fail("scale.labels", N_("every label must be a table"))
        value = check.integer(entry, "value")
        parsed.append(ScaleLabel(value, _label_text(check, entry, value)))
    values = [label.value for label in parsed]
    if values != list(range(low, high + 1)):
        raise check.fail(
            "scale.labels",
            N_("needs exactly one label for each value %(low)d..%(high)d, in order"),
            low=low,
            high=high,
        )
    return Scale(low, high, tuple(parsed), check.text(data, "dont_know"))


def _label_text(check: _Checker, entry: Mapping[str, Any], value: int) -> Text:
    try:
        return check.text({"label": {k: entry.get(k) for k in LANGUAGES}}, "label")
    except QuestionnaireError:
        raise check.fail(f"scale.labels[{value}]", N_("needs a text in nl and en")) from None


def _parse_principles(check: _Checker, data: Any) -> tuple[PrincipleSpec, ...]:
    if not isinstance(data, list):
        raise check.fail("principles", N_("is missing"))
    specs = []
    for entry in data:
        if not isinstance(entry, Mapping):
            raise check.fail("principles", N_("every principle must be a table"))
        key = check.key(entry, "key")
        unknown = set(entry) - PRINCIPLE_FIELDS
        if unknown:
            raise check.fail(sorted(unknown)[0], N_("is not a known field"), principle=key)
        specs.append(
            PrincipleSpec(
                key,
                check.text(entry, "explanation", principle=key),
                questions=check.questions(entry, principle=key),
                parent_explanation=check.optional_text(entry, "parent_explanation", principle=key),
                young_explanation=check.optional_text(entry, "young_explanation", principle=key),
            )
        )
    if tuple(s.key for s in specs) != PRINCIPLE_KEYS:
        raise check.fail(
            "principles",
            N_("must list exactly these principles in this order: %(keys)s"),
            keys=", ".join(PRINCIPLE_KEYS),
        )
    return tuple(specs)


def _parse_items(check: _Checker, data: Any) -> tuple[ItemSpec, ...]:
    if not isinstance(data, list) or not data:
        raise check.fail("items", N_("must list at least one item"))
    items: list[ItemSpec] = []
    seen: set[str] = set()
    for position, entry in enumerate(data, start=1):
        if not isinstance(entry, Mapping):
            raise check.fail("items", N_("entry %(position)d must be a table"), position=position)
        key = check.key(entry, "key")
        if key in seen:
            raise check.fail("key", N_("is used by more than one item"), item=key)
        seen.add(key)
        principle = entry.get("principle")
        if principle not in PRINCIPLE_KEYS:
            raise check.fail(
                "principle",
                N_("must be one of: %(keys)s"),
                item=key,
                keys=", ".join(PRINCIPLE_KEYS),
            )
        tags = entry.get("tags", [])
        if not isinstance(tags, list) or any(t not in TAG_KEYS for t in tags):
            raise check.fail(
                "tags", N_("may only hold: %(keys)s"), item=key, keys=", ".join(TAG_KEYS)
            )
        unknown = set(entry) - ITEM_FIELDS
        if unknown:
            raise check.fail(sorted(unknown)[0], N_("is not a known field"), item=key)
        items.append(
            ItemSpec(
                key,
                principle,
                check.text(entry, "text", key),
                tuple(tags),
                position,
                questions=check.questions(entry, key),
                parent=check.optional_text(entry, "parent", key),
                young=check.optional_text(entry, "young", key),
            )
        )
    missing = [p for p in PRINCIPLE_KEYS if not any(i.principle == p for i in items)]
    if missing:
        raise check.fail("items", N_("principle %(key)s has no items"), key=repr(missing[0]))
    return tuple(items)


@dataclass(frozen=True)
class VersionChange:
    """What a comparison between rounds of two questionnaire versions must say: principle
    scores compare; statements only where both versions have the key; and which of those
    changed wording on the way (as the versions in between mark them, files or uploaded)."""

    earlier: Questionnaire
    later: Questionnaire
    changed_wording: tuple[ItemSpec, ...]  # the later version's wording
    only_earlier: tuple[str, ...]
    only_later: tuple[str, ...]

    def changed(self, key: str) -> bool:
        return any(item.key == key for item in self.changed_wording)


def version_change(
    earlier: Questionnaire,
    later: Questionnaire,
    versions: Mapping[tuple[str, int], Questionnaire],
) -> VersionChange | None:
    """How the questionnaire differs between two rounds (None when they used one version).
    `versions` holds the versions in between, whose `changed_wording` marks add up."""
    if (earlier.key, earlier.version) == (later.key, later.version):
        return None
    marked: set[str] = set()
    if earlier.key == later.key:
        low, high = sorted((earlier.version, later.version))
        for number in range(low + 1, high + 1):
            between = versions.get((later.key, number))
            if between is not None:
                marked |= between.changed_wording
    before = {item.key for item in earlier.items}
    after = {item.key for item in later.items}
    return VersionChange(
        earlier=earlier,
        later=later,
        changed_wording=tuple(i for i in later.items if i.key in marked and i.key in before),
        only_earlier=tuple(i.key for i in earlier.items if i.key not in after),
        only_later=tuple(i.key for i in later.items if i.key not in before),
    )


def read_directory(directory: Path) -> dict[tuple[str, int], Questionnaire]:
    """Parse every questionnaire file in a folder; the first bad file raises."""
    found: dict[tuple[str, int], Questionnaire] = {}
    for path in sorted(directory.glob("*.toml")):
        questionnaire = parse(path.read_bytes(), f"{directory.name}/{path.name}")
        found[(questionnaire.key, questionnaire.version)] = questionnaire
    return found

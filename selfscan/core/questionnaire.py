"""Questionnaire files: the one loader that reads and validates them, as pure functions (a file
in, a `Questionnaire` or a `QuestionnaireError` naming the file, the item and the field out).
selfscan.services.questionnaires records the versions in the database."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from selfscan.core.vocabulary import PRINCIPLE_KEYS, TAG_KEYS

LANGUAGES = ("nl", "en")
KEY_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FILE_RE = re.compile(r"^(?P<key>[a-z0-9-]+)-v(?P<version>[1-9][0-9]*)\.toml$")
MAX_TEXT = 1000


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used; the message names file, item and field."""


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


@dataclass(frozen=True)
class ItemSpec:
    key: str
    principle: str
    text: Text
    tags: tuple[str, ...]
    position: int


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
    _by_key: Mapping[str, ItemSpec] = field(default_factory=dict, compare=False, repr=False)

    def item(self, key: str) -> ItemSpec | None:
        return self._by_key.get(key)

    def items_of(self, principle: str) -> tuple[ItemSpec, ...]:
        return tuple(i for i in self.items if i.principle == principle)


class _Checker:
    """Collects the context (file, item, field) that every error message names."""

    def __init__(self, filename: str) -> None:
        self.filename = filename

    def fail(self, where: str, problem: str, item: str | None = None) -> QuestionnaireError:
        place = f"item {item!r}, field {where!r}" if item else f"field {where!r}"
        return QuestionnaireError(f"{self.filename}: {place}: {problem}")

    def text(self, data: Mapping[str, Any], name: str, item: str | None = None) -> Text:
        value = data.get(name)
        if not isinstance(value, Mapping):
            raise self.fail(name, "must be a table with a text per language (nl, en)", item)
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                raise self.fail(f"{name}.{lang}", "is missing or empty", item)
            if len(text) > MAX_TEXT:
                raise self.fail(f"{name}.{lang}", f"is longer than {MAX_TEXT} characters", item)
        unknown = set(value) - set(LANGUAGES)
        if unknown:
            raise self.fail(f"{name}.{sorted(unknown)[0]}", "is not a known language", item)
        return Text(nl=value["nl"].strip(), en=value["en"].strip())

    def integer(self, data: Mapping[str, Any], name: str, item: str | None = None) -> int:
        value = data.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(name, "must be a whole number", item)
        return value

    def key(self, data: Mapping[str, Any], name: str, item: str | None = None) -> str:
        value = data.get(name)
        if not isinstance(value, str) or not KEY_RE.match(value) or len(value) > 60:
            raise self.fail(
                name, "must be lowercase letters, digits and single hyphens (at most 60)", item
            )
        return value


def parse(content: bytes, filename: str) -> Questionnaire:
    """Validate the content of one questionnaire file; raise QuestionnaireError when it is bad."""
    check = _Checker(filename)
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise QuestionnaireError(f"{filename}: the file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise QuestionnaireError(f"{filename}: not valid TOML: {error}") from None

    key = check.key(data, "key")
    version = check.integer(data, "version")
    if version < 1:
        raise check.fail("version", "must be 1 or higher")
    name_match = FILE_RE.match(Path(filename).name)
    if not name_match or name_match["key"] != key or int(name_match["version"]) != version:
        raise check.fail("key", f"the file must be named {key}-v{version}.toml")

    scale = _parse_scale(check, data.get("scale"))
    principles = _parse_principles(check, data.get("principles"))
    items = _parse_items(check, data.get("items"))
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
        _by_key={i.key: i for i in items},
    )


def _parse_scale(check: _Checker, data: Any) -> Scale:
    if not isinstance(data, Mapping):
        raise check.fail("scale", "is missing")
    low, high = check.integer(data, "min"), check.integer(data, "max")
    if not 0 <= low < high <= 10:
        raise check.fail("scale.max", "the scale must run upwards within 0..10")
    labels = data.get("labels")
    if not isinstance(labels, list):
        raise check.fail("scale.labels", "must be a list with a label for every value")
    parsed = []
    for entry in labels:
        if not isinstance(entry, Mapping):
            raise check.fail("scale.labels", "every label must be a table")
        value = check.integer(entry, "value")
        parsed.append(ScaleLabel(value, _label_text(check, entry, value)))
    values = [label.value for label in parsed]
    if values != list(range(low, high + 1)):
        raise check.fail(
            "scale.labels", f"needs exactly one label for each value {low}..{high}, in order"
        )
    return Scale(low, high, tuple(parsed), check.text(data, "dont_know"))


def _label_text(check: _Checker, entry: Mapping[str, Any], value: int) -> Text:
    try:
        return check.text({"label": {k: entry.get(k) for k in LANGUAGES}}, "label")
    except QuestionnaireError:
        raise check.fail(f"scale.labels[{value}]", "needs a text in nl and en") from None


def _parse_principles(check: _Checker, data: Any) -> tuple[PrincipleSpec, ...]:
    if not isinstance(data, list):
        raise check.fail("principles", "is missing")
    specs = []
    for entry in data:
        if not isinstance(entry, Mapping):
            raise check.fail("principles", "every principle must be a table")
        key = check.key(entry, "key")
        specs.append(PrincipleSpec(key, check.text(entry, "explanation", item=None)))
    if tuple(s.key for s in specs) != PRINCIPLE_KEYS:
        raise check.fail(
            "principles",
            "must list exactly these principles in this order: " + ", ".join(PRINCIPLE_KEYS),
        )
    return tuple(specs)


def _parse_items(check: _Checker, data: Any) -> tuple[ItemSpec, ...]:
    if not isinstance(data, list) or not data:
        raise check.fail("items", "must list at least one item")
    items: list[ItemSpec] = []
    seen: set[str] = set()
    for position, entry in enumerate(data, start=1):
        if not isinstance(entry, Mapping):
            raise check.fail("items", f"entry {position} must be a table")
        key = check.key(entry, "key")
        if key in seen:
            raise check.fail("key", "is used by more than one item", item=key)
        seen.add(key)
        principle = entry.get("principle")
        if principle not in PRINCIPLE_KEYS:
            raise check.fail("principle", "must be one of: " + ", ".join(PRINCIPLE_KEYS), item=key)
        tags = entry.get("tags", [])
        if not isinstance(tags, list) or any(t not in TAG_KEYS for t in tags):
            raise check.fail("tags", "may only hold: " + ", ".join(TAG_KEYS), item=key)
        unknown = set(entry) - {"key", "principle", "text", "tags"}
        if unknown:
            raise check.fail(sorted(unknown)[0], "is not a known field", item=key)
        items.append(
            ItemSpec(key, principle, check.text(entry, "text", key), tuple(tags), position)
        )
    missing = [p for p in PRINCIPLE_KEYS if not any(i.principle == p for i in items)]
    if missing:
        raise check.fail("items", f"principle {missing[0]!r} has no items")
    return tuple(items)


def read_directory(directory: Path) -> dict[tuple[str, int], Questionnaire]:
    """Parse every questionnaire file in a folder; the first bad file raises."""
    found: dict[tuple[str, int], Questionnaire] = {}
    for path in sorted(directory.glob("*.toml")):
        questionnaire = parse(path.read_bytes(), f"{directory.name}/{path.name}")
        found[(questionnaire.key, questionnaire.version)] = questionnaire
    return found

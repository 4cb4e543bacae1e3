"""The questionnaire loader: the real file is valid, and each kind of bad file is rejected with a
message that names the file, the item and the field."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from selfscan.core.questionnaire import QuestionnaireError, Text, parse, read_directory
from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.infra.config import PROJECT_ROOT
from selfscan.services.questionnaires import sync, verify_frozen

REAL = PROJECT_ROOT / "questionnaires" / "zelfscan-mao-v1.toml"
FILENAME = "questionnaires/zelfscan-mao-v1.toml"
SECOND = PROJECT_ROOT / "questionnaires" / "zelfscan-mao-v2.toml"
SECOND_NAME = "questionnaires/zelfscan-mao-v2.toml"
# Version 1 is used by rounds: its file may never change, not even by a byte.
V1_SHA256 = "0e49ff348758eb8b0cecd0214c13153f6af43eddd19f429ea32899f004c59970"


def test_the_first_questionnaire_is_valid_and_complete():
    questionnaire = parse(REAL.read_bytes(), FILENAME)
    assert (questionnaire.key, questionnaire.version) == ("zelfscan-mao", 1)
    assert questionnaire.title.nl == "Zelfscan Met Andere Ogen"
    for principle in PRINCIPLE_KEYS:
        assert 5 <= len(questionnaire.items_of(principle)) <= 6
    assert [label.value for label in questionnaire.scale.labels] == [1, 2, 3, 4, 5]
    assert questionnaire.scale.dont_know.nl == "Weet ik niet / niet van toepassing"
    assert all(item.text.nl and item.text.en for item in questionnaire.items)


def _mutate(pattern: str, replacement: str) -> bytes:
    text = REAL.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1, f"the test's pattern {pattern!r} no longer matches the file"
    return changed.encode("utf-8")


BAD_FILES = [
    # (what is wrong, pattern, replacement, words the message must contain)
    (
        "item text without English",
        r'(key = "kc-2"\nprinciple = "kind-centraal"\ntext = \{ nl = "[^"]*"), en = "[^"]*" \}',
        r"\1 }",
        ["item 'kc-2'", "'text.en'"],
    ),
    (
        "unknown principle",
        r'(key = "ga-3"\n)principle = "geintegreerd-aanbod"',
        r'\1principle = "iets-anders"',
        ["item 'ga-3'", "'principle'"],
    ),
    (
        "duplicate item key",
        r'key = "kc-3"',
        'key = "kc-2"',
        ["item 'kc-2'", "'key'", "more than one"],
    ),
    (
        "unknown tag",
        r'tags = \["perspectief-ouders-kinderen"\]',
        'tags = ["onbekend"]',
        ["item 'kc-1'", "'tags'"],
    ),
    (
        "missing scale label",
        r'  \{ value = 3, nl = "Neutraal", en = "Neither agree nor disagree" \},\n',
        "",
        ["'scale.labels'"],
    ),
    ("missing don't-know text", r"^dont_know = .*$", "", ["'dont_know'"]),
    (
        "principles out of order",
        r'key = "kind-centraal"\nexplanation',
        'key = "samen-beter"\nexplanation',
        ["'principles'"],
    ),
    (
        "version that does not match the file name",
        r"^version = 1$",
        "version = 2",
        ["'key'", "zelfscan-mao-v2.toml"],
    ),
    ("unknown item field", r'(key = "sb-1"\n)', r'\1colour = "red"\n', ["item 'sb-1'", "'colour'"]),
    ("invalid TOML", r"^version = 1$", "version = = 1", ["not valid TOML"]),
]


@pytest.mark.parametrize(
    ("pattern", "replacement", "words"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES]
)
def test_a_bad_file_is_rejected_naming_file_item_and_field(pattern, replacement, words):
    with pytest.raises(QuestionnaireError) as error:
        parse(_mutate(pattern, replacement), FILENAME)
    message = str(error.value)
    assert message.startswith(FILENAME + ":")
    for word in words:
        assert word in message


def test_read_directory_reports_the_bad_file(questionnaire_dir: Path):
    (questionnaire_dir / "zelfscan-mao-v2.toml").write_bytes(
        _mutate(r"^version = 1$", "version = 2").replace(b'key = "kc-4"', b'key = "KC 4"')
    )
    with pytest.raises(
        QuestionnaireError, match=r"questionnaires/zelfscan-mao-v2.toml: item|field 'key'"
    ):
        read_directory(questionnaire_dir)


def test_a_version_used_by_a_round_is_frozen(make, db, questionnaire_dir: Path):
    region = make.region()
    make.round("ronde-1", (region,))  # the round uses zelfscan-mao v1
    path = questionnaire_dir / "zelfscan-mao-v1.toml"
    path.write_bytes(path.read_bytes().replace(b"Ouders denken mee", b"Ouders praten mee"))
    changed = read_directory(questionnaire_dir)
    with pytest.raises(QuestionnaireError, match="add a new version instead") as error:
        sync(db, changed.values())
    assert "zelfscan-mao-v3.toml" in str(error.value)  # v1 and v2 are both recorded
    with pytest.raises(QuestionnaireError, match="add a new version instead"):
        verify_frozen(db, changed)


def test_an_unused_version_may_still_change(make, db, questionnaire_dir: Path):
    make.questionnaire()
    path = questionnaire_dir / "zelfscan-mao-v1.toml"
    path.write_bytes(path.read_bytes().replace(b"Ouders denken mee", b"Ouders praten mee"))
    report = sync(db, read_directory(questionnaire_dir).values())
    assert report.updated == ("zelfscan-mao v1",)


# --- version 2: perspectives, changed wording, conversation questions ---------------------------


def test_version_1_is_unchanged():
    assert hashlib.sha256(REAL.read_bytes()).hexdigest() == V1_SHA256


def test_version_2_has_the_same_principles_and_keys_worded_for_every_perspective():
    first = parse(REAL.read_bytes(), FILENAME)
    second = parse(SECOND.read_bytes(), SECOND_NAME)
    assert [(i.key, i.principle) for i in second.items] == [
        (i.key, i.principle) for i in first.items
    ]
    assert second.perspectives() == ("professional", "parent", "young")
    assert first.perspectives() == ("professional",)
    for item in second.items:
        assert item.parent is not None and item.young is not None, item.key
        assert item.parent.nl != item.text.nl and item.young.nl != item.parent.nl, item.key
        assert 1 <= len(item.questions) <= 2, item.key
        assert all(len(t.nl) <= 200 for t in (item.text, item.parent, item.young)), item.key
    # Young people read shorter statements than parents.
    assert sum(len(i.young.nl) for i in second.items) < sum(len(i.parent.nl) for i in second.items)  # type: ignore[union-attr]
    for principle in second.principles:
        assert principle.parent_explanation is not None and principle.young_explanation is not None
        assert 1 <= len(principle.questions) <= 2
    assert second.changed_wording == {"kc-2", "ga-2"}
    for key in second.changed_wording:
        assert second.item(key).text.nl != first.item(key).text.nl  # type: ignore[union-attr]
    unchanged = {i.key for i in second.items} - second.changed_wording
    assert all(second.item(k).text == first.item(k).text for k in unchanged)  # type: ignore[union-attr]
    assert "samenwerkingsverband" not in SECOND.read_text(encoding="utf-8").split("[scale]")[1]


def test_a_perspective_reads_its_variant_and_falls_back_to_the_professional_text():
    second = parse(SECOND.read_bytes(), SECOND_NAME)
    item = second.item("kc-1")
    assert item is not None
    assert item.text_for("professional") == item.text
    assert item.text_for("parent") == item.parent
    assert item.text_for("young").nl == "De hulp die ik krijg, past bij wat ik nodig heb."
    assert second.introduction_for("young") == second.young_introduction
    assert second.principles[0].explanation_for("parent") == second.principles[0].parent_explanation
    first = parse(REAL.read_bytes(), FILENAME)  # no variants: everyone reads the professional text
    assert first.item("kc-1").text_for("young") == first.item("kc-1").text  # type: ignore[union-attr]
    assert first.introduction_for("parent") == first.introduction
    assert first.principles[0].explanation_for("young") == first.principles[0].explanation
    assert first.principles[0].questions == () and first.items[0].questions == ()
    assert first.changed_wording == frozenset()


def test_conversation_questions_are_texts_in_both_languages():
    second = parse(SECOND.read_bytes(), SECOND_NAME)
    questions = second.principles[0].questions
    assert isinstance(questions, tuple) and all(isinstance(q, Text) for q in questions)
    assert questions[0].nl.startswith("Waar merken ouders") and questions[0].en.startswith("Where")
    assert second.item("kc-1").questions[0].en.startswith("Which example")  # type: ignore[union-attr]


def _mutate_second(pattern: str, replacement: str) -> bytes:
    text = SECOND.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1, f"the test's pattern {pattern!r} no longer matches the file"
    return changed.encode("utf-8")


BAD_SECOND_FILES = [
    (
        "parent variant without English",
        r'(key = "kc-3"\n(?:.*\n){2}parent = \{ nl = "[^"]*"), en = "[^"]*" \}',
        r"\1 }",
        ["item 'kc-3'", "'parent.en'", "missing or empty"],
    ),
    (
        "young variant that is not a table",
        r'(key = "ga-1"\n(?:.*\n){3})young = \{[^\n]*\}',
        r'\1young = "Kort"',
        ["item 'ga-1'", "'young'", "a text per language"],
    ),
    (
        "variant in an unknown language",
        r'(key = "in-2"\n(?:.*\n){3}young = \{ )',
        r'\1de = "Hilfe", ',
        ["item 'in-2'", "'young.de'", "not a known language"],
    ),
    (
        "unknown perspective",
        r'(key = "sb-1"\n(?:.*\n){3})young = ',
        r"\1child = ",
        ["item 'sb-1'", "'child'", "not a known field"],
    ),
    (
        "changed wording of an unknown item",
        r"^changed_wording = .*$",
        'changed_wording = ["kc-2", "kc-9"]',
        ["item 'kc-9'", "'changed_wording'", "not an item of this file"],
    ),
    (
        "changed wording that is not a list",
        r"^changed_wording = .*$",
        'changed_wording = "kc-2"',
        ["'changed_wording'", "list of item keys"],
    ),
    (
        "changed wording naming an item twice",
        r"^changed_wording = .*$",
        'changed_wording = ["kc-2", "kc-2"]',
        ["'changed_wording'", "more than once"],
    ),
    (
        "item questions with three in Dutch",
        r'(key = "pr-2"\n(?:.*\n){4})questions = \{ nl = \[',
        r'\1questions = { nl = ["Een?", "Twee?", ',
        ["item 'pr-2'", "'questions.nl'", "1 to 2 questions"],
    ),
    (
        "item questions missing in English",
        r'(key = "pr-4"\n(?:.*\n){4}questions = \{ nl = \[[^\]]*\]), en = \[[^\]]*\] \}',
        r"\1 }",
        ["item 'pr-4'", "'questions.en'"],
    ),
    (
        "an empty question",
        r'(key = "sb-6"\n(?:.*\n){4}questions = \{ nl = \[)"[^"]*"',
        r'\1"  "',
        ["item 'sb-6'", "'questions.nl'", "empty question"],
    ),
    (
        "principle questions of unequal number",
        r'(key = "samen-beter"\n(?:.*\n){3}questions = \{ nl = \[)"[^"]*", ',
        r"\1",
        ["principle 'samen-beter'", "'questions'", "as many questions in nl as in en"],
    ),
    (
        "principle explanation for parents without Dutch",
        r'(key = "inclusief-nabij"\n.*\nparent_explanation = \{ )nl = "[^"]*", ',
        r"\1",
        ["principle 'inclusief-nabij'", "'parent_explanation.nl'", "missing or empty"],
    ),
    (
        "unknown principle field",
        r'(key = "kind-centraal"\n)',
        r'\1colour = "red"\n',
        ["principle 'kind-centraal'", "'colour'", "not a known field"],
    ),
    (
        "young introduction without English",
        r'^(young_introduction = \{ nl = "[^"]*"), en = "[^"]*" \}',
        r"\1 }",
        ["field 'young_introduction.en'", "missing or empty"],
    ),
    (
        "unknown top-level field",
        r"^version = 2$",
        'version = 2\nchanged_wordings = ["kc-1"]',
        ["field 'changed_wordings'", "not a known field"],
    ),
]


@pytest.mark.parametrize(
    ("pattern", "replacement", "words"),
    [b[1:] for b in BAD_SECOND_FILES],
    ids=[b[0] for b in BAD_SECOND_FILES],
)
def test_a_bad_perspective_mark_or_question_is_rejected_naming_file_item_and_field(
    pattern, replacement, words
):
    with pytest.raises(QuestionnaireError) as error:
        parse(_mutate_second(pattern, replacement), SECOND_NAME)
    message = str(error.value)
    assert message.startswith(SECOND_NAME + ":")
    for word in words:
        assert word in message, message


def test_a_first_version_cannot_mark_changed_wording():
    with pytest.raises(QuestionnaireError) as error:
        parse(_mutate(r"^version = 1$", 'version = 1\nchanged_wording = ["kc-1"]'), FILENAME)
    assert "'changed_wording'" in str(error.value)
    assert "first version" in str(error.value)

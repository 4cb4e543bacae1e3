"""The questionnaire loader: the real file is valid, and each kind of bad file is rejected with a
message that names the file, the item and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from selfscan.core.questionnaire import QuestionnaireError, parse, read_directory
from selfscan.core.vocabulary import PRINCIPLE_KEYS
from selfscan.infra.config import PROJECT_ROOT
from selfscan.services.questionnaires import sync, verify_frozen

REAL = PROJECT_ROOT / "questionnaires" / "zelfscan-mao-v1.toml"
FILENAME = "questionnaires/zelfscan-mao-v1.toml"


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
    assert "zelfscan-mao-v2.toml" in str(error.value)
    with pytest.raises(QuestionnaireError, match="add a new version instead"):
        verify_frozen(db, changed)


def test_an_unused_version_may_still_change(make, db, questionnaire_dir: Path):
    make.questionnaire()
    path = questionnaire_dir / "zelfscan-mao-v1.toml"
    path.write_bytes(path.read_bytes().replace(b"Ouders denken mee", b"Ouders praten mee"))
    report = sync(db, read_directory(questionnaire_dir).values())
    assert report.updated == ("zelfscan-mao v1",)

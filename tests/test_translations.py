"""The zh-hans catalogue is complete, compiled and in step with the code.

`make messages` extracts the strings and compiles the catalogue; these tests fail when a string is
added to the code without a translation, when an entry is untranslated or fuzzy, when a placeholder
is lost in translation, and when the committed django.mo no longer matches django.po.
"""

import contextlib
import os
import re
import shlex
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

PROJECT_DIR = Path(__file__).resolve().parent.parent
SOURCE_DIR = PROJECT_DIR / "src" / "tuoyu"
LC_MESSAGES = SOURCE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"

# What makemessages runs (xgettext extracts, msguniq and msgmerge merge, msgattrib drops obsolete entries).
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")
# %(name)s, %(count)d, %s, %% ...: what Python's %-formatting substitutes.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[sdifeEgGxXor%]")
RUN_MAKE_MESSAGES = "run `make messages`, translate what it adds to django.po, then `make messages` again"

Key = tuple[str, str, str]  # (msgctxt, msgid, msgid_plural)


def _key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def _label(key: Key) -> str:
    context, msgid, _plural = key
    return f"{msgid!r} (context {context!r})" if context else repr(msgid)


def _report(title: str, lines: list[str]) -> str:
    return "\n  ".join([title, *lines])


def _po() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def _active_keys(catalogue: polib.POFile) -> set[Key]:
    return {_key(entry) for entry in catalogue if not entry.obsolete}


def _translation(entry: polib.POEntry | polib.MOEntry) -> object:
    if entry.msgid_plural:
        return tuple(sorted((int(index), text) for index, text in entry.msgstr_plural.items()))
    return entry.msgstr


# (a) Every entry is translated and none is fuzzy.


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    catalogue = _po()
    problems = ["the header entry is marked fuzzy"] if catalogue.metadata_is_fuzzy else []
    for entry in catalogue:
        if entry.obsolete:
            problems.append(f"obsolete (#~): {entry.msgid!r}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {_label(_key(entry))}")
        elif not entry.translated():
            problems.append(f"untranslated: {_label(_key(entry))}")
    assert not problems, _report(f"{PO_PATH.relative_to(PROJECT_DIR)} is not complete:", problems)


def test_translations_keep_their_placeholders() -> None:
    problems = []
    for entry in _po():
        if entry.obsolete or "python-format" not in entry.flags:
            continue
        if entry.msgid_plural:
            expected = Counter(PLACEHOLDER.findall(entry.msgid_plural))
            translations = list(entry.msgstr_plural.values())
        else:
            expected = Counter(PLACEHOLDER.findall(entry.msgid))
            translations = [entry.msgstr]
        for text in translations:
            found = Counter(PLACEHOLDER.findall(text))
            if text and found != expected:
                problems.append(
                    f"{_label(_key(entry))} -> {text!r}: "
                    f"placeholders {sorted(found.elements())}, expected {sorted(expected.elements())}"
                )
    assert not problems, _report("These translations lose or add placeholders:", problems)


# (b) The committed django.mo is django.po compiled.


def test_compiled_catalogue_matches_the_po_file() -> None:
    assert MO_PATH.exists(), f"{MO_PATH.relative_to(PROJECT_DIR)} is missing: {RUN_MAKE_MESSAGES}."
    source = _po()
    compiled = polib.mofile(str(MO_PATH))
    expected = {
        _key(entry): _translation(entry)
        for entry in source
        if not entry.obsolete and entry.translated() and entry.msgid
    }
    actual = {_key(entry): _translation(entry) for entry in compiled if entry.msgid}
    problems = []
    for key in sorted(expected.keys() | actual.keys()):
        if key not in actual:
            problems.append(f"missing from django.mo: {_label(key)}")
        elif key not in expected:
            problems.append(f"in django.mo but not translated in django.po: {_label(key)}")
        elif actual[key] != expected[key]:
            problems.append(f"{_label(key)}: django.mo has {actual[key]!r}, django.po has {expected[key]!r}")
    for field in ("Plural-Forms", "Content-Type"):
        if compiled.metadata.get(field) != source.metadata.get(field):
            problems.append(f"header {field}: django.mo has {compiled.metadata.get(field)!r}")
    assert not problems, _report(f"django.mo is stale: {RUN_MAKE_MESSAGES}.", problems)


# (c) Every string of the code is in the catalogue: extract them afresh, as `make messages` does.


def _makemessages_arguments() -> list[str]:
    """The options the Makefile's `messages` target gives makemessages, so that both extract the same."""
    for line in (PROJECT_DIR / "Makefile").read_text(encoding="utf-8").splitlines():
        words = shlex.split(line, comments=True)
        if "makemessages" in words:
            return words[words.index("makemessages") + 1 :]
    pytest.fail("The Makefile no longer runs makemessages: update tests/test_translations.py to match.")


def _require_gettext() -> None:
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    message = (
        f"GNU gettext is not installed ({', '.join(missing)} not found), so the strings of the code "
        "cannot be compared with django.po. Install it (apt-get install gettext) to run this check."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} It is required when CI=true.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> polib.POFile:
    """A catalogue made by makemessages from a copy of the source, without touching the real one."""
    _require_gettext()
    copy = tmp_path_factory.mktemp("makemessages") / "tuoyu"
    shutil.copytree(SOURCE_DIR, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    locale_dir = copy / "locale"
    locale_dir.mkdir()
    with contextlib.chdir(copy), override_settings(LOCALE_PATHS=[locale_dir]):
        call_command("makemessages", *_makemessages_arguments(), verbosity=0)
    return polib.pofile(str(locale_dir / PO_PATH.relative_to(SOURCE_DIR / "locale")))


def test_every_string_of_the_code_is_in_the_catalogue(extracted: polib.POFile) -> None:
    missing = sorted(_active_keys(extracted) - _active_keys(_po()))
    assert not missing, _report(
        f"These strings of the code are not in django.po: {RUN_MAKE_MESSAGES}.",
        [_label(key) for key in missing],
    )


def test_catalogue_holds_no_string_the_code_no_longer_uses(extracted: polib.POFile) -> None:
    stale = sorted(_active_keys(_po()) - _active_keys(extracted))
    assert not stale, _report(
        f"django.po holds strings the code no longer uses: {RUN_MAKE_MESSAGES}.",
        [_label(key) for key in stale],
    )


# The translations reach the pages.

CHINESE = ["区域概览", "机构名录", "查找托育机构", "服务类型", "办托模式", "登录"]
ENGLISH = ["District overview", "Find childcare", "Find a childcare institution", "Service type", "Sign in"]


@pytest.mark.parametrize(
    ("language", "expected", "unexpected"),
    [("zh-hans", CHINESE, ENGLISH), ("en", ENGLISH, CHINESE)],
)
def test_directory_page_speaks_the_requested_language(
    client: Client, db: None, language: str, expected: list[str], unexpected: list[str]
) -> None:
    response = client.get(reverse("enrolment:finder"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = response.content.decode()
    assert [text for text in expected if text not in page] == []
    assert [text for text in unexpected if text in page] == []

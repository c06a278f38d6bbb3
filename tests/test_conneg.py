"""Content negotiation (:mod:`kg.publish.conneg`): the label order of an ``Accept-Language``
header, and its effective form among a release's label languages (the key of a stored page)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kg.publish.conneg import effective_preference, language_preference, pick_language

TAGS = ["en", "en-us", "en-gb", "ru", "uz", "uz-latn", "uz-cyrl", "de", "fr", "kk-cyrl"]


def test_a_browser_header_reduces_to_the_stored_order() -> None:
    languages = ("en", "ru", "uz-cyrl", "uz-latn")
    browser = language_preference("en-US,en;q=0.9")
    assert browser[:2] == ["en-us", "en"]
    assert effective_preference(browser, languages) == language_preference(None)
    german = language_preference("de-DE,de;q=0.9,ru;q=0.8")
    assert effective_preference(german, languages) == language_preference("ru")
    # "uz" matches both Uzbek scripts; a tag under a range keeps it
    assert effective_preference(["uz", "en"], ("uz-latn",)) == ["uz"]
    assert effective_preference(["en-us", "en", "fr"], ("en-us",)) == ["en-us", "en"]


@given(st.lists(st.sampled_from(TAGS), unique=True), st.lists(st.sampled_from(TAGS), unique=True),
       st.lists(st.sampled_from(TAGS), unique=True))  # fmt: skip
def test_the_effective_order_picks_the_same_label(preference: list[str], languages: list[str],
                                                  extra: list[str]) -> None:  # fmt: skip
    """For every IRI whose label languages are among the release's, the effective order picks
    the same label as the whole order."""
    release = tuple(sorted(set(languages) | set(extra)))
    for available in (languages, extra, [*languages, *extra]):
        tags = sorted(set(available))
        assert pick_language(tags, preference) == pick_language(
            tags, effective_preference(preference, release))

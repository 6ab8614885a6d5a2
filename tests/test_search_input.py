"""Odd input never raises and always gets an answer that explains itself."""

from __future__ import annotations

from bot.render.strings import no_results_text
from bot.search.engine import MAX_QUERY_CHARS, SearchEngine


def test_empty_query(seed_engine: SearchEngine) -> None:
    answer = seed_engine.search("   ")
    assert answer.reason == "empty"
    assert answer.hits == ()
    assert "search for" in no_results_text(answer)


def test_stop_words_only_gets_a_helpful_answer(seed_engine: SearchEngine) -> None:
    answer = seed_engine.search("what is the")
    assert answer.reason == "stopwords"
    assert "common words" in no_results_text(answer)


def test_emoji_only(seed_engine: SearchEngine) -> None:
    answer = seed_engine.search("🚀🔥")
    assert answer.reason == "no_words"
    assert answer.hits == ()
    assert no_results_text(answer)


def test_five_thousand_character_query_is_cut_and_says_so(seed_engine: SearchEngine) -> None:
    answer = seed_engine.search("multimodal " * 500)
    assert answer.truncated
    assert len(answer.query) <= MAX_QUERY_CHARS
    assert answer.hits


def test_no_match_suggests_close_words(seed_engine: SearchEngine) -> None:
    answer = seed_engine.search("quantumness")
    assert answer.hits == ()
    assert no_results_text(answer).startswith('No sections match "quantumness"')


def test_paging_continues_where_the_first_page_ended(seed_engine: SearchEngine) -> None:
    first = seed_engine.search("open source", top=3)
    second = seed_engine.search("open source", top=3, offset=3)
    assert first.total == second.total
    ids = [(h.section.report_id, h.section.position) for h in first.hits + second.hits]
    assert len(set(ids)) == len(ids) == 6

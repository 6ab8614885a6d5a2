"""The analyzer decides what matches what: variants, compounds, acronyms, questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.text.analyzer import TITLE_WEIGHT, Analyzer, mine_acronyms
from bot.text.stopwords import ENGLISH, QUESTION
from tests.conftest import SEEDS

CORPUS = [
    "Multimodal models read images. Multi-modal systems also hear audio.",
    "Open-source models are everywhere; open source software too.",
    "Fine-tuning and finetuning are the same; fine tuning too.",
    "Reinforcement Learning from Human Feedback (RLHF) aligns models.",
    'The "Mixture of Experts" (MoE) design and low-rank adaptation (LoRA) save compute.',
    "Natural Language Understanding (NLU) improved; Explainable AI (XAI) matters.",
]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer.fit(CORPUS)


@pytest.mark.parametrize(
    "variants",
    [
        ["multimodal", "multi-modal", "Multi-modal", "MULTIMODAL", "multi\u2011modal"],
        ["open source", "open-source", "Open-Source", "opensource", "open\u202fsource"],
        ["fine-tuning", "finetuning", "fine tuning", "Fine-Tuned"],
    ],
)
def test_spelling_variants_share_a_term(analyzer: Analyzer, variants: list[str]) -> None:
    term_sets = [set(analyzer.query_terms(v)) for v in variants]
    shared = set.intersection(*term_sets)
    assert shared, f"no common term across {variants}: {term_sets}"


def test_inflections_match(analyzer: Analyzer) -> None:
    assert analyzer.query_terms("models") == analyzer.query_terms("model")
    assert analyzer.query_terms("regulations") == analyzer.query_terms("regulation")
    assert analyzer.query_terms("LLMs") == analyzer.query_terms("LLM")


def test_punctuation_does_not_hide_words(analyzer: Analyzer) -> None:
    assert analyzer.query_terms("(RLHF)") == analyzer.query_terms("RLHF") == ["rlhf"]
    assert analyzer.query_terms("**multimodal**,") == analyzer.query_terms("multimodal")


def test_questions_reduce_to_their_topic(analyzer: Analyzer) -> None:
    question = analyzer.query_terms("What do the reports say about open source models?")
    assert question == analyzer.query_terms("open source models")


def test_stop_words_only_gives_no_terms(analyzer: Analyzer) -> None:
    assert analyzer.query_terms("what is the and of it") == []
    assert analyzer.query_terms("🎉🎉") == []


@pytest.mark.parametrize(
    ("acronym", "long_form"),
    [
        ("RLHF", "reinforcement learning from human feedback"),
        ("MoE", "mixture of experts"),
        ("LoRA", "low-rank adaptation"),
        ("NLU", "natural language understanding"),
        ("XAI", "explainable AI"),
    ],
)
def test_acronyms_mined_from_the_corpus_match_their_long_form(
    analyzer: Analyzer, acronym: str, long_form: str
) -> None:
    acro_terms = analyzer.query_terms(acronym)
    assert len(acro_terms) == 1
    assert acro_terms[0] in analyzer.tokens(long_form), "the long form must emit the acronym"


def test_acronyms_are_not_guessed_without_a_definition() -> None:
    plain = Analyzer.fit(["Reinforcement learning from human feedback is common."])
    assert "rlhf" not in plain.tokens("reinforcement learning from human feedback")


def test_acronym_mining_rejects_non_matching_parentheses() -> None:
    found = dict(mine_acronyms("The team (AI) met. Big news (XY) today. Cats (DOGS) ran."))
    assert found == {}


def test_titles_weigh_more_than_body(analyzer: Analyzer) -> None:
    tokens = analyzer.section_tokens("Multimodal", "text about models")
    assert tokens.count("multimod") == TITLE_WEIGHT


def test_spans_cover_the_words_as_written(analyzer: Analyzer) -> None:
    text = "Advances in multi-modal AI (RLHF)."
    spans = analyzer.spans(text)
    words = [text[s.start : s.end] for s in spans]
    assert words == ["Advances", "multi-modal", "AI", "RLHF"]


#: A small text with every shape the fast tokenizer special-cases: hyphenated compounds
#: also written solid, compound heads, acronym definitions and uses, British spellings,
#: clitics, acronym plurals, question words and Unicode dashes.
GUARD_FIXTURE = [
    "Reinforcement Learning from Human Feedback (RLHF) aligns LLMs; RLHF needs feedback.",
    "Open-source models and open source tools: opensource is spelled three ways here.",
    "Fine-tuning, fine tuning and finetuning specialised models; optimise the GPU's use.",
    "What do the reports say about multi‑modal (multimodal) agents’ regulatory outlook?",
    "Retrieval-Augmented Generation (RAG) and RAGs; the LLMs' context windows grow.",
]


def _fast_equals_slow(texts: list[str]) -> None:
    fitted = Analyzer.fit(texts)
    for text in texts:
        for stop in (ENGLISH, ENGLISH | QUESTION):
            slow = [t for w in fitted._analyze(text, stop) for t in w.terms]
            assert fitted.tokens(text, stop) == slow


def test_fast_tokens_equal_the_word_by_word_analysis_on_a_fixture() -> None:
    _fast_equals_slow(GUARD_FIXTURE)


def test_fast_tokens_equal_the_word_by_word_analysis(samples_dir: Path) -> None:
    texts = [p.read_text(errors="replace") for p in sorted(samples_dir.glob("*.md"))]
    texts += [p.read_text() for p in sorted(SEEDS.glob("*.txt"))]
    _fast_equals_slow(texts)

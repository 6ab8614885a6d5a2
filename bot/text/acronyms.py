"""Acronym definitions in running text: "Reinforcement Learning from Human Feedback (RLHF)".

The analyzer indexes a defined acronym under its long form's terms too, so `RLHF` finds
sections that only spell it out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.text.stopwords import ENGLISH

_ACRONYM = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9]{1,9})\s*\)")
#: How far before the parenthesis the long form may start (characters).
_LONG_FORM_WINDOW = 160


def acronym_definitions(text: str) -> Iterator[tuple[str, list[str]]]:
    """("RLHF", ["Reinforcement", "Learning", "from", "Human", "Feedback"]) per definition.

    A Schwartz–Hearst style match: the acronym's letters appear in order in the words
    before the parenthesis, the last letter in the last word, the first letter starting
    the first word (or inside it, for "eXplainable AI (XAI)").
    """
    for m in _ACRONYM.finditer(text):
        short = m.group(1)
        letters = short[:-1] if short.endswith("s") and short[:-1].isupper() else short
        if sum(c.isupper() for c in letters) < 2 or not letters[0].isalpha():
            continue
        # the text before the parenthesis, back to the previous line or parenthesis
        before = text[max(0, m.start() - _LONG_FORM_WINDOW) : m.start()]
        before = re.split(r"[()\n]", before)[-1]
        words = re.findall(r"[^\W_]+", before.replace("-", " "))
        long_form = _match_long_form(letters.lower(), words)
        if long_form is not None:
            yield short, long_form


def _match_long_form(letters: str, words: list[str]) -> list[str] | None:
    """The shortest run of trailing words that spells the acronym's letters in order."""
    max_words = min(len(letters) + 5, 2 * len(letters) + 1)
    for n in range(1, min(max_words, len(words)) + 1):
        cand = words[-n:]
        if cand[0].lower() in ENGLISH:
            continue
        if _spells(letters, [w.lower() for w in cand]):
            return cand
    return None


def _spells(letters: str, words: list[str]) -> bool:
    """Whether the words spell the letters: each content word gives the next letter with
    its initial (the first word may give it from inside: "eXplainable") and may give more
    from inside ("LOw-Rank" → "LoR"); stop words may give their initial or nothing."""

    def inner(word: str, i: int) -> Iterator[int]:
        """Letter indexes reachable after taking letters[i:] from inside word, in order."""
        yield i
        pos = 1
        while i < len(letters):
            pos = word.find(letters[i], pos) + 1
            if pos == 0:
                return
            i += 1
            yield i

    def match(i: int, wi: int) -> bool:
        if wi == len(words):
            return i == len(letters)
        word = words[wi]
        if i < len(letters):
            first = word[0] == letters[i] or (wi == 0 and letters[i] in word)
            if first:
                start = word.index(letters[i]) if wi == 0 else 0
                if any(match(j, wi + 1) for j in inner(word[start:], i + 1)):
                    return True
        return word in ENGLISH and match(i, wi + 1)

    return match(0, 0)

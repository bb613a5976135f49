"""A tiny sentence splitter for quote-rule tests: the rules take sentence offsets, and these
tests check the rules, not spaCy's sentencizer."""
import re


def split_sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in re.finditer(r"[.!?][”\"]?(\s+)", text):
        out.append((start, m.start(1)))
        start = m.end(1)
    out.append((start, len(text)))
    return out

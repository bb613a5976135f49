"""Offsets in an article's plain text → offsets in the file it was read from.

The reader normalises plain-text files (line breaks inside a paragraph become spaces, blank
lines become one paragraph break, front matter and the `Source »` trailer are cut), so the
text the pipeline sees differs from the file only in whitespace and in what was cut around
it. Annotations made on the file itself (brat, PolNeAR, a researcher's own offsets) must line
up with what `archive extract` reports, so for plain text the extract maps every span back onto
the file: the non-space characters of the text are one contiguous run of the file's non-space
characters, which pins every offset exactly.
"""
from __future__ import annotations


def _non_space(s: str) -> tuple[str, list[int]]:
    positions = [i for i, ch in enumerate(s) if not ch.isspace()]
    return "".join(s[i] for i in positions), positions


class SourceMap:
    """Maps spans of `text` onto `source`; build with `SourceMap.build`, which returns None when
    the text is not the source up to whitespace (then offsets stay in the text)."""

    def __init__(self, text: str, source: str, text_pos: list[int], source_pos: list[int], base: int):
        self.text = text
        self.source = source
        # index of each text character among the text's non-space characters (the next one for
        # a space), so a span edge that falls on a space snaps to the nearest real character
        self._rank_at = [0] * (len(text) + 1)
        rank = 0
        for i in range(len(text)):
            self._rank_at[i] = rank
            if rank < len(text_pos) and text_pos[rank] == i:
                rank += 1
        self._rank_at[len(text)] = rank
        self._source_pos = source_pos
        self._base = base
        self._count = len(text_pos)

    @classmethod
    def build(cls, text: str, source: str) -> "SourceMap | None":
        text_ns, text_pos = _non_space(text)
        source_ns, source_pos = _non_space(source)
        base = source_ns.find(text_ns)
        if base < 0 or not text_ns:
            return None
        return cls(text, source, text_pos, source_pos, base)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """(start, end) in the text → (start, end) in the source, trimmed to real characters."""
        first = self._rank_at[max(0, min(start, len(self.text)))]
        after = self._rank_at[max(0, min(end, len(self.text)))]
        if after <= first or first >= self._count:  # empty or all-space span
            pos = self._source_pos[self._base + min(first, self._count - 1)]
            return pos, pos
        return (self._source_pos[self._base + first],
                self._source_pos[self._base + after - 1] + 1)

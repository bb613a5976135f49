"""Run spaCy over an article's text and keep only plain data: sentence bounds, named
entities, and (with a parser) the subject of every verb. Nothing spaCy leaves this module."""
from __future__ import annotations

import re
from dataclasses import dataclass

from archive.models import Span

# Subjects of verbs, by dependency label, in spaCy's English schemes (ClearNLP and UD).
_SUBJ = {"nsubj", "nsubjpass", "nsubj:pass", "csubj"}


@dataclass(frozen=True)
class Analysis:
    sentences: tuple[tuple[int, int], ...]
    ents: tuple[tuple[int, int, str], ...]          # (start, end, label) from statistical NER
    subjects: tuple[tuple[int, int, int], ...]      # (verb start, subject start, subject end)

    def parse_subjects(self, text: str) -> dict[int, Span]:
        return {v: Span(s, e, text[s:e]) for v, s, e in self.subjects}


def analysis_from_doc(doc) -> Analysis:
    sentences = tuple((s.start_char, s.end_char) for s in doc.sents)
    ents = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)
    subjects = []
    if doc.has_annotation("DEP"):
        for tok in doc:
            if tok.pos_ not in ("VERB", "AUX") and tok.dep_ != "ROOT":
                continue
            for child in tok.children:
                if child.dep_ in _SUBJ and child.i < tok.i:
                    # The subject's subtree, cut at a relative clause or apposition that a
                    # comma opens ("Jaafar Husseini, a spokesman for …, said" → Jaafar Husseini).
                    left = child.left_edge.i
                    right = child.i
                    for t in child.rights:
                        if t.dep_ in ("appos", "relcl", "acl", "punct", "acl:relcl"):
                            break
                        right = t.right_edge.i
                    # A name's last words are sometimes attached elsewhere by a small parser
                    # ("Ihssan" as subject, "Shammari" hung off the verb): keep a run of proper
                    # nouns that continues the subject up to the verb.
                    while right + 1 < tok.i and doc[right + 1].pos_ == "PROPN":
                        right += 1
                    span = doc[left:right + 1]
                    subjects.append((tok.idx, span.start_char, span.end_char))
                    break
    return Analysis(sentences, ents, tuple(subjects))


# spaCy's tokenizer takes time quadratic in the length of a run without whitespace (suffix
# search): 30 KB of quotation marks with no space took minutes. No word or URL is this long.
_LONG_RUN = re.compile(r"\S{200}")


def tokenizable(text: str) -> str:
    """`text` with a space after every 200 characters of an unbroken run. Same length, so
    every offset spaCy returns still points into the original text."""
    return _LONG_RUN.sub(lambda m: m.group(0)[:-1] + " ", text) if len(text) > 200 else text


def analyse(nlp, text: str) -> Analysis:
    return analysis_from_doc(nlp(tokenizable(text)))


def analyse_many(nlp, texts, batch_size: int = 16, n_process: int = 1):
    """Stream analyses; never holds more than one batch of Docs."""
    for doc in nlp.pipe((tokenizable(t) for t in texts), batch_size=batch_size, n_process=n_process):
        yield analysis_from_doc(doc)

"""Turn the open corpora in ../shared/data into spaCy training files.

Writes into training/corpus/ (git-ignored):

  syntax (tagger, morphologizer, lemmatizer, parser) from UD English EWT
    en_ewt-ud-train.spacy   EWT train            (training)
    en_ewt-ud-dev.spacy     EWT dev              (model selection during training)
    en_ewt-ud-test.spacy    EWT test             (held out; reported in MODEL_CARD.md)

  named entities, mapped onto one label scheme (see LABELS below and README.md)
    ner-train.spacy         UNER EWT dev + GUM train split + CrossNER politics train and dev
    ner-dev.spacy           GUM dev split        (model selection during training)
    ner-test.spacy          GUM test split + CrossNER politics test (held out; reported)
    ner-test-gum.spacy, ner-test-crossner.spacy   the two parts of ner-test separately

Usage:  python training/prepare_data.py [--data ../shared/data] [--out training/corpus]
(paths relative to the repository root; the default data path is ../shared/data)
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span

REPO = Path(__file__).resolve().parents[1]

# --- the label scheme -------------------------------------------------------------------
# Every corpus is mapped onto PERSON, ORG, GPE, EVENT. None of the three corpora separates
# countries/cities (OntoNotes GPE) from other places (OntoNotes LOC), so every named place is
# labelled GPE. A source label mapped to None is *dropped*: its tokens are marked as
# "missing" (neither entity nor O) so the model is neither taught nor punished on them.

UNER_MAP = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}

CROSSNER_MAP = {
    "person": "PERSON",
    "politician": "PERSON",
    "organisation": "ORG",
    "politicalparty": "ORG",
    "country": "GPE",
    "location": "GPE",
    "election": "EVENT",
    "event": "EVENT",
    "misc": None,  # nationalities, ideologies, titles, documents ... : too mixed to map
}

GUM_MAP = {
    "person": "PERSON",
    "organization": "ORG",
    "place": "GPE",
    "event": "EVENT",
    # abstract, animal, object, plant, substance, time: not kept (marked O; GUM names of
    # these kinds are rare and are not part of the scheme)
}

TITLES = {"mr", "mrs", "ms", "dr", "prof", "professor", "president", "vice", "prime", "minister",
          "sen", "senator", "rep", "representative", "gov", "governor", "king", "queen", "prince",
          "princess", "pope", "general", "gen", "col", "colonel", "secretary", "chancellor",
          "administrator", "judge", "justice", "sir", "lord", "lady", "saint", "st", "captain",
          "capt", "lt", "sgt", "commander", "chief", "officer", "mayor", "ambassador", "sheikh"}

GENERIC = TITLES | {"mp", "street", "avenue", "road", "group", "court", "administration", "party",
                    "house", "city", "state", "states", "government", "island", "islands", "river",
                    "center", "centre", "university", "department", "company", "church",
                    "council", "committee", "army", "navy", "senate", "parliament", "ministry",
                    "agency", "office", "union", "republic", "kingdom", "empire", "bay", "lake"}

# tokens allowed inside a multi-word name between proper nouns: "University of Chicago",
# "Bank of the West", "Marks & Spencer"
NAME_GLUE = {"of", "the", "and", "&", "de", "al", "-", "for", "on"}


def read_conllu(path: Path):
    """Yield sentences as (comments, rows); rows are the 10 columns of word lines
    (multi-word token ranges and empty nodes are returned separately in 'mwt')."""
    comments, rows, mwt = [], [], []
    with path.open(encoding="utf8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                if rows:
                    yield comments, rows, mwt
                comments, rows, mwt = [], [], []
            elif line.startswith("#"):
                comments.append(line)
            else:
                cols = line.split("\t")
                if "-" in cols[0]:
                    mwt.append(cols)
                elif "." in cols[0]:
                    continue
                else:
                    rows.append(cols)
    if rows:
        yield comments, rows, mwt


# --- GUM ----------------------------------------------------------------------------------

ENT_OPEN = re.compile(r"\((\d+)-([a-z]+)[^()|]*")
ENT_CLOSE = re.compile(r"(\d+)\)")


def gum_mentions(rows):
    """Entity mentions of one sentence as (start, end_exclusive, etype), from MISC Entity=."""
    open_stack: dict[str, list[tuple[int, str]]] = {}
    out = []
    for i, cols in enumerate(rows):
        misc = cols[9]
        m = re.search(r"(?:^|\|)Entity=([^|]*)", misc)
        if not m:
            continue
        val = m.group(1)
        # walk through the value in order: "(" opens, "N)" closes, "(N-type...)" both
        pos = 0
        while pos < len(val):
            if val[pos] == "(":
                mo = ENT_OPEN.match(val, pos)
                eid, etype = mo.group(1), mo.group(2)
                pos = mo.end()
                if pos < len(val) and val[pos] == ")":
                    out.append((i, i + 1, etype))
                    pos += 1
                else:
                    open_stack.setdefault(eid, []).append((i, etype))
            else:
                mc = ENT_CLOSE.match(val, pos)
                if mc:
                    eid = mc.group(1)
                    start, etype = open_stack[eid].pop()
                    out.append((start, i + 1, etype))
                    pos = mc.end()
                else:
                    pos += 1
    return out


def named_core(rows, start, end, label):
    """Return the (start, end) of the proper-name core of a GUM mention, or None.

    Rule: the mention's syntactic head (the token whose head lies outside the mention) must be
    a proper noun (UPOS PROPN). The kept span is the maximal run around the head of PROPN
    tokens, joined only by NAME_GLUE words that are followed by a PROPN. This drops
    descriptive mentions ("the president", "a city"), strips determiners and modifiers
    ("the", "Iraqi", "former"), and keeps "University of Chicago" whole.
    """
    ids = {int(rows[i][0]) for i in range(start, end)}
    heads = [i for i in range(start, end) if int(rows[i][6]) not in ids]
    if not heads:
        return None
    head = heads[0]
    if rows[head][3] != "PROPN":
        return None

    def ok(i):
        # proper nouns, and capitalised words inside names that GUM tags otherwise
        # ("New York", "United States", "Republican Party"), but not sentence-initial ones
        w = rows[i][1]
        return rows[i][3] == "PROPN" or (
            rows[i][0] != "1" and w[:1].isupper() and rows[i][3] in {"ADJ", "NOUN", "NUM", "VERB"})

    s = head
    while s - 1 >= start and (ok(s - 1) or (
            rows[s - 1][1].lower() in NAME_GLUE and s - 2 >= start and ok(s - 2))):
        s -= 1
    e = head + 1
    while e < end and (ok(e) or (
            rows[e][1].lower() in NAME_GLUE and e + 1 < end and ok(e + 1))):
        e += 1
    while s < e and not ok(s):
        s += 1
    while e > s and not ok(e - 1):
        e -= 1
    if label == "PERSON":  # titles are not part of the name: "President Obama" -> "Obama"
        while s < e - 1 and rows[s][1].rstrip(".").lower() in TITLES:
            s += 1
    return (s, e) if s < e else None


def gum_docs(nlp, path: Path, sents_per_doc=10):
    sents = list(read_conllu(path))
    docs = []
    for k in range(0, len(sents), sents_per_doc):
        words, spaces, ents, missing = [], [], [], []
        sent_starts = []
        for comments, rows, _mwt in sents[k:k + sents_per_doc]:
            offset = len(words)
            cands = []
            for s, e, etype in gum_mentions(rows):
                label = GUM_MAP.get(etype)
                if not label:
                    continue
                core = named_core(rows, s, e, label)
                if core:
                    cands.append((core[0], core[1], label))
            # nested / overlapping names: keep longer spans first
            cands.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
            taken = set()
            for s, e, label in cands:
                if any(i in taken for i in range(s, e)):
                    continue
                taken.update(range(s, e))
                if e - s == 1 and rows[s][1].lower().rstrip(".") in GENERIC:
                    # "the President", "the Court": named by reference only; do not teach
                    # either way (missing, not O)
                    missing.append((offset + s, offset + e))
                else:
                    ents.append((offset + s, offset + e, label))
            for j, cols in enumerate(rows):
                words.append(cols[1])
                spaces.append("SpaceAfter=No" not in cols[9])
                sent_starts.append(j == 0)
        doc = Doc(nlp.vocab, words=words, spaces=spaces)
        doc.set_ents([Span(doc, s, e, label=l) for s, e, l in sorted(ents)],
                     missing=[Span(doc, s, e) for s, e in missing], default="outside")
        docs.append(doc)
    return docs


# --- UNER (IOB2) and CrossNER (BIO) -----------------------------------------------------------

def bio_spans(tags, mapping):
    """(start, end, label-or-None) spans from BIO tags, labels mapped through `mapping`."""
    spans, cur = [], None
    for i, t in enumerate(tags + ["O"]):
        if t.startswith("I-") and cur and cur[2] == t[2:]:
            continue
        if cur:
            spans.append((cur[0], i, mapping.get(cur[2])))
            cur = None
        if t.startswith(("B-", "I-")):
            cur = (i, None, t[2:])
    return spans


def make_ner_doc(nlp, words, spaces, spans):
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    keep = [Span(doc, s, e, label=l) for s, e, l in spans if l]
    missing = [Span(doc, s, e) for s, e, l in spans if not l]
    doc.set_ents(keep, missing=missing, default="outside")
    return doc


def spaces_from_text(words, text):
    """Recover SpaceAfter from the sentence text; fall back to a space where not found."""
    spaces, pos = [], 0
    for w in words:
        j = text.find(w, pos)
        if j < 0 or j - pos > 2:
            spaces.append(True)
            continue
        pos = j + len(w)
        spaces.append(pos < len(text) and text[pos] == " ")
    return spaces


def uner_docs(nlp, path: Path, sents_per_doc=10):
    docs = []
    batch = []
    for comments, rows, _ in read_conllu(path):
        text = next((c.split("= ", 1)[1] for c in comments if c.startswith("# text = ")), "")
        words = [r[1] for r in rows]
        tags = [r[2] for r in rows]
        batch.append((words, spaces_from_text(words, text), tags))
        if len(batch) == sents_per_doc:
            docs.append(_join(nlp, batch, UNER_MAP))
            batch = []
    if batch:
        docs.append(_join(nlp, batch, UNER_MAP))
    return docs


def _join(nlp, batch, mapping):
    words, spaces, spans = [], [], []
    for w, sp, tags in batch:
        off = len(words)
        words += w
        sp = list(sp)
        sp[-1] = True
        spaces += sp
        spans += [(s + off, e + off, l) for s, e, l in bio_spans(tags, mapping)]
    return make_ner_doc(nlp, words, spaces, spans)


def crossner_docs(nlp, path: Path, sents_per_doc=5):
    sents, cur = [], []
    for line in path.read_text(encoding="utf8").splitlines():
        if not line.strip():
            if cur:
                sents.append(cur)
            cur = []
        else:
            w, t = line.split("\t")
            cur.append((w, t))
    if cur:
        sents.append(cur)
    docs = []
    for k in range(0, len(sents), sents_per_doc):
        batch = [([w for w, _ in s], [True] * len(s), [t for _, t in s])
                 for s in sents[k:k + sents_per_doc]]
        docs.append(_join(nlp, batch, CROSSNER_MAP))
    return docs


def gum_split(data: Path):
    splits, cur = {}, None
    for line in (data / "gum/splits.md").read_text(encoding="utf8").splitlines():
        if line.startswith("## "):
            cur = line[3:].strip()
        m = re.match(r"\s*\*\s+(\S+)", line)
        if m and cur:
            splits[m.group(1)] = cur
    return splits


def save(docs, path: Path):
    DocBin(docs=docs, store_user_data=False).to_disk(path)
    c = Counter(e.label_ for d in docs for e in d.ents)
    print(f"{path.name}: {len(docs)} docs, {sum(len(d) for d in docs)} tokens, "
          f"entities {dict(sorted(c.items()))}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data",
                    help="shared data directory (relative to the repo root unless absolute)")
    ap.add_argument("--out", default="training/corpus")
    ap.add_argument("--skip-syntax", action="store_true")
    args = ap.parse_args(argv)
    data = (REPO / args.data).resolve()
    out = (REPO / args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    assert "polnear" not in str(data)

    if not args.skip_syntax:
        for split in ("train", "dev", "test"):
            src = data / f"ud_english_ewt/en_ewt-ud-{split}.conllu"
            subprocess.run([sys.executable, "-m", "spacy", "convert", str(src), str(out),
                            "--converter", "conllu", "--n-sents", "10"], check=True)

    nlp = spacy.blank("en")
    splits = gum_split(data)
    gum = {"train": [], "dev": [], "test": []}
    for f in sorted((data / "gum/dep").glob("*.conllu")):
        gum[splits.get(f.stem, "train")].extend(gum_docs(nlp, f))
    uner = uner_docs(nlp, data / "uner_english_ewt/en_ewt-ud-dev.iob2")
    cn = {s: crossner_docs(nlp, data / f"crossner_politics/{s}.txt")
          for s in ("train", "dev", "test")}

    save(uner + gum["train"] + cn["train"] + cn["dev"], out / "ner-train.spacy")
    save(gum["dev"], out / "ner-dev.spacy")
    save(gum["test"] + cn["test"], out / "ner-test.spacy")
    save(gum["test"], out / "ner-test-gum.spacy")
    save(cn["test"], out / "ner-test-crossner.spacy")


if __name__ == "__main__":
    main()

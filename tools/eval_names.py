"""Score the rules name finder (src/archive/nlp/names.py) on Universal NER English EWT, or on
the held-out NER sets the shipped pipeline is scored on.

    python tools/eval_names.py [--uner FILE.iob2]
    python tools/eval_names.py --docbin training/corpus/ner-test-gum.spacy

`--docbin` reads a spaCy DocBin with gold entities (PERSON, ORG, GPE; EVENT is scored apart,
with `--events`), as `training/prepare_data.py` writes them: the GUM test split and the
CrossNER politics test set, which neither the rules nor the shipped pipeline were tuned or
trained on.

    python tools/eval_names.py --events --docbin training/corpus/ner-test-crossner.spacy

Reads `../shared/data/uner_english_ewt/en_ewt-ud-dev.iob2` beside the checkout by default
(CC BY-SA 4.0; nothing of it is committed). Each document's sentences are joined with spaces
and the name finder runs on the whole document, as it does on an article, with no registry.
A prediction is right when its span is exactly a gold span ("exact span"), and also typed
right when PERSON, ORG or MILITIA, GPE match PER, ORG, LOC ("typed"). UNER's web text (reviews,
forum posts, e-mail) is harder than news: names are written in lowercase too.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from archive.nlp.events import find_events  # noqa: E402
from archive.nlp.names import find_names  # noqa: E402
from archive.resolve import LABEL_TYPES, guess_kind  # noqa: E402

LABELS = {"PERSON": "PER", "ORG": "ORG", "MILITIA": "ORG", "GPE": "LOC"}


def read_documents(path: Path) -> list[dict]:
    """[{text, sentences: [(start, end)], gold: [[start, end, type]]}] per `# newdoc`."""
    docs: list[dict] = []
    doc = None
    pos = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# newdoc") or doc is None and line.startswith("# text = "):
            doc = {"text": "", "sentences": [], "gold": []}
            docs.append(doc)
        if line.startswith("# text = "):
            start = len(doc["text"]) + (1 if doc["text"] else 0)
            doc["text"] += (" " if doc["text"] else "") + line[len("# text = "):]
            doc["sentences"].append((start, len(doc["text"])))
            pos = start
            continue
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        token, tag = cols[1], cols[2]
        i = doc["text"].find(token, pos)
        if i < 0:
            continue
        pos = i + len(token)
        if tag.startswith("B-"):
            doc["gold"].append([i, pos, tag[2:]])
        elif tag.startswith("I-") and doc["gold"]:
            doc["gold"][-1][1] = pos
    return docs


def read_docbin(path: Path, labels: dict | None = None) -> list[dict]:
    """The same documents from a DocBin of gold entities (GUM, CrossNER via prepare_data.py);
    sentences as the rules pipeline splits them."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    docs = []
    for gold in DocBin().from_disk(path).get_docs(nlp.vocab):
        text = gold.text
        docs.append({"text": text, "sentences": [(s.start_char, s.end_char) for s in nlp(text).sents],
                     "gold": [[e.start_char, e.end_char, (labels or DOCBIN_LABELS)[e.label_]] for e in gold.ents
                              if e.label_ in (labels or DOCBIN_LABELS)]})
    return docs


DOCBIN_LABELS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}


def score(docs: list[dict]) -> dict:
    gold = predicted = right = typed = 0
    for doc in docs:
        spans = {(s, e): t for s, e, t in doc["gold"]}
        gold += len(spans)
        for m in find_names(doc["text"], doc["sentences"]):
            if m.label == "EVENT":
                continue  # scored apart (--events)
            predicted += 1
            if (m.start, m.end) in spans:
                right += 1
                typed += LABELS.get(m.label) == spans[(m.start, m.end)]
    return {"documents": len(docs), "gold": gold, "predicted": predicted, "right": right, "typed": typed}


def score_events(docs: list[dict]) -> dict:
    """Events (events.py) around the rules' names, against gold EVENT spans: exactly, and by
    overlap (conventions differ on where an event's phrase starts: "the 2016 presidential
    election" or "2016 presidential election")."""
    gold = predicted = right = overlapping = 0
    for doc in docs:
        spans = [(s, e) for s, e, _ in doc["gold"]]
        gold += len(spans)
        names = find_names(doc["text"], doc["sentences"])
        # as the archive types them: an event's cue word makes a name an event ("Cold War",
        # resolve.guess_kind), and events.py finds the phrases around names
        named = [m for m in names if m.label == "EVENT" or guess_kind(m.text, LABEL_TYPES[m.label])[1] == "event"]
        for m in named + find_events(doc["text"], names, lambda m: LABEL_TYPES.get(m.label)):
            predicted += 1
            right += (m.start, m.end) in spans
            overlapping += any(m.start < e and s < m.end for s, e in spans)
    return {"documents": len(docs), "gold": gold, "predicted": predicted, "right": right, "overlap": overlapping}


def _prf(right: int, predicted: int, gold: int) -> str:
    p = right / predicted if predicted else 0.0
    r = right / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--uner", default=str(ROOT.parent / "shared" / "data" / "uner_english_ewt" / "en_ewt-ud-dev.iob2"))
    ap.add_argument("--docbin", help="a spaCy DocBin with gold entities instead (training/prepare_data.py)")
    ap.add_argument("--events", action="store_true", help="score the events of a --docbin (its EVENT spans) instead")
    a = ap.parse_args(argv)
    path = Path(a.docbin or a.uner)
    if not path.is_file():
        ap.error(f"no {'DocBin' if a.docbin else 'UNER file'} at {path}")
    if a.events:
        if not a.docbin:
            ap.error("--events needs --docbin (UNER has no events)")
        res = score_events(read_docbin(path, {"EVENT": "EVENT"}))
        print(f"{res['documents']} documents, {res['gold']} gold events, {res['predicted']} found")
        print(f"exact span  {_prf(res['right'], res['predicted'], res['gold'])}")
        # (an overlap counts once per prediction: recall here is of predictions, an approximation)
        print(f"overlap     {_prf(res['overlap'], res['predicted'], res['gold'])}")
        return 0
    res = score(read_docbin(path) if a.docbin else read_documents(path))
    print(f"{res['documents']} documents, {res['gold']} gold names, {res['predicted']} found")
    print(f"exact span  {_prf(res['right'], res['predicted'], res['gold'])}")
    print(f"typed       {_prf(res['typed'], res['predicted'], res['gold'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

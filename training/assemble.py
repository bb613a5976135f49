"""Assemble the shipped pipeline from the two trained pipelines.

  training/output/syntax/model-best : tok2vec, tagger, morphologizer, trainable_lemmatizer, parser
  training/output/ner/model-best    : tok2vec, ner   (its own, smaller tok2vec)

The NER's listener is replaced by a private copy of its tok2vec (replace_listeners), so the
result needs only spaCy's built-in components and no code at load time.

Usage: python training/assemble.py [--syntax DIR] [--ner DIR] [--out DIR] [--version X.Y.Z]
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import spacy
from spacy.util import compile_infix_regex

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "src/archive/pipelines/en_archive_sm"

# Tokenizer: spaCy's standard English tokenizer, with one extra infix rule for news text.
# Typographic apostrophes (’) are already handled by spaCy's English rules ("Iran’s" -> "Iran"
# "’s", "don’t" -> "do" "n’t", "Kata’ib" stays one token), but a hyphen after an abbreviation
# is not split: "U.S.-led", "U.S.-Iraqi", "U.N.-backed" stay single tokens. The extra rule splits
# them ("U.S." "-" "led") like "US-led". The rule is serialised with the tokenizer, so loading
# needs no code.
EXTRA_INFIXES = [r"(?<=[A-Z]\.)-(?=[A-Za-z])"]


def assemble(syntax_dir: Path, ner_dir: Path, out: Path, version: str) -> Path:
    nlp = spacy.load(syntax_dir)
    ner_nlp = spacy.load(ner_dir)
    ner_nlp.replace_listeners("tok2vec", "ner", ["model.tok2vec"])
    nlp.add_pipe("ner", source=ner_nlp, last=True)
    nlp.tokenizer.infix_finditer = compile_infix_regex(
        list(nlp.Defaults.infixes) + EXTRA_INFIXES).finditer

    meta = nlp.meta
    meta.update({
        "lang": "en",
        "name": "en_archive_sm",
        "version": version,
        "description": (
            "Small English CNN pipeline of the archive project: tagger, morphologizer, "
            "trainable lemmatizer and dependency parser trained on UD English EWT; NER "
            "(PERSON, ORG, GPE, EVENT) trained on UniversalNER English EWT, GUM and CrossNER "
            "politics. No static vectors. See MODEL_CARD.md."
        ),
        "author": "archive project",
        "email": "",
        "url": "",
        "license": "CC BY-SA 4.0",
        "sources": [
            {"name": "Universal Dependencies English EWT", "license": "CC BY-SA 4.0",
             "url": "https://github.com/UniversalDependencies/UD_English-EWT"},
            {"name": "UniversalNER English EWT", "license": "CC BY-SA 4.0",
             "url": "https://www.universalner.org/"},
            {"name": "GUM corpus", "license": "CC BY 4.0 (annotations); texts CC BY / CC BY-SA",
             "url": "https://gucorpling.org/gum/"},
            {"name": "CrossNER (politics)", "license": "MIT",
             "url": "https://github.com/zliu-nlp/CrossNER"},
        ],
    })
    nlp.meta.update(meta)
    if out.exists():
        shutil.rmtree(out)
    nlp.to_disk(out)
    # keep the scores of the separate trainings out of the shipped meta; evaluate.py adds the
    # held-out scores
    m = json.loads((out / "meta.json").read_text())
    m.pop("performance", None)
    (out / "meta.json").write_text(json.dumps(m, indent=2, ensure_ascii=False) + "\n")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--syntax", default=str(REPO / "training/output/syntax/model-best"))
    ap.add_argument("--ner", default=str(REPO / "training/output/ner/model-best"))
    ap.add_argument("--out", default=str(OUT))
    ap.add_argument("--version", default="0.2.0")
    args = ap.parse_args(argv)
    out = assemble(Path(args.syntax), Path(args.ner), Path(args.out), args.version)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"wrote {out} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

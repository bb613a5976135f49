"""Write src/archive/pipelines/MODEL_CARD.md from training/output/scores.json.

Usage: python training/model_card.py [--scores training/output/scores.json]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import spacy

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "src/archive/pipelines/en_archive_sm"
CARD = REPO / "src/archive/pipelines/MODEL_CARD.md"


def pct(x):
    return "–" if x is None else f"{100 * x:.1f}"


def ner_table(res):
    rows = ["| label | P | R | F |", "|---|---|---|---|"]
    for lab, s in sorted(res["per_type"].items()):
        rows.append(f"| {lab} | {pct(s['p'])} | {pct(s['r'])} | {pct(s['f'])} |")
    rows.append(f"| **all** | **{pct(res['ents_p'])}** | **{pct(res['ents_r'])}** | "
                f"**{pct(res['ents_f'])}** |")
    return "\n".join(rows)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--scores", default=str(REPO / "training/output/scores.json"))
    ap.add_argument("--notes", default="", help="extra text for the training section")
    args = ap.parse_args(argv)
    s = json.loads(Path(args.scores).read_text())
    meta = json.loads((MODEL / "meta.json").read_text())
    nlp = spacy.load(MODEL)
    ewt = s["ewt_test"]
    sp = s["speed_one_core"]
    seed = s["seed"]
    labels = ", ".join(nlp.get_pipe("ner").labels)
    train_cfg = {}
    for name in ("syntax", "ner"):
        p = REPO / f"training/output/{name}/model-best/meta.json"
        if p.exists():
            m = json.loads(p.read_text())
            train_cfg[name] = m.get("performance", {})

    card = f"""# Model card: `{meta['name']}` {meta['version']}

A small English spaCy pipeline (CNN, no static vectors) trained by the archive project on
open data, shipped in the package so that parsing and named-entity recognition work without
downloading a model. Load it with `spacy.load(path)`; it needs only spaCy's built-in
components (spaCy {meta.get('spacy_version', '>=3.8')}).

* **Components:** {", ".join(nlp.pipe_names)} (the parser also sets sentence boundaries).
  The `ner` has its own tok2vec; the others share one.
* **NER labels:** {labels}. Every named place is `GPE` (the corpora do not separate GPE
  from LOC); there is no `NORP`, `DATE`, `MONEY` etc.
* **Size:** {s['size_mb']} MB on disk.
* **Licence:** CC BY-SA 4.0 (see `LICENSE`), crediting UD English EWT, UniversalNER, GUM
  and CrossNER.

## Data

| corpus | licence | used for | held out for the scores below |
|---|---|---|---|
| UD English EWT (train 12,544 sentences; dev for model selection) | CC BY-SA 4.0 | tagger (PTB tags), morphologizer (UPOS + features), trainable lemmatizer, parser | EWT **test** (2,077 sentences) |
| UniversalNER English EWT, dev split (2,001 sentences) | CC BY-SA 4.0 | NER | – |
| GUM, CC BY / BY-SA genres (academic, bio, court, interview, news, voyage); train split for training, dev split for model selection | CC BY 4.0 annotations; CC BY / BY-SA texts | NER | GUM **test** split (12 documents) |
| CrossNER politics, train + dev | MIT | NER | CrossNER politics **test** (651 sentences) |

PolNeAR is not used (no licence).

Label mapping (details and the rule that keeps only *named* GUM mentions in
`training/README.md`): UNER PER/ORG/LOC → PERSON/ORG/GPE; CrossNER person, politician →
PERSON; organisation, politicalparty → ORG; country, location → GPE; election, event →
EVENT; misc dropped (marked missing); GUM person/organization/place/event → PERSON/ORG/GPE/EVENT
for mentions headed by a proper noun, reduced to the name; other GUM types dropped.

## Scores (held-out data, not trained on)

### UD English EWT test (spaCy's tokenization of the raw text, aligned to gold)

| TAG (PTB) | POS (UPOS) | morph | lemma | UAS | LAS | sentences F |
|---|---|---|---|---|---|---|
| {pct(ewt['tag_acc'])} | {pct(ewt['pos_acc'])} | {pct(ewt['morph_acc'])} | {pct(ewt['lemma_acc'])} | {pct(ewt['dep_uas'])} | {pct(ewt['dep_las'])} | {pct(ewt['sents_f'])} |

### NER, held-out set (GUM test split + CrossNER politics test)

{ner_table(s['ner-test'])}

GUM test split alone (mixed genres, everyday text):

{ner_table(s['ner-test-gum'])}

CrossNER politics test alone (Wikipedia politics):

{ner_table(s['ner-test-crossner'])}

### Seed article (`seeds/000_d04feccafa46ccf3.txt`), `must` names, before any registry

Found with a fitting type ({seed['n_found']} of {seed['n_must']}): {", ".join(seed['found'])}.

Not found: {", ".join(seed['not_found']) or "none"}.

### Speed

{sp['words_per_second']:,} words per second on one CPU core (`nlp.pipe`, batch 64, one thread,
all components; {sp['texts']} texts: the seed + the first FA-KES articles, {sp['tokens']:,}
tokens; best of two runs, CPU time of the process: {sp['seconds_cpu']} s;
wall clock {sp['seconds_wall']} s = {sp['words_per_second_wall']:,} words/s on a shared machine).

## How to rebuild

```sh
make -C training model      # python training/build_model.py; reads ../shared/data
```

See `training/README.md`: data preparation, the two spaCy configs, the assembly, the
evaluation (`training/evaluate.py` → `training/output/scores.json`) and this card
(`training/model_card.py`). Training on one core takes about 1.5 hours.
{args.notes}
## Limitations

* Trained on web text, Wikipedia and Wikinews, not on newswire at scale: expect misses on
  unfamiliar names, especially Arabic and Persian names and organisations; NER recall is
  modest. The archive's registry and rules remain needed.
* No GPE/LOC distinction and no NORP ("Iraqi", "Shiite" are not entities).
* UD-style dependencies (`nsubj`, `obj`, `ccomp`, `appos` …), not the ClearNLP labels of the
  `en_core_web_*` pipelines; tags are PTB (`tag_`) and UPOS (`pos_`) as usual.
"""
    CARD.write_text(card, encoding="utf8")
    print(f"wrote {CARD}")


if __name__ == "__main__":
    main()

"""Evaluate the assembled pipeline on the held-out data; write training/output/scores.json.

  - UD English EWT test: TAG / POS / morph / lemma accuracy, UAS, LAS, sentence F
  - NER on the held-out set (GUM test split + CrossNER politics test), per label and overall
  - which of the seed article's `must` names the model finds with a fitting type
  - words per second on one core (nlp.pipe over the seed + FA-KES article texts)

Usage: python training/evaluate.py [--model DIR] [--data ../shared/data] [--n-fakes 200]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import spacy  # noqa: E402
from spacy.training import Corpus  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "src/archive/pipelines/en_archive_sm"
CORPUS = REPO / "training/corpus"

SEED_MUST = {
    "PERSON": ["Esmail Qaani", "Qassem Soleimani", "Mustafa Kadhimi", "Saleh Hamdani",
               "Fawzi Hariri", "Ihssan Shammari", "Jaafar Husseini"],
    "ORG": ["Kata’ib Hezbollah", "Popular Mobilisation Forces", "Quds Force", "The Arab Weekly"],
    "GPE": ["Iran", "Iraq", "Baghdad", "Washington", "Tehran", "Riyadh", "Abu Dhabi",
            "Saudi Arabia", "United Arab Emirates"],
}
FITTING = {"PERSON": {"PERSON"}, "ORG": {"ORG"}, "GPE": {"GPE", "LOC"}}


def evaluate_file(nlp, path: Path):
    examples = list(Corpus(str(path))(nlp))
    return nlp.evaluate(examples)


def seed_check(nlp, seed_text: str):
    doc = nlp(seed_text)
    found, missed, wrong = [], [], []
    ents = [(e.text, e.label_) for e in doc.ents]
    for kind, names in SEED_MUST.items():
        for name in names:
            # a name also counts when the model's span is the name without its leading
            # "The" ("Arab Weekly" for "The Arab Weekly"): the training data strips it
            bare = name[4:] if name.startswith("The ") else name
            labels = {lab for text, lab in ents if text in (name, bare)}
            if labels & FITTING[kind]:
                found.append(name if any(t == name for t, _ in ents) else f"{name} (as '{bare}')")
            else:
                near = sorted({f"{t}/{lab}" for t, lab in ents if name in t or t in name})
                (wrong if near else missed).append(f"{name}" + (f" (got {', '.join(near)})"
                                                                if near else ""))
    return {"found": found, "not_found": missed + wrong,
            "n_found": len(found), "n_must": sum(len(v) for v in SEED_MUST.values()),
            "all_entities": ents}


def speed(nlp, texts, repeats=2):
    """Words per second, single thread: wall clock and CPU time of this process (the CPU-time
    figure is what one core delivers even when other work shares the machine)."""
    n_words = 0
    best_wall = best_cpu = None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        n_words = sum(len(d) for d in nlp.pipe(texts, batch_size=64))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        best_wall = wall if best_wall is None else min(best_wall, wall)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    return {"texts": len(texts), "tokens": n_words, "seconds_wall": round(best_wall, 2),
            "seconds_cpu": round(best_cpu, 2),
            "words_per_second": round(n_words / best_cpu),
            "words_per_second_wall": round(n_words / best_wall)}


def fakes_texts(data: Path, n: int):
    csv.field_size_limit(sys.maxsize)
    with (data / "fakes_syria/FA-KES-Dataset.csv").open(encoding="utf8", errors="replace") as fh:
        rows = list(csv.DictReader(fh))
    return [r["article_content"] for r in rows[:n] if r.get("article_content")]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=str(MODEL))
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--n-fakes", type=int, default=200)
    ap.add_argument("--out", default=str(REPO / "training/output/scores.json"))
    args = ap.parse_args(argv)
    data = (REPO / args.data).resolve()
    nlp = spacy.load(args.model)

    res = {}
    s = evaluate_file(nlp, CORPUS / "en_ewt-ud-test.spacy")
    res["ewt_test"] = {k: s.get(k) for k in ("tag_acc", "pos_acc", "morph_acc", "lemma_acc",
                                             "dep_uas", "dep_las", "sents_p", "sents_r",
                                             "sents_f")}
    for name in ("ner-test", "ner-test-gum", "ner-test-crossner"):
        s = evaluate_file(nlp, CORPUS / f"{name}.spacy")
        res[name] = {"ents_p": s["ents_p"], "ents_r": s["ents_r"], "ents_f": s["ents_f"],
                     "per_type": s["ents_per_type"]}
    seed = (data.parent / "seeds/000_d04feccafa46ccf3.txt").read_text(encoding="utf8")
    res["seed"] = seed_check(nlp, seed)
    texts = [seed] + fakes_texts(data, args.n_fakes)
    res["speed_one_core"] = speed(nlp, texts)
    size = sum(f.stat().st_size for f in Path(args.model).rglob("*") if f.is_file())
    res["size_mb"] = round(size / 1e6, 2)

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n")
    pr = dict(res)
    pr["seed"] = {k: v for k, v in res["seed"].items() if k != "all_entities"}
    print(json.dumps(pr, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

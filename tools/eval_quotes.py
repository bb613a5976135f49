"""Score the quotes of `archive extract --json` against the PolNeAR attribution corpus.

usage:
    python tools/eval_quotes.py [--split dev|train|DIR] [--polnear DIR] [--extract OUT.json]
                                [--save OUT.json] [--misses FILE] [--compare]

Without --extract it runs `python -m archive extract SPLIT/text --json --model rules` from this
checkout (the rules pipeline, no model download). PolNeAR is read only here, at evaluation time,
from `../shared/data/polnear` beside the checkout (or --polnear); nothing of it is committed.

Protocol (issue 9), separately for direct quotes (the gold content holds a quotation mark) and
reported speech (the rest):
- recall: a gold content is found when predicted quotes of that kind cover >= 30% of its
  characters (the SFU GenderGapTracker protocol);
- precision: a prediction is right when >= 30% of its characters lie inside gold content of
  that kind (a quote split by its attribution is one gold content and two predictions);
- exact share: found gold contents matched by exactly one prediction with the same span,
  ignoring quotation marks, spaces and final punctuation (share of all gold contents);
- speaker accuracy, over found direct quotes with a gold source: right when a predicted quote
  covering it has a `speaker` span overlapping the gold source span.
One annotator per document (the first .ann by name), as in ../shared/tools/polnear_eval.py.

The reader may normalise whitespace (single newlines become spaces), so predicted offsets are
mapped onto the raw text by aligning the two texts on their non-space characters.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QMARKS = set('"“”«»„')
TRIM = QMARKS | set(".,;:!?'’")
KINDS = ("direct", "indirect")


def _spans(field: str) -> list[tuple[int, int]]:
    out = []
    for part in field.split(";"):
        s, e = part.split()[-2:]
        out.append((int(s), int(e)))
    return out


def read_ann(path: Path) -> list[dict]:
    """Attributions of one brat file: content and source spans (possibly discontinuous)."""
    tags, events = {}, []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:  # a tag's text may run over lines
            tid, mid = parts[0], parts[1]
            label = mid.split()[0]
            tags[tid] = (label, _spans(mid[len(label) + 1:]))
        elif line.startswith("E") and len(parts) >= 2:
            rel = parts[1]
            events.append(dict(p.split(":") for p in rel.split()))
    out = []
    for ev in events:
        content = tags.get(ev.get("Content", ""), (None, []))[1]
        source = tags.get(ev.get("Source", ""), (None, []))[1]
        if content:
            out.append({"content": content, "source": source})
    return out


def chars(spans) -> set[int]:
    out: set[int] = set()
    for s, e in spans:
        out.update(range(s, e))
    return out


def trimmed(raw: str, spans) -> tuple[int, int] | None:
    cs = [i for i in sorted(chars(spans)) if not (raw[i].isspace() or raw[i] in TRIM)]
    return (cs[0], cs[-1]) if cs else None


def align(src: str, dst: str) -> list[int]:
    """Offsets in `src` → offsets in `dst`, for texts that differ only in whitespace."""
    out = [0] * (len(src) + 1)
    i = j = 0
    while i < len(src):
        if j < len(dst) and src[i] == dst[j]:
            out[i] = j
            i += 1
            j += 1
        elif src[i].isspace():
            out[i] = j
            i += 1
        elif j < len(dst) and dst[j].isspace():
            j += 1
        else:  # a real difference: keep walking both so offsets stay close
            out[i] = min(j, len(dst))
            i += 1
            j += 1
    out[len(src)] = min(j, len(dst))
    return out


def run_extract(text_dir: Path, model: str = "rules") -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [sys.executable, "-m", "archive", "extract", str(text_dir), "--json", "--model", model]
    res = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(res.stdout)


def predictions(art: dict, raw: str) -> list[dict]:
    text = art.get("text", "")
    amap = list(range(len(raw) + 1)) if text == raw else align(text, raw)
    out = []
    for q in art.get("quotes", []):
        s, e = amap[q["start"]], amap[q["end"]]
        sp = q.get("speaker") or None
        spk = (amap[sp["start"]], amap[sp["end"]]) if sp else None
        out.append({"kind": q["kind"], "span": (s, e), "speaker": spk, "q": q})
    return out


def score(split_dir: Path, extract: dict, misses=None) -> dict:
    arts = {Path(a.get("path", "")).stem: a for a in extract.get("articles", [])}
    tot = {k: {"tp_pred": 0, "pred": 0, "tp_gold": 0, "gold": 0, "exact": 0} for k in KINDS}
    spk_ok = spk_n = 0
    seen: set[str] = set()
    for ann in sorted((split_dir / "attributions").iterdir()):
        doc = re.sub(r"_[0-9a-f]{4}\.ann$", "", ann.name)
        if doc in seen:
            continue
        seen.add(doc)
        raw = (split_dir / "text" / f"{doc}.txt").read_text(encoding="utf-8")
        gold = read_ann(ann)
        preds = predictions(arts[doc], raw) if doc in arts else []
        for kind in KINDS:
            G = [g for g in gold if any(raw[i] in QMARKS for i in chars(g["content"])) == (kind == "direct")]
            P = [p for p in preds if p["kind"] == kind]
            gch = [chars(g["content"]) for g in G]
            allg = set().union(*gch) if gch else set()
            for p in P:
                pc = chars([p["span"]])
                ok = len(pc & allg) >= 0.3 * max(1, len(pc))
                tot[kind]["tp_pred"] += ok
                if not ok and misses:
                    misses.write(f"FP {kind} {doc}: {raw[p['span'][0]:p['span'][1]]!r}  [{_ctx(raw, p['span'])}]\n")
            tot[kind]["pred"] += len(P)
            tot[kind]["gold"] += len(G)
            for g, gc in zip(G, gch):
                over = [p for p in P if gc & chars([p["span"]])]
                cov = set().union(*(chars([p["span"]]) for p in over)) & gc if over else set()
                if len(cov) < 0.3 * max(1, len(gc)):
                    if misses:
                        misses.write(f"FN {kind} {doc}: {_txt(raw, g['content'])!r}  [{_ctx(raw, g['content'][0])}]\n")
                    continue
                tot[kind]["tp_gold"] += 1
                if len(over) == 1 and trimmed(raw, g["content"]) == trimmed(raw, [over[0]["span"]]):
                    tot[kind]["exact"] += 1
                elif misses:
                    misses.write(f"INEXACT {kind} {doc}: gold {_txt(raw, g['content'])!r} pred "
                                 f"{[raw[p['span'][0]:p['span'][1]] for p in over]!r}\n")
                if kind == "direct" and g["source"]:
                    spk_n += 1
                    src = chars(g["source"])
                    if any(p["speaker"] and src & set(range(*p["speaker"])) for p in over):
                        spk_ok += 1
                    elif misses:
                        got = [raw[p["speaker"][0]:p["speaker"][1]] if p["speaker"] else None for p in over]
                        misses.write(f"SPK {doc}: gold {_txt(raw, g['source'])!r} got {got!r}  "
                                     f"[{_ctx(raw, g['content'][0], 150)}]\n")
    return {"docs": len(seen), "with_output": sum(d in arts for d in seen), "kinds": tot,
            "speaker": (spk_ok, spk_n)}


def _txt(raw, spans):
    return " … ".join(raw[s:e] for s, e in spans)


def _ctx(raw, span, width=80):
    s, e = span
    return raw[max(0, s - width):min(len(raw), e + width)].replace("\n", " ¶ ")


def prf(t: dict) -> tuple[float, float, float]:
    p = t["tp_pred"] / t["pred"] if t["pred"] else 0.0
    r = t["tp_gold"] / t["gold"] if t["gold"] else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def table(res: dict) -> str:
    rows = [f"docs {res['docs']} (with output {res['with_output']})",
            f"{'kind':9s} {'gold':>5s} {'pred':>5s} {'P':>6s} {'R':>6s} {'F1':>6s} {'exact':>6s}"]
    for k in KINDS:
        t = res["kinds"][k]
        p, r, f = prf(t)
        ex = t["exact"] / t["gold"] if t["gold"] else 0.0
        rows.append(f"{k:9s} {t['gold']:5d} {t['pred']:5d} {p:6.3f} {r:6.3f} {f:6.3f} {ex:6.3f}")
    ok, n = res["speaker"]
    rows.append(f"speaker accuracy (found direct quotes with a gold source): {ok / n if n else 0:.3f} ({ok}/{n})")
    return "\n".join(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="dev", help="train, dev, or a folder with text/ and attributions/")
    ap.add_argument("--polnear", default=str(ROOT.parent / "shared" / "data" / "polnear"))
    ap.add_argument("--model", default="rules", help="pipeline for the extract run: rules (default), shipped, auto, or a name")
    ap.add_argument("--extract", help="read this `archive extract --json` output instead of running it")
    ap.add_argument("--save", help="write the extraction JSON here (for --extract next time)")
    ap.add_argument("--misses", help="write missed, spurious and wrongly attributed quotes here")
    ap.add_argument("--compare", action="store_true", help="also run ../shared/tools/polnear_eval.py")
    a = ap.parse_args(argv)
    split_dir = Path(a.split) if os.sep in a.split else Path(a.polnear) / "data" / a.split
    if not (split_dir / "attributions").is_dir():
        ap.error(f"no PolNeAR split at {split_dir}")
    if a.extract:
        extract = json.loads(Path(a.extract).read_text(encoding="utf-8"))
    else:
        extract = run_extract(split_dir / "text", a.model)
    if a.save:
        Path(a.save).write_text(json.dumps(extract, ensure_ascii=False), encoding="utf-8")
    misses = open(a.misses, "w", encoding="utf-8") if a.misses else None
    try:
        res = score(split_dir, extract, misses)
    finally:
        if misses:
            misses.close()
    print(table(res))
    if a.compare:
        shared = ROOT.parent / "shared" / "tools" / "polnear_eval.py"
        path = a.extract or a.save
        if not path:
            path = "/tmp/eval_quotes_extract.json"
            Path(path).write_text(json.dumps(extract, ensure_ascii=False), encoding="utf-8")
        print(f"\n--- {shared}")
        subprocess.run([sys.executable, str(shared), path, str(split_dir)])
    return 0


if __name__ == "__main__":
    sys.exit(main())

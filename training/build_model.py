"""Rebuild the shipped pipeline src/archive/pipelines/en_archive_sm from ../shared/data.

    python training/build_model.py [--data ../shared/data] [--steps prepare,syntax,ner,assemble,evaluate]

Steps (each can be run alone with --steps):
  prepare   training/prepare_data.py  -> training/corpus/*.spacy
  syntax    spacy train training/configs/syntax.cfg -> training/output/syntax/
  ner       spacy train training/configs/ner.cfg    -> training/output/ner/
  assemble  training/assemble.py      -> src/archive/pipelines/en_archive_sm/
  evaluate  training/evaluate.py      -> training/output/scores.json

Training is pinned to one thread (OMP/MKL/OPENBLAS_NUM_THREADS=1) and seeded (system.seed = 0
in the configs); on one core the syntax training takes about 55 min, the NER about 15 min.
Run it from anywhere; paths are relative to the repository root.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STEPS = ["prepare", "syntax", "ner", "assemble", "evaluate"]


def run(*cmd):
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=REPO, env=env)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--steps", default=",".join(STEPS))
    args = ap.parse_args(argv)
    py = sys.executable
    for step in args.steps.split(","):
        if step == "prepare":
            run(py, "training/prepare_data.py", "--data", args.data)
        elif step in ("syntax", "ner"):
            run(py, "-m", "spacy", "train", f"training/configs/{step}.cfg",
                "--output", f"training/output/{step}")
        elif step == "assemble":
            run(py, "training/assemble.py")
        elif step == "evaluate":
            run(py, "training/evaluate.py", "--data", args.data)
        else:
            raise SystemExit(f"unknown step {step!r}; steps are {', '.join(STEPS)}")


if __name__ == "__main__":
    main()

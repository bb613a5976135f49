"""Deterministic benchmark archives of N articles from FA-KES (CC BY 4.0) and the seed.

FA-KES holds 804 articles; for larger N an article is reused with its paragraphs rotated and a
numbered dateline, so every text (and hence every cache key) is distinct while the language,
entities and length stay realistic. Same inputs, same files: runs are comparable.
"""
from __future__ import annotations

import csv
import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FAKES = REPO.parent / "shared" / "data" / "fakes_syria" / "FA-KES-Dataset.csv"


def _rows(csv_path: Path) -> list[dict]:
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8", errors="replace")))
    rows.sort(key=lambda r: r["unit_id"])
    return rows


def _paragraphs(body: str) -> list[str]:
    sentences = re.split(r"(?<=[.!?]) (?=[A-Z\"“])", body.strip())
    return [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]


def article_file(i: int, row: dict) -> tuple[str, str]:
    """(file name, content) of benchmark article number i built from `row`."""
    copy = i // 804
    try:
        day = datetime.strptime(row["date"], "%m/%d/%Y").date()
    except ValueError:
        day = date(2015, 1, 1)
    day = day + timedelta(days=copy)
    paras = _paragraphs(row["article_content"]) or ["(empty)"]
    if copy:
        k = copy % len(paras)
        paras = paras[k:] + paras[:k]
        paras.insert(0, f"Dispatch {copy} of the archive benchmark.")
    title = row["article_title"].strip().replace('"', "'") or f"Article {i}"
    if copy:
        title = f"{title} ({copy})"
    front = (f'---\ntitle: "{title}"\ndate: {day.isoformat()}\nsource: "{row["source"]}"\n'
             f'credit: "FA-KES dataset (Salem et al. 2019), CC BY 4.0, unit {row["unit_id"]}"\n---\n\n')
    return f"{i:05d}.md", front + "\n\n".join(paras) + "\n"


def make_archive(dest: Path, n: int, csv_path: Path = FAKES) -> Path:
    """Write an archive of `n` articles (plus the seed article and the demo registry) to `dest`."""
    if dest.exists():
        shutil.rmtree(dest)
    content = dest / "articles"
    content.mkdir(parents=True)
    rows = _rows(csv_path)
    seed = next((REPO / "seeds").glob("*.md"))
    shutil.copy(seed, content / seed.name)
    shutil.copy(REPO / "seeds" / "entities.yml", content / "entities.yml")
    for i in range(n - 1):
        name, text = article_file(i, rows[i % len(rows)])
        (content / name).write_text(text, encoding="utf-8")
    # No Pagefind index: Hugo and Pelican build none either.
    (dest / "archive.yml").write_text("title: Benchmark archive\ncontent: articles\nmodel: rules\nsearch: false\n", encoding="utf-8")
    return dest


def add_article(dest: Path, i: int, csv_path: Path = FAKES, newest: bool = False) -> Path:
    """Add benchmark article number i. Its date comes from FA-KES (usually in the middle of the
    archive); with `newest`, it is dated on the archive's latest day, as an editor's article of
    the day would be (same month: the archive's month span does not grow)."""
    rows = _rows(csv_path)
    name, text = article_file(i, rows[i % len(rows)])
    if newest:
        latest = max(re.search(r"^date: (\S+)$", f.read_text(encoding="utf-8"), re.M).group(1)
                     for f in (dest / "articles").glob("[0-9][0-9][0-9][0-9][0-9].md"))
        text = re.sub(r"^date: \S+$", f"date: {latest}", text, count=1, flags=re.M)
    path = dest / "articles" / name
    path.write_text(text, encoding="utf-8")
    return path

"""Write the demo archive's FA-KES articles into seeds/ (run once; the output is committed).

FA-KES (Salem et al. 2019, CC BY 4.0) holds Syrian-war news from several outlets. We take the
articles labelled credible (label 1) that mention the actors the seed article is about, so that
entity pages cross-link several articles. Deterministic: same data, same files.

usage: python tools/make_demo_seeds.py [../shared/data/fakes_syria/FA-KES-Dataset.csv] [N]
"""
import csv
import re
import sys
from datetime import datetime
from pathlib import Path

KEYWORDS = ["Iran", "Hezbollah", "Iraq", "Russia", "ISIS", "Islamic State", "Daesh", "Quds", "Soleimani"]
SOURCES = {
    "ahram": "Ahram Online", "manar": "Al-Manar", "alalam": "Al-Alam", "alaraby": "The New Arab",
    "dailysabah": "Daily Sabah", "sana": "SANA", "sputnik": "Sputnik", "etilaf": "Syrian Coalition",
    "trt": "TRT World", "jordantimes": "The Jordan Times", "reuters": "Reuters", "nna": "NNA",
    "alarabiya": "Al Arabiya", "tass": "TASS", "presstv": "Press TV",
}


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")


def main() -> None:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/fakes_syria/FA-KES-Dataset.csv")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    rows = list(csv.DictReader(src.open(encoding="utf-8", errors="replace")))
    scored = []
    for row in rows:
        if row["labels"] != "1":
            continue
        text = row["article_content"]
        score = sum(text.count(k) for k in KEYWORDS)
        scored.append((-score, row["unit_id"], row))
    scored.sort(key=lambda t: (t[0], t[1]))
    out = Path("seeds/fakes")
    out.mkdir(parents=True, exist_ok=True)
    for _, unit, row in scored[:n]:
        date = datetime.strptime(row["date"], "%m/%d/%Y").date()
        # The CSV's text went through a bad decode upstream: "�_" stood for an apostrophe.
        title = row["article_title"].strip().replace('"', "'").replace("\ufffd_", "’").split(" | ")[0]
        body = row["article_content"].strip().replace("\ufffd_", "’")
        source = SOURCES.get(row["source"], row["source"])
        name = f"{date.isoformat()}-{slugify(title)}.md"
        front = (
            "---\n"
            f'title: "{title}"\n'
            f"date: {date.isoformat()}\n"
            f'source: "{source}"\n'
            f'location: "{row["location"]}"\n'
            f'credit: "FA-KES dataset (Salem et al. 2019), CC BY 4.0, unit {unit}"\n'
            "---\n\n"
        )
        paragraphs = re.split(r"(?<=[.!?]) (?=[A-Z\"“])", body)
        # FA-KES stores an article as one line; break it into paragraphs of ~3 sentences.
        paras = [" ".join(paragraphs[i:i + 3]) for i in range(0, len(paragraphs), 3)]
        (out / name).write_text(front + "\n\n".join(paras) + "\n", encoding="utf-8")
        print(out / name)


if __name__ == "__main__":
    main()

"""A small archive written from scratch for the site tests of issue 6 (exports, feeds, search,
SVG, page quality): three dated articles with a registry actor, militia, place and event, and
quotes with explicit speakers. Not a test module itself (no test_ prefix)."""
from __future__ import annotations

from pathlib import Path

from archive.build import build
from archive.config import load_config

REGISTRY = """\
entities:
  - id: jaafar-husseini
    type: actor
    name: Jaafar Husseini
    aliases: [Husseini]
    roles:
      - {title: spokesman, organisation: kataib-hezbollah}
    affiliation: kataib-hezbollah
  - id: mustafa-kadhimi
    type: actor
    name: Mustafa Kadhimi
    aliases: [Kadhimi, al-Kadhimi]
  - id: kataib-hezbollah
    type: militia
    name: Kata'ib Hezbollah
    aliases: [Kataib Hezbollah]
  - id: baghdad
    type: place
    name: Baghdad
  - id: strategic-dialogue
    type: event
    name: US-Iraq strategic dialogue
    aliases: [strategic dialogue]
    date: 2021-04-07
    place: baghdad
    participants: [mustafa-kadhimi]
"""

ARTICLES = {
    "2021-04-07-dialogue.md": """---
title: "Dialogue opens in Baghdad"
date: 2021-04-07
source: Test Wire
---

The strategic dialogue opened in Baghdad on Wednesday. Prime Minister Mustafa Kadhimi said the talks would decide the future of US forces.

"We will not accept any foreign troops," said Jaafar Husseini, a spokesman for Kata'ib Hezbollah.
""",
    "2021-05-02-rockets.md": """---
title: "Rockets hit base <near> Baghdad & the airport"
date: 2021-05-02
source: Other Agency
---

Rockets struck a base near Baghdad. Kata'ib Hezbollah denied any role.

"We had nothing to do with this attack," Husseini told reporters.
""",
    "2020-12-months.md": """---
title: "A year of talks"
date: 2020-12
source: Test Wire
---

Kadhimi met envoys in Baghdad to prepare the strategic dialogue.
""",
}


def write_archive(root: Path, base_url: str = "/", search: bool = False) -> Path:
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "articles" / "entities.yml").write_text(REGISTRY, encoding="utf-8")
    for name, text in ARTICLES.items():
        (root / "articles" / name).write_text(text, encoding="utf-8")
    (root / "archive.yml").write_text(
        f"title: Test archive\nbase_url: '{base_url}'\nmodel: rules\nsearch: {'true' if search else 'false'}\n",
        encoding="utf-8")
    return root


def build_site(root: Path, base_url: str = "/", search: bool = False):
    write_archive(root, base_url, search)
    report = build(load_config(root))
    return root / "build", report

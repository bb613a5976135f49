"""Build-time SVG: timeline, sparkline, ego and archive networks; network JSON and GraphML."""
from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

import pytest

from issue6_site import build_site

S = "{http://www.w3.org/2000/svg}"


def svgs(path):
    """Every inline <svg> of a page, parsed as XML (so it is also well-formed)."""
    text = path.read_text(encoding="utf-8")
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", text, re.S)]


def hrefs(svg):
    return [a.get("href") for a in svg.iter(S + "a")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("svg"))[0]


def test_timeline_bars_and_events(site):
    [svg] = svgs(site / "timeline" / "index.html")
    assert "timeline" in svg.get("class")
    bars = svg.findall(f".//{S}rect")
    # three articles in three different months: 2020-12, 2021-04, 2021-05
    assert sorted(b.findtext(S + "title") for b in bars) == sorted(
        ["December 2020: 1 article", "April 2021: 1 article", "May 2021: 1 article"])
    assert hrefs(svg) == ["../events/strategic-dialogue.html"]
    assert (site / "events" / "strategic-dialogue.html").is_file()
    html = (site / "timeline" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2021-05">May 2021</time>' in html  # the table, for readers without the picture


def test_home_has_compact_timeline(site):
    [svg] = svgs(site / "index.html")
    assert len(svg.findall(f".//{S}rect")) == 3 and hrefs(svg) == []


def test_entity_sparkline_and_ego_network(site):
    pics = svgs(site / "militias" / "kataib-hezbollah.html")
    classes = [s.get("class") for s in pics]
    assert any("sparkline" in c for c in classes) and any("ego" in c for c in classes)
    spark = next(s for s in pics if "sparkline" in s.get("class"))
    points = spark.find(S + "polyline").get("points").split()
    assert len(points) == 6  # one per month, December 2020 to May 2021
    ego = next(s for s in pics if "ego" in s.get("class"))
    links = hrefs(ego)
    assert "../actors/jaafar-husseini.html" in links
    for h in links:
        assert (site / "militias" / h).resolve().is_file(), h
    # the centre is the page itself: not a link to itself
    assert "kataib-hezbollah.html" not in links


def test_archive_network_page_and_exports(site):
    [svg] = [s for s in svgs(site / "network" / "index.html") if "whole" in (s.get("class") or "")]
    assert len(svg.findall(f".//{S}circle")) >= 4 and len(svg.findall(f".//{S}line")) >= 3
    for h in hrefs(svg):
        assert (site / "network" / h).resolve().is_file(), h
    data = json.loads((site / "network" / "network.json").read_text(encoding="utf-8"))
    ids = {n["id"] for n in data["nodes"]}
    assert {"jaafar-husseini", "kataib-hezbollah", "baghdad"} <= ids
    assert all(l["source"] in ids and l["target"] in ids and l["weight"] >= 1 for l in data["links"])
    pair = {(l["source"], l["target"]): l["weight"] for l in data["links"]}
    assert pair[("jaafar-husseini", "kataib-hezbollah")] == 2  # together in both April and May articles
    g = ET.parse(site / "network" / "network.graphml").getroot()
    G = "{http://graphml.graphdrawing.org/xmlns}"
    assert len(g.findall(f".//{G}node")) == len(data["nodes"])
    assert len(g.findall(f".//{G}edge")) == len(data["links"])


def test_pictures_are_deterministic(tmp_path):
    a, _ = build_site(tmp_path / "a")
    b, _ = build_site(tmp_path / "b")
    for rel in ("network/index.html", "timeline/index.html", "militias/kataib-hezbollah.html", "network/network.graphml"):
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel

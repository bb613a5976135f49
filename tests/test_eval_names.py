"""tools/eval_names.py reads UNER's IOB2 into documents with character offsets and scores the
rules name finder on them (a small file here; the real one is in ../shared, not committed)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = """# newdoc id = d1
# sent_id = d1-1
# text = Sergei Lavrov met John Kerry in Geneva .
1\tSergei\tB-PER\t-\t-
2\tLavrov\tI-PER\t-\t-
3\tmet\tO\t-\t-
4\tJohn\tB-PER\t-\t-
5\tKerry\tI-PER\t-\t-
6\tin\tO\t-\t-
7\tGeneva\tB-LOC\t-\t-
8\t.\tO\t-\t-

# newdoc id = d2
# sent_id = d2-1
# text = the food was great .
1\tthe\tO\t-\t-
2\tfood\tO\t-\t-
3\twas\tO\t-\t-
4\tgreat\tO\t-\t-
5\t.\tO\t-\t-
"""


def _tool():
    spec = importlib.util.spec_from_file_location("eval_names", ROOT / "tools" / "eval_names.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_reads_documents_with_offsets_and_scores_them(tmp_path):
    tool = _tool()
    path = tmp_path / "sample.iob2"
    path.write_text(SAMPLE, encoding="utf-8")
    docs = tool.read_documents(path)
    assert len(docs) == 2
    text = docs[0]["text"]
    assert [text[s:e] for s, e, _ in docs[0]["gold"]] == ["Sergei Lavrov", "John Kerry", "Geneva"]
    assert [t for *_, t in docs[0]["gold"]] == ["PER", "PER", "LOC"]
    res = tool.score(docs)
    assert res["gold"] == 3 and res["right"] == res["typed"] == 3 and res["predicted"] == 3


def test_reads_a_docbin_of_gold_entities_leaving_events_out(tmp_path):
    """`--docbin`: the held-out sets of training/prepare_data.py (GUM test, CrossNER test)."""
    import spacy
    from spacy.tokens import DocBin

    tool = _tool()
    nlp = spacy.blank("en")
    doc = nlp("Sergei Lavrov met John Kerry in Geneva during the Syrian Civil War .")
    doc.ents = [doc.char_span(0, 13, "PERSON"), doc.char_span(18, 28, "PERSON"), doc.char_span(32, 38, "GPE"),
                doc.char_span(50, 66, "EVENT")]
    path = tmp_path / "gold.spacy"
    DocBin(docs=[doc]).to_disk(path)
    docs = tool.read_docbin(path)
    assert [t for *_, t in docs[0]["gold"]] == ["PER", "PER", "LOC"]  # no EVENT: scored apart (--events)
    res = tool.score(docs)
    assert res["gold"] == 3 and res["typed"] == 3


def test_scores_events_apart(tmp_path):
    """`--events`: the gold EVENT spans against the events the archive finds (events.py, and
    names that an event's cue word types), exactly and by overlap."""
    import spacy
    from spacy.tokens import DocBin

    tool = _tool()
    nlp = spacy.blank("en")
    text = "He won the 2004 Canadian federal election and fought in the Cold War ."
    doc = nlp(text)
    doc.ents = [doc.char_span(11, 41, "EVENT"), doc.char_span(60, 68, "EVENT")]
    path = tmp_path / "gold.spacy"
    DocBin(docs=[doc]).to_disk(path)
    docs = tool.read_docbin(path, {"EVENT": "EVENT"})
    assert [text[s:e] for s, e, _ in docs[0]["gold"]] == ["2004 Canadian federal election", "Cold War"]
    res = tool.score_events(docs)
    assert res == {"documents": 1, "gold": 2, "predicted": 2, "right": 2, "overlap": 2}
    assert tool.main(["--events", "--docbin", str(path)]) == 0

"""Annotated article bodies: well-formed HTML whatever the annotations overlap."""
from html.parser import HTMLParser

from archive.body import ROOT, render_body
from archive.models import Article, Entity, Mention, Quote, Span


class _Balance(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.ok = [], True

    def handle_starttag(self, tag, attrs):
        if tag != "br":
            self.stack.append(tag)

    def handle_endtag(self, tag):
        self.ok &= bool(self.stack) and self.stack.pop() == tag


class _Archive:
    entities = {"kh": Entity("kh", "militia", "Kata'ib Hezbollah"), "jh": Entity("jh", "actor", "Jaafar Husseini")}


def _article(text, body):
    return Article(id="a", slug="a", path="a.md", title="t", text=text, body=body)


def test_quote_across_paragraphs_and_nested_mentions():
    text = "Jaafar Husseini said: “We fight.\n\nKata'ib Hezbollah wins.” End."
    p1, p2 = text.index("\n\n"), text.index("\n\n") + 2
    body = (("html", "<p>"), ("text", 0, p1), ("html", "</p><p>"), ("text", p2, len(text)), ("html", "</p>"))
    q_start = text.index("We")
    q = Quote("a-q1", "a", q_start, text.index("”"), text[q_start:text.index("”")], "direct", "said",
              Span(0, 15, "Jaafar Husseini"), "jh")
    mentions = [(Mention(0, 15, "Jaafar Husseini", "actor", "jh"), "actors/jh.html"),
                (Mention(p2, p2 + 17, "Kata'ib Hezbollah", "militia", "kh"), "militias/kh.html")]
    html = str(render_body(_article(text, body), mentions, [q], _Archive()))
    checker = _Balance()
    checker.feed(html)
    assert checker.ok and not checker.stack
    assert html.count('id="a-q1"') == 1          # the split quote keeps one id
    assert html.count('class="quote quote-direct"') == 2
    assert f'href="{ROOT}militias/kh.html"' in html
    assert "Kata&#39;ib" in html                  # text is escaped


def test_text_is_escaped():
    text = "<script>alert(1)</script>"
    html = str(render_body(_article(text, (("text", 0, len(text)),)), [], [], _Archive()))
    assert "<script>" not in html and "&lt;script&gt;" in html

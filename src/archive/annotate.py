"""The annotate stage: `Article` → `AnnotatedArticle`.

spaCy runs once per article text (`nlp.analyse`); everything after it, registry matching,
rule-based names and quotes, is pure and cheap, so it is redone on every build.
"""
from __future__ import annotations

from archive.models import AnnotatedArticle, Article
from archive.nlp.analyse import Analysis
from archive.nlp.extract import find_all_quotes, find_mentions
from archive.nlp.registry_matcher import RegistryMatcher
from archive.registry import Registry
from archive.resolve import LABEL_TYPES  # the one table of NER label → entity type



class Annotator:
    """Holds the loaded pipeline and the registry matcher for one build."""

    def __init__(self, registry: Registry, model: str = "auto", pipeline=None):
        from archive.nlp.pipeline import load_pipeline

        # `pipeline`: an (nlp, PipelineInfo) pair loaded already (or lazily, see cache.py).
        self.nlp, self.info = pipeline if pipeline is not None else load_pipeline(model)
        self.registry = registry
        self._types = {e.id: e.type for e in registry.entities}
        aliases = registry.aliases()
        # Events are matched on their own so that an event phrase may contain other entities
        # ("the killing of Soleimani" is an event and names Soleimani).
        self.matcher = RegistryMatcher([(a, i) for a, i in aliases if self._types[i] != "event"])
        self.event_matcher = RegistryMatcher([(a, i) for a, i in aliases if self._types[i] == "event"])
        # Set to a dict by a caller that builds with this Annotator again and again (DevServer):
        # the last build's annotated articles, reused when equal (annotate_stage.py). None: off.
        self.kept: dict | None = None

    def analyse(self, articles: list[Article], batch_size: int = 16):
        from archive.nlp.analyse import analyse_many

        return analyse_many(self.nlp, (a.text for a in articles), batch_size=batch_size)

    def _speaker_kind(self, m) -> str | None:
        """'person', 'group' or None: who can be a speaker."""
        t = self._types.get(m.label) if m.source == "registry" else LABEL_TYPES.get(m.label)
        return "person" if t == "actor" else "group" if t in ("organisation", "militia") else None

    def finish(self, article: Article, analysis: Analysis) -> AnnotatedArticle:
        mentions = find_mentions(article.text, analysis, self.matcher, self.info.has_ner, self.event_matcher,
                                 self._types)
        quotes = find_all_quotes(article.text, analysis, mentions, self._speaker_kind)
        return AnnotatedArticle(article, tuple(mentions), tuple(quotes), analysis.sentences, self.info.name)

    def annotate_all(self, articles: list[Article]) -> list[AnnotatedArticle]:
        return [self.finish(a, an) for a, an in zip(articles, self.analyse(articles))]

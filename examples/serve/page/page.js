// The search page: reads the form and the URL, asks /api/search, draws the answer.
//
// Everything that comes from the index or the reader is put in the page as text
// (textContent, text nodes): never as HTML. Highlights are built from the snippet's byte
// ranges, so the server's HTML is not needed either.
"use strict";

(() => {
  const STRINGS = {
    fr: {
      results: (n) => (n === 0 ? "Aucun résultat" : n === 1 ? "1 résultat" : `${fmt(n)} résultats`),
      more: (n) => `plus de ${fmt(n)} résultats`,
      took: (ms) => `en ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`,
      pageOf: (p, n) => (n ? `Page ${p} sur ${n}` : `Page ${p}`),
      didYouMean: "Vouliez-vous dire ",
      similar: (n) => (n === 1 ? "1 autre version de cette dépêche" : `${n} autres versions de cette dépêche`),
      related: "Articles liés",
      relatedNone: "Aucun article lié.",
      remove: (v) => `Retirer le filtre ${v}`,
      langNames: { fr: "français", en: "anglais" },
      error: "Erreur : ",
      network: "Le serveur ne répond pas.",
      warning: "Requête corrigée : ",
      dateLocale: "fr-FR",
    },
    en: {
      skip: "Skip to results",
      queryLabel: "Search the news",
      queryPlaceholder: "Search: election presidentielle, l'OMS, \"reforme des retraites\"…",
      submit: "Search",
      hint: "Accents are optional. Quotes for a phrase, -word to exclude, OR for either.",
      since: "From",
      until: "To",
      datePlaceholder: "YYYY-MM-DD",
      sort: "Sort by",
      sortRelevance: "relevance",
      sortNewest: "newest first",
      sortOldest: "oldest first",
      refine: "Refine",
      facetSource: "Source",
      facetSection: "Section",
      facetLang: "Language",
      facetYear: "Year",
      prev: "← Previous",
      next: "Next →",
      footer: "depeche: full-text search of French news, on tantivy. Each title links to the original article.",
      results: (n) => (n === 0 ? "No results" : n === 1 ? "1 result" : `${fmt(n)} results`),
      more: (n) => `more than ${fmt(n)} results`,
      took: (ms) => `in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`,
      pageOf: (p, n) => (n ? `Page ${p} of ${n}` : `Page ${p}`),
      didYouMean: "Did you mean ",
      similar: (n) => (n === 1 ? "1 other version of this story" : `${n} other versions of this story`),
      related: "Related articles",
      relatedNone: "No related article.",
      remove: (v) => `Remove the filter ${v}`,
      langNames: { fr: "French", en: "English" },
      error: "Error: ",
      network: "The server does not answer.",
      warning: "Query repaired: ",
      dateLocale: "en-GB",
    },
  };
  // French unless the reader's browser asks for another language first.
  const wanted = (navigator.languages && navigator.languages[0]) || navigator.language || "fr";
  const UI = /^fr\b/i.test(wanted) ? "fr" : "en";
  const t = STRINGS[UI];
  const fmt = (n) => Number(n).toLocaleString(t.dateLocale);

  const PAGE = 10;
  const FACETS = ["source", "section", "lang", "year"];
  const $ = (id) => document.getElementById(id);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };

  // What is searched: the form, the facet filters and the page; mirrored in the URL.
  const state = { q: "", lang: "", since: "", until: "", sort: "relevance", offset: 0, source: [], section: [] };
  let routes = new Set(["/api/search"]);
  let inflight = null;
  let seq = 0;

  function fromUrl() {
    const p = new URLSearchParams(location.search);
    state.q = p.get("q") || "";
    state.lang = p.get("lang") || "";
    state.since = p.get("since") || "";
    state.until = p.get("until") || "";
    state.sort = p.get("sort") || "relevance";
    state.offset = Math.max(0, parseInt(p.get("offset") || "0", 10) || 0);
    state.source = p.getAll("source");
    state.section = p.getAll("section");
    $("q").value = state.q;
    $("since").value = state.since;
    $("until").value = state.until;
    $("sort").value = state.sort;
  }

  function params() {
    const p = new URLSearchParams();
    if (state.q) p.set("q", state.q);
    for (const k of ["lang", "since", "until"]) if (state[k]) p.set(k, state[k]);
    if (state.sort !== "relevance") p.set("sort", state.sort);
    if (state.offset) p.set("offset", String(state.offset));
    for (const s of state.source) p.append("source", s);
    for (const s of state.section) p.append("section", s);
    return p;
  }

  function toUrl(push) {
    const qs = params().toString();
    const url = qs ? `?${qs}` : location.pathname;
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }

  async function search(push) {
    toUrl(push);
    const p = params();
    p.set("limit", String(PAGE));
    p.set("facets", "1");
    if (inflight) inflight.abort();
    inflight = new AbortController();
    const mine = ++seq;
    const asked = { ...state };
    document.body.setAttribute("aria-busy", "true");
    try {
      const res = await fetch(`/api/search?${p}`, { signal: inflight.signal, headers: { Accept: "application/json" } });
      const body = await res.json().catch(() => null);
      if (mine !== seq) return;
      if (!res.ok) {
        showError(body && body.error ? body.error : `HTTP ${res.status}`, body && body.param);
      } else {
        hideError();
        render(body, asked);
      }
    } catch (e) {
      if (e.name !== "AbortError" && mine === seq) showError(t.network);
    } finally {
      if (mine === seq) document.body.removeAttribute("aria-busy");
    }
  }

  function showError(message, param) {
    const box = $("error");
    box.textContent = t.error + message;
    box.hidden = false;
    for (const id of ["since", "until", "q"]) $(id).setAttribute("aria-invalid", String(param === id));
  }

  function hideError() {
    $("error").hidden = true;
    for (const id of ["since", "until", "q"]) $(id).removeAttribute("aria-invalid");
  }

  // The response's `suggestion` may be a string or an object naming the corrected query.
  function suggestionText(s) {
    if (!s) return "";
    if (typeof s === "string") return s;
    for (const k of ["query", "text", "suggestion", "corrected"]) if (typeof s[k] === "string") return s[k];
    return "";
  }

  function render(r, asked) {
    const status = $("status");
    const total = Number(r.total) || 0;
    const exact = r.total_exact !== false;
    status.textContent = `${exact ? t.results(total) : t.more(total)} ${t.took(Number(r.took_ms) || 0)}`;
    status.dataset.total = String(total);
    status.dataset.exact = String(exact);
    status.dataset.query = asked.q;

    const sug = suggestionText(r.suggestion);
    const sugBox = $("suggestion");
    sugBox.replaceChildren();
    sugBox.hidden = !sug;
    if (sug) {
      const a = el("a", "", sug);
      a.href = `?${new URLSearchParams({ q: sug })}`;
      a.addEventListener("click", (ev) => {
        ev.preventDefault();
        state.q = sug;
        state.offset = 0;
        $("q").value = sug;
        search(true);
      });
      sugBox.append(t.didYouMean, a, " ?");
    }

    const warnings = $("warnings");
    warnings.replaceChildren(...(r.warnings || []).map((w) => el("li", "", t.warning + w)));
    warnings.hidden = !(r.warnings && r.warnings.length);

    $("hits").replaceChildren(...(r.hits || []).map(hitItem));
    renderFacets(r.facets);
    renderActive();
    renderPages(total, exact);
  }

  function safeHref(url) {
    try {
      const u = new URL(url, location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function dateText(d) {
    const when = new Date(d);
    if (Number.isNaN(when.getTime())) return d;
    return when.toLocaleDateString(t.dateLocale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  function titleLink(text, url) {
    const href = url && safeHref(url);
    if (!href) return el("span", "", text);
    const a = el("a", "", text);
    a.href = href;
    a.rel = "noopener noreferrer";
    return a;
  }

  function meta(h) {
    const m = el("p", "meta");
    const parts = [];
    if (h.date) {
      const time = el("time", "", dateText(h.date));
      time.dateTime = h.date;
      parts.push(time);
    }
    if (h.source) parts.push(el("span", "source", h.source));
    if (h.section) parts.push(el("span", "section", h.section));
    if (h.lang) parts.push(el("span", "lang", String(h.lang).toUpperCase()));
    parts.forEach((p, i) => {
      if (i) m.append(" · ");
      m.append(p);
    });
    return m;
  }

  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  // The snippet's text with <mark> around its highlights, which are byte ranges of the
  // UTF-8 text, sorted and on character boundaries.
  function snippet(s) {
    const p = el("p", "snippet");
    const bytes = encoder.encode(s.text || "");
    if (s.start > 0) p.append("… ");
    let at = 0;
    for (const r of s.highlights || []) {
      const start = r && r.start;
      const end = r && r.end;
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < at || end <= start || end > bytes.length) continue;
      p.append(decoder.decode(bytes.subarray(at, start)));
      p.append(el("mark", "", decoder.decode(bytes.subarray(start, end))));
      at = end;
    }
    p.append(decoder.decode(bytes.subarray(at)));
    if (typeof s.html === "string" && s.html.endsWith("…")) p.append(" …");
    return p;
  }

  // Other versions of the hit's story: ids, or objects with a title.
  function similar(list) {
    const d = el("details", "similar");
    d.append(el("summary", "", t.similar(list.length)));
    const ul = el("ul");
    for (const v of list) {
      const li = el("li");
      if (typeof v === "string") {
        li.append(el("span", "id", v));
      } else if (v && typeof v === "object") {
        li.append(titleLink(v.title || v.id || "", v.url));
        if (v.date || v.source) li.append(" ", meta({ date: v.date, source: v.source }));
      }
      ul.append(li);
    }
    d.append(ul);
    return d;
  }

  function relatedButton(id) {
    const wrap = el("div", "related");
    const b = el("button", "link", t.related);
    b.type = "button";
    b.setAttribute("aria-expanded", "false");
    const list = el("ul");
    list.hidden = true;
    b.addEventListener("click", async () => {
      const open = b.getAttribute("aria-expanded") !== "true";
      b.setAttribute("aria-expanded", String(open));
      list.hidden = !open;
      if (!open || list.childElementCount) return;
      try {
        const res = await fetch(`/api/related/${encodeURIComponent(id)}`);
        const body = await res.json();
        if (!res.ok) throw new Error(body && body.error ? body.error : `HTTP ${res.status}`);
        const hits = Array.isArray(body) ? body : body.hits || [];
        if (!hits.length) list.append(el("li", "", t.relatedNone));
        for (const h of hits) {
          const li = el("li");
          li.append(titleLink(h.title || h.id, h.url), " ", meta({ date: h.date, source: h.source }));
          list.append(li);
        }
      } catch (e) {
        list.append(el("li", "error", t.error + e.message));
      }
    });
    wrap.append(b, list);
    return wrap;
  }

  function hitItem(h) {
    const li = el("li", "hit");
    li.dataset.id = h.id;
    if (h.date) li.dataset.date = h.date;
    if (h.source) li.dataset.source = h.source;
    const title = el("h2", "title");
    title.append(titleLink(h.title || h.id, h.url));
    li.append(title, meta(h));
    if (h.snippet) li.append(snippet(h.snippet));
    if (Array.isArray(h.similar) && h.similar.length) li.append(similar(h.similar));
    if (routes.has("/api/related/{id}")) li.append(relatedButton(h.id));
    return li;
  }

  // Facet values a filter is set on.
  function isActive(facet, value) {
    switch (facet) {
      case "source":
      case "section":
        return state[facet].includes(value);
      case "lang":
        return state.lang === value;
      case "year":
        return state.since === value && state.until === value;
    }
    return false;
  }

  function toggle(facet, value) {
    const on = !isActive(facet, value);
    switch (facet) {
      case "source":
      case "section":
        state[facet] = on ? [...state[facet], value] : state[facet].filter((v) => v !== value);
        break;
      case "lang":
        state.lang = on ? value : "";
        break;
      case "year":
        state.since = on ? value : "";
        state.until = on ? value : "";
        $("since").value = state.since;
        $("until").value = state.until;
        break;
    }
    state.offset = 0;
    search(true);
  }

  function label(facet, value) {
    return facet === "lang" ? t.langNames[value] || value : value;
  }

  function renderFacets(facets) {
    for (const f of FACETS) {
      const box = $(`facet-${f}`);
      const values = (facets && facets[f]) || [];
      const ul = box.querySelector("ul");
      ul.replaceChildren(
        ...values.map((v) => {
          const li = el("li");
          const b = el("button", "facet-value");
          b.type = "button";
          b.dataset.facet = f;
          b.dataset.value = v.value;
          b.dataset.count = String(v.count);
          b.setAttribute("aria-pressed", String(isActive(f, v.value)));
          b.append(el("span", "value", label(f, v.value)), " ", el("span", "count", fmt(v.count)));
          b.addEventListener("click", () => toggle(f, v.value));
          li.append(b);
          return li;
        }),
      );
      box.hidden = values.length === 0;
    }
  }

  function chip(text, remove) {
    const b = el("button", "chip");
    b.type = "button";
    b.append(el("span", "", text), el("span", "x", "×"));
    b.setAttribute("aria-label", t.remove(text));
    b.addEventListener("click", () => {
      remove();
      state.offset = 0;
      search(true);
    });
    return b;
  }

  function renderActive() {
    const chips = [];
    for (const f of ["source", "section"]) {
      for (const v of state[f]) chips.push(chip(v, () => (state[f] = state[f].filter((x) => x !== v))));
    }
    if (state.lang) chips.push(chip(label("lang", state.lang), () => (state.lang = "")));
    if (state.since || state.until) {
      const text = state.since === state.until ? state.since : `${state.since || "…"} – ${state.until || "…"}`;
      chips.push(
        chip(text, () => {
          state.since = state.until = "";
          $("since").value = $("until").value = "";
        }),
      );
    }
    $("active").replaceChildren(...chips);
  }

  function renderPages(total, exact) {
    const nav = $("pages");
    const page = Math.floor(state.offset / PAGE) + 1;
    const pages = exact ? Math.max(1, Math.ceil(total / PAGE)) : 0;
    nav.hidden = total <= PAGE && state.offset === 0;
    $("page-of").textContent = t.pageOf(page, pages);
    $("prev").disabled = state.offset === 0;
    $("next").disabled = exact ? state.offset + PAGE >= total : false;
  }

  function go(offset) {
    state.offset = Math.max(0, offset);
    search(true).then(() => $("results").focus());
  }

  // Completion: on when the server lists /api/complete. Suggestions complete the word being
  // typed; the list is a <datalist>, so the browser shows it accessibly.
  let completeTimer = 0;
  let completeCtl = null;
  function complete() {
    if (!routes.has("/api/complete")) return;
    clearTimeout(completeTimer);
    completeTimer = setTimeout(async () => {
      const typed = $("q").value;
      const word = (typed.match(/\S*$/) || [""])[0];
      const list = $("q-complete");
      if (word.length < 2) {
        list.replaceChildren();
        return;
      }
      if (completeCtl) completeCtl.abort();
      completeCtl = new AbortController();
      try {
        const res = await fetch(`/api/complete?${new URLSearchParams({ q: typed })}`, { signal: completeCtl.signal });
        if (!res.ok) return;
        const body = await res.json();
        const items = Array.isArray(body) ? body : body.completions || body.items || [];
        const options = [];
        for (const it of items.slice(0, 10)) {
          const text = typeof it === "string" ? it : it && (it.text || it.term || it.completion || it.value);
          if (typeof text !== "string" || !text) continue;
          const full = text.toLowerCase().startsWith(typed.trim().toLowerCase()) ? text : typed.replace(/\S*$/, text);
          const o = document.createElement("option");
          o.value = full;
          options.push(o);
        }
        list.replaceChildren(...options);
      } catch (e) {
        /* a newer keystroke took over, or the server is gone: no completion */
      }
    }, 120);
  }

  function applyStrings() {
    if (UI === "fr") return;
    document.documentElement.lang = UI;
    for (const e of document.querySelectorAll("[data-i18n]")) {
      const s = t[e.dataset.i18n];
      if (typeof s === "string") e.textContent = s;
    }
    for (const e of document.querySelectorAll("[data-i18n-placeholder]")) {
      const s = t[e.dataset.i18nPlaceholder];
      if (typeof s === "string") e.placeholder = s;
    }
  }

  let typingTimer = 0;
  function start() {
    applyStrings();
    fromUrl();
    const form = $("search");
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      clearTimeout(typingTimer);
      state.q = $("q").value;
      state.since = $("since").value.trim();
      state.until = $("until").value.trim();
      state.offset = 0;
      search(true);
    });
    $("q").addEventListener("input", () => {
      complete();
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => {
        state.q = $("q").value;
        state.offset = 0;
        search(false);
      }, 200);
    });
    for (const id of ["since", "until"]) {
      $(id).addEventListener("change", () => {
        state[id] = $(id).value.trim();
        state.offset = 0;
        search(true);
      });
    }
    $("sort").addEventListener("change", () => {
      state.sort = $("sort").value;
      state.offset = 0;
      search(true);
    });
    $("prev").addEventListener("click", () => go(state.offset - PAGE));
    $("next").addEventListener("click", () => go(state.offset + PAGE));
    window.addEventListener("popstate", () => {
      fromUrl();
      search(false);
    });
    fetch("/api")
      .then((r) => (r.ok ? r.json() : null))
      .then((b) => {
        if (b && Array.isArray(b.routes)) routes = new Set(b.routes);
      })
      .catch(() => {})
      .finally(() => search(false));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// The report's behaviour: folding, the matrix's cells, the filter. Plain DOM, no library.
(function () {
  "use strict";
  var scenarios = Array.prototype.slice.call(document.querySelectorAll("article.scenario"));

  // Open the details that hold an element, so that a link to it shows it.
  function reveal(el) {
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") p.open = true;
    }
  }
  function revealHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el) { reveal(el); el.scrollIntoView(); }
  }
  window.addEventListener("hashchange", revealHash);
  revealHash();

  // Fold and unfold every section at once.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-fold]");
    if (!b) return;
    var open = b.getAttribute("data-fold") === "open";
    document.querySelectorAll("#results details").forEach(function (d) { d.open = open; });
  });

  // A click on a matrix cell lists the scenarios that check that command and code.
  var detail = document.getElementById("cell-detail");
  function showCell(td) {
    document.querySelectorAll("td.cell.selected").forEach(function (c) { c.classList.remove("selected"); });
    td.classList.add("selected");
    var rank = { failed: 0, warning: 1, passed: 2, skipped: 3 };
    var verdictOf = function (id) {
      var art = document.getElementById("scenario-" + id);
      return art ? art.getAttribute("data-verdict") : "";
    };
    var ids = td.getAttribute("data-ids").split(" ");
    ids.sort(function (a, b) { return (rank[verdictOf(a)] - rank[verdictOf(b)]) || (a < b ? -1 : a > b ? 1 : 0); });
    detail.textContent = "";
    var h = document.createElement("div");
    h.className = "cell-title";
    var strong = document.createElement("strong");
    strong.textContent = td.getAttribute("data-cmd") + " " + td.getAttribute("data-code");
    h.appendChild(strong);
    h.appendChild(document.createTextNode(": " + ids.length + (ids.length === 1 ? " scenario " : " scenarios ")));
    var only = document.createElement("button");
    only.type = "button";
    only.textContent = "show only these below";
    only.addEventListener("click", function () { setFilter("id:" + ids.join(",")); });
    h.appendChild(only);
    detail.appendChild(h);
    var ul = document.createElement("ul");
    ids.forEach(function (id) {
      var art = document.getElementById("scenario-" + id);
      var li = document.createElement("li");
      var badge = document.createElement("span");
      var verdict = art ? art.getAttribute("data-verdict") : "";
      badge.className = "badge " + verdict;
      badge.textContent = verdict;
      var a = document.createElement("a");
      a.href = "#scenario-" + id;
      a.className = "mono";
      a.textContent = id;
      li.appendChild(badge);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
      var title = art && art.querySelector(".title");
      if (title) li.appendChild(document.createTextNode(" " + title.textContent));
      ul.appendChild(li);
    });
    detail.appendChild(ul);
    detail.hidden = false;
  }
  document.querySelectorAll("td.cell[data-ids]").forEach(function (td) {
    td.addEventListener("click", function () { showCell(td); });
    td.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); showCell(td); } });
  });

  // The filter: every word must match. A word is read as what it looks like: an outcome
  // (failed, warning, passed, skipped), a level (must, should, may), a reply code (550), a
  // scenario ID (RETR-004) or its prefix (RETR-), a section (959:4.1, 4.1.3: a prefix matches
  // its subsections), a command (any scenario's), and otherwise words of the title.
  // "cmd:", "code:", "section:", "outcome:", "level:" and "id:" (a comma list) say which.
  var input = document.getElementById("filter");
  var outcome = document.getElementById("outcome");
  var shown = document.getElementById("shown");
  function fields(art) {
    return {
      id: art.getAttribute("data-id").toLowerCase(),
      verdict: art.getAttribute("data-verdict"),
      level: art.getAttribute("data-level").toLowerCase(),
      commands: art.getAttribute("data-commands").toLowerCase().split(" "),
      codes: art.getAttribute("data-codes").split(" "),
      sections: art.getAttribute("data-sections").toLowerCase().split(" "),
      title: (art.querySelector(".title") || art).textContent.toLowerCase()
    };
  }
  var all = scenarios.map(fields);
  var commands = {};
  all.forEach(function (f) { f.commands.forEach(function (c) { commands[c] = true; }); });
  function sectionMatches(sections, w) {
    w = w.replace(/^rfc ?/, "").replace("§", "");
    return sections.some(function (s) {
      var sec = s.split(":")[1] || "";
      return s === w || s.indexOf(w + ".") === 0 || sec === w || sec.indexOf(w + ".") === 0;
    });
  }
  function wordMatches(f, word) {
    var kv = word.match(/^(cmd|command|code|section|rfc|outcome|verdict|level|id):(.+)$/);
    if (kv) {
      var v = kv[2];
      switch (kv[1]) {
        case "cmd": case "command": return f.commands.indexOf(v) >= 0;
        case "code": return f.codes.indexOf(v) >= 0;
        case "section": case "rfc": return sectionMatches(f.sections, v);
        case "outcome": case "verdict": return f.verdict === v;
        case "level": return f.level === v;
        case "id": return v.split(",").indexOf(f.id) >= 0;
      }
    }
    if (/^(failed|warning|passed|skipped)$/.test(word)) return f.verdict === word;
    if (/^(must|should|may)$/.test(word)) return f.level === word;
    if (/^\d{3}$/.test(word)) return f.codes.indexOf(word) >= 0;
    if (/^[a-z][a-z0-9]*-\d*$/.test(word)) return f.id === word || (/-$/.test(word) && f.id.indexOf(word) === 0);
    if (/:/.test(word) || /^\d+(\.\d+)*$/.test(word) || /^appendix-/.test(word)) return sectionMatches(f.sections, word);
    if (commands[word]) return f.commands.indexOf(word) >= 0;
    return f.title.indexOf(word) >= 0;
  }
  function apply() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var want = outcome.value;
    var active = words.length > 0 || want !== "";
    var n = 0;
    scenarios.forEach(function (art, i) {
      var f = all[i];
      var ok = (!want || f.verdict === want) && words.every(function (w) { return wordMatches(f, w); });
      art.hidden = !ok;
      if (ok) n++;
    });
    document.querySelectorAll("#results details.section").forEach(function (d) {
      var visible = d.querySelector("article.scenario:not([hidden])");
      d.hidden = !visible;
      if (active && visible) d.open = true;
    });
    document.querySelectorAll("#results section.rfc").forEach(function (s) {
      s.hidden = !s.querySelector("details.section:not([hidden])");
    });
    shown.textContent = active ? n + " of " + scenarios.length + " scenarios shown" : scenarios.length + " scenarios";
  }
  function setFilter(text) {
    input.value = text;
    outcome.value = "";
    apply();
    document.getElementById("results").scrollIntoView();
  }
  input.addEventListener("input", apply);
  outcome.addEventListener("change", apply);
  apply();
})();

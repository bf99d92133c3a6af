/* policykit site script (hand-written, no dependencies; fetches only this site's own files).
 *
 * 1. Sortable tables: every table.pk-sortable gets header buttons; sorting uses each
 *    cell's data-sort (numbers compare as numbers, text in Chinese collation order);
 *    empty values ("未收录", "未公布") always sort last.
 * 2. Comparison date picker: form.pk-when swaps in the values in force on the chosen
 *    day, and its box "隐藏可能已过时的数值" hides the values past the staleness horizon
 *    (shown by default). The values were resolved at build time by policykit for every day a value can
 *    change (script#<table>-data: cells, sort keys and per-row steps, inline or, when
 *    large, in the JSON file named by its data-src, fetched from this site on the first
 *    change of day); this script only picks the last step starting on or before the
 *    day. It never computes a value.
 * 3. 长辈模式 (elder mode): the switch at the top of every page toggles the class
 *    pk-elder on <html> (large text, large targets; see policykit.css) and remembers it
 *    in localStorage ("pk-elder" = "1"/"0"); the page head applies it before painting.
 * 4. Read-aloud: "朗读本页" reads the page's main text with the Web Speech API, shown
 *    only when the browser has a Chinese voice. No pop-ups either way.
 * 5. Material's search dialog gets an accessible name.
 * 6. On a phone, a region page (the one with a summary card) folds its rule tables under
 *    their headings (a button per heading); a link to a row opens its section.
 * 7. A search that finds nothing explains that no region's list in the data names it (if
 *    it is a disease) and links to the data coverage page and the disease index.
 */
(function () {
  "use strict";
  var collator = new Intl.Collator("zh-Hans-CN", { numeric: true });

  function sortValue(cell) {
    var raw = cell ? cell.getAttribute("data-sort") : null;
    if (raw === null) raw = cell ? cell.textContent.trim() : "";
    return raw;
  }

  function compare(a, b) {
    if (a === "" && b === "") return 0;
    if (a === "") return 1;          // empty last, whatever the direction
    if (b === "") return -1;
    var x = Number(a), y = Number(b);
    if (!isNaN(x) && !isNaN(y)) return x - y;
    return collator.compare(a, b);
  }

  function sortTable(table, col, dir) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var a = sortValue(r1.cells[col]), b = sortValue(r2.cells[col]);
      if (a === "" || b === "") return compare(a, b);
      return dir * compare(a, b);
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      if (i === col) th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
    table.setAttribute("data-sorted", col + ":" + dir);
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      button.title = "点击排序";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        sortTable(table, col, dir);
      });
    });
  }

  function resort(table) {
    var state = table.getAttribute("data-sorted");
    if (!state) return;
    var parts = state.split(":");
    sortTable(table, Number(parts[0]), Number(parts[1]));
  }

  function stepAt(steps, day) {
    var found = -1;
    for (var i = 0; i < steps.length; i++) {
      if (steps[i][0] <= day) found = steps[i][1];
      else break;
    }
    return found;
  }

  function setupPicker(form) {
    var table = document.getElementById(form.getAttribute("data-table"));
    var source = document.getElementById(form.getAttribute("data-table") + "-data");
    if (!table || !source) return;
    // Large histories live in a JSON file beside the page (data-src), fetched on the
    // first change of day; small ones are inline.
    var data = source.hasAttribute("data-src") ? null : JSON.parse(source.textContent);
    var none = '<span class="pk-none">未收录</span>';
    var note = document.querySelector(".pk-day");
    var dayInput = form.querySelector("input[name=day]");
    var yearSelect = form.querySelector("select[name=year]");

    function show(day) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
      if (data === null) {
        fetch(source.getAttribute("data-src"))
          .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
          .then(function (d) { data = d; show(day); })
          .catch(function () { if (note) note.textContent = "（历史数值加载失败）"; });
        return;
      }
      Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
        var row = data.rows[Number(tr.getAttribute("data-row"))];
        row.s.forEach(function (steps, c) {
          var idx = stepAt(steps, day);
          var td = tr.cells[c + 1];
          td.innerHTML = idx < 0 ? none : data.cells[idx];
          delete td.pkFull;
          td.setAttribute("data-sort", idx < 0 ? "" : data.sort[idx]);
        });
      });
      if (note) note.textContent = day;
      hideStale();
      resort(table);
    }

    // "隐藏可能已过时的数值": a row whose every value is past the staleness horizon is
    // hidden; in a row with newer values too, only the stale cells are blanked. The
    // values are put back when the box is unticked (or another day is picked).
    var staleBox = form.querySelector("input[name=hide-stale]");
    var staleCount = form.querySelector(".pk-stale-count");
    function hideStale() {
      if (!staleBox) return;
      var on = staleBox.checked, rows = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
        var stale = 0, values = 0;
        Array.prototype.slice.call(tr.cells, 1).forEach(function (td) {
          if (td.pkFull !== undefined) { td.innerHTML = td.pkFull; delete td.pkFull; }
          if (td.querySelector(".pk-outdated")) stale++;
          else if (!td.querySelector(".pk-none")) values++;
        });
        var whole = on && stale > 0 && values === 0;
        tr.hidden = whole;
        if (whole) rows++;
        if (!on || whole) return;
        Array.prototype.slice.call(tr.cells, 1).forEach(function (td) {
          if (!td.querySelector(".pk-outdated")) return;
          td.pkFull = td.innerHTML;
          td.innerHTML = '<span class="pk-none">已隐藏（可能已过时）</span>';
        });
      });
      if (staleCount) {
        staleCount.textContent = on ? "已隐藏 " + rows + " 个只有过时数值的地区" : "";
      }
    }
    if (staleBox) {
      staleBox.addEventListener("change", hideStale);
      hideStale();
    }
    dayInput.addEventListener("change", function () { show(dayInput.value); });
    yearSelect.addEventListener("change", function () {
      dayInput.value = yearSelect.value;
      show(yearSelect.value);
    });
    form.hidden = false;
  }

  var ELDER = "pk-elder";

  function setupElder() {
    var root = document.documentElement;
    Array.prototype.forEach.call(document.querySelectorAll(".pk-elder-toggle"), function (b) {
      b.setAttribute("aria-pressed", root.classList.contains(ELDER) ? "true" : "false");
      b.addEventListener("click", function () {
        var on = !root.classList.contains(ELDER);
        root.classList.toggle(ELDER, on);
        try { localStorage.setItem(ELDER, on ? "1" : "0"); } catch (e) { /* private mode */ }
        b.setAttribute("aria-pressed", on ? "true" : "false");
      });
    });
  }

  function chineseVoice() {
    if (!("speechSynthesis" in window)) return null;
    var voices = window.speechSynthesis.getVoices() || [];
    for (var i = 0; i < voices.length; i++) {
      if (/^(zh|cmn)([-_]|$)/i.test(voices[i].lang)) return voices[i];
    }
    return null;
  }

  function pageText() {
    var main = document.querySelector(".md-content__inner");
    if (!main) return [];
    var text = main.innerText.replace(/[ \t]+/g, " ");
    // Short pieces: Chromium stops a long utterance after about 15 seconds.
    return text.split(/(?<=[。！？；\n])/).map(function (s) { return s.trim(); })
      .filter(function (s) { return s.length > 0; });
  }

  function setupSpeech() {
    var button = document.querySelector(".pk-speak");
    if (!button) return;
    var speaking = false;
    function refresh() { button.hidden = chineseVoice() === null; }
    refresh();
    if ("speechSynthesis" in window && window.speechSynthesis.addEventListener) {
      window.speechSynthesis.addEventListener("voiceschanged", refresh);
    }
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var synth = window.speechSynthesis, voice = chineseVoice();
      if (speaking || !voice) {
        synth.cancel();
        speaking = false;
        button.setAttribute("aria-pressed", "false");
        button.textContent = "朗读本页";
        return;
      }
      var parts = pageText();
      parts.forEach(function (part, i) {
        var u = new SpeechSynthesisUtterance(part);
        u.voice = voice;
        u.lang = voice.lang;
        if (i === parts.length - 1) {
          u.onend = function () {
            speaking = false;
            button.setAttribute("aria-pressed", "false");
            button.textContent = "朗读本页";
          };
        }
        synth.speak(u);
      });
      speaking = parts.length > 0;
      button.setAttribute("aria-pressed", speaking ? "true" : "false");
      button.textContent = speaking ? "停止朗读" : "朗读本页";
    });
  }

  function nameSearch() {
    Array.prototype.forEach.call(document.querySelectorAll(".md-search[role=dialog]"),
      function (d) { if (!d.hasAttribute("aria-label")) d.setAttribute("aria-label", "搜索本站"); });
  }

  // The site's root, from Material's configuration (its base is relative to the page).
  function siteRoot() {
    var config = document.getElementById("__config");
    var base = ".";
    try { base = JSON.parse(config.textContent).base || "."; } catch (e) { /* default */ }
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  // A search that finds nothing (e.g. a disease no region's list in the data names, such
  // as 糖尿病) says so and where to read what the data covers, instead of a bare "no
  // result". It sits in Material's result panel, below its count.
  function setupSearchHint() {
    var result = document.querySelector(".md-search-result");
    var input = document.querySelector("input.md-search__input");
    if (!result || !input || !window.MutationObserver) return;
    var root = siteRoot();
    var hint = document.createElement("div");
    hint.className = "pk-search-hint";
    hint.hidden = true;
    var text = document.createElement("p");
    var links = document.createElement("p");
    [["数据覆盖", "coverage/"], ["全部病种", "diseases/"]].forEach(function (l, i) {
      var a = document.createElement("a");
      a.href = new URL(l[1], root).href;
      a.textContent = l[0];
      if (i) links.appendChild(document.createTextNode(" · "));
      links.appendChild(a);
    });
    hint.appendChild(text);
    hint.appendChild(links);
    var meta = result.querySelector(".md-search-result__meta");
    if (meta) meta.insertAdjacentElement("afterend", hint); else result.insertBefore(hint, result.firstChild);
    function update() {
      var query = input.value.trim();
      var items = result.querySelectorAll(".md-search-result__item");
      var whole = Array.prototype.some.call(items, function (it) {
        return it.textContent.replace(/\u200b/g, "").indexOf(query) >= 0;
      });
      // No page at all, or only pages matching part of it (高血压 finds 高青县 by 高): the
      // search engine splits Chinese words, so "nothing names it" is judged on the whole query.
      var done = meta && !/初始化|initiali/i.test(meta.textContent);
      var none = query !== "" && !!done && !whole
        && (items.length > 0 || /没有|no match/i.test(meta.textContent));
      // Changes only when needed: the observer sees this panel's own changes too.
      if (none) {
        var say = "本站数据中没有找到“" + query + "”。如果这是一个病种：本站收录的各地门诊慢特病名单"
          + "还没有一个列出它；许多地区的名单只收录了一部分，没有列出不等于不保障，请向当地医保部门确认。"
          + "哪些地区、哪些规则已经收录，见数据覆盖。";
        if (text.textContent !== say) text.textContent = say;
      }
      if (hint.hidden === !!none) hint.hidden = !none;
    }
    new MutationObserver(update).observe(result, { childList: true, subtree: true, characterData: true });
    input.addEventListener("keyup", update);
  }

  function setupFolding() {
    if (!document.querySelector(".pk-summary")) return;
    if (!window.matchMedia || !window.matchMedia("(max-width: 44.9375em)").matches) return;
    var sections = [];
    Array.prototype.forEach.call(document.querySelectorAll(".md-content__inner > h2"), function (h, i) {
      var body = h.nextElementSibling;
      if (!body || body.tagName !== "SECTION" || !body.querySelector("table.pk-stack")) return;
      body.id = body.id || "pk-fold-" + i;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "pk-fold";
      button.setAttribute("aria-controls", body.id);
      Array.prototype.slice.call(h.childNodes).forEach(function (n) {
        if (!(n.classList && n.classList.contains("headerlink"))) button.appendChild(n);
      });
      h.insertBefore(button, h.firstChild);
      function set(open) {
        body.hidden = !open;
        button.setAttribute("aria-expanded", open ? "true" : "false");
      }
      button.addEventListener("click", function () { set(body.hidden); });
      set(false);
      sections.push([body, set]);
    });
    function openTarget() {
      var id = decodeURIComponent(location.hash.slice(1));
      var target = id && document.getElementById(id);
      if (!target) return;
      sections.forEach(function (s) {
        if (s[0].contains(target)) { s[1](true); target.scrollIntoView(); }
      });
    }
    window.addEventListener("hashchange", openTarget);
    openTarget();
  }

  function init() {
    setupFolding();
    setupElder();
    setupSpeech();
    nameSearch();
    setupSearchHint();
    Array.prototype.forEach.call(document.querySelectorAll("table.pk-sortable"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("form.pk-when"), setupPicker);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

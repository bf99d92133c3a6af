/* policykit 医保报销估算 (hand-written, no dependencies; fetches only this site's own files).
 *
 * The rule values were resolved by policykit at build time (estimate/data/<code>.json:
 * each rule an interval of exact decimals, with its source and what is missing). This
 * script settles the stay exactly as policykit.costs does: exact decimal arithmetic
 * (BigInt at 10^-24), every corner of the box of intervals, the least and greatest of
 * each amount, rounded outward to the fen. tests/test_estimate_page.py compares it with
 * the Python library case by case.
 */
(function () {
  "use strict";
  var SCALE = 10n ** 24n;
  var FIELDS = ["out_of_scope_amt", "act_pay_dedc", "hifp_pay", "hifmi_pay", "maf_pay",
                "psn_part_amt"];
  var LABELS = {out_of_scope_amt: "政策范围外费用（个人承担）", act_pay_dedc: "起付线",
                hifp_pay: "统筹基金支付", hifmi_pay: "大病保险支付", maf_pay: "医疗救助支付",
                psn_part_amt: "个人负担"};

  function dec(text) {            // "123.45" -> BigInt scaled by 10^24
    if (text === null || text === undefined) return null;
    var s = String(text).trim(), neg = s.charAt(0) === "-";
    if (neg) s = s.slice(1);
    if (!/^[0-9]+(\.[0-9]+)?$/.test(s)) throw new Error("bad number " + text);
    var parts = s.split("."), frac = (parts[1] || "");
    if (frac.length > 24) throw new Error("too many decimals " + text);
    var v = BigInt(parts[0]) * SCALE + BigInt((frac + "0".repeat(24)).slice(0, 24));
    return neg ? -v : v;
  }
  function mul(a, b) { return a * b / SCALE; }
  function min(a, b) { return (b === null || a <= b) ? a : b; }   // b null: no limit
  function left(cap, used) { return cap === null ? null : (cap - used > 0n ? cap - used : 0n); }

  function bandPay(amount, bands) {
    var paid = 0n, start = 0n;
    for (var i = 0; i < bands.length; i++) {
      var end = bands[i][0], ratio = bands[i][1];
      var top = end === null ? amount : (amount < end ? amount : end);
      if (top > start) paid += mul(top - start, ratio);
      if (end === null || amount <= end) break;
      start = start > end ? start : end;
    }
    return paid;
  }

  function settle(i, p) {
    var dedc = min(i.in_scope, p.deductible);
    var fund = min(mul(i.in_scope - dedc, p.ratio), left(p.cap, i.paid_this_year));
    var carried = i.in_scope - fund, hifmi = 0n, maf = 0n;
    if (i.critical_illness && p.ci_deductible !== null) {
      var above = carried - p.ci_deductible;
      if (above > 0n) hifmi = min(bandPay(above, p.ci_bands), p.ci_cap);
    }
    if (i.assistance) {
      var rest = carried - hifmi;
      var base = rest - min(rest, p.maf_deductible);
      maf = min(mul(base, p.maf_ratio), left(p.maf_cap, i.maf_paid_this_year));
    }
    return {out_of_scope_amt: i.total - i.in_scope, act_pay_dedc: dedc, hifp_pay: fund,
            hifmi_pay: hifmi, maf_pay: maf, psn_part_amt: i.total - fund - hifmi - maf};
  }

  function params(v) {
    var keys = Object.keys(v).sort();
    var ratios = keys.filter(function (k) { return k.indexOf("ci_ratio_") === 0; })
      .map(function (k) { return v[k]; });
    var uptos = keys.filter(function (k) { return k.indexOf("ci_upto_") === 0; })
      .map(function (k) { return v[k]; });
    if (ratios.length !== uptos.length + 1) uptos = [];
    var ends = uptos.concat([null]).slice(0, ratios.length);
    var get = function (k, dflt) { return Object.prototype.hasOwnProperty.call(v, k) ? v[k] : dflt; };
    return {deductible: v.deductible, ratio: v.ratio, cap: v.cap,
            ci_deductible: get("ci_deductible", null),
            ci_bands: ratios.map(function (r, n) { return [ends[n], r]; }),
            ci_cap: get("ci_cap", null), maf_deductible: get("maf_deductible", null),
            maf_ratio: get("maf_ratio", 0n), maf_cap: get("maf_cap", null)};
  }

  function fen(x, mode) {          // BigInt at 10^-24 -> BigInt fen
    var unit = SCALE / 100n, q = x / unit, r = x % unit;
    if (r === 0n) return q;
    if (mode === "floor") return x < 0n ? q - 1n : q;
    if (mode === "ceiling") return x > 0n ? q + 1n : q;
    return (2n * (r < 0n ? -r : r) >= unit) ? (x < 0n ? q - 1n : q + 1n) : q;   // half up
  }
  function yuan(f) { return Number(f) / 100; }

  /* The estimate as policykit.costs.estimate.Estimate.to_plain() gives the amounts and
   * missing_zh: `table` is estimate/data/<code>.json, `q` the request (strings). */
  function estimate(table, q) {
    var scheme = q.scheme, level = q.hospital_level || "", person = q.person_type || "";
    var admission = ["first", "second", "third_plus"][Math.min(Number(q.admission || 1), 3) - 1];
    var total = dec(q.cost), inScope = q.in_scope === undefined || q.in_scope === null || q.in_scope === "" ? total : dec(q.in_scope);
    var inputs = {total: total, in_scope: inScope, paid_this_year: dec(q.paid_this_year || "0"),
                  maf_paid_this_year: dec(q.maf_paid_this_year || "0"),
                  critical_illness: scheme === "resident", assistance: !!q.assistance_category};
    var R = function (i) { return table.rules[i]; };
    var rules = [R(table.deductible[scheme + "|" + level + "|" + person + "|" + admission]),
                 R(table.ratio[scheme + "|" + level + "|" + person]), R(table.cap[scheme])];
    rules[0] = Object.assign({}, rules[0], {key: "deductible"});
    rules[1] = Object.assign({}, rules[1], {key: "ratio"});
    rules[2] = Object.assign({}, rules[2], {key: "cap"});
    var missing = rules.map(function (r) { return r.missing_zh; });
    if (inputs.critical_illness) {
      rules = rules.concat(table.ci.map(R));
      missing = missing.concat(table.ci_missing_zh);
    }
    if (inputs.assistance) {
      var maf = table.maf[q.assistance_category].map(R);
      rules = rules.concat(maf);
      missing = missing.concat(maf.map(function (r) { return r.missing_zh; }));
    }
    var base = {}, free = [];
    rules.forEach(function (r) {
      base[r.key] = dec(r.lo);
      if (!r.exact && r.key.indexOf("info_") !== 0) free.push(r);
    });
    var lo = {}, hi = {};
    var n = 1 << free.length;
    for (var c = 0; c < n; c++) {
      var v = Object.assign({}, base);
      free.forEach(function (r, k) { v[r.key] = (c >> k) & 1 ? dec(r.hi) : dec(r.lo); });
      var out = settle(inputs, params(v));
      FIELDS.forEach(function (f) {
        if (!(f in lo) || out[f] < lo[f]) lo[f] = out[f];
        if (!(f in hi) || out[f] > hi[f]) hi[f] = out[f];
      });
    }
    var result = {missing_zh: [], exact: true};
    FIELDS.forEach(function (f) {
      var exact = lo[f] === hi[f];
      var a = fen(lo[f], exact ? "half" : "floor"), b = fen(hi[f], exact ? "half" : "ceiling");
      result[f] = {min: yuan(a), max: yuan(b), exact: exact};
      if (!exact) result.exact = false;
    });
    missing.forEach(function (m) {
      if (m && result.missing_zh.indexOf(m) < 0) result.missing_zh.push(m);
    });
    result.rules = rules;
    return result;
  }

  function money(m) {
    var f = function (x) { return x.toLocaleString("zh-CN", {maximumFractionDigits: 2}); };
    return m.exact ? f(m.min) + " 元" : f(m.min) + " 至 " + f(m.max) + " 元";
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function render(box, table, r) {
    box.textContent = "";
    box.appendChild(el("p", table.region_name + "（" + table.region + "）" + table.day +
                         " 有效的规则，估算结果：", "pk-meta"));
    var dl = el("dl", undefined, "pk-estimate-amounts");
    FIELDS.forEach(function (f) {
      dl.appendChild(el("dt", LABELS[f]));
      var dd = el("dd", money(r[f]));
      dd.setAttribute("data-field", f);
      dd.setAttribute("data-min", String(r[f].min));
      dd.setAttribute("data-max", String(r[f].max));
      dl.appendChild(dd);
    });
    box.appendChild(dl);
    if (r.missing_zh.length) {
      box.appendChild(el("h3", "缺少的数据"));
      var ul = el("ul", undefined, "pk-estimate-missing");
      r.missing_zh.forEach(function (m) { ul.appendChild(el("li", m)); });
      box.appendChild(ul);
    }
    box.appendChild(el("h3", "用到的规则"));
    var rl = el("ul");
    r.rules.forEach(function (rule) {
      var t = rule.trace;
      if (!t) return;
      var li = el("li", t.role_zh + "：" + t.value_zh +
                  (t.origin_name ? "（" + t.origin_name + "，" + t.in_force_zh + "）" : ""));
      if (t.quote) li.appendChild(el("small", " 来源：" + (t.source_title || t.source) + "「" + t.quote + "」"));
      rl.appendChild(li);
    });
    box.appendChild(rl);
    box.appendChild(el("h3", "未纳入估算"));
    var nm = el("ul");
    table.not_modelled_zh.forEach(function (m) { nm.appendChild(el("li", m)); });
    box.appendChild(nm);
    box.appendChild(el("p", table.notice_zh, "pk-note"));
  }

  var cache = {};
  function load(url) {
    if (!cache[url]) {
      cache[url] = fetch(url).then(function (resp) {
        if (!resp.ok) throw new Error("HTTP " + resp.status);
        return resp.json();
      });
    }
    return cache[url];
  }

  window.pkEstimate = {estimate: estimate, load: load};

  function init() {
    var form = document.getElementById("pk-estimate-form");
    if (!form) return;
    var box = document.getElementById("pk-estimate-result");
    var base = form.getAttribute("data-base");
    var params = new URLSearchParams(window.location.search);
    if (params.get("region")) form.elements.region.value = params.get("region");
    function run(ev) {
      if (ev) ev.preventDefault();
      var q = {};
      ["scheme", "hospital_level", "person_type", "admission", "cost", "in_scope",
       "paid_this_year", "assistance_category"].forEach(function (k) {
        q[k] = form.elements[k].value;
      });
      if (q.scheme === "resident") q.person_type = "";
      else if (!q.person_type) { box.textContent = "职工医保请选择人员类别（在职或退休）。"; return; }
      if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(q.cost) ||
          (q.in_scope && !/^[0-9]+(\.[0-9]{1,2})?$/.test(q.in_scope)) ||
          (q.paid_this_year && !/^[0-9]+(\.[0-9]{1,2})?$/.test(q.paid_this_year))) {
        box.textContent = "请填写金额（元，最多两位小数）。";
        return;
      }
      if (q.in_scope && dec(q.in_scope) > dec(q.cost)) {
        box.textContent = "政策范围内费用不能大于总费用。";
        return;
      }
      load(base + form.elements.region.value + ".json").then(function (table) {
        render(box, table, estimate(table, q));
      }).catch(function () { box.textContent = "无法读取该地区的数据。"; });
    }
    form.addEventListener("submit", run);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

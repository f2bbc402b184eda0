// backlog site: filters and search-as-you-type on the backlog page.
// The page is complete without this script; it only adds the filter form. The item index
// (data/index.js) is loaded the first time the reader searches or filters, so a backlog
// of any size opens at once. Rows are built with DOM calls and textContent: nothing from
// the data is ever parsed as HTML.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("items");
  if (!form || !table) return;
  var root = document.body.getAttribute("data-root") || "";
  var q = document.getElementById("q");
  var fStatus = document.getElementById("f-status");
  var fLabel = document.getElementById("f-label");
  var fOwner = document.getElementById("f-owner");
  var count = document.getElementById("count");
  var tbody = table.tBodies[0];
  var staticRows = tbody.cloneNode(true);
  var pager = document.querySelector(".pager");
  var index = null;
  var loading = false;
  var shown = 0;
  var matches = [];
  var STEP = 200;
  var more = document.createElement("button");
  more.type = "button";
  more.className = "show-more";
  more.hidden = true;
  table.parentNode.insertAdjacentElement("afterend", more);
  form.hidden = false;

  function load(then) {
    if (index) { then(); return; }
    if (loading) return;
    loading = true;
    count.textContent = "Loading the item index…";
    var s = document.createElement("script");
    s.src = root + "data/index.js";
    s.onload = function () {
      var data = window.BACKLOG_INDEX;
      index = data.items.map(function (r) {
        var item = {};
        data.fields.forEach(function (f, i) { item[f] = r[i]; });
        item.text = [item.id, item.title, item.owner || "", (item.labels || []).join(" "), item.status]
          .join(" ").toLowerCase();
        return item;
      });
      then();
    };
    s.onerror = function () { count.textContent = "The item index could not be loaded."; };
    document.head.appendChild(s);
  }

  function active() {
    return q.value.trim() !== "" || fStatus.value !== "" || fLabel.value !== "" || fOwner.value !== "";
  }

  function cell(tr, cls, text) {
    var td = document.createElement("td");
    if (cls) td.className = cls;
    if (text !== undefined && text !== null) td.textContent = String(text);
    tr.appendChild(td);
    return td;
  }

  function row(item) {
    var tr = document.createElement("tr");
    cell(tr, "num", item.position || "");
    cell(tr, "id", item.id);
    var t = cell(tr, "title");
    var a = document.createElement("a");
    a.href = root + "items/" + item.page;
    a.textContent = item.title;
    t.appendChild(a);
    var st = cell(tr, "");
    var badge = document.createElement("span");
    badge.className = "status s-" + String(item.status).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    badge.textContent = item.status;
    st.appendChild(badge);
    cell(tr, "num", item.estimate === null ? "" : item.estimate);
    cell(tr, "", item.owner || "");
    var lt = cell(tr, "");
    if (item.labels && item.labels.length) {
      var ul = document.createElement("ul");
      ul.className = "labels";
      item.labels.forEach(function (l) {
        var li = document.createElement("li");
        li.textContent = l;
        ul.appendChild(li);
      });
      lt.appendChild(ul);
    }
    if (item.ready === null) cell(tr, "ready na", "closed");
    else if (item.ready) cell(tr, "ready yes", "✓ ready");
    else cell(tr, "ready no", "needs " + item.needs);
    return tr;
  }

  function renderMore() {
    var frag = document.createDocumentFragment();
    var end = Math.min(matches.length, shown + STEP);
    for (var i = shown; i < end; i++) frag.appendChild(row(matches[i]));
    tbody.appendChild(frag);
    shown = end;
    more.hidden = shown >= matches.length;
    more.textContent = "Show " + Math.min(STEP, matches.length - shown) + " more of " + (matches.length - shown);
  }

  function apply() {
    if (!active()) {
      tbody.replaceWith(staticRows.cloneNode(true));
      tbody = table.tBodies[0];
      if (pager) pager.hidden = false;
      more.hidden = true;
      count.textContent = "";
      updateUrl();
      return;
    }
    load(function () {
      var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
      var status = fStatus.value, label = fLabel.value, owner = fOwner.value;
      matches = index.filter(function (it) {
        if (status === "" && it.ready === null) return false;
        if (status !== "" && status !== "*" && it.status !== status) return false;
        if (label !== "" && (it.labels || []).indexOf(label) < 0) return false;
        if (owner === "-" && it.owner) return false;
        if (owner !== "" && owner !== "-" && it.owner !== owner) return false;
        for (var i = 0; i < words.length; i++) if (it.text.indexOf(words[i]) < 0) return false;
        return true;
      });
      var fresh = document.createElement("tbody");
      tbody.replaceWith(fresh);
      tbody = fresh;
      shown = 0;
      if (pager) pager.hidden = true;
      if (matches.length === 0) {
        var tr = document.createElement("tr");
        var td = cell(tr, "", "No item matches.");
        td.colSpan = 8;
        tbody.appendChild(tr);
      }
      renderMore();
      count.textContent = matches.length + (matches.length === 1 ? " item matches" : " items match");
      updateUrl();
    });
  }

  function updateUrl() {
    if (!window.history || !history.replaceState) return;
    var p = new URLSearchParams();
    if (q.value.trim()) p.set("q", q.value.trim());
    if (fStatus.value) p.set("status", fStatus.value);
    if (fLabel.value) p.set("label", fLabel.value);
    if (fOwner.value) p.set("owner", fOwner.value);
    var s = p.toString();
    try { history.replaceState(null, "", s ? "?" + s : location.pathname); } catch (e) { /* file:// in some browsers */ }
  }

  function choose(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { select.value = value; return; }
    }
  }

  var timer = null;
  q.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(apply, 120);
  });
  q.addEventListener("focus", function () { load(function () { if (!active()) count.textContent = ""; }); });
  [fStatus, fLabel, fOwner].forEach(function (s) { s.addEventListener("change", apply); });
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  more.addEventListener("click", renderMore);
  document.addEventListener("keydown", function (e) {
    var tag = (e.target && e.target.tagName) || "";
    if (e.key === "/" && tag !== "INPUT" && tag !== "SELECT" && tag !== "TEXTAREA") {
      e.preventDefault();
      q.focus();
    } else if (e.key === "Escape" && e.target === q && q.value) {
      q.value = "";
      apply();
    }
  });

  var params = new URLSearchParams(location.search);
  if (params.get("q")) q.value = params.get("q");
  if (params.get("status")) choose(fStatus, params.get("status"));
  if (params.get("label")) choose(fLabel, params.get("label"));
  if (params.get("owner")) choose(fOwner, params.get("owner"));
  if (active()) apply();
})();

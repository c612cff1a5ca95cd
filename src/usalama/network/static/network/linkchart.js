/* usalama link chart: Cytoscape.js over the session JSON of /network/api/.
 * Every fetch goes through the server's access gate and audit log; nothing is cached here
 * beyond what is on screen. Strings come translated from data-s-* attributes. */
(function () {
  "use strict";
  var root = document.getElementById("linkchart");
  if (!root || typeof cytoscape === "undefined") { return; }
  var D = root.dataset;
  var csrf = root.querySelector("[name=csrfmiddlewaretoken]").value;
  var $ = function (id) { return document.getElementById(id); };
  var PALETTE = ["#0b5d4b", "#d9822b", "#2f6db5", "#b5312f", "#7a4fb0", "#3c9a3c", "#a0522d",
    "#c2408a", "#4f8f99", "#8a7a12", "#5b6475", "#e0a800"];
  var SCHEMA_COLOURS = { Person: "#2f6db5", Company: "#d9822b", Organization: "#b5312f",
    LegalEntity: "#a0522d", BankAccount: "#3c9a3c", CryptoWallet: "#7a4fb0", Address: "#5b6475",
    Vehicle: "#4f8f99" };
  var BIG = 400, HUGE = 1500;
  // link types as people read them ("Same phone number", not same_phone), from the page
  var RELATION_LABELS = JSON.parse($("lc-relation-labels").textContent);
  function relationLabel(code) { return RELATION_LABELS[code] || code; }
  var picks = { add: null, from: null, to: null };
  var colourMode = "schema";

  var cy = cytoscape({
    container: $("lc-cy"),
    minZoom: 0.05, maxZoom: 4, wheelSensitivity: 0.3,
    textureOnViewport: true, hideEdgesOnViewport: true, pixelRatio: 1,
    style: [
      { selector: "node", style: {
        "background-color": "data(colour)", "label": "data(caption)", "width": "data(size)",
        "height": "data(size)", "font-size": 10, "min-zoomed-font-size": 7,
        "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "ellipsis",
        "text-max-width": 120, "color": "#1d2433", "border-width": 1, "border-color": "#fff" } },
      { selector: "node[schema = 'Company'], node[schema = 'Organization']", style: { "shape": "round-rectangle" } },
      { selector: "node[schema = 'BankAccount'], node[schema = 'CryptoWallet']", style: { "shape": "diamond" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#ffb000" } },
      { selector: "node.pinned", style: { "border-width": 3, "border-color": "#1d2433", "border-style": "double" } },
      { selector: "node.seed", style: { "font-weight": "bold" } },
      { selector: "edge", style: {
        "width": "mapData(weight, 1, 20, 1, 6)", "line-color": "#9aa4b5", "curve-style": "haystack",
        "label": "", "font-size": 8, "opacity": 0.8 } },
      { selector: "edge[relation ^= 'same_']", style: { "line-style": "dashed", "line-color": "#c2408a" } },
      { selector: "edge:selected", style: { "line-color": "#ffb000", "width": 5, "label": "data(relation_label)" } },
      { selector: ".hidden", style: { "display": "none" } },
      { selector: "edge.onpath", style: { "line-color": "#d9822b", "width": 6, "opacity": 1, "z-index": 10,
        "label": "data(relation_label)", "text-background-color": "#fff", "text-background-opacity": 0.9,
        "curve-style": "bezier" } },
      { selector: "node.onpath", style: { "border-width": 4, "border-color": "#d9822b", "font-weight": "bold", "font-size": 12,
        "text-max-width": 220 } },
      { selector: ".faded", style: { "opacity": 0.15 } },
      { selector: ".inwindow", style: { "line-color": "#d9822b", "opacity": 1 } }
    ]
  });

  // --- helpers ---------------------------------------------------------------------------
  function status(text) { $("lc-status").textContent = text || ""; }
  function counts() {
    status(cy.nodes().length + " " + D.sNodes + " · " + cy.edges().length + " " + D.sEdges);
  }
  function esc(text) {
    var div = document.createElement("div"); div.textContent = text == null ? "" : String(text); return div.innerHTML;
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(answer);
  }
  function postJSON(url, body, raw) {
    return fetch(url, { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body) }).then(raw ? rawAnswer : answer);
  }
  function rawAnswer(r) { if (!r.ok) { throw new Error(D.sError + " (" + r.status + ")"); } return r.blob(); }
  function answer(r) {
    return r.json().catch(function () { return {}; }).then(function (body) {
      if (!r.ok) { throw new Error(body.message || D.sError + " (" + r.status + ")"); }
      return body;
    });
  }
  function fail(error) { status(error.message || D.sError); }
  function colourFor(node) {
    if (colourMode === "community" && node.community != null) { return PALETTE[node.community % PALETTE.length]; }
    return SCHEMA_COLOURS[node.schema] || "#8a94a6";
  }
  function filters() {
    var params = new URLSearchParams();
    var all = document.querySelectorAll("input[name=lc-type]");
    var types = Array.prototype.filter.call(all, function (c) { return c.checked; }).map(function (c) { return c.value; });
    if (types.length && types.length < all.length) { params.set("types", types.join(",")); }
    if ($("lc-since").value) { params.set("since", $("lc-since").value); }
    if ($("lc-until").value) { params.set("until", $("lc-until").value); }
    if ($("lc-minw").value) { params.set("min_weight", $("lc-minw").value); }
    return params;
  }

  // --- adding to the chart -----------------------------------------------------------------
  function addGraph(data, around) {
    var added = cy.collection();
    cy.batch(function () {
      (data.nodes || []).forEach(function (n) {
        if (cy.getElementById(n.id).nonempty()) { return; }
        n.colour = colourFor(n); n.size = 22;
        added = added.union(cy.add({ group: "nodes", data: n }));
      });
      (data.edges || []).forEach(function (e) {
        if (cy.getElementById(e.id).nonempty()) { return; }
        if (cy.getElementById(e.source).empty() || cy.getElementById(e.target).empty()) { return; }
        e.relation_label = relationLabel(e.relation);
        cy.add({ group: "edges", data: e });
      });
    });
    if (data.truncated) { status(D.sTruncated); }
    placeNew(added, around);
    drawTimeline();
    return added;
  }
  // New nodes go round the node they came from; a fresh chart gets a full layout.
  function placeNew(added, around) {
    if (added.empty()) { return; }
    var placed = cy.nodes().difference(added);
    if (placed.empty() || !around || around.empty()) { relayout(); return; }
    var centre = around.position();
    var radius = 60 + 8 * Math.sqrt(added.length) * 6;
    added.forEach(function (node, i) {
      var angle = (2 * Math.PI * i) / added.length;
      node.position({ x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) });
    });
    cy.animate({ fit: { eles: around.union(added), padding: 40 } }, { duration: 0 });
  }
  function relayout() {
    var n = cy.nodes(":visible").length;
    var options;
    if (n > HUGE) { options = { name: "grid", avoidOverlap: false, animate: false }; }
    else if (n > BIG) {
      options = { name: "concentric", animate: false, minNodeSpacing: 4,
        concentric: function (node) { return node.degree(); }, levelWidth: function () { return 4; } };
    } else {
      options = { name: "cose", animate: false, randomize: true, nodeRepulsion: function () { return 9000; },
        idealEdgeLength: function () { return 70; }, numIter: 1200 };
    }
    cy.elements(":visible").layout(options).run();
    cy.fit(undefined, 30);
  }
  function expand(ids) {
    if (!ids.length) { return Promise.resolve(); }
    var params = filters();
    params.set("hops", $("lc-hops").value);
    ids.forEach(function (id) { params.append("node", id); });
    status(D.sLoading);
    var around = cy.getElementById(ids[0]);
    return getJSON(D.urlExpand + "?" + params.toString()).then(function (data) {
      addGraph(data, around.nonempty() ? around : null);
      data.seeds.forEach(function (id) { cy.getElementById(id).addClass("seed"); });
      if (!data.truncated) { counts(); }
      refreshMeasures();
    }).catch(fail);
  }

  // --- side panel --------------------------------------------------------------------------
  function provenanceTable(rows) {
    if (!rows.length) { return ""; }
    var html = "<table><thead><tr><th>" + esc(D.sAgency) + "</th><th>" + esc(D.sCollection) + "</th><th>" +
      esc(D.sSource) + "</th><th>" + esc(D.sProperty) + "</th><th>" + esc(D.sValue) + "</th></tr></thead><tbody>";
    rows.forEach(function (p) {
      html += "<tr><td>" + esc(p.agency) + "</td><td>" + esc(p.collection) + "</td><td>" + esc(p.source) +
        (p.row ? " · " + esc(D.sRow) + " " + esc(p.row) : "") + "</td><td>" + esc(p.property) +
        "</td><td>" + esc(p.value.length > 40 ? p.value.slice(0, 40) + "…" : p.value) + "</td></tr>";
    });
    return html + "</tbody></table>";
  }
  function showNode(node) {
    getJSON(D.urlNode.replace("NODE", encodeURIComponent(node.id()))).then(function (info) {
      var html = "<h3>" + esc(info.caption) + "</h3><p><span class='schema'>" + esc(info.schema_label || info.schema) + "</span> · " +
        esc(info.links) + " " + esc(Number(info.links) === 1 ? D.sLink : D.sLinks) + "</p>";
      if (node.data("community") != null) { html += "<p>" + esc(D.sCommunity) + " " + esc(node.data("community")) + "</p>"; }
      html += "<div class='lc-buttons'><button type='button' data-act='expand'>" + esc(D.sExpand) +
        "</button><button type='button' data-act='pin'>" + esc(D.sPin) + "</button><button type='button' data-act='hide'>" +
        esc(D.sHide) + "</button></div><h2>" + esc(D.sRecords) + "</h2><ul>";
      info.entities.forEach(function (id) {
        html += "<li><a href='" + D.urlEntity.replace("ENTITY", encodeURIComponent(id)) + "'>" + esc(id) + "</a></li>";
      });
      html += "</ul><table><tbody>";
      info.collections.forEach(function (c) {
        html += "<tr><td>" + esc(c.agency) + "</td><td>" + esc(c.label) + "</td><td>" + esc(c.handling) + "</td></tr>";
      });
      $("lc-panel").innerHTML = html + "</tbody></table>";
      $("lc-panel").querySelectorAll("[data-act]").forEach(function (b) {
        b.addEventListener("click", function () {
          var act = b.dataset.act;
          if (act === "expand") { expand([node.id()]); }
          if (act === "pin") { togglePin(node); }
          if (act === "hide") { node.addClass("hidden"); }
        });
      });
    }).catch(fail);
  }
  function showEdge(edge) {
    var d = edge.data();
    var html = "<h3>" + esc(relationLabel(d.relation)) + "</h3><p>" + esc(cy.getElementById(d.source).data("caption")) + " — " +
      esc(cy.getElementById(d.target).data("caption")) + "</p><p class='hint'>" + esc(d.label || "") +
      (d.first_date ? " · " + esc(d.first_date) + (d.last_date && d.last_date !== d.first_date ? " → " + esc(d.last_date) : "") : "") +
      " · ×" + esc(d.count) + "</p>";
    $("lc-panel").innerHTML = html + "<p>" + esc(D.sLoading) + "</p>";
    postJSON(D.urlProvenance, { statements: d.statements.slice(0, 2000) }).then(function (body) {
      $("lc-panel").innerHTML = html + "<h2>" + esc(D.sSource) + "</h2>" + provenanceTable(body.provenance);
    }).catch(fail);
  }
  function togglePin(node) {
    if (node.locked()) { node.unlock(); node.removeClass("pinned"); } else { node.lock(); node.addClass("pinned"); }
  }
  cy.on("tap", "node", function (evt) { showNode(evt.target); });
  cy.on("tap", "edge", function (evt) { showEdge(evt.target); });
  cy.on("dbltap", "node", function (evt) { expand([evt.target.id()]); });

  // --- search boxes --------------------------------------------------------------------------
  document.querySelectorAll("input[data-pick]").forEach(function (input) {
    var which = input.dataset.pick;
    var list = $(input.id + "-list");
    var timer = null;
    input.addEventListener("input", function () {
      picks[which] = null;
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { list.innerHTML = ""; return; }
      timer = setTimeout(function () {
        getJSON(D.urlSearch + "?q=" + encodeURIComponent(q)).then(function (body) {
          list.innerHTML = "";
          body.results.forEach(function (hit) {
            var li = document.createElement("li");
            li.tabIndex = 0;
            li.dataset.id = hit.id;
            li.innerHTML = esc(hit.caption) + "<small>" + esc(hit.schema) + " · " + esc(hit.agencies.join(", ")) + "</small>";
            var choose = function () {
              picks[which] = hit; input.value = hit.caption; list.innerHTML = "";
              if (which === "add") { expand([hit.id]); }
            };
            li.addEventListener("click", choose);
            li.addEventListener("keydown", function (e) { if (e.key === "Enter") { choose(); } });
            list.appendChild(li);
          });
        }).catch(fail);
      }, 250);
    });
  });

  // --- paths -------------------------------------------------------------------------------
  $("lc-findpath").addEventListener("click", function () {
    var out = $("lc-path-result");
    if (!picks.from || !picks.to) { out.textContent = D.sChooseBoth; return; }
    var params = new URLSearchParams({ from: picks.from.id, to: picks.to.id, max_length: "4" });
    if ($("lc-allpaths").checked) { params.set("all", "true"); }
    out.textContent = D.sLoading;
    getJSON(D.urlPath + "?" + params.toString()).then(function (body) {
      cy.elements().removeClass("onpath faded");
      if (!body.paths.length) { out.innerHTML = "<p>" + esc(D.sNoPath) + "</p>"; return; }
      var edges = [];
      body.paths.forEach(function (p) { p.hops.forEach(function (h) { edges = edges.concat(h.edges); }); });
      addGraph({ nodes: body.nodes, edges: edges }, cy.getElementById(body.from));
      var names = {};
      body.nodes.forEach(function (n) { names[n.id] = n.caption; });
      var onPath = cy.collection();
      var html = "";
      body.paths.forEach(function (p, k) {
        html += "<p class='found'>" + esc(D.sPathFound) + (body.paths.length > 1 ? " " + (k + 1) : "") + ": " + p.length + " " + esc(D.sHops) + "</p><ol>";
        p.path.forEach(function (id) { onPath = onPath.union(cy.getElementById(id)); });
        p.hops.forEach(function (h) {
          var why = h.edges.map(function (e) {
            onPath = onPath.union(cy.getElementById(e.id));
            var where = (e.provenance || []).map(function (s) { return s.agency + " · " + s.collection + " · " + s.source + (s.row ? " #" + s.row : ""); });
            var unique = where.filter(function (w, i) { return where.indexOf(w) === i; });
            return "<span class='rel'>" + esc(relationLabel(e.relation)) + "</span> " + esc(e.label || "") + "<br><small>" + esc(unique.join("; ")) + "</small>";
          }).join("<br>");
          html += "<li><b>" + esc(names[h.from]) + "</b> → <b>" + esc(names[h.to]) + "</b><br>" + why + "</li>";
        });
        html += "</ol>";
      });
      out.innerHTML = html;
      cy.elements().not(onPath).addClass("faded");
      onPath.addClass("onpath");
      var pathNodes = onPath.nodes();
      if (cy.nodes().length <= pathNodes.length + 2) {
        // A fresh chart holding only the path: lay it out left to right, in order.
        var order = body.paths[0].path;
        order.forEach(function (id, i) { cy.getElementById(id).position({ x: i * 170, y: (i % 2) * 50 }); });
        pathNodes.not(cy.collection(order.map(function (id) { return cy.getElementById(id); }))).forEach(function (n, i) {
          n.position({ x: (i + 1) * 170, y: 160 });
        });
      }
      // Fit to the nodes only: the bounding box of an edge added in this same tick is computed
      // before Cytoscape has drawn it, cached empty, and the edge is then never drawn.
      cy.fit(onPath.nodes(), 60);
      counts();
    }).catch(function (error) { out.textContent = error.message; });
  });
  cy.on("tap", function (evt) { if (evt.target === cy) { cy.elements().removeClass("faded"); } });

  // --- colour, size, communities --------------------------------------------------------------
  function refreshMeasures() {
    var measure = $("lc-size").value;
    if (colourMode !== "community" && !measure) { recolour(); return Promise.resolve(); }
    var ids = cy.nodes().map(function (n) { return n.id(); });
    return postJSON(D.urlScores, { nodes: ids, measure: measure || "degree" }).then(function (body) {
      var max = 0;
      cy.nodes().forEach(function (n) {
        n.data("community", body.community[n.id()]);
        n.data("score", body.score[n.id()] || 0);
        max = Math.max(max, n.data("score"));
      });
      cy.batch(function () {
        cy.nodes().forEach(function (n) {
          n.data("size", measure && max > 0 ? 14 + 46 * Math.sqrt(n.data("score") / max) : 22);
        });
      });
      recolour();
      showPlayers(measure);
    }).catch(fail);
  }
  function recolour() {
    cy.batch(function () { cy.nodes().forEach(function (n) { n.data("colour", colourFor(n.data())); }); });
  }
  function showPlayers(measure) {
    var list = $("lc-players");
    list.innerHTML = "";
    if (!measure) { return; }
    cy.nodes().sort(function (a, b) { return b.data("score") - a.data("score"); }).slice(0, 8).forEach(function (n) {
      var li = document.createElement("li");
      li.textContent = n.data("caption") + " (" + Number(n.data("score")).toPrecision(3) + ")";
      list.appendChild(li);
    });
  }
  $("lc-colour").addEventListener("change", function () { colourMode = this.value; refreshMeasures(); });
  $("lc-size").addEventListener("change", function () { refreshMeasures(); });
  $("lc-group").addEventListener("click", function () {
    colourMode = "community"; $("lc-colour").value = "community";
    refreshMeasures().then(function () {
      var groups = {};
      cy.nodes(":visible").forEach(function (n) {
        var c = n.data("community"); c = c == null ? -1 : c; (groups[c] = groups[c] || []).push(n);
      });
      var keys = Object.keys(groups).sort(function (a, b) { return groups[b].length - groups[a].length; });
      var columns = Math.ceil(Math.sqrt(keys.length));
      var cell = 40 + 14 * Math.sqrt(cy.nodes().length);
      keys.forEach(function (key, k) {
        var members = groups[key], cx = (k % columns) * cell * 2.2, cyy = Math.floor(k / columns) * cell * 2.2;
        var r = members.length > 1 ? Math.min(cell, 12 * Math.sqrt(members.length) + 20) : 0;
        members.forEach(function (n, i) {
          if (n.locked()) { return; }
          var a = (2 * Math.PI * i) / members.length;
          n.position({ x: cx + r * Math.cos(a), y: cyy + r * Math.sin(a) });
        });
      });
      cy.fit(undefined, 30);
    });
  });
  if ($("lc-share")) {
    // Share the selected nodes' records (a node groups resolved records) on the Sharing page.
    $("lc-share").addEventListener("click", function () {
      var ids = [];
      cy.nodes(":selected").forEach(function (n) { (n.data("entities") || [n.id()]).forEach(function (id) { ids.push(id); }); });
      if (!ids.length) { return; }
      window.location.href = D.urlShare + "?" + ids.map(function (id) { return "entity=" + encodeURIComponent(id); }).join("&");
    });
  }
  $("lc-layout").addEventListener("click", relayout);
  $("lc-pin").addEventListener("click", function () { cy.nodes(":selected").forEach(togglePin); });
  $("lc-hide").addEventListener("click", function () { cy.elements(":selected").addClass("hidden"); counts(); });
  $("lc-showall").addEventListener("click", function () { cy.elements().removeClass("hidden"); });
  $("lc-clear").addEventListener("click", function () {
    cy.elements().remove(); drawTimeline(); counts(); $("lc-path-result").innerHTML = "";
  });

  // --- timeline -----------------------------------------------------------------------------
  function drawTimeline() {
    var svg = $("lc-timeline");
    var width = svg.clientWidth || 600, height = 90;
    var dated = cy.edges().filter(function (e) { return !!e.data("first_date"); });
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var ns = "http://www.w3.org/2000/svg";
    var text = function (x, y, s, anchor) {
      var t = document.createElementNS(ns, "text"); t.setAttribute("x", x); t.setAttribute("y", y);
      if (anchor) { t.setAttribute("text-anchor", anchor); } t.textContent = s; svg.appendChild(t);
    };
    if (!dated.length) { text(8, 20, D.sUndated); return; }
    var years = dated.map(function (e) { return e.data("first_date").slice(0, 4); });
    var lo = Math.min.apply(null, years.map(Number)), hi = Math.max.apply(null, years.map(Number));
    var byMonth = hi - lo < 3;
    var keyOf = function (e) { return e.data("first_date").slice(0, byMonth ? 7 : 4); };
    var buckets = {};
    dated.forEach(function (e) { var k = keyOf(e); (buckets[k] = buckets[k] || []).push(e); });
    var keys = [];
    for (var y = lo; y <= hi; y++) {
      if (byMonth) { for (var m = 1; m <= 12; m++) { keys.push(y + "-" + (m < 10 ? "0" : "") + m); } } else { keys.push(String(y)); }
    }
    var first = keys.indexOf(Object.keys(buckets).sort()[0]), last = keys.indexOf(Object.keys(buckets).sort().pop());
    keys = keys.slice(first, last + 1);
    var max = Math.max.apply(null, keys.map(function (k) { return (buckets[k] || []).length; }));
    var bw = Math.min(48, Math.max(2, (width - 20) / keys.length));
    keys.forEach(function (k, i) {
      var n = (buckets[k] || []).length;
      var h = n ? Math.max(2, (height - 26) * n / max) : 0;
      var rect = document.createElementNS(ns, "rect");
      rect.setAttribute("class", "bar"); rect.setAttribute("x", 10 + i * bw); rect.setAttribute("width", Math.max(1, bw - 1));
      rect.setAttribute("y", height - 16 - h); rect.setAttribute("height", h);
      var title = document.createElementNS(ns, "title"); title.textContent = k + ": " + n; rect.appendChild(title);
      rect.addEventListener("click", function () {
        cy.edges().removeClass("inwindow"); cy.collection(buckets[k] || []).addClass("inwindow");
      });
      svg.appendChild(rect);
    });
    text(10, height - 3, keys[0]); text(width - 10, height - 3, keys[keys.length - 1], "end");
  }
  window.addEventListener("resize", drawTimeline);

  // --- save and export -----------------------------------------------------------------------
  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = name; document.body.appendChild(a); a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function visibleIds() { return cy.nodes(":visible").map(function (n) { return n.id(); }); }
  function svgOf() {
    var bb = cy.elements(":visible").boundingBox(), pad = 20;
    var w = bb.w + 2 * pad, h = bb.h + 2 * pad, dx = pad - bb.x1, dy = pad - bb.y1;
    var out = ["<svg xmlns='http://www.w3.org/2000/svg' width='" + w + "' height='" + h + "' viewBox='0 0 " + w + " " + h +
      "' font-family='sans-serif' font-size='10'><rect width='100%' height='100%' fill='#fff'/>"];
    cy.edges(":visible").forEach(function (e) {
      var s = e.source().position(), t = e.target().position();
      out.push("<line x1='" + (s.x + dx) + "' y1='" + (s.y + dy) + "' x2='" + (t.x + dx) + "' y2='" + (t.y + dy) +
        "' stroke='" + (e.hasClass("onpath") ? "#d9822b" : "#9aa4b5") + "' stroke-width='" + (e.hasClass("onpath") ? 4 : 1.5) + "'/>");
    });
    cy.nodes(":visible").forEach(function (n) {
      var p = n.position(), r = n.data("size") / 2;
      out.push("<circle cx='" + (p.x + dx) + "' cy='" + (p.y + dy) + "' r='" + r + "' fill='" + n.data("colour") + "'/>" +
        "<text x='" + (p.x + dx) + "' y='" + (p.y + dy + r + 11) + "' text-anchor='middle'>" + esc(n.data("caption")) + "</text>");
    });
    out.push("</svg>");
    return new Blob([out.join("\n")], { type: "image/svg+xml" });
  }
  document.querySelectorAll("[data-export]").forEach(function (button) {
    button.addEventListener("click", function () {
      var fmt = button.dataset.export;
      if (fmt === "png") { download(cy.png({ full: true, bg: "#ffffff", scale: 2, output: "blob" }), "usalama-network.png"); return; }
      if (fmt === "svg") { download(svgOf(), "usalama-network.svg"); return; }
      postJSON(D.urlExport.replace("FMT", fmt), { nodes: visibleIds() }, true).then(function (blob) {
        download(blob, "usalama-network." + fmt);
      }).catch(fail);
    });
  });
  function loadChartList() {
    return getJSON(D.urlCharts).then(function (body) {
      var select = $("lc-charts");
      select.querySelectorAll("option[value]:not([value=''])").forEach(function (o) { o.remove(); });
      body.charts.forEach(function (c) {
        var o = document.createElement("option"); o.value = c.id; o.textContent = c.name + " · " + c.owner;
        select.appendChild(o);
      });
    }).catch(fail);
  }
  $("lc-save").addEventListener("click", function () {
    var name = $("lc-name").value.trim();
    if (!name) { status(D.sNameNeeded); return; }
    var layout = {
      nodes: cy.nodes().map(function (n) {
        return { id: n.id(), x: n.position("x"), y: n.position("y"), pinned: n.locked(), hidden: n.hasClass("hidden") };
      }),
      options: { colour: colourMode, size: $("lc-size").value }
    };
    postJSON(D.urlCharts, { name: name, layout: layout }).then(function () { status(D.sSaved); loadChartList(); }).catch(fail);
  });
  function openChart(id) {
    return getJSON(D.urlCharts + "/" + encodeURIComponent(id)).then(function (chart) {
      var nodes = chart.layout.nodes;
      return postJSON(D.urlSubgraph, { nodes: nodes.map(function (n) { return n.id; }) }).then(function (data) {
        cy.elements().remove();
        addGraph(data, null);
        nodes.forEach(function (n) {
          var node = cy.getElementById(n.id);
          if (node.empty()) { return; }
          node.position({ x: n.x, y: n.y });
          if (n.pinned) { node.lock(); node.addClass("pinned"); }
          if (n.hidden) { node.addClass("hidden"); }
        });
        var options = chart.layout.options || {};
        colourMode = options.colour || "schema"; $("lc-colour").value = colourMode; $("lc-size").value = options.size || "";
        refreshMeasures(); cy.fit(undefined, 30); counts(); $("lc-name").value = chart.name;
      });
    }).catch(fail);
  }
  $("lc-charts").addEventListener("change", function () { if (this.value) { openChart(this.value); } });

  loadChartList();
  drawTimeline();
  if (D.startChart) { openChart(D.startChart); } else if (D.startNode) { expand([D.startNode]); }
})();

/* Live map of plate hits: polls the hits endpoint every 5 s and draws each hit once.
   No tile server is needed; a tile URL comes from the map's data-tiles attribute. */
(function () {
  "use strict";
  var holder = document.getElementById("anpr-map");
  if (!holder) { return; }
  var table = document.querySelector("#anpr-hits tbody");
  var empty = document.getElementById("anpr-empty");
  var map = null;
  var layer = null;
  if (typeof L !== "undefined") {
    map = L.map(holder, { zoomSnap: 0.25 }).setView([-1.286, 36.817], 11);
    var tiles = holder.getAttribute("data-tiles");
    if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); } else { holder.classList.add("blank"); }
    layer = L.layerGroup().addTo(map);
  }
  var shown = {};
  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }
  function draw(hits) {
    var fresh = [];
    hits.forEach(function (hit) {
      if (shown[hit.alert]) { return; }
      shown[hit.alert] = true;
      fresh.push(hit);
      var row = document.createElement("tr");
      row.className = "anpr-hit";
      row.setAttribute("data-alert", hit.alert);
      cell(row, hit.plate); cell(row, hit.read); cell(row, hit.camera);
      cell(row, hit.seen_at.replace("T", " ").slice(0, 19)); cell(row, hit.watchlist); cell(row, hit.reason);
      table.insertBefore(row, table.firstChild);
      if (layer) {
        L.circleMarker([hit.lat, hit.lon], { radius: 9, color: "#8b0000", fillOpacity: 0.8 })
          .bindTooltip(hit.plate + " · " + hit.camera).addTo(layer);
      }
    });
    if (empty) { empty.hidden = Object.keys(shown).length > 0; }
    if (map && fresh.length) {
      var last = fresh[0];
      map.setView([last.lat, last.lon], Math.max(map.getZoom(), 12));
    }
  }
  function poll() {
    fetch(holder.getAttribute("data-source"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { hits: [] }; })
      .then(function (data) { draw(data.hits); })
      .catch(function () { /* keep the last view; try again on the next tick */ });
  }
  poll();
  window.setInterval(poll, 5000);
}());

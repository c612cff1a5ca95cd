/* Call records on the map: cell sites as sectors (azimuth and beam width; a circle when the
   list gives no direction), the chosen pair's movement trails, and where they met.
   Data comes from the page (json_script "comms-map-data"); no other host is contacted. */
(function () {
  "use strict";
  var holder = document.getElementById("comms-map");
  var source = document.getElementById("comms-map-data");
  if (!holder || !source || typeof L === "undefined") { return; }
  var data = JSON.parse(source.textContent || "{}");
  var map = L.map(holder, { zoomSnap: 0.25 }).setView([-1.2864, 36.8172], 11);
  var tiles = holder.getAttribute("data-tiles");
  if (tiles) { L.tileLayer(tiles, { maxZoom: 19 }).addTo(map); } else { holder.classList.add("blank"); }
  if (window.usalamaBasemap) { window.usalamaBasemap.addTo(map); }
  var bounds = [];
  var EARTH = 6371008.8;

  function offset(lat, lon, metres, bearing) {
    var d = metres / EARTH, b = bearing * Math.PI / 180;
    var p1 = lat * Math.PI / 180, l1 = lon * Math.PI / 180;
    var p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
    var l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
    return [p2 * 180 / Math.PI, l2 * 180 / Math.PI];
  }

  function sector(cell) {
    var radius = cell.range || 500;
    if (cell.azimuth === null || cell.azimuth === undefined || !cell.beam) {
      return L.circle([cell.lat, cell.lon], { radius: Math.min(radius, 800), weight: 1, color: "#555", fillOpacity: 0.05 });
    }
    var points = [[cell.lat, cell.lon]];
    var start = cell.azimuth - cell.beam / 2, steps = 12;
    for (var i = 0; i <= steps; i += 1) {
      points.push(offset(cell.lat, cell.lon, radius, start + cell.beam * i / steps));
    }
    return L.polygon(points, { weight: 1, color: "#555", fillOpacity: 0.12 });
  }

  (data.cells || []).forEach(function (cell) {
    sector(cell).bindTooltip(cell.name).addTo(map);
    L.circleMarker([cell.lat, cell.lon], { radius: 3, color: "#333", weight: 1 }).addTo(map);
    bounds.push([cell.lat, cell.lon]);
  });
  var colours = ["#1f5fbf", "#e07b00"];
  (data.trails || []).forEach(function (trail, index) {
    var points = trail.points.map(function (p) { return [p[0], p[1]]; });
    if (!points.length) { return; }
    L.polyline(points, { color: colours[index % 2], weight: 3, opacity: 0.8 }).bindTooltip(trail.number).addTo(map);
    trail.points.forEach(function (p) {
      L.circleMarker([p[0], p[1]], { radius: 4, color: colours[index % 2], fillOpacity: 0.9 })
        .bindTooltip(trail.number + " · " + p[2].replace("T", " ").slice(0, 16)).addTo(map);
    });
  });
  (data.meetings || []).forEach(function (m) {
    L.circleMarker([m.lat, m.lon], { radius: 12, color: "#b00020", weight: 3, fillOpacity: 0.2, className: "comms-meeting" })
      .bindTooltip(m.at.replace("T", " ").slice(0, 16)).addTo(map);
    bounds.push([m.lat, m.lon]);
  });
  holder.setAttribute("data-meetings", String((data.meetings || []).length));
  if (data.meetings && data.meetings.length) {
    map.fitBounds(data.meetings.map(function (m) { return [m.lat, m.lon]; }), { maxZoom: 14, padding: [40, 40] });
  } else if (bounds.length) {
    map.fitBounds(bounds, { maxZoom: 14, padding: [20, 20] });
  }
}());

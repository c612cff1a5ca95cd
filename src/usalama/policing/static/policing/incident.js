/* One incident's place on a Leaflet map. No tile server is needed: without one the marker
   sits on a plain background with a scale bar (the coordinates are printed under the map). */
(function () {
  "use strict";
  var holder = document.getElementById("incident-map");
  var data = document.getElementById("incident-location");
  if (!holder || !data || typeof L === "undefined") { return; }
  var place = JSON.parse(data.textContent);
  var map = L.map(holder).setView([place.lat, place.lon], 15);
  var tiles = holder.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
  } else {
    holder.classList.add("blank");
  }
  L.circleMarker([place.lat, place.lon], { radius: 9, color: "#b10026", fillOpacity: 0.8 })
    .bindTooltip(place.label).addTo(map);
  L.control.scale({ imperial: false, metric: true }).addTo(map);
}());

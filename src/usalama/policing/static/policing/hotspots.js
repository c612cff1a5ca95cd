/* Draw the forecast cells (inline GeoJSON) on a Leaflet map.
   No tile server is needed: without one the cells sit on a plain background; a tile URL
   comes from settings.LEAFLET_CONFIG["TILES"] through the map's data-tiles attribute. */
(function () {
  "use strict";
  var holder = document.getElementById("hotspot-map");
  var data = document.getElementById("hotspot-cells");
  if (!holder || !data || typeof L === "undefined") { return; }
  var cells = JSON.parse(data.textContent);
  var map = L.map(holder, { zoomSnap: 0.25, attributionControl: true });
  var tiles = holder.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
  } else {
    holder.classList.add("blank");
  }
  function colour(rank) {
    if (rank <= 10) { return "#b10026"; }
    if (rank <= 25) { return "#fc4e2a"; }
    return "#feb24c";
  }
  var layer = L.geoJSON(cells, {
    style: function (feature) {
      var rank = feature.properties.rank;
      return { color: "#4a1a00", weight: 1, fillColor: colour(rank), fillOpacity: 0.75 };
    },
    onEachFeature: function (feature, shape) {
      var p = feature.properties;
      shape.bindTooltip("#" + p.rank + " · cell " + p.cell_id + " · " + Number(p.score).toFixed(2));
    }
  }).addTo(map);
  // Frame the strongest cells: a few isolated low-ranked cells far out would shrink the rest.
  var bounds = L.latLngBounds([]);
  layer.eachLayer(function (shape) {
    if (shape.feature.properties.rank <= 25) { bounds.extend(shape.getBounds()); }
  });
  if (!bounds.isValid()) { bounds = layer.getBounds(); }
  if (bounds.isValid()) { map.fitBounds(bounds.pad(0.08)); }
  L.control.scale({ imperial: true, metric: true }).addTo(map);
}());

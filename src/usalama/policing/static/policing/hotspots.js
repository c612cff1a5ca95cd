/* Draw the forecast cells (inline GeoJSON) on a Leaflet map, over usalama's offline base map
   (county boundaries and towns, web/basemap.js). A tile server is optional: its URL comes from
   settings.LEAFLET_CONFIG["TILES"] through the map's data-tiles attribute. The forecast arrives
   as an htmx fragment, so drawing runs on load and after each swap. */
(function () {
  "use strict";
  function colour(rank) {
    if (rank <= 10) { return "#b10026"; }
    if (rank <= 25) { return "#fc4e2a"; }
    return "#feb24c";
  }
  function draw() {
    var holder = document.getElementById("hotspot-map");
    var data = document.getElementById("hotspot-cells");
    if (!holder || !data || typeof L === "undefined" || holder.getAttribute("data-drawn")) { return; }
    holder.setAttribute("data-drawn", "1");
    var cells = JSON.parse(data.textContent);
    var map = L.map(holder, { zoomSnap: 0.25, attributionControl: true });
    var tiles = holder.getAttribute("data-tiles");
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19 }).addTo(map);
    }
    if (window.usalamaBasemap) { window.usalamaBasemap.addTo(map, { labelZoom: 10 }); }
    var layer = L.geoJSON(cells, {
      style: function (feature) {
        var rank = feature.properties.rank;
        return { color: "#4a1a00", weight: 1, fillColor: colour(rank), fillOpacity: 0.75 };
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        shape.bindTooltip("#" + p.rank + " · " + p.cell_id + " · " + Number(p.score).toFixed(2));
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
  }
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
  });
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
  document.addEventListener("htmx:afterSettle", draw);
}());

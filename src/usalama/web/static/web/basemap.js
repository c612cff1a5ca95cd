/* usalama's offline base map: Kenya's 47 county boundaries and the towns of East Africa drawn
   as vector layers under whatever a page puts on a Leaflet map. No tile server, no other host:
   the layers come from /geo/basemap.json (data shipped in usalama/data/geo).

   Use (see docs/maps.md):
     {% include "web/_basemap.html" %}             loads Leaflet, this file and its styles
     usalamaBasemap.addTo(map)                      under your own layers, from your script
     <div class="map" data-basemap data-lat="-1.2864" data-lon="36.8172" data-label="Central">
                                                    a map drawn by this file alone, with a pin
*/
(function () {
  "use strict";
  var cache = null;

  function source() {
    var tag = document.querySelector("script[data-basemap-src]");
    return tag ? tag.getAttribute("data-basemap-src") : "/geo/basemap.json";
  }

  function load() {
    if (!cache) {
      cache = fetch(source(), { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) { throw new Error("base map: " + r.status); }
        return r.json();
      });
    }
    return cache;
  }

  function attributionHtml(items) {
    return items.map(function (item) {
      var a = document.createElement("a");
      a.href = item[1];
      a.textContent = item[0];
      a.rel = "license noopener";
      return a.outerHTML;
    }).join(" · ");
  }

  function addTo(map, options) {
    options = options || {};
    if (!map.getPane("basemap")) {
      map.createPane("basemap").style.zIndex = 250;  // under overlays (400) and markers
      map.createPane("basemapLabels").style.zIndex = 260;
    }
    var group = L.layerGroup().addTo(map);
    return load().then(function (data) {
      L.geoJSON(data.counties, {
        pane: "basemap",
        interactive: false,
        style: { color: "#8a8f98", weight: 1, fillColor: "#eef0e6", fillOpacity: 1 }
      }).addTo(group);
      var towns = L.layerGroup();
      data.places.forEach(function (p) {
        if (options.countries && options.countries.indexOf(p[3]) < 0) { return; }
        L.circleMarker([p[1], p[2]], {
          pane: "basemapLabels", interactive: false, radius: 2.5, weight: 1,
          color: "#333", fillColor: "#fff", fillOpacity: 1
        }).bindTooltip(p[0], {
          permanent: true, direction: "right", className: "basemap-place", offset: [3, 0]
        }).addTo(towns);
      });
      function showTowns() {
        // town names only once zoomed in far enough to read them
        if (map.getZoom() >= (options.labelZoom || 9)) { towns.addTo(group); } else { group.removeLayer(towns); }
      }
      map.on("zoomend", showTowns);
      showTowns();
      if (map.attributionControl) { map.attributionControl.addAttribution(attributionHtml(data.attribution)); }
      return data;
    });
  }

  function standalone(holder) {
    var lat = parseFloat(holder.getAttribute("data-lat"));
    var lon = parseFloat(holder.getAttribute("data-lon"));
    var map = L.map(holder, { zoomSnap: 0.25 });
    if (isFinite(lat) && isFinite(lon)) {
      map.setView([lat, lon], parseFloat(holder.getAttribute("data-zoom")) || 12);
      var pin = L.circleMarker([lat, lon], { radius: 7, color: "#b10026", fillColor: "#fc4e2a", fillOpacity: 0.9 });
      var label = holder.getAttribute("data-label");
      if (label) { pin.bindTooltip(label, { permanent: true, direction: "top" }); }
      pin.addTo(map);
    } else {
      map.fitBounds([[-4.9, 33.8], [5.1, 42.0]]);  // Kenya
    }
    L.control.scale({ metric: true, imperial: false }).addTo(map);
    addTo(map);
    return map;
  }

  window.usalamaBasemap = { addTo: addTo, load: load, standalone: standalone };

  function init() {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll("[data-basemap]").forEach(function (holder) {
      if (!holder.getAttribute("data-basemap-ready")) {
        holder.setAttribute("data-basemap-ready", "1");
        standalone(holder);
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
  document.addEventListener("htmx:afterSettle", init);
}());

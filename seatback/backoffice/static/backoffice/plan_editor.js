// The plan editor: the room's shapes, and its seats to drag. Letting go of a seat saves its
// new place (POST x, y with the CSRF token); a refused save puts it back.
(function () {
  "use strict";
  var svg = document.getElementById("plan-editor");
  if (!svg || !window.fetch) return;
  var NS = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var saved = document.querySelector("[data-saved]");
  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    parent.appendChild(node);
    return node;
  }
  var plan = svg.querySelector("[data-plan]"), seats = svg.querySelector("[data-seats]");
  data.shapes.forEach(function (s) {
    var pts = s.points || [[s.x, s.y], [s.x + s.w, s.y], [s.x + s.w, s.y + s.h], [s.x, s.y + s.h]];
    el(!s.points || s.closed ? "polygon" : "polyline", { points: pts.map(function (p) { return p.join(","); }).join(" "), "class": s.kind }, plan);
  });
  function place(seat) { seat.node.setAttribute("transform", "translate(" + seat.x + " " + seat.y + ")"); }
  data.seats.forEach(function (seat) {
    seat.node = el("g", { "class": "seat", "data-seat": seat.id, "data-label": seat.label }, seats);
    el("circle", { r: 0.36 }, seat.node);
    el("text", { y: 0.7 }, seat.node).textContent = seat.label;
    place(seat);
  });
  function toPlan(event) {
    var p = svg.createSVGPoint();
    p.x = event.clientX; p.y = event.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  var dragging = null, grab = null, from = null;
  svg.addEventListener("pointerdown", function (event) {
    var node = event.target.closest && event.target.closest(".seat");
    if (!node) return;
    dragging = data.seats.filter(function (s) { return String(s.id) === node.getAttribute("data-seat"); })[0];
    var p = toPlan(event);
    grab = [p.x - dragging.x, p.y - dragging.y];
    from = [dragging.x, dragging.y];
    node.classList.add("dragging");
    svg.setPointerCapture(event.pointerId);
  });
  svg.addEventListener("pointermove", function (event) {
    if (!dragging) return;
    var p = toPlan(event);
    dragging.x = Math.round((p.x - grab[0]) * 20) / 20;
    dragging.y = Math.round((p.y - grab[1]) * 20) / 20;
    place(dragging);
  });
  svg.addEventListener("pointerup", function () {
    if (!dragging) return;
    var seat = dragging, before = from;
    dragging = null;
    seat.node.classList.remove("dragging");
    if (seat.x === before[0] && seat.y === before[1]) return;
    var body = new URLSearchParams({ x: seat.x, y: seat.y });
    fetch(svg.getAttribute("data-move-url").replace(/\/0$/, "/" + seat.id), {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf }
    })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (moved) { seat.x = moved.x; seat.y = moved.y; place(seat); saved.textContent = svg.getAttribute("data-say-saved") + " · " + seat.label; })
      .catch(function () { seat.x = before[0]; seat.y = before[1]; place(seat); saved.textContent = svg.getAttribute("data-say-failed"); });
  });
})();

// A room's live map (docs/maps.md): draws the plan and the seats from the page's JSON,
// recolours and reshapes seats from a cheap poll every second, pinch/wheel/buttons zoom,
// a tap on a seat tells what can be done there, and ?to=<seat> draws the walk to it.
(function () {
  "use strict";
  var svg = document.getElementById("map");
  if (!svg || !window.fetch) return;
  var NS = "http://www.w3.org/2000/svg";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var words = JSON.parse(document.getElementById("map-words").textContent);
  var POLL_MS = 1500; // a change shows within 2 s: 1.5 s + one request
  var seatsById = {};
  var states = data.states, until = data.until;
  var offset = 0; // server clock minus this phone's clock, in ms
  var chosen = null;

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }
  function outline(shape) {
    if (shape.points) return shape.points;
    return [[shape.x, shape.y], [shape.x + shape.w, shape.y], [shape.x + shape.w, shape.y + shape.h], [shape.x, shape.y + shape.h]];
  }
  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  // The plan
  var plan = svg.querySelector("[data-plan]");
  data.shapes.forEach(function (shape) {
    var points = outline(shape).map(function (p) { return p[0] + "," + p[1]; }).join(" ");
    var closed = !shape.points || shape.closed;
    el(closed ? "polygon" : "polyline", { points: points, "class": shape.kind }, plan);
    if (shape.name || shape.kind === "door" || shape.kind === "entrance") {
      var pts = outline(shape), x = 0, y = 0;
      pts.forEach(function (p) { x += p[0]; y += p[1]; });
      var label = el("text", { x: x / pts.length, y: y / pts.length, "class": "name", "text-anchor": "middle" }, plan);
      label.textContent = shape.name || "⇣";
    }
  });

  // The seats
  var layer = svg.querySelector("[data-seats]");
  data.seats.forEach(function (seat) {
    var g = el("g", { "class": "seat", transform: "translate(" + seat.x + " " + seat.y + ")", "data-seat": seat.id, role: "button", tabindex: "0" }, layer);
    el("circle", { r: 0.5, "class": "hit" }, g);
    seat.use = el("use", {}, g);
    var text = el("text", { y: 0.7 }, g);
    text.textContent = seat.label;
    seat.node = g;
    seatsById[seat.id] = seat;
    paint(seat);
  });

  function stateOf(seat) { return states[String(seat.id)] || "closed"; }
  function paint(seat) {
    var state = stateOf(seat);
    if (seat.painted === state) return;
    seat.painted = state;
    seat.use.setAttribute("href", "#shape-" + state);
    seat.node.setAttribute("class", "seat s-" + state + (chosen === seat.id ? " chosen" : ""));
    seat.node.setAttribute("data-state", state);
    seat.node.setAttribute("aria-label", seat.label + " " + words.states[state]);
  }

  // Live states
  var statusNode = document.querySelector("[data-status]");
  var updatedNode = document.querySelector("[data-updated]");
  function apply(fresh) {
    states = fresh.states; until = fresh.until;
    offset = Date.parse(fresh.server_time) - Date.now();
    Object.keys(seatsById).forEach(function (id) { paint(seatsById[id]); });
    Object.keys(fresh.counts).forEach(function (state) {
      var cell = document.querySelector('[data-count="' + state + '"]');
      if (cell) cell.textContent = fresh.counts[state];
    });
    statusNode.textContent = words.updated;
    updatedNode.textContent = clockText(new Date(Date.now() + offset), true);
    if (openSeat) fillSheet(openSeat);
  }
  var timer = null;
  function poll() {
    timer = null;
    if (document.hidden) return; // resumes on visibilitychange
    fetch(svg.getAttribute("data-states-url"), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(apply)
      .catch(function () { statusNode.textContent = words.offline; })
      .then(function () { if (!timer) timer = window.setTimeout(poll, POLL_MS); });
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden && !timer) poll(); });
  apply(data);
  timer = window.setTimeout(poll, POLL_MS);

  // What a tap on a seat tells
  var sheet = document.querySelector("[data-sheet]");
  var openSeat = null;
  function left(iso) {
    var ms = Date.parse(iso) - (Date.now() + offset);
    return format(words.min, { n: Math.max(0, Math.ceil(ms / 60000)) });
  }
  // Times in the library's zone, whatever the phone's is.
  function clockText(date, seconds) {
    var options = { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: svg.getAttribute("data-zone") };
    if (seconds) options.second = "2-digit";
    try { return date.toLocaleTimeString("en-GB", options); } catch (e) { return date.toTimeString().slice(0, seconds ? 8 : 5); }
  }
  function hhmm(iso) { return clockText(new Date(iso), false); }
  function link(text, href, secondary) {
    var a = document.createElement("a");
    a.textContent = text; a.href = href;
    if (secondary) a.className = "secondary";
    return a;
  }
  function fillSheet(seat) {
    var state = stateOf(seat), end = until[String(seat.id)];
    sheet.querySelector("[data-sheet-title]").textContent = seat.label;
    sheet.querySelector("[data-sheet-state]").textContent = words.states[state];
    sheet.querySelector("[data-sheet-state]").className = "sheet-state state-" + state;
    var text = words[state] || "";
    if (end) text = format(text, { time: hhmm(end), left: left(end) });
    sheet.querySelector("[data-sheet-text]").textContent = text;
    sheet.querySelector("[data-sheet-features]").textContent = (seat.features || []).map(function (f) { return words.features[f] || f; }).join(" · ");
    var actions = sheet.querySelector("[data-sheet-actions]");
    actions.textContent = "";
    if (seat.reservable && (state === "free" || state === "reserved")) {
      actions.appendChild(link(words.book, svg.getAttribute("data-book-url") + "?room=" + svg.getAttribute("data-room") + "&seat=" + seat.id));
    }
    if (state !== "closed") actions.appendChild(link(words.walk, "?to=" + seat.id, seat.reservable));
  }
  function show(seat) {
    openSeat = seat;
    fillSheet(seat);
    sheet.hidden = false;
  }
  sheet.querySelector("[data-sheet-close]").addEventListener("click", function () { sheet.hidden = true; openSeat = null; });
  window.setInterval(function () { if (openSeat && !sheet.hidden) fillSheet(openSeat); }, 15000);
  layer.addEventListener("keydown", function (event) {
    var node = event.target.closest && event.target.closest(".seat");
    if (node && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); show(seatsById[node.getAttribute("data-seat")]); }
  });

  // Zoom and pan: two fingers pinch, one drags, the wheel and the buttons zoom.
  var home = data.view_box.slice(), box = home.slice();
  function setBox() { svg.setAttribute("viewBox", box.join(" ")); }
  function toPlan(clientX, clientY) {
    var r = svg.getBoundingClientRect();
    var scale = Math.max(box[2] / r.width, box[3] / r.height);
    var cx = box[0] + box[2] / 2, cy = box[1] + box[3] / 2;
    return [cx + (clientX - r.left - r.width / 2) * scale, cy + (clientY - r.top - r.height / 2) * scale, scale];
  }
  function zoom(factor, at) {
    var w = Math.min(home[2] * 2, Math.max(home[2] / 8, box[2] / factor));
    var k = w / box[2];
    var h = box[3] * k;
    box = [at[0] - (at[0] - box[0]) * k, at[1] - (at[1] - box[1]) * k, w, h];
    setBox();
  }
  var pointers = {}, start = null, tapSeat = null, moved = false;
  svg.addEventListener("pointerdown", function (event) {
    pointers[event.pointerId] = [event.clientX, event.clientY];
    var node = event.target.closest && event.target.closest(".seat");
    tapSeat = Object.keys(pointers).length === 1 && node ? seatsById[node.getAttribute("data-seat")] : null;
    moved = false;
    start = null;
  });
  svg.addEventListener("pointermove", function (event) {
    var before = pointers[event.pointerId];
    if (!before) return;
    var ids = Object.keys(pointers);
    if (ids.length === 2) {
      var other = pointers[ids[0] == event.pointerId ? ids[1] : ids[0]];
      var d0 = Math.hypot(before[0] - other[0], before[1] - other[1]);
      var d1 = Math.hypot(event.clientX - other[0], event.clientY - other[1]);
      if (d0 > 0) zoom(d1 / d0, toPlan((event.clientX + other[0]) / 2, (event.clientY + other[1]) / 2));
      moved = true;
    } else if (ids.length === 1) {
      if (!moved && Math.hypot(event.clientX - before[0], event.clientY - before[1]) < 6) return;
      if (!start) start = before;
      var scale = toPlan(0, 0)[2];
      box[0] -= (event.clientX - before[0]) * scale;
      box[1] -= (event.clientY - before[1]) * scale;
      setBox();
      moved = true;
    }
    pointers[event.pointerId] = [event.clientX, event.clientY];
  });
  function up(event) {
    if (pointers[event.pointerId] && tapSeat && !moved) show(tapSeat);
    delete pointers[event.pointerId];
    tapSeat = null;
  }
  svg.addEventListener("pointerup", up);
  svg.addEventListener("pointercancel", function (event) { delete pointers[event.pointerId]; tapSeat = null; });
  svg.addEventListener("wheel", function (event) {
    event.preventDefault();
    zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, toPlan(event.clientX, event.clientY));
  }, { passive: false });
  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var how = button.getAttribute("data-zoom");
      if (how === "fit") { box = home.slice(); setBox(); return; }
      zoom(how === "in" ? 1.4 : 1 / 1.4, [box[0] + box[2] / 2, box[1] + box[3] / 2]);
    });
  });

  // Walking directions to ?to=<seat>
  var to = svg.getAttribute("data-to");
  if (to && seatsById[to]) {
    chosen = Number(to);
    seatsById[to].painted = null;
    paint(seatsById[to]);
    el("circle", { r: 0.55, "class": "ring" }, seatsById[to].node);
    var route = svg.querySelector("[data-route]");
    var list = document.querySelector("[data-steps]");
    var from = document.querySelector("[data-from]");
    var walkTo = function (door) {
      fetch(svg.getAttribute("data-route-url") + "?to=" + encodeURIComponent(to) + "&door=" + door, { headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (walk) {
          route.replaceChildren();
          list.replaceChildren();
          var points = walk.points.concat([[seatsById[to].x, seatsById[to].y]]);
          el("polyline", { points: points.map(function (p) { return p.join(","); }).join(" "), "data-walk": "" }, route);
          el("circle", { cx: walk.points[0][0], cy: walk.points[0][1], r: 0.2 }, route);
          walk.steps.forEach(function (step) { var li = document.createElement("li"); li.textContent = step; list.appendChild(li); });
          // A room with several doors: the reader says which one they come in by.
          if (walk.doors.length > 1 && !from.options.length) {
            walk.doors.forEach(function (d, i) { from.add(new Option(d.name || String(i + 1), String(i))); });
            from.closest("p").hidden = false;
          }
          document.querySelector("[data-directions]").hidden = false;
        })
        .catch(function () {});
    };
    from.addEventListener("change", function () { walkTo(from.value); });
    walkTo(0);
  }
})();

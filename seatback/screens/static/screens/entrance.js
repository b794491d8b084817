// The entrance screen: polls its figures every few seconds and redraws them in place, shows
// one room at a time in the spotlight, and keeps a clock set by the server's time. It runs
// all day: one timer each, nodes reused, nothing kept between polls.
(function () {
  "use strict";
  var body = document.body;
  var every = (parseInt(body.getAttribute("data-every"), 10) || 2) * 1000;
  var rotate = (parseInt(body.getAttribute("data-rotate"), 10) || 8) * 1000;
  var floorsNode = document.querySelector("[data-floors]");
  var spotlight = document.querySelector("[data-spotlight]");
  var note = document.querySelector("[data-note]");
  var clock = document.querySelector("[data-clock]");
  var offset = 0, data = JSON.parse(document.getElementById("screen-data").textContent);
  var turn = 0;

  function say(name, values) {
    return body.getAttribute("data-say-" + name).replace(/%\((\w+)\)s/g, function (_m, k) { return values[k]; });
  }
  function node(tag, className, text) {
    var n = document.createElement(tag);
    if (className) n.className = className;
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function used(row) { return row.total - row.counts.free - row.counts.closed; }
  function shut(row) { return row.total > 0 && row.counts.closed === row.total; }
  function bar(row) {
    var percent = row.total ? Math.round(100 * used(row) / row.total) : 0;
    var outer = node("div", "bar" + (shut(row) ? " closed" : percent >= 90 ? " full" : ""));
    var inner = node("span");
    inner.style.width = percent + "%";
    outer.appendChild(inner);
    return outer;
  }
  function draw() {
    offset = Date.parse(data.server_time) - Date.now();
    document.querySelector("[data-building-free]").textContent = data.building.counts.free;
    document.querySelector("[data-building-total]").textContent = data.building.total;
    var fresh = document.createDocumentFragment();
    data.floors.forEach(function (floor) {
      var section = node("div", "floor");
      section.setAttribute("data-floor", floor.floor);
      var h = node("h2");
      h.appendChild(node("span", "", floor.floor ? say("floor", { floor: floor.floor }) : ""));
      h.appendChild(shut(floor) ? node("span", "shut", say("closed", {})) : node("span", "free", floor.counts.free + " / " + floor.total + " " + say("free", {})));
      section.appendChild(h);
      section.appendChild(bar(floor));
      fresh.appendChild(section);
    });
    floorsNode.replaceChildren(fresh);
    spot();
  }
  function rooms() {
    var all = [];
    data.floors.forEach(function (floor) { floor.rooms.forEach(function (room) { all.push(room); }); });
    return all;
  }
  function spot() {
    var all = rooms();
    if (!all.length) { spotlight.replaceChildren(); return; }
    var room = all[turn % all.length];
    var fresh = document.createDocumentFragment();
    fresh.appendChild(node("h3", "", room.name + (room.floor ? " · " + say("floor", { floor: room.floor }) : "")));
    var big = node("p", "big" + (room.open ? "" : " shut"), room.open ? String(room.counts.free) : say("closed", {}));
    big.setAttribute("data-room-free", room.id);
    fresh.appendChild(big);
    fresh.appendChild(node("p", "of", room.open ? "/ " + room.total + " " + say("free", {}) : ""));
    fresh.appendChild(bar(room));
    spotlight.replaceChildren(fresh);
  }
  function tick() {
    var now = new Date(Date.now() + offset);
    try {
      clock.textContent = now.toLocaleTimeString("en-GB", { timeZone: body.getAttribute("data-zone"), hour: "2-digit", minute: "2-digit", hour12: false });
    } catch (e) {
      clock.textContent = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
    }
  }
  function poll() {
    fetch(body.getAttribute("data-poll"), { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) {
        if (r.status === 404) { note.textContent = say("revoked", {}); note.hidden = false; throw new Error("revoked"); }
        if (!r.ok) throw new Error(r.status);
        return r.json();
      })
      .then(function (fresh) { data = fresh; note.hidden = true; draw(); })
      .catch(function (error) {
        if (String(error.message) !== "revoked") { note.textContent = say("offline", {}); note.hidden = false; }
      })
      .then(function () { window.setTimeout(poll, every); });
  }
  draw();
  tick();
  window.setInterval(tick, 1000);
  window.setInterval(function () { turn += 1; spot(); }, rotate);
  window.setTimeout(poll, every);
})();

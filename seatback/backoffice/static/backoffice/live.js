// The room overview refreshes itself: every few seconds it asks for the seats' states and
// recolours the grid and the counts; a failed request just waits for the next turn.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.fetch) return;
  var every = (parseInt(live.getAttribute("data-every"), 10) || 5) * 1000;
  function refresh() {
    fetch(live.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) {
        Object.keys(data.counts).forEach(function (state) {
          var cell = live.querySelector('[data-count="' + state + '"]');
          if (cell) cell.textContent = data.counts[state];
        });
        Object.keys(data.seats).forEach(function (id) {
          var seat = live.querySelector('[data-seat="' + id + '"]');
          if (seat) seat.className = "seat seat-" + data.seats[id];
        });
        var updated = live.querySelector("[data-updated]");
        if (updated) updated.textContent = new Date(data.at).toLocaleTimeString("zh-CN", { hour12: false });
      })
      .catch(function () {})
      .then(function () { window.setTimeout(refresh, every); });
  }
  window.setTimeout(refresh, every);
})();

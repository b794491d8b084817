/* The room display: shows the code the server gives it, asks for the next one when the
 * window ends, keeps showing the last code through network drops (saying so), and reloads
 * itself now and then while the network is up. The secret never reaches this page: only
 * the current code does.
 *
 * Plain ES5, no build step: old tablet browsers and e-ink readers run it.
 */
(function () {
  "use strict";

  var RELOAD_AFTER_MS = 6 * 3600 * 1000;
  var body = document.body;
  var poll = body.getAttribute("data-poll");
  var codeEl = document.querySelector("[data-code]");
  var qrEl = document.querySelector(".qr");
  var leftEl = document.querySelector("[data-left]");
  var noteEl = document.querySelector("[data-note]");
  var loadedAt = Date.now();
  var state = JSON.parse(document.getElementById("shown").textContent);
  var offset = 0;
  var failures = 0;
  var fetching = false;
  var retryAt = 0;
  var revoked = false;

  function parse(text) {
    return Date.parse(String(text || "").replace(/(\.\d{3})\d+/, "$1"));
  }

  function serverNow() {
    return Date.now() + offset;
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function note(text) {
    if (text) {
      noteEl.textContent = text;
      noteEl.hidden = false;
    } else {
      noteEl.hidden = true;
    }
  }

  function show(data, sentAt) {
    var server = parse(data.server_time);
    if (!isNaN(server)) {
      offset = server - (sentAt + Date.now()) / 2;
    }
    if (data.code !== state.code || !qrEl.innerHTML) {
      qrEl.innerHTML = data.qr; // server-made SVG
      codeEl.textContent = data.code.slice(0, 3) + " " + data.code.slice(3);
    }
    state = data;
  }

  function fetchCode() {
    if (fetching || revoked) {
      return;
    }
    fetching = true;
    var xhr = new XMLHttpRequest();
    var sentAt = Date.now();
    xhr.open("GET", poll, true);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.timeout = 8000;
    xhr.onload = function () {
      fetching = false;
      if (xhr.status === 404) {
        revoked = true;
        body.className = "stale";
        note(body.getAttribute("data-say-revoked"));
        return;
      }
      var data = null;
      try {
        data = xhr.status === 200 ? JSON.parse(xhr.responseText) : null;
      } catch (e) {
        data = null;
      }
      if (!data || !data.code) {
        return failed(xhr.status === 429 ? 10 : 0);
      }
      failures = 0;
      retryAt = 0;
      show(data, sentAt);
      if (Date.now() - loadedAt > RELOAD_AFTER_MS) {
        window.location.reload(); // the network is up: pick up a new page or script
      }
      tick();
    };
    xhr.onerror = xhr.ontimeout = function () {
      fetching = false;
      failed(0);
    };
    xhr.send();
  }

  function failed(waitSeconds) {
    failures += 1;
    retryAt = Date.now() + Math.max(waitSeconds * 1000, Math.min(30000, 2000 * failures));
    tick();
  }

  function tick() {
    if (revoked) {
      return;
    }
    var now = serverNow();
    var changes = parse(state.changes_at);
    var validUntil = parse(state.valid_until);
    var seconds = Math.max(0, Math.ceil((changes - now) / 1000));
    leftEl.textContent = Math.floor(seconds / 60) + ":" + pad(seconds % 60);
    var expired = now >= validUntil;
    body.className = expired ? "stale" : "";
    if (failures) {
      note(body.getAttribute(expired ? "data-say-expired" : "data-say-reconnecting"));
    } else {
      note("");
    }
    if (now >= changes && Date.now() >= retryAt) {
      fetchCode();
    }
  }

  var button = document.querySelector("[data-fullscreen]");
  if (button && document.documentElement.requestFullscreen) {
    button.addEventListener("click", function () {
      document.documentElement.requestFullscreen();
    });
  } else if (button) {
    button.hidden = true;
  }
  // Keep a tablet's screen on where the browser allows it.
  if (navigator.wakeLock && navigator.wakeLock.request) {
    navigator.wakeLock.request("screen").catch(function () {});
  }

  show(state, Date.now());
  tick();
  window.setInterval(tick, 1000);
})();

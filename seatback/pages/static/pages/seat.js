/* Seatback seat pages: the countdown and live updates.
 *
 * Plain ES5/ES2017 without modules or a build step, so it runs in WeChat's in-app
 * browser, iOS Safari and Android Chrome alike. The server sends only instants (ISO 8601)
 * and its own time; this script animates from them, corrected for the difference between
 * this phone's clock and the server's, and reloads the page when the seat changes or when
 * a deadline passes, so the server always decides what the page offers.
 */
(function () {
  "use strict";

  var POLL_MS = 1500;
  var offset = 0; // the server's clock minus this phone's clock, in milliseconds
  var failures = 0;
  var timer = null;
  var reloading = false;

  function parse(text) {
    // Milliseconds at most: some browsers refuse microseconds in Date.parse.
    return Date.parse(String(text || "").replace(/(\.\d{3})\d+/, "$1"));
  }

  function serverNow() {
    return Date.now() + offset;
  }

  var cards = [].slice.call(document.querySelectorAll("[data-changes-at]"));
  var watched = cards.filter(function (card) {
    return card.getAttribute("data-watch");
  });
  var rendered = parse(document.body.getAttribute("data-server-time"));
  if (!isNaN(rendered)) {
    offset = rendered - Date.now();
  }

  // Instants at which the seat changes by time alone (a deadline, the end of a step-out).
  var changes = [];
  cards.forEach(function (card) {
    card.getAttribute("data-changes-at").split(" ").forEach(function (text) {
      var moment = parse(text);
      if (!isNaN(moment)) {
        changes.push(moment);
      }
    });
  });

  function reload(reason) {
    if (reloading) {
      return;
    }
    // A phone clock estimate can be a little early; never reload-loop on the same instant.
    var key = "seatback-reload:" + location.pathname + ":" + reason;
    var count = 0;
    try {
      count = Number(window.sessionStorage.getItem(key) || 0);
      window.sessionStorage.setItem(key, String(count + 1));
    } catch (e) {
      count = 0;
    }
    reloading = true;
    if (count >= 3) {
      // Early more than twice: keep asking, but slower (2 s, 4 s, … 30 s), so the page
      // still turns when the server's clock gets there, without a reload loop.
      var wait = Math.min(30000, 1000 * Math.pow(2, count - 2));
      window.setTimeout(function () {
        window.location.reload();
      }, wait);
      return;
    }
    window.location.reload();
  }

  // Countdowns -------------------------------------------------------------------------

  var countdowns = [].slice.call(document.querySelectorAll(".countdown[data-target]")).map(
    function (el) {
      return {
        el: el,
        target: parse(el.getAttribute("data-target")),
        digits: el.querySelector(".digits"),
        live: el.querySelector("[data-announce]"),
        said: null
      };
    }
  );

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function digits(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var secs = seconds % 60;
    return (hours ? hours + ":" + pad(minutes) : pad(minutes)) + ":" + pad(secs);
  }

  function saying(el, seconds) {
    // Announced politely, once a minute, then at the last 30 seconds and at zero.
    if (seconds <= 0) {
      return el.getAttribute("data-say-zero");
    }
    if (seconds <= 30) {
      return el.getAttribute("data-say-seconds");
    }
    var minutes = Math.ceil(seconds / 60);
    if (minutes === 1) {
      return el.getAttribute("data-say-minute");
    }
    return (el.getAttribute("data-say-minutes") || "").replace("{n}", String(minutes));
  }

  function tick() {
    var now = serverNow();
    countdowns.forEach(function (c) {
      if (isNaN(c.target)) {
        return;
      }
      var seconds = Math.max(0, Math.ceil((c.target - now) / 1000));
      var text = digits(seconds);
      if (c.digits.textContent !== text) {
        c.digits.textContent = text;
      }
      var said = saying(c.el, seconds);
      if (c.said === null) {
        c.said = said; // the page itself says this already; announce only changes
      } else if (said && said !== c.said) {
        c.said = said;
        c.live.textContent = said;
      }
    });
    for (var i = 0; i < changes.length; i++) {
      if (now >= changes[i]) {
        // Let the server render what the seat is now ("take the seat", free again, ...).
        reload("t" + changes[i]);
        return;
      }
    }
  }

  // Live updates -----------------------------------------------------------------------

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(poll, delay);
  }

  function poll() {
    window.clearTimeout(timer);
    if (reloading || document.visibilityState === "hidden" || !watched.length) {
      return;
    }
    var pending = watched.length;
    var failed = false;
    function done() {
      pending -= 1;
      if (pending === 0) {
        failures = failed ? failures + 1 : 0;
        tick();
        schedule(failures ? Math.min(15000, POLL_MS * (1 + failures)) : POLL_MS);
      }
    }
    watched.forEach(function (card) {
      var xhr = new XMLHttpRequest();
      var sent = Date.now();
      xhr.open("GET", card.getAttribute("data-watch"), true);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.timeout = 5000;
      xhr.onload = function () {
        if (xhr.status !== 200) {
          failed = true;
          return done();
        }
        var data = null;
        try {
          data = JSON.parse(xhr.responseText);
        } catch (e) {
          failed = true;
          return done();
        }
        var server = parse(data.server_time);
        if (!isNaN(server)) {
          offset = server - (sent + Date.now()) / 2;
        }
        if (data.v && data.v !== card.getAttribute("data-v")) {
          reload("v" + data.v);
        }
        done();
      };
      xhr.onerror = xhr.ontimeout = function () {
        failed = true;
        done();
      };
      xhr.send();
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "hidden") {
      tick();
      poll();
    }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      tick();
      poll();
    }
  });

  // One tap, one scan: a second tap while the first is on its way is ignored.
  [].slice.call(document.querySelectorAll("form.action")).forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sent", "1");
      form.className += " sending";
      reloading = true; // the answer to this tap is the next page; no reload may cancel it
    });
  });

  tick();
  window.setInterval(tick, 250);
  schedule(POLL_MS);
})();

/* Presence evidence for a seat page's actions (docs/presence.md).
 *
 * When the room asks for `location`, a tap on an action that says "I am here" first asks
 * the phone for its position and sends it with the form (latitude, longitude, accuracy);
 * when it asks for `rotating`, the typed room code goes along too. Denied or failed
 * location sends nothing, and the server's refusal says "allow location access".
 *
 * WeChat: a page that has called wx.config with jsApiList ["getLocation"] can set
 *   window.seatbackLocate = function (done) {
 *     wx.getLocation({ type: "wgs84",
 *       success: function (r) { done({ latitude: r.latitude, longitude: r.longitude,
 *                                      accuracy: r.accuracy }); },
 *       fail: function () { done(null); }, cancel: function () { done(null); } });
 *   };
 * and this script uses it instead of navigator.geolocation: the same three fields.
 */
(function () {
  "use strict";

  if (window.seatbackPresenceBound) {
    return;
  }
  window.seatbackPresenceBound = true;

  var INTENTS = ["challenge", "claim", "return", "checkin", "step-out"];
  var LOCATE_TIMEOUT_MS = 10000;

  function locate(done) {
    var finished = false;
    function once(position) {
      if (!finished) {
        finished = true;
        done(position);
      }
    }
    // Never leave the tap hanging: a phone that neither answers nor refuses counts as no.
    window.setTimeout(function () {
      once(null);
    }, LOCATE_TIMEOUT_MS + 1000);
    if (typeof window.seatbackLocate === "function") {
      return window.seatbackLocate(once);
    }
    if (!navigator.geolocation) {
      return once(null);
    }
    navigator.geolocation.getCurrentPosition(
      function (p) {
        once({ latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy });
      },
      function () {
        once(null);
      },
      { enableHighAccuracy: true, timeout: LOCATE_TIMEOUT_MS, maximumAge: 30000 }
    );
  }

  function put(form, name, value) {
    var input = form.querySelector("input[type=hidden][name='" + name + "']");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    input.value = value === null || value === undefined ? "" : String(value);
  }

  // Capturing: this runs before the form's own submit listeners (seat.js's one-tap guard).
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var intent = form.querySelector && form.querySelector("input[name=intent]");
      var card = form.closest ? form.closest("section.card") : null;
      var box = card && card.querySelector("[data-presence]");
      if (!intent || !box || INTENTS.indexOf(intent.value) < 0) {
        return;
      }
      var needs = box.getAttribute("data-presence").split(" ");
      var code = box.querySelector("[data-room-code]");
      if (code) {
        put(form, "room_code", code.value);
      }
      if (needs.indexOf("location") < 0 || form.getAttribute("data-located")) {
        return;
      }
      event.preventDefault();
      if (form.getAttribute("data-locating")) {
        return;
      }
      form.setAttribute("data-locating", "1");
      var button = form.querySelector("button[type=submit]");
      var hint = document.createElement("p");
      hint.className = "hint locating";
      hint.setAttribute("role", "status");
      hint.textContent = box.getAttribute("data-say-locating");
      form.appendChild(hint);
      if (event.submitter && event.submitter.name) {
        put(form, event.submitter.name, event.submitter.value); // e.g. the step-out minutes
      }
      locate(function (position) {
        put(form, "latitude", position && position.latitude);
        put(form, "longitude", position && position.longitude);
        put(form, "accuracy", position && position.accuracy);
        form.setAttribute("data-located", "1");
        if (button) {
          button.disabled = false;
        }
        HTMLFormElement.prototype.submit.call(form);
      });
    },
    true
  );
})();

// Voice search with the browser's speech recognition, and ISBN scanning with the
// browser's BarcodeDetector, where they exist; the buttons stay hidden where they do not.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "zh-CN";

  var speak = document.getElementById("speak");
  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  if (speak && Recognition) {
    speak.hidden = false;
    var status = document.getElementById("voice-status");
    speak.addEventListener("click", function () {
      var recognition = new Recognition();
      recognition.lang = lang;
      recognition.interimResults = false;
      recognition.maxAlternatives = 1;
      status.textContent = speak.dataset.listening;
      recognition.onresult = function (event) {
        var said = event.results[0][0].transcript.replace(/[。.，,！!？?]+$/, "");
        var box = document.getElementById("q");
        box.value = said;
        box.form.submit();
      };
      recognition.onerror = function () { status.textContent = speak.dataset.failed; };
      recognition.onend = function () {
        if (status.textContent === speak.dataset.listening) status.textContent = "";
      };
      recognition.start();
    });
  }

  var scan = document.getElementById("scan");
  if (scan && "BarcodeDetector" in window && navigator.mediaDevices) {
    scan.hidden = false;
    var video = document.getElementById("camera");
    var said = document.getElementById("scan-status");
    scan.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["ean_13", "ean_8", "upc_a"] });
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: "environment" } })
        .then(function (stream) {
          video.srcObject = stream;
          video.hidden = false;
          return video.play().then(function () {
            var tries = 0;
            function look() {
              detector.detect(video).then(function (codes) {
                var book = codes.map(function (c) { return c.rawValue; })
                  .filter(function (v) { return /^97[89]\d{10}$/.test(v); })[0];
                if (book) {
                  stream.getTracks().forEach(function (t) { t.stop(); });
                  var box = document.getElementById("isbn");
                  box.value = book;
                  box.form.submit();
                } else if (++tries < 600) {
                  requestAnimationFrame(look);
                } else {
                  stream.getTracks().forEach(function (t) { t.stop(); });
                  video.hidden = true;
                  said.textContent = scan.dataset.failed;
                }
              }).catch(function () { said.textContent = scan.dataset.failed; });
            }
            look();
          });
        })
        .catch(function () { said.textContent = scan.dataset.failed; });
    });
  }
})();

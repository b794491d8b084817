/* Inside WeChat's browser only: the JS-SDK (docs/wechat.md).
 *
 * Asks /wechat/jssdk for a wx.config signed for this page's URL (without its #fragment),
 * then shows the "scan the next seat" button (wx.scanQRCode: a seat label opens its page)
 * and lets the presence check take the position from wx.getLocation (seat-presence.js
 * uses window.seatbackLocate when it is set). Anywhere else, or when the account is not
 * configured (404), it does nothing.
 */
(function () {
  "use strict";
  if (!/MicroMessenger/i.test(navigator.userAgent)) {
    return;
  }
  var here = document.currentScript;
  var sdk = here.getAttribute("data-sdk");

  function configure() {
    var url = location.href.split("#")[0];
    fetch("/wechat/jssdk?url=" + encodeURIComponent(url), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (c) {
        if (!c || !window.wx) {
          return;
        }
        window.wx.config({
          debug: false,
          appId: c.appId,
          timestamp: c.timestamp,
          nonceStr: c.nonceStr,
          signature: c.signature,
          jsApiList: c.jsApiList
        });
        window.wx.ready(ready);
      })
      .catch(function () {});
  }

  function ready() {
    var wx = window.wx;
    window.seatbackLocate = function (done) {
      wx.getLocation({
        type: "wgs84",
        success: function (r) { done({ latitude: r.latitude, longitude: r.longitude, accuracy: r.accuracy }); },
        fail: function () { done(null); },
        cancel: function () { done(null); }
      });
    };
    var seatPrefix = location.origin + "/s/";
    document.querySelectorAll("[data-wechat-scan]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        wx.scanQRCode({
          needResult: 1,
          scanType: ["qrCode"],
          success: function (r) {
            var target = String(r.resultStr || "");
            if (target.indexOf(seatPrefix) === 0) {
              location.href = target;
            }
          }
        });
      });
    });
  }

  // The SDK is CommonJS-shaped: give it a module object; it sets window.wx itself.
  window.module = window.module || { exports: {} };
  var script = document.createElement("script");
  script.src = sdk;
  script.onload = configure;
  document.head.appendChild(script);
})();

// Plays a lecture's HLS stream: the browser's own player where it can (Safari, WeChat on
// iOS), hls.js elsewhere.
(function () {
  var video = document.getElementById("player");
  if (!video) return;
  var src = video.getAttribute("data-src");
  if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = src;
  } else if (window.Hls && window.Hls.isSupported()) {
    var hls = new window.Hls();
    hls.loadSource(src);
    hls.attachMedia(video);
  } else {
    video.src = src;
  }
})();

/* Booking map: after a tap the page reloads with the seat chosen; bring it into view inside
 * the sideways-scrolling map (plain ES5, no build step). */
(function () {
  "use strict";
  var chosen = document.querySelector(".seatmap .spot-chosen");
  var box = document.querySelector(".seatmap-scroll");
  if (chosen && box) {
    box.scrollLeft = Math.max(0, chosen.offsetLeft - (box.clientWidth - chosen.offsetWidth) / 2);
  }
})();

/* Tuoyu's one script, served from the project's static files (the Content-Security-Policy allows no
   inline script). Each behaviour hangs on a data attribute, so pages work without it too. */
(function () {
  "use strict";

  /* <form data-confirm="Question?">: ask before a destructive action. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* The finder's "use my location" button fills the near= field. */
  function locationButton() {
    var button = document.getElementById("use-location"), near = document.getElementById("id_near");
    if (!navigator.geolocation || !button || !near) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (p) {
        near.value = p.coords.latitude.toFixed(5) + "," + p.coords.longitude.toFixed(5);
        near.dispatchEvent(new Event("change", {bubbles: true}));
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", locationButton);
  } else {
    locationButton();
  }
})();

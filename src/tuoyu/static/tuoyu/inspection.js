/* The inspector's phone form (supervision/inspection_fill.html).

   Every change to an item is saved at once through the API. Until the server has it, the change is kept in
   this phone's localStorage and sent again when the connection returns (the "online" event, a retry every
   15 seconds, or the next time the page is opened), so that nothing typed is lost on a lost connection.
   Signatures are drawn on a canvas with pointer events and sent as a PNG data URL. */
(function () {
  "use strict";

  var root = document.getElementById("inspection");
  if (!root) return;

  var inspection = root.getAttribute("data-inspection");
  var csrf = root.getAttribute("data-csrf");
  var storeKey = "tuoyu-inspection-" + inspection;
  var state = document.getElementById("save-state");
  var text = function (name) { return root.getAttribute("data-text-" + name) || ""; };
  var timers = {};

  function urlFor(kind, itemId) {
    return root.getAttribute("data-" + kind + "-url").replace(/\/items\/0\//, "/items/" + itemId + "/");
  }

  /* What is kept on this phone: {itemId: {result, override_reason, note}} */
  function pending() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { return {}; }
  }
  function keep(itemId, answer) {
    var all = pending();
    all[itemId] = answer;
    try { window.localStorage.setItem(storeKey, JSON.stringify(all)); } catch (e) { /* full: sent anyway */ }
  }
  function forget(itemId, answer) {
    var all = pending();
    if (all[itemId] && JSON.stringify(all[itemId]) === JSON.stringify(answer)) {
      delete all[itemId];
      window.localStorage.setItem(storeKey, JSON.stringify(all));
    }
  }

  function showState() {
    var waiting = Object.keys(pending()).length;
    state.textContent = waiting ? text("kept") + " (" + waiting + ")" : text("saved");
    state.className = "save-state " + (waiting ? "kept" : "saved");
  }

  function card(itemId) { return document.getElementById("item-" + itemId); }

  function answerOf(section) {
    return {
      result: section.getAttribute("data-result") || "",
      override_reason: section.querySelector("input[name=override_reason]").value,
      note: section.querySelector("input[name=note]").value
    };
  }

  function overrides(section) {
    var prefilled = section.getAttribute("data-prefilled");
    var result = section.getAttribute("data-result");
    return Boolean(prefilled && result && prefilled !== result);
  }

  function show(section, answer) {
    section.setAttribute("data-result", answer.result);
    section.querySelectorAll(".result-button").forEach(function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-value") === answer.result ? "true" : "false");
    });
    section.querySelector("input[name=override_reason]").value = answer.override_reason;
    section.querySelector("input[name=note]").value = answer.note;
    section.querySelector(".override").hidden = !overrides(section);
    section.classList.toggle("answered", Boolean(answer.result));
  }

  function countAnswered() {
    var answered = document.getElementById("answered");
    if (answered) answered.textContent = String(root.querySelectorAll(".inspection-item.answered").length);
  }

  function itemState(section, message, kind) {
    var line = section.querySelector(".item-state");
    line.textContent = message;
    line.className = "item-state meta " + (kind || "");
  }

  function send(itemId, answer) {
    var section = card(itemId);
    if (section) itemState(section, text("saving"));
    return fetch(urlFor("item", itemId), {
      method: "PATCH",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: JSON.stringify(answer)
    }).then(function (response) {
      if (response.ok) {
        forget(itemId, answer);
        if (section) itemState(section, text("saved"), "saved");
      } else if (response.status === 400 || response.status === 409 || response.status === 404) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.status !== 400) forget(itemId, answer);  /* completed or gone: nothing to resend */
          if (section) itemState(section, text("refused") + ": " + (body.detail || response.status), "refused");
        });
      } else {
        if (section) itemState(section, text("kept"), "kept");
      }
    }).catch(function () {
      if (section) itemState(section, text("kept"), "kept");
    }).then(showState);
  }

  function changed(section, delay) {
    var itemId = section.getAttribute("data-item");
    var answer = answerOf(section);
    keep(itemId, answer);
    showState();
    window.clearTimeout(timers[itemId]);
    if (overrides(section) && !answer.override_reason.trim()) {
      itemState(section, "", "");
      section.querySelector("input[name=override_reason]").focus();
      return;  /* kept on the phone until the reason is given */
    }
    timers[itemId] = window.setTimeout(function () { send(itemId, answer); }, delay);
  }

  function resendAll() {
    var all = pending();
    Object.keys(all).forEach(function (itemId) {
      var answer = all[itemId];
      var section = card(itemId);
      if (section && section.getAttribute("data-prefilled") && answer.result &&
          answer.result !== section.getAttribute("data-prefilled") && !answer.override_reason.trim()) {
        return;
      }
      send(itemId, answer);
    });
    showState();
  }

  root.querySelectorAll(".inspection-item").forEach(function (section) {
    section.querySelectorAll(".result-button").forEach(function (button) {
      button.addEventListener("click", function () {
        var answer = answerOf(section);
        answer.result = button.getAttribute("data-value");
        show(section, answer);
        countAnswered();
        changed(section, 0);
      });
    });
    section.querySelectorAll("input[type=text]").forEach(function (input) {
      input.addEventListener("input", function () { changed(section, 800); });
      input.addEventListener("change", function () { changed(section, 0); });
    });
    var photo = section.querySelector(".photo-input");
    photo.addEventListener("change", function () {
      var file = photo.files && photo.files[0];
      if (!file) return;
      var data = new FormData();
      data.append("file", file);
      itemState(section, text("saving"));
      fetch(urlFor("photo", section.getAttribute("data-item")), {
        method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrf, "Accept": "application/json"}, body: data
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) throw new Error(body.detail || String(response.status));
          var item = document.createElement("li");
          var image = document.createElement("img");
          image.src = body.url;
          image.alt = "";
          item.appendChild(image);
          section.querySelector(".photos").appendChild(item);
          itemState(section, text("saved"), "saved");
        });
      }).catch(function (error) {
        itemState(section, text("photo-failed") + " " + (error && error.message ? error.message : ""), "refused");
      }).then(function () { photo.value = ""; });
    });
  });

  /* What was kept on this phone and never reached the server: shown again, then sent. */
  var kept = pending();
  Object.keys(kept).forEach(function (itemId) {
    var section = card(itemId);
    if (section) show(section, kept[itemId]);
  });
  countAnswered();
  resendAll();
  window.addEventListener("online", resendAll);
  window.setInterval(function () { if (Object.keys(pending()).length) resendAll(); }, 15000);

  /* Signature pads */
  root.querySelectorAll(".signature").forEach(function (pad) {
    var canvas = pad.querySelector("canvas");
    var context = canvas.getContext("2d");
    var drawing = false, drawn = false, last = null;
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.strokeStyle = "#111";

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {x: (event.clientX - box.left) * canvas.width / box.width, y: (event.clientY - box.top) * canvas.height / box.height};
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      last = point(event);
      if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
      drawn = true;
      event.preventDefault();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    pad.querySelector(".sign-clear").addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
    });
    pad.querySelector(".sign-save").addEventListener("click", function () {
      if (!drawn) return;
      var name = pad.querySelector("input[name=director_name]");
      var body = {signer: pad.getAttribute("data-signer"), image: canvas.toDataURL("image/png"), director_name: name ? name.value : ""};
      var tag = pad.querySelector(".signed");
      fetch(root.getAttribute("data-sign-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
        body: JSON.stringify(body)
      }).then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) throw new Error(answer.detail || String(response.status));
          tag.hidden = false;
          tag.textContent = text("signed");
          tag.className = "signed tag done";
        });
      }).catch(function (error) {
        tag.hidden = false;
        tag.textContent = text("refused") + ": " + (error && error.message ? error.message : "");
        tag.className = "signed tag bad";
      });
    });
  });
})();

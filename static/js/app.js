// Progressive enhancement only: every page works without this file.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/service-worker.js", { scope: "/" }).catch(function () {});
  });
}

// Glossary terms: the link to the glossary becomes a button that opens the
// explanation in place (Enter or Space opens and closes; Escape closes).
document.querySelectorAll("a.term-link[data-explains]").forEach(function (link) {
  var explanation = document.getElementById(link.getAttribute("data-explains"));
  if (!explanation) return;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "term-button";
  button.textContent = link.textContent;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", explanation.id);
  function set(open) {
    explanation.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  button.addEventListener("click", function () { set(explanation.hidden); });
  button.addEventListener("keydown", function (event) {
    if (event.key === "Escape") set(false);
  });
  link.replaceWith(button);
});

// Read aloud with the browser's own speech synthesis, where there is one.
document.querySelectorAll("button.read-aloud").forEach(function (button) {
  if (!("speechSynthesis" in window)) return;
  var start = button.getAttribute("data-start");
  var stop = button.getAttribute("data-stop");
  button.hidden = false;
  button.addEventListener("click", function () {
    if (window.speechSynthesis.speaking) {
      window.speechSynthesis.cancel();
      button.textContent = start;
      return;
    }
    var target = document.querySelector(button.getAttribute("data-read")) || document.body;
    var utterance = new SpeechSynthesisUtterance(target.innerText);
    utterance.lang = document.documentElement.lang;
    utterance.onend = function () { button.textContent = start; };
    button.textContent = stop;
    window.speechSynthesis.speak(utterance);
  });
});

// On paper, everything written in the plan is shown, folded parts too.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
});

// Focus the error summary (or a banner) when the page loads, so a screen reader
// reads it first and a keyboard user starts there (GOV.UK pattern).
(function () {
  var target = document.querySelector(".error-summary[data-focus-on-load]") ||
    document.querySelector("[data-focus-on-load]");
  if (target) target.focus();
})();

// "Stay signed in": a warning two minutes before the idle timeout (half-way for
// timeouts under four minutes). Without JavaScript, a form sent after the timeout
// is kept on the server until the same person signs in again.
(function () {
  var body = document.body;
  var seconds = parseInt(body.getAttribute("data-session-seconds") || "", 10);
  var dialog = document.getElementById("session-warning");
  if (!seconds || !dialog || typeof dialog.showModal !== "function") return;
  var warnTimer, endTimer;
  var before = dialog.querySelector("[data-before]");
  var after = dialog.querySelector("[data-after]");
  var stay = dialog.querySelector("[data-stay]");
  function start() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    var warnAfter = seconds > 240 ? seconds - 120 : seconds / 2;
    warnTimer = setTimeout(function () {
      before.hidden = false;
      after.hidden = true;
      stay.hidden = false;
      if (!dialog.open) dialog.showModal();
      stay.focus();
    }, warnAfter * 1000);
    endTimer = setTimeout(function () {
      before.hidden = true;
      after.hidden = false;
      stay.hidden = true;
    }, seconds * 1000);
  }
  stay.addEventListener("click", function () {
    var data = new URLSearchParams();
    data.append("csrf_token", body.getAttribute("data-csrf") || "");
    fetch(body.getAttribute("data-keep-alive"), {
      method: "POST", body: data, credentials: "same-origin", redirect: "manual"
    }).then(function (response) {
      if (response.status === 204) {
        dialog.close();
        start();
      } else {
        before.hidden = true;
        after.hidden = false;
        stay.hidden = true;
      }
    }).catch(function () {});
  });
  // Closing keeps the page; the timers go on.
  dialog.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
  start();
})();

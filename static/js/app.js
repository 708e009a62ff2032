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

// The shown text under `root`, in runs of one language (the nearest lang attribute).
function speechParts(root) {
  var parts = [];
  var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (var node = walker.nextNode(); node; node = walker.nextNode()) {
    var parent = node.parentElement;
    if (!parent || !node.data.trim() || parent.closest("[hidden], script, style")) continue;
    if (!parent.getClientRects().length) continue;  // not shown (a closed details)
    var owner = parent.closest("[lang]");
    var lang = owner ? owner.getAttribute("lang") : document.documentElement.lang;
    var last = parts[parts.length - 1];
    if (last && last.lang === lang) last.text += " " + node.data.trim();
    else parts.push({ lang: lang, text: node.data.trim() });
  }
  return parts;
}

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
    var parts = speechParts(target);
    if (!parts.length) return;
    button.textContent = stop;
    parts.forEach(function (part, index) {
      var utterance = new SpeechSynthesisUtterance(part.text);
      utterance.lang = part.lang;  // the plan's Danish text in a Danish voice
      if (index === parts.length - 1) utterance.onend = function () { button.textContent = start; };
      window.speechSynthesis.speak(utterance);
    });
  });
});

// On paper, everything written in the plan is shown, folded parts too.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
});

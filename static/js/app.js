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
    var parts = partsByLanguage(target);
    if (!parts.length) return;
    parts.forEach(function (part, index) {
      var utterance = new SpeechSynthesisUtterance(part.text);
      utterance.lang = part.lang;
      if (index === parts.length - 1) {
        utterance.onend = function () { button.textContent = start; };
      }
      window.speechSynthesis.speak(utterance);
    });
    button.textContent = stop;
  });
});

// The text of an element in pieces, each in the language of the nearest element
// with a lang attribute (Danish plan text in an English page is read in Danish).
function languageOf(element) {
  var marked = element.closest("[lang]");
  return (marked && marked.getAttribute("lang")) || document.documentElement.lang;
}

function partsByLanguage(root) {
  var parts = [];
  function add(text, lang) {
    text = text.replace(/\s+/g, " ").trim();
    if (!text) return;
    var last = parts[parts.length - 1];
    if (last && last.lang === lang) last.text += " " + text;
    else parts.push({ text: text, lang: lang });
  }
  function walk(element) {
    if (element.hidden || element.getAttribute("aria-hidden") === "true") return;
    if (!element.querySelector("[lang]")) {
      add(element.innerText || "", languageOf(element));
      return;
    }
    element.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE) add(node.textContent, languageOf(element));
      else if (node.nodeType === Node.ELEMENT_NODE) walk(node);
    });
  }
  walk(root);
  return parts;
}

// On paper, everything written in the plan is shown, folded parts too.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
});

// Progressive enhancement only: every page works without this file.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/service-worker.js", { scope: "/" }).catch(function () {});
    // The offline page comes in the language the person reads the app in.
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) {
        registration.active.postMessage({ language: document.documentElement.lang });
      }
    });
  });
}

// The crisis card on this phone (templates/help/crisis_card.html). Kept only after
// "Keep on this phone"; gone on any page shown signed out (sign-out, a session that
// ended) and by "Remove from this phone".
(function () {
  var CARD = "crisis-card";
  var CARD_URL = "/crisis-card/for-this-phone";
  if (!("caches" in window)) return;
  if (document.body.hasAttribute("data-signed-out")) {
    caches.delete(CARD).catch(function () {});
    return;
  }
  var status = document.getElementById("card-status");
  var remove = document.querySelector("button.remove-card");
  function say(name) {
    if (status && status.getAttribute(name)) status.textContent = status.getAttribute(name);
  }
  function showRemove(kept) {
    if (remove) remove.hidden = !kept;
  }
  if (remove) {
    remove.addEventListener("click", function () {
      caches.delete(CARD).then(function () {
        showRemove(false);
        say("data-removed-text");
      });
    });
  }
  var keep = status && status.getAttribute("data-keep-card");
  if (keep) {
    // The citizen just chose "Keep on this phone": fetch the card once and keep it.
    fetch(keep, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return caches.open(CARD).then(function (cache) { return cache.put(CARD_URL, response); });
      })
      .then(function () { showRemove(true); say("data-kept-text"); })
      .catch(function () { say("data-failed-text"); });
  } else if (status || remove) {
    caches.match(CARD_URL, { cacheName: CARD }).then(function (kept) {
      showRemove(Boolean(kept));
      if (kept && status && status.hasAttribute("data-stored-text")) say("data-stored-text");
    });
  }
})();

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

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

// Notices on this phone (Web Push), offered only where the browser has it.
(function () {
  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  function token() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token() },
      body: JSON.stringify(body),
    });
  }
  function current() {
    if (!supported) return Promise.resolve(null);
    return navigator.serviceWorker.getRegistration("/").then(function (registration) {
      return registration ? registration.pushManager.getSubscription() : null;
    });
  }
  function keyBytes(base64url) {
    var text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  // Signing out on this phone: it stops being told, here and on the server.
  document.querySelectorAll("form[action$='/auth/sign-out']").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.pushDone) return;
      event.preventDefault();
      current().then(function (subscription) {
        if (!subscription) return;
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = "push_endpoint";
        field.value = subscription.endpoint;
        form.appendChild(field);
        return subscription.unsubscribe();
      }).catch(function () {}).then(function () {
        form.dataset.pushDone = "1";
        form.submit();
      });
    });
  });

  var offer = document.getElementById("push-offer");
  if (!offer || !supported) return;
  var button = document.getElementById("push-toggle");
  var status = document.getElementById("push-status");
  function show(subscribed) {
    button.textContent = offer.getAttribute(subscribed ? "data-off" : "data-on");
    button.setAttribute("aria-pressed", subscribed ? "true" : "false");
  }
  offer.hidden = false;
  current().then(function (subscription) { show(!!subscription); });
  button.addEventListener("click", function () {
    status.textContent = "";
    current().then(function (subscription) {
      if (subscription) {
        return subscription.unsubscribe().then(function () {
          return post("/messages/push-subscription/remove", { endpoint: subscription.endpoint });
        }).then(function () { show(false); });
      }
      return navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(offer.getAttribute("data-key")),
        });
      }).then(function (created) {
        return post("/messages/push-subscription", created.toJSON()).then(function (response) {
          if (!response.ok) throw new Error("refused");
          show(true);
        });
      });
    }).catch(function () {
      status.textContent = offer.getAttribute("data-failed");
    });
  });
})();

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
  function typedSomething() {
    return Array.prototype.some.call(
      document.querySelectorAll("main textarea, main input[type=text]"),
      function (field) { return field.value.trim() !== "" && field.value !== field.defaultValue; }
    );
  }
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
      // Signed out: a page with nothing typed goes, so the next person holding the
      // phone does not find it open; typed text stays, to be sent and kept.
      if (!typedSomething()) {
        window.location.replace(body.getAttribute("data-signed-out-url") || "/auth/signed-out");
        return;
      }
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

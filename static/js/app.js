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

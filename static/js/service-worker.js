// Caches the static app shell and the offline page in each language: nobody's data.
// Pages may hold personal data and are never cached, with one exception the
// citizen chooses: the crisis card, kept after "Keep on this phone" (app.js puts it
// in CARD) and removed at sign-out, when the session ends, or by "Remove".
// The cache name follows the content of the shell (filled in by the server), so a
// deploy that changes any of it installs a new shell and drops the old one.
const CACHE = "shell-__SHELL_VERSION__";
const CARD = "crisis-card";
const CARD_URL = "/crisis-card/for-this-phone";
const SHELL = [
  "/static/css/app.css",
  "/static/js/app.js",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
];
const LANGUAGES = ["da", "en", "ar"];
const OFFLINE_PAGES = LANGUAGES.map((lang) => "/offline/" + lang);
// The language the person last read the app in (app.js tells); kept with the shell.
const LANGUAGE_KEY = "/offline/language";
// Where, without a network, the crisis card is shown if the phone keeps one.
const CARD_PATHS = ["/help", "/crisis-card", CARD_URL];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll([...SHELL, ...OFFLINE_PAGES]))
  );
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys().then((keys) =>
      Promise.all(
        keys.filter((key) => key !== CACHE && key !== CARD).map((key) => caches.delete(key))
      )
    )
  );
  self.clients.claim();
});

self.addEventListener("message", (event) => {
  const lang = event.data && event.data.language;
  if (LANGUAGES.includes(lang)) {
    event.waitUntil(
      caches.open(CACHE).then((cache) => cache.put(LANGUAGE_KEY, new Response(lang)))
    );
  }
});

async function keptCard() {
  const card = await caches.match(CARD_URL, { cacheName: CARD });
  if (!card) return undefined;
  const ends = Date.parse(card.headers.get("X-Card-Ends") || "");
  if (!Number.isNaN(ends) && Date.now() > ends) {
    // The session it was kept in has ended: so has the card.
    await caches.delete(CARD);
    return undefined;
  }
  return card;
}

async function offlinePage() {
  const chosen = await caches.match(LANGUAGE_KEY, { cacheName: CACHE });
  const lang = chosen ? await chosen.text() : "da";
  return (
    (await caches.match("/offline/" + (LANGUAGES.includes(lang) ? lang : "da"), {
      cacheName: CACHE,
    })) || Response.error()
  );
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(async () => {
        if (CARD_PATHS.includes(url.pathname)) {
          const card = await keptCard();
          if (card) return card;
        }
        return offlinePage();
      })
    );
    return;
  }
  if (SHELL.includes(url.pathname)) {
    // Pages name shell files with ?v=<content hash>; the cache holds them by path.
    // This cache's name follows the same content, so a hit is the current file.
    event.respondWith(
      caches.match(request, { cacheName: CACHE, ignoreSearch: true }).then(
        (hit) => hit || fetch(request)
      )
    );
  }
});

// Notices (Web Push). The push carries only "You have news in My plans" and a link
// to the messages page: nothing about health reaches the lock screen.
self.addEventListener("push", (event) => {
  let news = {};
  try {
    news = event.data ? event.data.json() : {};
  } catch (error) {
    news = {};
  }
  const url = new URL(news.url || "/messages", self.location.origin);
  event.waitUntil(
    self.registration.showNotification(news.title || "Mine planer", {
      body: news.body || "Du har nyt i Mine planer.",
      icon: "/static/icons/icon-192.png",
      tag: "news",
      data: { url: url.origin === self.location.origin ? url.pathname : "/messages" },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = (event.notification.data && event.notification.data.url) || "/messages";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if (new URL(client.url).origin === self.location.origin && "navigate" in client) {
          return client.focus().then(() => client.navigate(target));
        }
      }
      return self.clients.openWindow(target);
    })
  );
});

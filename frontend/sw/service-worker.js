/* The service worker: keeps the app and the crisis lines available without a connection.
 *
 * Built into dist/sw.js by the plugin in vite.config.ts, which fills in the build's files.
 * It caches only the app's own files and the public crisis list: never a member's data.
 */
const BUILD = self.__BUILD__;
const PRECACHE = self.__PRECACHE__;
const SHELL_CACHE = `circles-shell-${BUILD}`;
const DATA_CACHE = "circles-data-v1";
const CRISIS_PATH = "/api/v1/crisis-resources";
const SAVED_AT_HEADER = "X-Circles-Saved-At";

async function saveCrisisList(response) {
  const body = await response.clone().arrayBuffer();
  const headers = new Headers(response.headers);
  headers.set(SAVED_AT_HEADER, new Date().toISOString());
  const cache = await caches.open(DATA_CACHE);
  await cache.put(CRISIS_PATH, new Response(body, { status: response.status, headers }));
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL_CACHE);
      await shell.addAll(PRECACHE);
      try {
        const crisis = await fetch(CRISIS_PATH, { headers: { Accept: "application/json" } });
        if (crisis.ok) await saveCrisisList(crisis);
      } catch {
        // Offline while installing: the list is saved on the first visit to the crisis page.
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("circles-shell-") && name !== SHELL_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

async function crisisList(request) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      await saveCrisisList(response.clone());
      return response;
    }
    throw new Error(`status ${response.status}`);
  } catch (error) {
    const saved = await caches.match(CRISIS_PATH, { cacheName: DATA_CACHE, ignoreVary: true });
    if (saved) return saved;
    throw error;
  }
}

async function page(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const shell = await caches.match("/", { cacheName: SHELL_CACHE, ignoreVary: true });
    if (shell) return shell;
    throw error;
  }
}

async function file(request) {
  // ignoreVary: the server says "Vary: Origin" (CORS), and module scripts are requested with an
  // Origin the precache's requests did not have; the app's own files never depend on it.
  const cached = await caches.match(request, { cacheName: SHELL_CACHE, ignoreVary: true });
  return cached ?? fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === CRISIS_PATH) {
    // Every region's list, whatever the query: the page picks the region itself.
    event.respondWith(crisisList(request));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(request));
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(file(request));
  }
  // Everything else (the API above all) goes to the network as usual and is never stored.
});

// --- Push: a short message on the device, from the JSON the server sends ({title, body, url}).
// The server already wrote it in the person's chosen words (circles named only if they chose
// so); anything missing or unreadable shows a neutral line rather than nothing.
const NEUTRAL_TITLE = "Strength Circles";
const NEUTRAL_BODY = "You have a new notification";

/** A path inside the app to open on a click: same origin only, else the notification centre. */
function appUrl(url) {
  try {
    const target = new URL(typeof url === "string" && url ? url : "/notifications", self.location.origin);
    return target.origin === self.location.origin ? target.href : new URL("/notifications", self.location.origin).href;
  } catch {
    return new URL("/notifications", self.location.origin).href;
  }
}

function pushPayload(event) {
  try {
    const data = event.data ? event.data.json() : null;
    if (data && typeof data === "object" && typeof data.title === "string" && data.title.trim()) {
      return {
        title: data.title,
        body: typeof data.body === "string" ? data.body : "",
        url: appUrl(data.url),
      };
    }
  } catch {
    // Not JSON: the neutral message below.
  }
  return { title: NEUTRAL_TITLE, body: NEUTRAL_BODY, url: appUrl("/notifications") };
}

self.addEventListener("push", (event) => {
  const message = pushPayload(event);
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body,
      data: { url: message.url },
      icon: "/icon-192.png",
    }),
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = appUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      // A window of the app already on that page is brought forward. Another page of the app
      // is not navigated away from (it may hold something half written): the page opens anew.
      const showing = windows.find((client) => client.url === url);
      if (showing) {
        await showing.focus();
        return;
      }
      await self.clients.openWindow(url);
    })(),
  );
});

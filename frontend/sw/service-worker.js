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

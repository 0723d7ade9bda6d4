import { readdirSync, readFileSync } from "node:fs";

import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/** Writes dist/sw.js from sw/service-worker.js with this build's files to keep offline. */
function serviceWorker(): Plugin {
  return {
    name: "circles-service-worker",
    apply: "build",
    generateBundle(_options, bundle) {
      const built = Object.keys(bundle).filter((name) => !name.endsWith(".map") && name !== "index.html");
      const copied = readdirSync(new URL("./public/", import.meta.url));
      // "/" is index.html, the page every path of the app answers with.
      const precache = ["/", ...[...built, ...copied].map((name) => `/${name}`).sort()];
      const build = Date.now().toString(36);
      const source = readFileSync(new URL("./sw/service-worker.js", import.meta.url), "utf8")
        .replace("self.__BUILD__", JSON.stringify(build))
        .replace("self.__PRECACHE__", JSON.stringify(precache));
      this.emitFile({ type: "asset", fileName: "sw.js", source });
    },
  };
}

// In development the API runs on :8000 (make run); Vite proxies to it so the page and the
// API share one origin, as they do when the backend serves the built app.
export default defineConfig({
  plugins: [react(), serviceWorker()],
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8000",
      "/readyz": "http://127.0.0.1:8000",
      "/healthz": "http://127.0.0.1:8000",
      "/dev/mail": "http://127.0.0.1:8000",
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
  },
});

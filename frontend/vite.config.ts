import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";

import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/** Writes dist/sw.js from sw/service-worker.js with this build's files to keep offline. It runs
 * once the build is on disk, so the list is exactly what was written (Vite drops chunks that
 * hold only CSS after the bundle is generated). */
function serviceWorker(): Plugin {
  let outDir = "dist";
  return {
    name: "circles-service-worker",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    writeBundle() {
      const files = readdirSync(outDir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => relative(outDir, join(entry.parentPath, entry.name)).split(sep).join("/"))
        .filter((name) => !name.endsWith(".map") && name !== "index.html" && name !== "sw.js");
      // "/" is index.html, the page every path of the app answers with.
      const precache = ["/", ...files.map((name) => `/${name}`).sort()];
      const build = Date.now().toString(36);
      const source = readFileSync(new URL("./sw/service-worker.js", import.meta.url), "utf8")
        .replace("self.__BUILD__", JSON.stringify(build))
        .replace("self.__PRECACHE__", JSON.stringify(precache));
      writeFileSync(join(outDir, "sw.js"), source);
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

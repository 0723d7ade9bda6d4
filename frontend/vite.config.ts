import { defineConfig } from "vite";

// In development the API runs on :8000 (make run); Vite proxies to it so the page and the
// API share one origin, as they do when the backend serves the built app.
export default defineConfig({
  server: {
    proxy: {
      "/api": "http://127.0.0.1:8000",
      "/readyz": "http://127.0.0.1:8000",
      "/healthz": "http://127.0.0.1:8000",
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
  },
});

// @vitest-environment node
/** The service worker's push handlers, run against a fake worker scope (the rest of the worker,
 * its offline copy, is checked by the end-to-end tests in a real browser). */
import { readFileSync } from "node:fs";

import { describe, expect, it, vi } from "vitest";

const SOURCE = readFileSync(new URL("../sw/service-worker.js", import.meta.url), "utf8");
const ORIGIN = "https://circles.test";

type Listener = (event: Record<string, unknown>) => void;

function worker(windows: { url: string; focus: () => Promise<void> }[] = []) {
  const listeners = new Map<string, Listener>();
  const scope = {
    location: new URL(`${ORIGIN}/sw.js`),
    addEventListener: (type: string, listener: Listener) => listeners.set(type, listener),
    registration: { showNotification: vi.fn(() => Promise.resolve()) },
    clients: {
      matchAll: vi.fn(() => Promise.resolve(windows)),
      openWindow: vi.fn(() => Promise.resolve(null)),
    },
  };
  new Function("self", "caches", "fetch", SOURCE)(scope, {}, () => Promise.reject(new Error("offline")));
  async function dispatch(type: string, fields: Record<string, unknown>): Promise<void> {
    let work: Promise<unknown> = Promise.resolve();
    listeners.get(type)?.({ ...fields, waitUntil: (promise: Promise<unknown>) => (work = promise) });
    await work;
  }
  return { scope, dispatch };
}

const payload = (value: unknown) => ({ json: () => value });
const notText = { json: () => JSON.parse("not json") as unknown };

describe("the service worker's push", () => {
  it("shows the title and body the server sent, with the app's icon and where to go", async () => {
    const { scope, dispatch } = worker();
    await dispatch("push", { data: payload({ title: "A seat opened up for you", body: "It is yours.", url: "/my-meetings" }) });
    expect(scope.registration.showNotification).toHaveBeenCalledWith("A seat opened up for you", {
      body: "It is yours.",
      data: { url: `${ORIGIN}/my-meetings` },
      icon: "/icon-192.png",
    });
  });

  it.each([
    ["no payload", undefined],
    ["a payload that is not JSON", notText],
    ["a payload without a title", payload({ body: "words" })],
  ])("shows a neutral message for %s", async (_what, data) => {
    const { scope, dispatch } = worker();
    await dispatch("push", { data });
    expect(scope.registration.showNotification).toHaveBeenCalledWith("Strength Circles", {
      body: "You have a new notification",
      data: { url: `${ORIGIN}/notifications` },
      icon: "/icon-192.png",
    });
  });

  it("never leads to another site", async () => {
    const { scope, dispatch } = worker();
    await dispatch("push", { data: payload({ title: "Hello", body: "", url: "https://elsewhere.example/phish" }) });
    expect(scope.registration.showNotification).toHaveBeenCalledWith(
      "Hello",
      expect.objectContaining({ data: { url: `${ORIGIN}/notifications` } }),
    );
  });
});

describe("the service worker's notification click", () => {
  it("brings forward a window of the app already on that page", async () => {
    const open = { url: `${ORIGIN}/my-meetings`, focus: vi.fn(() => Promise.resolve()) };
    const { scope, dispatch } = worker([{ url: `${ORIGIN}/library`, focus: vi.fn() }, open]);
    const close = vi.fn();
    await dispatch("notificationclick", { notification: { close, data: { url: `${ORIGIN}/my-meetings` } } });
    expect(close).toHaveBeenCalled();
    expect(open.focus).toHaveBeenCalled();
    expect(scope.clients.openWindow).not.toHaveBeenCalled();
  });

  it("opens the page otherwise, and only on the app's own origin", async () => {
    const { scope, dispatch } = worker();
    await dispatch("notificationclick", { notification: { close: vi.fn(), data: { url: `${ORIGIN}/my-meetings` } } });
    expect(scope.clients.openWindow).toHaveBeenLastCalledWith(`${ORIGIN}/my-meetings`);
    await dispatch("notificationclick", { notification: { close: vi.fn(), data: { url: "https://elsewhere.example/" } } });
    expect(scope.clients.openWindow).toHaveBeenLastCalledWith(`${ORIGIN}/notifications`);
  });
});

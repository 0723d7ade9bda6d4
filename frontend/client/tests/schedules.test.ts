import { afterEach, describe, expect, test } from "vitest";

import { PAGE_SIZE } from "../src";
import { json, setup, signIn, type FakeServer } from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

const body = {
  rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
  start_time: "18:30",
  duration_minutes: 60,
  timezone: "America/New_York",
  starts_on: "2026-10-19",
};

describe("a circle's schedules and meetings", () => {
  test("a preview carries no Idempotency-Key (it writes nothing); creating and ending do", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("POST /api/v1/groups/g/schedules/preview", () =>
      json({ description: "Every other Monday, 6:30–7:30 pm", timezone: body.timezone, next_meetings: [] }),
    );
    server.on("POST /api/v1/groups/g/schedules", () => json({ id: "s" }, 201));
    server.on("POST /api/v1/schedules/s/end", () => json({ id: "s" }));

    const preview = await client.schedules.preview("g", body);
    await client.schedules.create("g", body);
    await client.schedules.end("s");

    expect(preview.description).toBe("Every other Monday, 6:30–7:30 pm");
    const [seen] = server.calls("POST /api/v1/groups/g/schedules/preview");
    expect(seen?.headers.has("Idempotency-Key")).toBe(false);
    expect(JSON.parse(seen?.body ?? "")).toEqual(body);
    expect(server.calls("POST /api/v1/groups/g/schedules")[0]?.headers.has("Idempotency-Key")).toBe(true);
    expect(server.calls("POST /api/v1/schedules/s/end")[0]?.headers.has("Idempotency-Key")).toBe(true);
  });

  test("the list is read whole; a change from now on is a PATCH of the series", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on(
      "GET /api/v1/groups/g/schedules",
      () => json({ items: [{ id: "s1" }], next_cursor: "after-1" }),
      () => json({ items: [{ id: "s2" }], next_cursor: null }),
    );
    server.on("PATCH /api/v1/schedules/s1", () => json({ id: "s1" }));

    const all = await client.schedules.list("g");
    await client.schedules.update("s1", { start_time: "19:00" });

    expect(all.items.map((item) => item.id)).toEqual(["s1", "s2"]);
    expect(server.calls("GET /api/v1/groups/g/schedules").map((seen) => seen.query.get("limit"))).toEqual([
      String(PAGE_SIZE),
      String(PAGE_SIZE),
    ]);
    expect(JSON.parse(server.calls("PATCH /api/v1/schedules/s1")[0]?.body ?? "")).toEqual({ start_time: "19:00" });
  });

  test("a circle's meetings in a window, a one-off meeting, and one meeting cancelled", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("GET /api/v1/groups/g/sessions", () => json({ items: [], next_cursor: null }));
    server.on("POST /api/v1/groups/g/sessions", () => json({ id: "m" }, 201));
    server.on("PATCH /api/v1/sessions/m", () => json({ id: "m", status: "cancelled" }));

    await client.sessions.forGroup("g", { from: "2026-10-01T00:00:00Z", to: "2026-12-30T00:00:00Z", limit: 100 });
    await client.sessions.createOneOff("g", {
      starts_at: "2026-10-21T23:00:00Z",
      duration_minutes: 60,
      timezone: "America/New_York",
    });
    await client.sessions.update("m", { status: "cancelled", cancel_reason: "The room is closed." });

    const [list] = server.calls("GET /api/v1/groups/g/sessions");
    expect(list?.query.get("from")).toBe("2026-10-01T00:00:00Z");
    expect(list?.query.get("to")).toBe("2026-12-30T00:00:00Z");
    expect(JSON.parse(server.calls("PATCH /api/v1/sessions/m")[0]?.body ?? "")).toEqual({
      status: "cancelled",
      cancel_reason: "The room is closed.",
    });
  });
});

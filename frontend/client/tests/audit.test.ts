import { afterEach, describe, expect, test } from "vitest";

import { setup, signIn, type FakeServer } from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

const PERSON = "7d1f5c2a-0000-4000-8000-000000000001";

describe("the audit trail", () => {
  test("is read a page at a time with the filters given", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("GET /api/v1/audit-events", () => Response.json({ items: [], next_cursor: null }));

    await client.admin.auditEvents({ action: "person.read", subject_id: PERSON, limit: 50 });

    const [seen] = server.calls("GET /api/v1/audit-events");
    expect(Object.fromEntries(seen?.query ?? [])).toEqual({ action: "person.read", subject_id: PERSON, limit: "50" });
  });

  test("downloads as CSV with the same filters, asking for text/csv", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on(
      "GET /api/v1/audit-events",
      () => new Response("occurred_at,actor_name\r\n", { headers: { "Content-Type": "text/csv" } }),
    );

    const file = await client.admin.auditEventsCsv({ subject_id: PERSON, from: "2026-11-01T00:00:00Z" });

    expect(await file.text()).toBe("occurred_at,actor_name\r\n");
    const [seen] = server.calls("GET /api/v1/audit-events");
    expect(seen?.headers.get("Accept")).toBe("text/csv");
    expect(Object.fromEntries(seen?.query ?? [])).toEqual({ subject_id: PERSON, from: "2026-11-01T00:00:00Z" });
  });
});

import { afterEach, describe, expect, test } from "vitest";

import { json, problem, setup, signIn, type FakeServer } from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

const resource = { id: "r1", title: "Box breathing", status: "draft" };

describe("the library editor", () => {
  test("drafts, published and archived resources are listed by status, a page at a time", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on(
      "GET /api/v1/resources",
      () => json({ items: [resource], next_cursor: "after-1" }),
      () => json({ items: [], next_cursor: null }),
    );

    await client.library.byStatus("draft");
    await client.library.byStatus("archived", "after-1");

    const queries = server.calls("GET /api/v1/resources").map((seen) => seen.query.toString());
    expect(queries).toEqual(["status=draft&limit=20", "status=archived&limit=20&cursor=after-1"]);
  });

  test("create, update and archive send what the API takes", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("POST /api/v1/resources", () => json(resource, 201));
    server.on("PATCH /api/v1/resources/r1", () => json({ ...resource, status: "published" }));
    server.on("DELETE /api/v1/resources/r1", () => new Response(null, { status: 204 }));

    const body = {
      title: "Box breathing",
      summary: "Slow your breathing.",
      body_markdown: "Breathe in for four.",
      type: "worksheet" as const,
      topics: ["anxiety"],
    };
    await client.library.create(body);
    const published = await client.library.update("r1", { status: "published" });
    await client.library.archive("r1");

    expect(JSON.parse(server.calls("POST /api/v1/resources")[0]?.body ?? "")).toEqual(body);
    expect(JSON.parse(server.calls("PATCH /api/v1/resources/r1")[0]?.body ?? "")).toEqual({ status: "published" });
    expect(published.status).toBe("published");
    expect(server.calls("DELETE /api/v1/resources/r1")).toHaveLength(1);
  });

  test("a preview carries no Idempotency-Key (it writes nothing) and a refused one throws its problem", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on(
      "POST /api/v1/resources/preview",
      () => json({ body_html: "<h2>Breathing</h2>", reading_minutes: 1 }),
      () => problem(422, { title: "Please check the form", errors: [{ loc: ["body", "body_markdown"], msg: "Too long" }] }),
    );

    const preview = await client.library.preview("# Breathing");
    const refused = await client.library.preview("x".repeat(10)).catch((error: unknown) => error);

    const [first] = server.calls("POST /api/v1/resources/preview");
    expect(preview).toEqual({ body_html: "<h2>Breathing</h2>", reading_minutes: 1 });
    expect(JSON.parse(first?.body ?? "")).toEqual({ body_markdown: "# Breathing" });
    expect(first?.headers.has("Idempotency-Key")).toBe(false);
    expect(refused).toMatchObject({ status: 422 });
  });

  test("the review-due list and a new topic", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("GET /api/v1/resources/due-for-review", () => json({ items: [resource], next_cursor: null }));
    server.on("POST /api/v1/topics", () => json({ slug: "sleep", name: "Sleep" }, 201));

    const due = await client.library.dueForReview();
    const topic = await client.library.createTopic({ slug: "sleep", name: "Sleep" });

    expect(due.items).toHaveLength(1);
    expect(server.calls("GET /api/v1/resources/due-for-review")[0]?.query.toString()).toBe("limit=20");
    expect(topic).toEqual({ slug: "sleep", name: "Sleep" });
    expect(server.calls("POST /api/v1/topics")[0]?.headers.has("Idempotency-Key")).toBe(true);
  });
});

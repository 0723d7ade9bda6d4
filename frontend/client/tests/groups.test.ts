import { afterEach, describe, expect, test } from "vitest";

import { isApiError } from "../src";
import { json, problem, setup, signIn, type FakeServer } from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

const GROUP = "6f1c2d4e-0000-4000-8000-000000000001";
const page = (overrides: Record<string, unknown> = {}) => ({ id: GROUP, name: "Grief circle", guidelines_version: 1, ...overrides });

describe("starting and running a circle", () => {
  test("create posts the whole circle with an Idempotency-Key, so a retry makes no second one", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("POST /api/v1/groups", () => problem(503, { title: "Busy" }), () => json(page(), 201));

    const body = {
      name: "Grief circle",
      description: "Meeting others after a loss.",
      topics: ["grief-and-loss"],
      format: "online" as const,
      language: "en",
      online_url: "https://meet.example.org/grief",
      guidelines: "What is shared here stays here.",
    };
    const created = await client.groups.create(body);

    expect(created.id).toBe(GROUP);
    const posts = server.calls("POST /api/v1/groups");
    expect(posts).toHaveLength(2);
    expect(JSON.parse(posts[0]?.body ?? "")).toEqual(body);
    const keys = posts.map((seen) => seen.headers.get("Idempotency-Key"));
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
    expect(posts[0]?.token).toBe("access-1");
  });

  test("update sends only the fields given; the server's field messages come back by name", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on(
      "PATCH /api/v1/groups/" + GROUP,
      () => json(page({ guidelines_version: 2 })),
      () =>
        problem(422, {
          detail: "1 field needs attention; see errors.",
          errors: [{ loc: ["body", "location", "country"], msg: "Two capital letters, such as US.", type: "string_pattern_mismatch" }],
        }),
    );

    const saved = await client.groups.update(GROUP, { guidelines: "Be kind.", location: null });
    expect(saved.guidelines_version).toBe(2);
    expect(JSON.parse(server.calls(`PATCH /api/v1/groups/${GROUP}`)[0]?.body ?? "")).toEqual({
      guidelines: "Be kind.",
      location: null,
    });

    const refused = await client.groups.update(GROUP, { location: { country: "usa" } }).catch((error: unknown) => error);
    expect(isApiError(refused) && refused.fieldMessage("country")).toBe("Two capital letters, such as US.");
  });

  test("archive posts to the circle's archive and answers its page", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on(`POST /api/v1/groups/${GROUP}/archive`, () => json(page({ status: "archived" })));

    const archived = await client.groups.archive(GROUP);

    expect(archived.status).toBe("archived");
    expect(server.calls(`POST /api/v1/groups/${GROUP}/archive`)).toHaveLength(1);
  });

  test("topics lists the vocabulary a circle is tagged with", async () => {
    const { server, client } = setup();
    current = server;
    server.on("GET /api/v1/topics", () => json({ items: [{ slug: "anxiety", name: "Anxiety" }] }));

    const topics = await client.groups.topics();

    expect(topics.items.map((topic) => topic.slug)).toEqual(["anxiety"]);
  });
});

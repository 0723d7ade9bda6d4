import { afterEach, describe, expect, test } from "vitest";

import { MAX_PAGES, PAGE_SIZE } from "../src";
import { json, setup, signIn, type FakeServer } from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

const story = (n: number) => ({ id: `story-${n}`, title: `Story ${n}` });

describe("the caller's own lists", () => {
  test("are read whole, following next_cursor page by page", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on(
      "GET /api/v1/me/stories",
      () => json({ items: [story(1), story(2)], next_cursor: "after-2" }),
      () => json({ items: [story(3)], next_cursor: null }),
    );

    const all = await client.me.stories();

    expect(all.items.map((item) => item.id)).toEqual(["story-1", "story-2", "story-3"]);
    expect(all.next_cursor).toBeNull();
    const queries = server.calls("GET /api/v1/me/stories").map((seen) => seen.query.toString());
    expect(queries).toEqual([`limit=${PAGE_SIZE}`, `limit=${PAGE_SIZE}&cursor=after-2`]);
  });

  test("never follow more than MAX_PAGES pages, whatever the server says", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("GET /api/v1/me/bookmarks", () => json({ items: [], next_cursor: "again" }));

    await client.me.bookmarks();

    expect(server.calls("GET /api/v1/me/bookmarks")).toHaveLength(MAX_PAGES);
  });
});

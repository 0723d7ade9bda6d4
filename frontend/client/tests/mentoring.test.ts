import { afterEach, describe, expect, test } from "vitest";

import { PAGE_SIZE } from "../src";
import { json, setup, signIn, type FakeServer } from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

const match = (n: number) => ({ id: `match-${n}`, status: "active" });

describe("peer mentoring", () => {
  test("my matches and a pair's check-ins are read whole", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on(
      "GET /api/v1/mentoring/matches",
      () => json({ items: [match(1)], next_cursor: "after-1" }),
      () => json({ items: [match(2)], next_cursor: null }),
    );
    server.on("GET /api/v1/mentoring/matches/match-1/check-ins", () => json({ items: [], next_cursor: null }));

    const all = await client.mentoring.matches();
    await client.mentoring.checkIns("match-1");

    expect(all.items.map((item) => item.id)).toEqual(["match-1", "match-2"]);
    const queries = server.calls("GET /api/v1/mentoring/matches").map((seen) => seen.query.toString());
    expect(queries).toEqual([`limit=${PAGE_SIZE}`, `limit=${PAGE_SIZE}&cursor=after-1`]);
  });

  test("a decline sends its note only when there is one; ending always sends the reason", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("POST /api/v1/mentoring/matches/m/decline", () => json(match(1)), () => json(match(1)));
    server.on("POST /api/v1/mentoring/matches/m/end", () => json(match(1)));

    await client.mentoring.decline("m");
    await client.mentoring.decline("m", "I can't take anyone new this month.");
    await client.mentoring.end("m", "We met our goals.");

    expect(server.calls("POST /api/v1/mentoring/matches/m/decline").map((seen) => JSON.parse(seen.body) as unknown)).toEqual([
      {},
      { reason: "I can't take anyone new this month." },
    ]);
    expect(JSON.parse(server.calls("POST /api/v1/mentoring/matches/m/end")[0]?.body ?? "")).toEqual({ reason: "We met our goals." });
  });

  test("admins read every match that needs attention, and the feedback figures", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on(
      "GET /api/v1/mentoring/matches/attention",
      () => json({ items: [{ match_id: "m-1", kind: "lapsed" }], next_cursor: "after-1" }),
      () => json({ items: [{ match_id: "m-2", kind: "quiet" }], next_cursor: null }),
    );
    server.on("GET /api/v1/mentoring/feedback-summary", () => json({ matches_ended: 3 }));

    const attention = await client.admin.matchesNeedingAttention();
    const summary = await client.admin.feedbackSummary();

    expect(attention.items.map((item) => item.kind)).toEqual(["lapsed", "quiet"]);
    const queries = server.calls("GET /api/v1/mentoring/matches/attention").map((seen) => seen.query.toString());
    expect(queries).toEqual([`limit=${PAGE_SIZE}`, `limit=${PAGE_SIZE}&cursor=after-1`]);
    expect(summary.matches_ended).toBe(3);
  });

  test("an admin proposes a mentor for a member: both ids in the body", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("POST /api/v1/mentoring/matches", () => json({ id: "m1", status: "proposed" }, 201));

    await client.admin.proposeMatch("mentee-1", "mentor-2");

    const [seen] = server.calls("POST /api/v1/mentoring/matches");
    expect(JSON.parse(seen?.body ?? "{}")).toEqual({ mentor_id: "mentor-2", mentee_id: "mentee-1" });
  });
});

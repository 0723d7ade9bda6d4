import { afterEach, describe, expect, test } from "vitest";

import { isApiError } from "../src";
import { json, problem, setup, signIn, type FakeServer } from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

const GROUP = "6f1c2d4e-0000-4000-8000-000000000001";
const INVITATION = "6f1c2d4e-0000-4000-8000-0000000000a1";
const TOKEN = "s3cret-Link_token-of-43-characters-xxxxxxxxx";
const made = { id: INVITATION, group_id: GROUP, state: "live", uses: 0, max_uses: 10, token: TOKEN, url: `https://x/invite/${TOKEN}` };

describe("invitations", () => {
  test("invite posts the limits without an Idempotency-Key, and is not retried (its answer holds the link)", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on(`POST /api/v1/groups/${GROUP}/invitations`, () => problem(503, { title: "Busy" }), () => json(made, 201));

    await expect(client.groups.invite(GROUP, { expires_in_days: 3, max_uses: 5 })).rejects.toSatisfy(
      (error) => isApiError(error) && error.status === 503,
    );
    const posts = server.calls(`POST /api/v1/groups/${GROUP}/invitations`);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.headers.get("Idempotency-Key")).toBeNull();
    expect(JSON.parse(posts[0]?.body ?? "")).toEqual({ expires_in_days: 3, max_uses: 5 });

    const created = await client.groups.invite(GROUP);
    expect(created.token).toBe(TOKEN);
  });

  test("the list follows every page; revoke is a DELETE", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on(
      `GET /api/v1/groups/${GROUP}/invitations`,
      () => json({ items: [{ ...made, token: undefined }], next_cursor: "next" }),
      () => json({ items: [{ ...made, id: "second" }], next_cursor: null }),
    );
    server.on(`DELETE /api/v1/invitations/${INVITATION}`, () => new Response(null, { status: 204 }));

    const listed = await client.groups.invitations(GROUP);
    expect(listed.items.map((item) => item.id)).toEqual([INVITATION, "second"]);
    expect(server.calls(`GET /api/v1/groups/${GROUP}/invitations`)[1]?.query.get("cursor")).toBe("next");
    await client.groups.revokeInvitation(INVITATION);
    expect(server.calls(`DELETE /api/v1/invitations/${INVITATION}`)).toHaveLength(1);
  });

  test("opening a link needs no sign-in; accepting sends the guidelines' yes, without a key", async () => {
    const { server, client } = setup();
    current = server;
    server.on(`GET /api/v1/invitations/${TOKEN}`, () => json({ group_id: GROUP, name: "Grief circle", already_member: false }));
    const preview = await client.invitations.read(TOKEN);
    expect(preview.name).toBe("Grief circle");
    expect(server.calls(`GET /api/v1/invitations/${TOKEN}`)[0]?.token).toBeNull();

    await signIn(server, client);
    server.on(`POST /api/v1/invitations/${TOKEN}/accept`, () => json({ group_id: GROUP, status: "active" }, 201));
    const joined = await client.invitations.accept(TOKEN);
    expect(joined.status).toBe("active");
    const post = server.calls(`POST /api/v1/invitations/${TOKEN}/accept`)[0];
    expect(JSON.parse(post?.body ?? "")).toEqual({ accept_guidelines: true });
    expect(post?.headers.get("Idempotency-Key")).toBeNull();
  });

  test("an expired link is a 410 the app can tell apart", async () => {
    const { server, client } = setup();
    current = server;
    server.on(
      `GET /api/v1/invitations/${TOKEN}`,
      () => problem(410, { type: "urn:strength-circles:problem:invitation-expired", detail: "This invitation has expired." }),
    );
    await expect(client.invitations.read(TOKEN)).rejects.toSatisfy((error) => isApiError(error) && error.status === 410);
  });
});

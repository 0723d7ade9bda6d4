import { afterEach, describe, expect, test } from "vitest";

import { json, setup, signIn, type FakeServer } from "./fake-server";

let current: FakeServer | undefined;
afterEach(() => {
  expect(current?.unrouted ?? []).toEqual([]);
  current = undefined;
});

const TOKEN = "s3cret-Referral_token-of-43-characters-xxxxx";

describe("referrals", () => {
  test("opening and answering a referral never send an Idempotency-Key (the path holds the secret)", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on(`POST /api/v1/referral-links/${TOKEN}/open`, () => json({ referrer_name: "Riverside" }));
    server.on(`POST /api/v1/referral-links/${TOKEN}/accept`, () => json({ joined: true, shared: ["outcome"] }));
    server.on(`POST /api/v1/referral-links/${TOKEN}/decline`, () => json({ joined: false, shared: [] }));

    await client.referrals.open(TOKEN);
    await client.referrals.accept(TOKEN, { consent_version: "v1", share: ["outcome"] });
    await client.referrals.decline(TOKEN, { consent_version: "v1", share_outcome: false });
    const calls = ["open", "accept", "decline"].flatMap((step) =>
      server.calls(`POST /api/v1/referral-links/${TOKEN}/${step}`),
    );
    expect(calls).toHaveLength(3);
    for (const call of calls) expect(call.headers.get("Idempotency-Key")).toBeNull();
    expect(JSON.parse(calls[1]?.body ?? "")).toEqual({ accept_guidelines: true, consent_version: "v1", share: ["outcome"] });
  });

  test("withdrawing a consent is a keyed POST of the consent's own address", async () => {
    const { server, client } = setup();
    current = server;
    await signIn(server, client);
    server.on("POST /api/v1/me/consents/c1/withdraw", () => json({ id: "c1", withdrawn_at: "2026-12-02T10:00:00Z" }));
    const withdrawn = await client.me.withdrawConsent("c1");
    expect(withdrawn.withdrawn_at).toBe("2026-12-02T10:00:00Z");
    expect(server.calls("POST /api/v1/me/consents/c1/withdraw")[0]?.headers.get("Idempotency-Key")).toBeTruthy();
  });
});

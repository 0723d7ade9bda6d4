import type { InvitationPreview } from "@strength-circles/client";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import InvitePage from "../Invite";
import { fakeApi, groupSummary, json, problem, renderRoutes } from "../../testing";

const session = vi.hoisted(() => ({ ready: true, signedIn: true, me: { id: "u1" } as { id: string } | undefined }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "America/Chicago" }));

const TOKEN = "a-secret-link-token-of-forty-three-characters";
const GROUP = "00000000-0000-4000-8000-0000000000aa";

function preview(overrides: Partial<InvitationPreview> = {}): InvitationPreview {
  return {
    group_id: GROUP,
    name: "Quiet Harbor",
    description: "A small circle for people after a loss.",
    format: "online",
    language: "en",
    city: null,
    region: null,
    country: null,
    accessibility_notes: null,
    schedules: groupSummary().schedules,
    next_session: null,
    guidelines: "What is said here stays here.",
    guidelines_version: 2,
    status: "active",
    seats_left: 4,
    expires_at: "2026-12-09T00:00:00Z",
    already_member: false,
    ...overrides,
  };
}

const route = [{ path: "/invite/:token", element: <InvitePage /> }];

describe("An invitation link", () => {
  beforeEach(() => {
    session.signedIn = true;
    session.me = { id: "u1" };
  });

  it("shows the circle and its guidelines, and joins once the guidelines are accepted", async () => {
    const fake = fakeApi({
      "GET /api/v1/invitations/:token": () => json(preview()),
      "POST /api/v1/invitations/:token/accept": () =>
        json({ user_id: "u1", group_id: GROUP, role: "member", status: "active", guidelines_version_accepted: 2, joined_at: null }, 201),
    });
    renderRoutes(`/invite/${TOKEN}`, route);
    expect(await screen.findByRole("heading", { level: 1, name: "Quiet Harbor" })).toBeInTheDocument();
    expect(screen.getByText("What is said here stays here.")).toBeInTheDocument();
    expect(screen.getByText("4 places left")).toBeInTheDocument();
    const join = screen.getByRole("button", { name: "Join this circle" });
    expect(join).toBeDisabled();
    await userEvent.click(screen.getByRole("checkbox", { name: "I have read the guidelines and will follow them" }));
    await userEvent.click(join);
    expect(await screen.findByText("Welcome! You're now a member.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Go to the circle" })).toHaveAttribute("href", `/groups/${GROUP}`);
    expect(fake.to("POST", `/api/v1/invitations/${TOKEN}/accept`)[0]?.body).toEqual({ accept_guidelines: true });
  });

  it("asks someone signed out to sign in, and brings them back here", async () => {
    session.signedIn = false;
    session.me = undefined;
    fakeApi({ "GET /api/v1/invitations/:token": () => json(preview()) });
    renderRoutes(`/invite/${TOKEN}`, route);
    const signIn = await screen.findByRole("link", { name: "Sign in to join" });
    expect(signIn).toHaveAttribute("href", `/sign-in?next=${encodeURIComponent(`/invite/${TOKEN}`)}`);
    expect(screen.getByRole("link", { name: "New here? Create an account" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Join this circle" })).not.toBeInTheDocument();
  });

  it("says so kindly when someone is a member already", async () => {
    fakeApi({ "GET /api/v1/invitations/:token": () => json(preview({ already_member: true })) });
    renderRoutes(`/invite/${TOKEN}`, route);
    expect(await screen.findByText("You're already in this circle.")).toBeInTheDocument();
  });

  it.each([
    [404, "invitation-not-found", "This invitation link doesn't work"],
    [410, "invitation-expired", "This invitation has expired"],
    [410, "invitation-used-up", "This invitation has been used up"],
    [410, "circle-closed", "This circle has closed"],
  ])("a %s %s has a page of its own", async (status, kind, title) => {
    fakeApi({
      "GET /api/v1/invitations/:token": () =>
        problem(status, { type: `urn:strength-circles:problem:${kind}`, title: "Problem", detail: "Ask for a new one." }),
    });
    renderRoutes(`/invite/${TOKEN}`, route);
    expect(await screen.findByRole("heading", { level: 1, name: title })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Find a circle" })).toBeInTheDocument();
  });
});

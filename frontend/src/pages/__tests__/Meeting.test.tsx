import type { GroupRead, SessionRead } from "@strength-circles/client";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { fakeApi, groupRead, json, renderRoutes } from "../../testing";
import MeetingPage from "../Meeting";

const session = vi.hoisted(() => ({ ready: true, signedIn: true, me: undefined, ended: undefined }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "America/Chicago" }));

const GROUP_ID = "00000000-0000-4000-8000-0000000000aa";
const SESSION_ID = "00000000-0000-4000-8000-0000000000bb";

function meeting(overrides: Partial<SessionRead> = {}): SessionRead {
  const starts = new Date(Date.now() + 3 * 60 * 60_000);
  return {
    id: SESSION_ID,
    group_id: GROUP_ID,
    group_name: "Rainbow Circle",
    group_slug: "rainbow-circle",
    group_format: "online",
    schedule_id: null,
    starts_at: starts.toISOString(),
    ends_at: new Date(starts.getTime() + 60 * 60_000).toISOString(),
    timezone: "America/Chicago",
    local_start: starts.toISOString(),
    status: "scheduled",
    cancel_reason: null,
    moved_from: null,
    capacity: 1,
    going: 1,
    waitlisted: 1,
    seats_left: 0,
    location: null,
    place: null,
    online_url: "https://meet.example.org/rainbow",
    my_rsvp: null,
    ...overrides,
  };
}

function circle(status: "active" | "pending" | null): GroupRead {
  return groupRead({
    id: GROUP_ID,
    slug: "rainbow-circle",
    name: "Rainbow Circle",
    my_membership: status ? { role: "member", status } : null,
  });
}

const page = [{ path: "/meetings/:sessionId", element: <MeetingPage /> }];

describe("a meeting's page", () => {
  it("offers the waitlist when the meeting is full, and says the place in line", async () => {
    let answered = meeting();
    const api = fakeApi({
      "GET /api/v1/sessions/:id": () => json(answered),
      "GET /api/v1/groups/:id": () => json(circle("active")),
      "PUT /api/v1/sessions/:id/rsvp": () => {
        answered = meeting({ my_rsvp: { status: "waitlisted", waitlist_position: 2 }, waitlisted: 2 });
        return json({ status: "waitlisted", waitlist_position: 2 });
      },
    });
    renderRoutes(`/meetings/${SESSION_ID}`, page);
    expect(await screen.findByText(/This meeting is full/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Join the waitlist" }));
    expect(await screen.findByText(/you're #2/)).toBeInTheDocument();
    expect(api.to("PUT", `/api/v1/sessions/${SESSION_ID}/rsvp`)[0]?.body).toEqual({ status: "going" });
    expect(await screen.findByRole("button", { name: "Leave the waitlist" })).toBeInTheDocument();
  });

  it("keeps the join button until 10 minutes before the start, and shows it then", async () => {
    fakeApi({
      "GET /api/v1/sessions/:id": () => json(meeting()),
      "GET /api/v1/groups/:id": () => json(circle("active")),
    });
    renderRoutes(`/meetings/${SESSION_ID}`, page);
    expect(await screen.findByText(/appears here 10 minutes before the start/)).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Join the meeting online" })).not.toBeInTheDocument();
  });

  it("gives members the link shortly before the start", async () => {
    const soon = new Date(Date.now() + 5 * 60_000);
    fakeApi({
      "GET /api/v1/sessions/:id": () =>
        json(meeting({ starts_at: soon.toISOString(), ends_at: new Date(soon.getTime() + 3_600_000).toISOString() })),
      "GET /api/v1/groups/:id": () => json(circle("active")),
    });
    renderRoutes(`/meetings/${SESSION_ID}`, page);
    expect(await screen.findByRole("link", { name: "Join the meeting online" })).toHaveAttribute(
      "href",
      "https://meet.example.org/rainbow",
    );
    expect(screen.getByRole("link", { name: "Check in" })).toBeInTheDocument();
  });

  it("asks people who are not members to join the circle first", async () => {
    fakeApi({
      "GET /api/v1/sessions/:id": () => json(meeting({ online_url: null })),
      "GET /api/v1/groups/:id": () => json(circle(null)),
    });
    renderRoutes(`/meetings/${SESSION_ID}`, page);
    expect(await screen.findByText(/Join the circle to RSVP/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Join the waitlist" })).not.toBeInTheDocument();
  });

  it("says plainly that a meeting is cancelled, and that one has moved", async () => {
    fakeApi({
      "GET /api/v1/sessions/:id": () => json(meeting({ status: "cancelled", cancel_reason: "The facilitator is unwell." })),
      "GET /api/v1/groups/:id": () => json(circle("active")),
    });
    const { unmount } = renderRoutes(`/meetings/${SESSION_ID}`, page);
    expect(await screen.findByText("This meeting is cancelled.")).toBeInTheDocument();
    expect(screen.getByText(/The facilitator is unwell/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /waitlist|going/i })).not.toBeInTheDocument();
    unmount();

    fakeApi({
      "GET /api/v1/sessions/:id": () => json(meeting({ moved_from: "2030-01-08T01:00:00Z" })),
      "GET /api/v1/groups/:id": () => json(circle("active")),
    });
    renderRoutes(`/meetings/${SESSION_ID}`, page);
    expect(await screen.findByText("This meeting has moved.")).toBeInTheDocument();
    expect(screen.getByText(/planned for Monday, January 7, 2030 at 7:00 pm/)).toBeInTheDocument();
  });
});

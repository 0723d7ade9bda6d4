import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { fakeApi, json, renderRoutes } from "../../testing";
import MentoringAdminPage from "../staff/MentoringAdmin";

vi.mock("../../lib/session", () => ({
  useSession: () => ({ ready: true, signedIn: true, me: undefined }),
  useTimeZone: () => "UTC",
}));

const person = (n: number, name: string) => ({ user_id: `00000000-0000-4000-8000-00000000000${n}`, display_name: name });
const RIVER = person(1, "River");
const MAPLE = person(2, "Maple");
const JUNIPER = person(3, "Juniper");

function attention(kind: string, overrides: Record<string, unknown> = {}) {
  return {
    match_id: `match-${kind}`,
    kind,
    since: "2026-11-20T10:00:00Z",
    status: kind === "quiet" ? "active" : "ended",
    mentor: MAPLE,
    mentee: RIVER,
    check_ins: 0,
    mentee_waiting: false,
    ...overrides,
  };
}

const WAITING = { count: 0, waiting: 2, average: null, distribution: null };
const SHOWN = { count: 6, waiting: 1, average: 4.5, distribution: { "1": 0, "2": 0, "3": 1, "4": 1, "5": 4 } };

function api(items: unknown[]) {
  return fakeApi({
    "GET /api/v1/mentoring/mentors": () => json({ items: [], next_cursor: null }),
    "GET /api/v1/mentoring/matches/attention": () => json({ items, next_cursor: null }),
    "GET /api/v1/mentoring/feedback-summary": () =>
      json({ as_of: "2026-10-01", matches_ended: 9, from_mentees: SHOWN, from_mentors: WAITING }),
    "POST /api/v1/mentoring/matching-runs": () =>
      json({
        run_id: null,
        dry_run: true,
        open_requests: 2,
        proposals: [],
        unmatched: [RIVER.user_id, JUNIPER.user_id],
        unmatched_people: [
          {
            mentee_id: RIVER.user_id,
            display_name: "River",
            reason_code: "no_shared_language",
            reason: "No mentor with room speaks Spanish.",
          },
          {
            mentee_id: JUNIPER.user_id,
            display_name: "Juniper",
            reason_code: "cannot_be_proposed_again",
            reason: "None of the mentors who fit can be proposed again.",
          },
        ],
        total_score: 0,
      }),
  });
}

describe("Peer mentoring for admins", () => {
  it("lists the matches that need attention, each with what it means and what to do", async () => {
    api([
      attention("lapsed", { mentee_waiting: true }),
      attention("blocked", { mentee: JUNIPER }),
      attention("moderation"),
      attention("account_closed"),
      attention("quiet", { check_ins: 3 }),
    ]);
    renderRoutes("/staff/mentoring", [{ path: "/staff/mentoring", element: <MentoringAdminPage /> }]);
    expect(await screen.findByRole("heading", { level: 2, name: "Matches that need attention" })).toBeInTheDocument();
    const cards = await screen.findAllByRole("heading", { level: 3, name: / with Maple/ });
    expect(cards).toHaveLength(5);

    const lapsed = within(cards[0]?.closest("li") as HTMLElement);
    expect(lapsed.getByText("Proposal not answered")).toBeInTheDocument();
    expect(lapsed.getByRole("link", { name: "the matching run" })).toHaveAttribute("href", "#matching-run");
    expect(lapsed.getByText(/River is still waiting for a mentor/)).toBeInTheDocument();

    const blocked = within(cards[1]?.closest("li") as HTMLElement);
    expect(blocked.getByText(/never mention a block to either person/)).toBeInTheDocument();
    expect(blocked.getByText("Juniper is not waiting for a mentor now.")).toBeInTheDocument();

    const moderation = within(cards[2]?.closest("li") as HTMLElement);
    expect(moderation.getByRole("link", { name: "reports queue" })).toHaveAttribute("href", "/staff/reports");

    const quiet = within(cards[4]?.closest("li") as HTMLElement);
    expect(quiet.getByText(/3 check-ins logged in all/)).toBeInTheDocument();
    expect(quiet.getByText(/Nothing happens automatically/)).toBeInTheDocument();
    expect(quiet.getByText(/Friday, November 20/)).toBeInTheDocument();
  });

  it("proposes a mentor with room for someone still waiting, never the one who did not answer", async () => {
    const mentor = (n: number, name: string, extra: Record<string, unknown> = {}) => ({
      ...person(n, name),
      status: "approved",
      paused: false,
      capacity: 2,
      active_mentees: 0,
      ...extra,
    });
    const fake = fakeApi({
      "GET /api/v1/mentoring/mentors": (call) =>
        json({
          items:
            call.query.get("status") === "approved"
              ? [mentor(2, "Maple"), mentor(4, "Oak", { active_mentees: 1 }), mentor(5, "Birch", { active_mentees: 2 }), mentor(6, "Ash", { paused: true })]
              : [],
          next_cursor: null,
        }),
      "GET /api/v1/mentoring/matches/attention": () => json({ items: [attention("lapsed", { mentee_waiting: true })], next_cursor: null }),
      "GET /api/v1/mentoring/feedback-summary": () =>
        json({ as_of: "2026-10-01", matches_ended: 0, from_mentees: WAITING, from_mentors: WAITING }),
      "POST /api/v1/mentoring/matches": () => json({ id: "new-match", status: "proposed" }, 201),
    });
    renderRoutes("/staff/mentoring", [{ path: "/staff/mentoring", element: <MentoringAdminPage /> }]);
    const choose = await screen.findByLabelText("Propose a mentor for River");
    // Maple did not answer, Birch is full and Ash is paused: only Oak is offered.
    expect(within(choose).getAllByRole("option").map((option) => option.textContent)).toEqual([
      "Choose an approved mentor with room",
      "Oak (1 of 2 places taken)",
    ]);
    await userEvent.selectOptions(choose, "Oak (1 of 2 places taken)");
    await userEvent.click(screen.getByRole("button", { name: "Propose" }));
    const told = await screen.findByText("Oak is asked to mentor River. They have 14 days to answer.");
    await waitFor(() => expect(told).toHaveFocus());
    expect(fake.to("POST", "/api/v1/mentoring/matches")[0]?.body).toEqual({ mentor_id: person(4, "").user_id, mentee_id: RIVER.user_id });
  });

  it("says so when nothing needs attention, and shows ratings only from five on", async () => {
    api([]);
    renderRoutes("/staff/mentoring", [{ path: "/staff/mentoring", element: <MentoringAdminPage /> }]);
    expect(await screen.findByText("No match needs attention right now.")).toBeInTheDocument();
    expect(await screen.findByText(/From mentees: 4.5 out of 5 from 6 ratings/)).toBeInTheDocument();
    expect(screen.getByText(/From mentors: not shown yet\. Figures appear from five ratings on/)).toBeInTheDocument();
    expect(screen.getByText(/\(2 waiting\)/)).toBeInTheDocument();
    expect(screen.getByText(/9 matches have ended/)).toBeInTheDocument();
  });

  it("shows why each person was left unmatched in the preview", async () => {
    const fake = api([]);
    renderRoutes("/staff/mentoring", [{ path: "/staff/mentoring", element: <MentoringAdminPage /> }]);
    await userEvent.click(await screen.findByRole("button", { name: "Preview the pairs" }));
    expect(await screen.findByRole("heading", { level: 3, name: "Not matched this time" })).toBeInTheDocument();
    expect(screen.getByText(/: No mentor with room speaks Spanish\./)).toBeInTheDocument();
    expect(screen.getByText(/: None of the mentors who fit can be proposed again\./)).toBeInTheDocument();
    expect(fake.to("POST", "/api/v1/mentoring/matching-runs")[0]?.body).toEqual({ dry_run: true });
  });
});

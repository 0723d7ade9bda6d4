import type { MatchRead, Suggestion } from "@strength-circles/client";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";

import { AvailabilityPicker } from "../../components/AvailabilityPicker";
import type { SlotDraft } from "../../lib/availability";
import { fakeApi, json, problem, renderRoutes } from "../../testing";
import AskForMentorPage from "../mentoring/AskForMentor";
import MyMatchesPage from "../mentoring/MyMatches";

const session = vi.hoisted(() => ({ ready: true, signedIn: true, me: undefined }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "America/Chicago" }));

const TOPICS = { items: [{ slug: "anxiety", name: "Anxiety" }, { slug: "grief-and-loss", name: "Grief and loss" }] };
const ME = "00000000-0000-4000-8000-000000000001";
const MAPLE = "00000000-0000-4000-8000-000000000002";

function Picker({ start = [] as SlotDraft[], onChange = (_: SlotDraft[]) => {} }) {
  const [slots, setSlots] = useState(start);
  return (
    <AvailabilityPicker
      legend="When you are free each week"
      hint="Add times."
      zone="America/Chicago"
      slots={slots}
      showProblems
      onChange={(next) => {
        setSlots(next);
        onChange(next);
      }}
    />
  );
}

describe("the weekly availability picker", () => {
  it("adds, changes and removes rows, each field labelled, in the member's zone", async () => {
    const seen: SlotDraft[][] = [];
    renderRoutes("/", [{ path: "/", element: <Picker onChange={(s) => seen.push(s)} /> }]);
    const user = userEvent.setup();
    const group = screen.getByRole("group", { name: "When you are free each week" });
    expect(within(group).getByText(/Chicago time/)).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Add a time" }));
    await waitFor(() => expect(screen.getByLabelText("Day, time 1")).toHaveFocus());
    await user.selectOptions(screen.getByLabelText("Day, time 1"), "Wednesday");
    await user.click(screen.getByRole("button", { name: "Add a time" }));
    expect(screen.getByLabelText("Day, time 2")).toHaveValue("3"); // the day after the last row
    expect(seen.at(-1)).toEqual([
      { weekday: 2, start: "18:00", end: "20:00" },
      { weekday: 3, start: "18:00", end: "20:00" },
    ]);

    await user.click(screen.getByRole("button", { name: "Remove time 1" }));
    expect(seen.at(-1)).toEqual([{ weekday: 3, start: "18:00", end: "20:00" }]);
    await waitFor(() => expect(screen.getByRole("button", { name: "Add a time" })).toHaveFocus());
  });

  it("says plainly when a row ends before it starts", () => {
    renderRoutes("/", [{ path: "/", element: <Picker start={[{ weekday: 0, start: "21:00", end: "18:00" }]} /> }]);
    expect(screen.getByText(/Time 1: The end time must be later than the start/)).toBeInTheDocument();
    expect(screen.getByLabelText("Until, time 1")).toHaveAttribute("aria-invalid", "true");
  });
});

function suggestion(overrides: Partial<Suggestion> = {}): Suggestion {
  return {
    mentor_id: MAPLE,
    display_name: "Maple",
    score: 0.82,
    reasons: ["both speak English", "lived experience with grief and loss", "3 hours a week in common"],
    common_times: [
      { weekday: 0, start: "18:00:00", end: "21:00:00" },
      { weekday: 6, start: "09:00:00", end: "23:59:00" },
    ],
    experience_areas: ["grief-and-loss"],
    languages: ["en", "es"],
    bio: "The grief circle got me through the first year.",
    ...overrides,
  };
}

const REQUEST = {
  user_id: ME,
  needs: ["grief-and-loss"],
  languages: ["en"],
  availability: [{ weekday: 0, start: "18:00:00", end: "21:00:00" }],
  timezone: "America/Chicago",
  preferences: {},
  open: true,
  created_at: "2027-01-01T00:00:00Z",
  updated_at: "2027-01-01T00:00:00Z",
};

function match(overrides: Partial<MatchRead> = {}): MatchRead {
  return {
    id: "00000000-0000-4000-8000-0000000000m1".replace("m1", "a1"),
    status: "proposed",
    mentor: { user_id: MAPLE, display_name: "Maple" },
    mentee: { user_id: ME, display_name: "River" },
    my_side: "mentee",
    score: 0.82,
    reasons: ["both speak English"],
    close_reason: null,
    proposed_at: "2027-01-02T00:00:00Z",
    responded_at: null,
    ended_at: null,
    ...overrides,
  };
}

describe("Ask for a mentor", () => {
  it("sends the request from the form, then shows suggestions with reasons and shared hours", async () => {
    let saved: typeof REQUEST | null = null;
    const api = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/mentoring/mentee-request": () => (saved ? json(saved) : problem(404, { title: "No request" })),
      "PUT /api/v1/mentoring/mentee-request": () => {
        saved = REQUEST;
        return json(saved);
      },
      "GET /api/v1/mentoring/matches": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/mentoring/suggestions": () => json({ items: [suggestion()] }),
    });
    renderRoutes("/mentoring/ask", [{ path: "/mentoring/ask", element: <AskForMentorPage /> }]);
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText("Grief and loss"));
    await user.click(screen.getByRole("button", { name: "Add a time" }));
    await user.click(screen.getByRole("button", { name: "Ask for a mentor" }));

    await screen.findByRole("heading", { name: "Suggested mentors" });
    expect(api.to("PUT", "/api/v1/mentoring/mentee-request")[0]?.body).toEqual({
      needs: ["grief-and-loss"],
      languages: ["en"],
      availability: [{ weekday: 0, start: "18:00", end: "20:00" }],
      preferences: { mentor_gender: null, min_years_in_recovery: null },
    });
    const card = (await screen.findByRole("heading", { name: "Maple" })).closest("li") as HTMLElement;
    const reasons = within(card).getByRole("list", { name: "Why we suggest Maple" });
    expect(within(reasons).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "Both speak English",
      "Lived experience with grief and loss",
      "3 hours a week in common",
    ]);
    const hours = within(card).getByRole("list", { name: "Times you are both free (your time)" });
    expect(within(hours).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "Mondays, 6:00 pm to 9:00 pm",
      "Sundays, 9:00 am to midnight",
    ]);
    expect(within(card).getByText(/America\/Chicago|America Chicago|Chicago/)).toBeInTheDocument();
  });

  it("asks one mentor, then offers no more asks while waiting and lets the member withdraw", async () => {
    let matches: MatchRead[] = [];
    const api = fakeApi({
      "GET /api/v1/mentoring/mentee-request": () => json(REQUEST),
      "GET /api/v1/mentoring/matches": () => json({ items: matches, next_cursor: null }),
      "GET /api/v1/mentoring/suggestions": () => json({ items: [suggestion()] }),
      "POST /api/v1/mentoring/matches": () => {
        matches = [match()];
        return json(matches[0], 201);
      },
      "POST /api/v1/mentoring/matches/:id/withdraw": () => {
        matches = [match({ status: "withdrawn" })];
        return json(matches[0]);
      },
    });
    renderRoutes("/mentoring/ask", [{ path: "/mentoring/ask", element: <AskForMentorPage /> }]);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Ask Maple to be your mentor" }));
    expect(await screen.findByText(/You asked Maple\. They have been told/)).toBeInTheDocument();
    expect(api.to("POST", "/api/v1/mentoring/matches")[0]?.body).toEqual({ mentor_id: MAPLE });
    expect(screen.queryByRole("button", { name: "Ask Maple to be your mentor" })).not.toBeInTheDocument();

    await user.click(await screen.findByRole("button", { name: "Withdraw my request to Maple" }));
    await user.click(screen.getByRole("button", { name: "Yes, withdraw it" }));
    await waitFor(() => expect(api.to("POST", /\/withdraw$/)).toHaveLength(1));
  });
});

describe("My matches", () => {
  it("lets a mentor decline with an optional note", async () => {
    let current = match({ my_side: "mentor" });
    const api = fakeApi({
      "GET /api/v1/mentoring/matches": () => json({ items: [current], next_cursor: null }),
      "POST /api/v1/mentoring/matches/:id/decline": () => {
        current = { ...current, status: "declined", close_reason: "I can't this month." };
        return json(current);
      },
    });
    renderRoutes("/m", [{ path: "/m", element: <MyMatchesPage /> }]);
    const user = userEvent.setup();
    expect(await screen.findByText(/River would like you as their mentor/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Accept River" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Decline River" }));
    await user.type(screen.getByLabelText("A note for River (optional)"), "I can't this month.");
    await user.click(screen.getByRole("button", { name: "Decline" }));
    await screen.findByText("Not this time");
    expect(api.to("POST", /\/decline$/)[0]?.body).toEqual({ reason: "I can't this month." });
  });

  it("shows an active match's check-ins as private to the pair, logs one, and ends with a reason", async () => {
    let current = match({ status: "active" });
    const checkIns: unknown[] = [];
    const api = fakeApi({
      "GET /api/v1/mentoring/matches": () => json({ items: [current], next_cursor: null }),
      "GET /api/v1/mentoring/matches/:id/check-ins": () => json({ items: checkIns, next_cursor: null }),
      "POST /api/v1/mentoring/matches/:id/check-ins": (call) => {
        const body = call.body as { met_on: string; duration_minutes: number; notes: string };
        checkIns.push({ id: "c1", match_id: current.id, author_id: ME, created_at: "2027-01-05T00:00:00Z", ...body });
        return json(checkIns[0], 201);
      },
      "POST /api/v1/mentoring/matches/:id/end": () => {
        current = { ...current, status: "ended", close_reason: "We reached our goal." };
        return json(current);
      },
      "GET /api/v1/mentoring/matches/:id/feedback": () => problem(404, { title: "No feedback yet" }),
    });
    renderRoutes("/m", [{ path: "/m", element: <MyMatchesPage /> }]);
    const user = userEvent.setup();
    expect(await screen.findByText("Only the two of you can read these notes.")).toBeInTheDocument();
    await user.clear(screen.getByLabelText("The day you met"));
    await user.type(screen.getByLabelText("The day you met"), "2027-01-04");
    await user.clear(screen.getByLabelText("How long, in minutes"));
    await user.type(screen.getByLabelText("How long, in minutes"), "45");
    await user.type(screen.getByLabelText("Notes (optional)"), "Talked about evenings.");
    await user.click(screen.getByRole("button", { name: "Save this meeting" }));
    expect(await screen.findByText("Talked about evenings.")).toBeInTheDocument();
    expect(api.to("POST", /\/check-ins$/)[0]?.body).toEqual({
      met_on: "2027-01-04",
      duration_minutes: 45,
      notes: "Talked about evenings.",
    });

    await user.click(screen.getByRole("button", { name: "End this match with Maple" }));
    await user.click(screen.getByRole("button", { name: "End the match" }));
    expect(screen.getByText("Please say in a few words why, for Maple.")).toBeInTheDocument();
    expect(api.to("POST", /\/end$/)).toHaveLength(0);
    await user.type(screen.getByLabelText("Why, in a few words, for Maple"), "We reached our goal.");
    await user.click(screen.getByRole("button", { name: "End the match" }));
    expect(await screen.findByText(/Your time together as a mentoring pair has ended/)).toBeInTheDocument();
    expect(await screen.findByRole("heading", { name: "How was it for you?" })).toBeInTheDocument();
  });

  it("blocks someone and says they are not told", async () => {
    const api = fakeApi({
      "GET /api/v1/mentoring/matches": () => json({ items: [match({ status: "declined" })], next_cursor: null }),
      "PUT /api/v1/me/blocks/:id": () => json({ user_id: MAPLE, display_name: "Maple", blocked_at: "2027-01-05T00:00:00Z" }),
    });
    renderRoutes("/m", [{ path: "/m", element: <MyMatchesPage /> }]);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Block Maple" }));
    const confirm = screen.getByRole("group", { name: "Block Maple?" });
    expect(within(confirm).getByText(/They are not told/)).toBeInTheDocument();
    await user.click(within(confirm).getByRole("button", { name: "Block Maple" }));
    expect(await screen.findByText(/You blocked Maple\. They are not told/)).toBeInTheDocument();
    expect(api.to("PUT", `/api/v1/me/blocks/${MAPLE}`)).toHaveLength(1);
  });
});

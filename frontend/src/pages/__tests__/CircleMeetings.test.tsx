import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it, vi } from "vitest";

import CircleMeetingsPage from "../staff/CircleMeetings";
import { type Call, fakeApi, json, renderRoutes } from "./library-fixtures";

vi.mock("../../lib/session", () => ({
  useSession: () => ({ ready: true, signedIn: true, me: { id: "f1" } }),
  useTimeZone: () => "America/New_York",
}));

beforeAll(() => {
  // jsdom has <dialog> without its modal methods.
  HTMLDialogElement.prototype.showModal ??= function showModal(this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close ??= function close(this: HTMLDialogElement) {
    this.removeAttribute("open");
  };
});

const series = {
  id: "s1",
  group_id: "g1",
  rrule: "FREQ=WEEKLY;BYDAY=TU",
  description: "Tuesdays, 7:00–8:30 pm",
  start_time: "19:00:00",
  duration_minutes: 90,
  timezone: "America/New_York",
  starts_on: "2026-10-01",
  until: null,
  capacity: null,
  location: null,
  online_url: null,
  ended_at: null,
};

const meeting = {
  id: "m1",
  group_id: "g1",
  group_name: "Rainbow Circle",
  group_slug: "rainbow-circle",
  group_format: "online",
  schedule_id: "s1",
  starts_at: "2030-10-08T23:00:00Z",
  ends_at: "2030-10-09T00:30:00Z",
  timezone: "America/New_York",
  local_start: "2030-10-08T19:00:00-04:00",
  status: "scheduled",
  cancel_reason: null,
  moved_from: null,
  capacity: 12,
  going: 3,
  waitlisted: 1,
  seats_left: 9,
  location: null,
  place: null,
  online_url: null,
  my_rsvp: null,
};

function api(previews: Call[] = []) {
  return fakeApi({
    "GET /api/v1/groups/:id": () => json({ id: "g1", name: "Rainbow Circle", schedules: [] }),
    "GET /api/v1/groups/:id/schedules": () => json({ items: [series], next_cursor: null }),
    "GET /api/v1/groups/:id/sessions": () => json({ items: [meeting], next_cursor: null }),
    "POST /api/v1/groups/:id/schedules/preview": (call) => {
      previews.push(call);
      return json({
        description: "Every other Monday, 6:30–7:30 pm",
        timezone: "America/New_York",
        next_meetings: [
          { starts_at: "2030-10-21T22:30:00Z", ends_at: "2030-10-21T23:30:00Z", local_start: "2030-10-21T18:30:00-04:00" },
          { starts_at: "2030-11-04T23:30:00Z", ends_at: "2030-11-05T00:30:00Z", local_start: "2030-11-04T18:30:00-05:00" },
        ],
      });
    },
    "PATCH /api/v1/sessions/:id": () => json({ ...meeting, status: "cancelled" }),
    "POST /api/v1/schedules/:id/preview": (call) => {
      previews.push(call);
      return json({ description: "Wednesdays, 7:00–8:30 pm", timezone: "America/New_York", next_meetings: [] });
    },
    "PATCH /api/v1/schedules/:id": () => json({ ...series, rrule: "FREQ=WEEKLY;BYDAY=WE", description: "Wednesdays, 7:00–8:30 pm" }),
    "POST /api/v1/schedules/:id/end": () => json({ ...series, ended_at: "2030-10-01T00:00:00Z" }),
  });
}

describe("A circle's meetings and schedule", () => {
  it("lists the series in words and the upcoming meetings with their tools", async () => {
    api();
    renderRoutes("/groups/g1/meetings", [{ path: "/groups/:groupId/meetings", element: <CircleMeetingsPage /> }]);
    expect(await screen.findByRole("heading", { level: 1, name: "Meetings and schedule: Rainbow Circle" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Tuesdays, 7:00–8:30 pm" })).toBeInTheDocument();
    expect(screen.getByText("Change from now on")).toBeInTheDocument();
    const card = (await screen.findByRole("heading", { name: /Tuesday, October 8, 2030/ })).closest("li") as HTMLElement;
    expect(within(card).getByRole("link", { name: /Run this meeting/ })).toHaveAttribute("href", "/meetings/m1/run");
  });

  it("lists twelve meetings at a time, the rest a button away", async () => {
    // Thirteen weekly meetings, a week apart from October 8, 2030.
    const weekly = Array.from({ length: 13 }, (_, week) => {
      const start = new Date(Date.parse(meeting.starts_at) + week * 7 * 86_400_000);
      return { ...meeting, id: `m${week}`, starts_at: start.toISOString(), ends_at: new Date(start.getTime() + 90 * 60_000).toISOString() };
    });
    fakeApi({
      "GET /api/v1/groups/:id": () => json({ id: "g1", name: "Rainbow Circle", schedules: [] }),
      "GET /api/v1/groups/:id/schedules": () => json({ items: [series], next_cursor: null }),
      "GET /api/v1/groups/:id/sessions": () => json({ items: weekly, next_cursor: null }),
    });
    renderRoutes("/groups/g1/meetings", [{ path: "/groups/:groupId/meetings", element: <CircleMeetingsPage /> }]);
    await screen.findByRole("heading", { name: /Tuesday, October 8, 2030/ });
    const runLinks = () => screen.getAllByRole("link", { name: /^Run this meeting on/ });
    expect(runLinks()).toHaveLength(12);
    expect(screen.queryByRole("heading", { name: /Tuesday, December 31, 2030/ })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Show later meetings" }));
    expect(runLinks()).toHaveLength(13);
    expect(screen.getByRole("heading", { name: /Tuesday, December 31, 2030/ })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Show later meetings" })).toBeNull();
  });

  it("shows the rule in words and the next dates from the preview, in the schedule's own time", async () => {
    const previews: Call[] = [];
    api(previews);
    renderRoutes("/groups/g1/meetings", [{ path: "/groups/:groupId/meetings", element: <CircleMeetingsPage /> }]);
    const builder = (await screen.findByRole("heading", { name: "Start a new series" })).closest("section") as HTMLElement;
    await userEvent.click(within(builder).getByRole("radio", { name: "Every other week" }));
    for (const day of within(builder).getAllByRole("checkbox")) {
      if ((day as HTMLInputElement).checked) await userEvent.click(day);
    }
    expect(within(builder).getByText("Choose at least one day of the week.")).toBeInTheDocument();
    await userEvent.click(within(builder).getByRole("checkbox", { name: "Monday" }));
    const start = within(builder).getByLabelText("Starts at");
    await userEvent.clear(start);
    await userEvent.type(start, "18:30");
    expect(await within(builder).findByText("Every other Monday, 6:30–7:30 pm")).toBeInTheDocument();
    expect(within(builder).getByText(/Monday, October 21, 2030, 6:30–7:30 pm/)).toBeInTheDocument();
    // Across the change of the clocks: still 6:30 pm in New York.
    expect(within(builder).getByText(/Monday, November 4, 2030, 6:30–7:30 pm/)).toBeInTheDocument();
    // Asked for once the choices settle: the rule the builder wrote, in the schedule's zone.
    await waitFor(() =>
      expect(previews.at(-1)?.body).toMatchObject({
        rrule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        start_time: "18:30",
        timezone: "America/New_York",
      }),
    );
  });

  it("asks before cancelling a meeting, says who is told, and sends the reason", async () => {
    const fake = api();
    renderRoutes("/groups/g1/meetings", [{ path: "/groups/:groupId/meetings", element: <CircleMeetingsPage /> }]);
    const card = (await screen.findByRole("heading", { name: /Tuesday, October 8, 2030/ })).closest("li") as HTMLElement;
    await userEvent.click(within(card).getByRole("button", { name: /^Cancel the meeting on/ }));
    const dialog = within(card).getByRole("dialog");
    expect(within(dialog).getByText(/The 4 people who said they're going or are on the waitlist will be told/)).toBeInTheDocument();
    await userEvent.type(within(dialog).getByLabelText("Reason shown to members (optional)"), "The room is closed.");
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel the meeting" }));
    expect(await screen.findByText(/is cancelled\./)).toBeInTheDocument();
    expect(fake.to("PATCH", "/api/v1/sessions/m1")[0]?.body).toEqual({ status: "cancelled", cancel_reason: "The room is closed." });
  });

  it("changes a series from now on, saying what stays, and asks before ending it", async () => {
    const fake = api();
    renderRoutes("/groups/g1/meetings", [{ path: "/groups/:groupId/meetings", element: <CircleMeetingsPage /> }]);
    const card = (await screen.findByRole("heading", { name: "Tuesdays, 7:00–8:30 pm" })).closest("li") as HTMLElement;
    await userEvent.click(within(card).getByText("Change from now on"));
    expect(within(card).getByText(/Past meetings, and meetings you changed one by one, stay as they are/)).toBeInTheDocument();
    await userEvent.click(await within(card).findByRole("checkbox", { name: "Tuesday" }));
    await userEvent.click(within(card).getByRole("checkbox", { name: "Wednesday" }));
    // The preview of a change asks the series itself (counted as the change counts).
    await waitFor(() =>
      expect(fake.to("POST", "/api/v1/schedules/s1/preview").map((call) => call.body)).toContainEqual({ rrule: "FREQ=WEEKLY;BYDAY=WE" }),
    );
    await userEvent.click(within(card).getByRole("button", { name: "Change the series from now on" }));
    expect(await screen.findByText("The series is changed from now on: Wednesdays, 7:00–8:30 pm. Past meetings stay as they were.")).toBeInTheDocument();
    // Only what changed: the rest of the series is left as it is.
    expect(fake.to("PATCH", "/api/v1/schedules/s1")[0]?.body).toEqual({ rrule: "FREQ=WEEKLY;BYDAY=WE" });


    await userEvent.click(within(card).getByRole("button", { name: /^End this series/ }));
    const dialog = within(card).getByRole("dialog");
    expect(within(dialog).getByText(/Its future meetings are cancelled, and people who said they're going/)).toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole("button", { name: "End the series" }));
    expect(await screen.findByText(/has ended\. Its future meetings are cancelled\./)).toBeInTheDocument();
    expect(fake.to("POST", "/api/v1/schedules/s1/end")).toHaveLength(1);
  });

  it("keeps a rule it cannot write as it is, and changes only the seats", async () => {
    const twiceMonthly = { ...series, rrule: "FREQ=MONTHLY;BYDAY=2SA,4SA", description: "The second and fourth Saturday, 7:00–8:30 pm" };
    const fake = fakeApi({
      "GET /api/v1/groups/:id": () => json({ id: "g1", name: "Rainbow Circle", schedules: [] }),
      "GET /api/v1/groups/:id/schedules": () => json({ items: [twiceMonthly], next_cursor: null }),
      "GET /api/v1/groups/:id/sessions": () => json({ items: [], next_cursor: null }),
      "POST /api/v1/groups/:id/schedules/preview": () => json({ description: "x", timezone: "UTC", next_meetings: [] }),
      "POST /api/v1/schedules/:id/preview": () =>
        json({ description: twiceMonthly.description, timezone: "America/New_York", next_meetings: [] }),
      "PATCH /api/v1/schedules/:id": () => json({ ...twiceMonthly, capacity: 8 }),
    });
    renderRoutes("/groups/g1/meetings", [{ path: "/groups/:groupId/meetings", element: <CircleMeetingsPage /> }]);
    const card = (await screen.findByRole("heading", { name: twiceMonthly.description })).closest("li") as HTMLElement;
    await userEvent.click(within(card).getByText("Change from now on"));
    expect(await within(card).findByText(/a pattern this form can't write, so its days stay as they are/)).toBeInTheDocument();
    expect(within(card).queryByRole("radio", { name: "Every week" })).toBeNull();
    const save = within(card).getByRole("button", { name: "Change the series from now on" });
    expect(save).toBeDisabled(); // nothing is changed yet
    await userEvent.type(within(card).getByLabelText(/^Seats/), "8");
    await userEvent.click(save);
    await waitFor(() => expect(fake.to("PATCH", "/api/v1/schedules/s1")).toHaveLength(1));
    expect(fake.to("PATCH", "/api/v1/schedules/s1")[0]?.body).toEqual({ capacity: 8 });
  });

  it("offers nothing to change for an archived circle", async () => {
    fakeApi({
      "GET /api/v1/groups/:id": () => json({ id: "g1", name: "Rainbow Circle", status: "archived", schedules: [] }),
      "GET /api/v1/groups/:id/schedules": () => json({ items: [{ ...series, ended_at: "2030-10-01T00:00:00Z" }], next_cursor: null }),
      "GET /api/v1/groups/:id/sessions": () => json({ items: [{ ...meeting, status: "cancelled" }], next_cursor: null }),
    });
    renderRoutes("/groups/g1/meetings", [{ path: "/groups/:groupId/meetings", element: <CircleMeetingsPage /> }]);
    expect(await screen.findByText(/This circle is archived, so it has no more meetings/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Restore/ })).toBeNull();
    expect(screen.queryByRole("heading", { name: "Start a new series" })).toBeNull();
  });
});

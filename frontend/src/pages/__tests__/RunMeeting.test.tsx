import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import RunMeetingPage from "../staff/RunMeeting";
import { fakeApi, json, renderRoutes } from "./library-fixtures";

vi.mock("../../lib/session", () => ({ useSession: () => ({ ready: true, signedIn: true, me: undefined }), useTimeZone: () => "UTC" }));

const MEETING = {
  id: "s1",
  group_id: "g1",
  group_name: "Rainbow Circle",
  starts_at: "2026-12-01T19:00:00Z",
  ends_at: "2026-12-01T20:30:00Z",
  timezone: "UTC",
};

describe("Run a meeting", () => {
  it("shows the code, who has checked in, and saves only the marks given", async () => {
    const fake = fakeApi({
      "GET /api/v1/sessions/:id": () => json(MEETING),
      "GET /api/v1/sessions/:id/check-in-code": () => json({ code: "482913", valid_until: "2026-12-01T19:05:00Z" }),
      "GET /api/v1/sessions/:id/attendance": () =>
        json({
          records: [{ user_id: "u1", display_name: "River", status: "present", recorded_via: "check_in", recorded_at: "2026-12-01T18:55:00Z", anonymous: false }],
          anonymous: { present: 3 },
          anonymous_left_out: false,
        }),
      "GET /api/v1/groups/:id/members": () =>
        json({
          items: [
            { user_id: "f1", display_name: "Sam", pronouns: null, role: "facilitator", status: "active" },
            { user_id: "u1", display_name: "River", pronouns: null, role: "member", status: "active" },
            { user_id: "u2", display_name: "Maple", pronouns: null, role: "member", status: "active" },
            { user_id: "u3", display_name: "Wren", pronouns: null, role: "member", status: "pending" },
          ],
          next_cursor: null,
        }),
      "PUT /api/v1/sessions/:id/attendance": (call) => json({ records: [], anonymous: {}, anonymous_left_out: false, sent: call.body }),
    });
    renderRoutes("/meetings/s1/run", [{ path: "/meetings/:sessionId/run", element: <RunMeetingPage /> }]);
    expect(await screen.findByText("482913")).toBeInTheDocument();
    expect(screen.getByText(/It changes at 7:05/)).toBeInTheDocument();
    const live = screen.getByRole("region", { name: "Checked in so far" });
    expect(await within(live).findByText("River: Present")).toBeInTheDocument();
    expect(within(live).getByText(/3 members who chose anonymous attendance/)).toBeInTheDocument();
    // Active members only: not the facilitator, not a pending request.
    expect(await screen.findByLabelText("Attendance of River")).toHaveValue("present");
    expect(screen.queryByLabelText("Attendance of Sam")).not.toBeInTheDocument();
    expect(screen.queryByLabelText("Attendance of Wren")).not.toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText("Attendance of Maple"), "late");
    await userEvent.click(screen.getByRole("button", { name: "Save the sheet" }));
    expect(await screen.findByText("The attendance sheet is saved.")).toBeInTheDocument();
    const [sent] = fake.to("PUT", "/api/v1/sessions/s1/attendance");
    expect(sent?.body).toEqual({ records: [{ user_id: "u1", status: "present" }, { user_id: "u2", status: "late" }] });
  });
});

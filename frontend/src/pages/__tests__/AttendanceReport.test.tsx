import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

import AttendanceReportPage from "../staff/AttendanceReport";
import { fakeApi, json, renderRoutes } from "./library-fixtures";

vi.mock("../../lib/session", () => ({ useSession: () => ({ ready: true, signedIn: true, me: undefined }), useTimeZone: () => "UTC" }));

describe("Attendance report", () => {
  it("asks for the period in the circle's time and shows each meeting and member", async () => {
    const fake = fakeApi({
      "GET /api/v1/groups/:id": () => json({ id: "g1", name: "Rainbow Circle", schedules: [{ timezone: "America/Chicago" }] }),
      "GET /api/v1/groups/:id/attendance-report": () =>
        json({
          group_id: "g1",
          from: "2026-09-01T05:00:00Z",
          to: "2026-12-02T06:00:00Z",
          sessions: [
            { session_id: "s1", starts_at: "2026-11-04T01:00:00Z", status: "held", headcount: 5, capacity: 12, rsvps: 6, no_shows: 1 },
            { session_id: "s2", starts_at: "2026-11-11T01:00:00Z", status: "cancelled", headcount: 0, capacity: 12, rsvps: 0, no_shows: 0 },
            { session_id: "s3", starts_at: "2026-12-09T01:00:00Z", status: "upcoming", headcount: 0, capacity: 12, rsvps: 4, no_shows: null },
            // About to start, its sheet already saved: counted.
            { session_id: "s4", starts_at: "2026-12-02T01:00:00Z", status: "upcoming", headcount: 2, capacity: 12, rsvps: 2, no_shows: null },
          ],
          members: [{ user_id: "u1", display_name: "River", attended: 1, rate: 0.5, anonymous: false }],
          anonymous_attendees: 3,
        }),
    });
    renderRoutes("/groups/g1/attendance", [{ path: "/groups/:groupId/attendance", element: <AttendanceReportPage /> }]);
    expect(await screen.findByText("2 meetings, 7 visits in all, 3 of them by members who chose anonymous attendance.")).toBeInTheDocument();
    expect(screen.getByText(/Chicago time/)).toBeInTheDocument();
    // The evening of November 3 in Chicago, not the UTC date.
    const meetings = screen.getByRole("heading", { name: "Per meeting" }).nextElementSibling as HTMLElement;
    expect(within(meetings).getByRole("rowheader", { name: "Tue, Nov 3" })).toBeInTheDocument();
    expect(within(meetings).getByText(/\(cancelled\)/)).toBeInTheDocument();
    expect(within(meetings).getAllByText(/\(coming up\)/)).toHaveLength(2);
    expect(screen.getByRole("img", { name: /Attendance at 2 meetings;/ })).toBeInTheDocument();
    const members = screen.getByRole("heading", { name: "Per member" }).nextElementSibling as HTMLElement;
    expect(within(members).getByText("50%")).toBeInTheDocument();
    const [call] = fake.to("GET", "/api/v1/groups/g1/attendance-report");
    expect(call?.query.get("from")).toMatch(/T0[56]:00:00\.000Z$/); // midnight in Chicago
  });
});

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import AuditTrailPage from "../staff/AuditTrail";
import { fakeApi, json, renderRoutes } from "./library-fixtures";

vi.mock("../../lib/session", () => ({
  useSession: () => ({ ready: true, signedIn: true, me: undefined }),
  useTimeZone: () => "America/Chicago",
}));

const PERSON = "0b0c0d0e-0000-4000-8000-000000000001";
const EVENT = {
  id: "e1",
  occurred_at: "2026-11-30T15:05:00Z",
  actor_kind: "person",
  actor_id: "a1",
  actor_name: "Harbour",
  actor_role: "admin",
  action: "person.read",
  target_type: "user_account",
  target_id: PERSON,
  group_id: null,
  request_id: "r1",
};
const SHEET = {
  ...EVENT,
  id: "e2",
  actor_kind: "integrator",
  actor_id: "c1",
  actor_name: "Clinic EHR",
  actor_role: "integrator",
  action: "attendance_sheet.read",
  target_type: "group_session",
  target_id: "s1",
  group_id: "g1",
};

describe("Audit trail", () => {
  it("says each event in words, in the viewer's zone, with links to the record", async () => {
    fakeApi({ "GET /api/v1/audit-events": () => json({ items: [EVENT, SHEET], next_cursor: null }) });
    renderRoutes("/staff/audit", [{ path: "/staff/audit", element: <AuditTrailPage /> }]);
    const looked = (await screen.findByRole("heading", { name: "Looked at an account" })).closest("li");
    expect(looked).not.toBeNull();
    const card = within(looked as HTMLElement);
    expect(card.getByText(/9:05 am/)).toBeInTheDocument(); // 15:05 UTC is 9:05 in Chicago
    expect(card.getByRole("link", { name: "Harbour (admin)" })).toHaveAttribute("href", "/staff/audit?actor=a1");
    expect(card.getByRole("link", { name: "Everything about this person" })).toHaveAttribute(
      "href",
      `/staff/audit?subject=${PERSON}`,
    );
    const sheet = within(screen.getByRole("heading", { name: "Read a meeting's attendance sheet" }).closest("li") as HTMLElement);
    expect(sheet.getByText("By Clinic EHR (integrator client)")).toBeInTheDocument();
    expect(sheet.getByRole("link", { name: "The meeting" })).toHaveAttribute("href", "/meetings/s1");
    expect(sheet.getByRole("link", { name: "The circle" })).toHaveAttribute("href", "/groups/g1");
  });

  it("filters by kind and by local days, the last day included", async () => {
    const fake = fakeApi({ "GET /api/v1/audit-events": () => json({ items: [], next_cursor: null }) });
    renderRoutes(`/staff/audit?subject=${PERSON}`, [{ path: "/staff/audit", element: <AuditTrailPage /> }]);
    expect(await screen.findByText("No events match. Try a wider date range or another kind.")).toBeInTheDocument();
    expect(screen.getByText("Showing what was read or changed about one person.", { exact: false })).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText("What was done"), "Changed someone's role");
    await userEvent.type(screen.getByLabelText("From"), "2026-11-02");
    await userEvent.type(screen.getByLabelText("Until (included)"), "2026-11-03");
    const last = fake.to("GET", "/api/v1/audit-events").at(-1);
    expect(Object.fromEntries(last?.query ?? [])).toEqual({
      action: "role.changed",
      subject_id: PERSON,
      // Chicago's midnights: CDT (UTC-5) before the clocks go back on November 1, CST after.
      from: "2026-11-02T06:00:00.000Z",
      to: "2026-11-04T06:00:00.000Z",
      limit: "25",
    });
  });

  it("pages on with the cursor", async () => {
    const fake = fakeApi({
      "GET /api/v1/audit-events": (call) =>
        json(call.query.get("cursor") ? { items: [SHEET], next_cursor: null } : { items: [EVENT], next_cursor: "next" }),
    });
    renderRoutes("/staff/audit", [{ path: "/staff/audit", element: <AuditTrailPage /> }]);
    await userEvent.click(await screen.findByRole("button", { name: "Show older events" }));
    expect(await screen.findByRole("heading", { name: "Read a meeting's attendance sheet" })).toBeInTheDocument();
    expect(fake.to("GET", "/api/v1/audit-events").at(-1)?.query.get("cursor")).toBe("next");
    expect(screen.queryByRole("button", { name: "Show older events" })).toBeNull();
  });
});

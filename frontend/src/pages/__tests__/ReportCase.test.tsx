import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import ReportCasePage, { actionsFor } from "../staff/ReportCase";
import { fakeApi, json, renderRoutes } from "./library-fixtures";

const session = vi.hoisted(() => ({ ready: true, signedIn: true, me: { id: "staff-1", role: "facilitator" } }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "UTC" }));

function aCase(overrides: Record<string, unknown> = {}) {
  return {
    id: "c1",
    target_type: "member",
    target_id: "m1",
    target_label: "Wren",
    group_id: "g1",
    subject_id: "m1",
    status: "open",
    urgent: true,
    reasons: ["harassment"],
    report_count: 1,
    reporter_count: 1,
    first_reported_at: "2026-12-01T10:00:00Z",
    last_reported_at: "2026-12-01T10:00:00Z",
    assigned_to_id: null,
    reports: [
      { id: "r1", reporter_id: "p1", reporter_name: "River", reason: "harassment", details: "Rude in chat.", urgent: false, reported_at: "2026-12-01T10:00:00Z" },
    ],
    notes: [],
    actions: [],
    ...overrides,
  };
}

describe("A report's case", () => {
  it("offers the decisions that fit the case and the moderator", () => {
    const member = aCase() as never;
    expect(actionsFor(member, false)).toEqual(["dismiss", "warn", "remove_from_circle"]);
    expect(actionsFor(member, true)).toEqual(["dismiss", "warn", "remove_from_circle", "end_match", "suspend", "close_account"]);
    const resource = aCase({ target_type: "resource", subject_id: null }) as never;
    expect(actionsFor(resource, true)).toEqual(["dismiss", "unpublish"]);
  });

  it("shows the reports with their reporter, says what a decision will do, and carries it out", async () => {
    const fake = fakeApi({
      "GET /api/v1/reports/:id": () => json(aCase()),
      "POST /api/v1/reports/:id/actions": () =>
        json(aCase({ status: "actioned", actions: [{ id: "a1", action: "remove_from_circle", actor_id: "staff-1", actor_name: "Sam", taken_at: "2026-12-01T11:00:00Z", group_id: "g1", match_id: null, until: null, note: null }] })),
    });
    renderRoutes("/staff/reports/c1", [{ path: "/staff/reports/:reportId", element: <ReportCasePage /> }]);
    expect(await screen.findByRole("heading", { level: 1, name: "Member: Wren" })).toBeInTheDocument();
    expect(screen.getByText("Urgent")).toBeInTheDocument();
    expect(screen.getByText("By River")).toBeInTheDocument();
    expect(screen.getByText("Rude in chat.")).toBeInTheDocument();
    expect(screen.queryByRole("radio", { name: "Pause the account" })).not.toBeInTheDocument(); // admins only
    await userEvent.click(screen.getByRole("radio", { name: "Remove from the circle" }));
    expect(screen.getByText(/need a facilitator's approval/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Remove from the circle" }));
    expect(await screen.findByText("The decision is saved and carried out.")).toBeInTheDocument();
    const [sent] = fake.to("POST", "/api/v1/reports/c1/actions");
    expect(sent?.body).toEqual({ action: "remove_from_circle" });
    const decisions = screen.getByRole("heading", { name: "Decisions" }).nextElementSibling as HTMLElement;
    expect(within(decisions).getByText("Remove from the circle")).toBeInTheDocument();
  });
});

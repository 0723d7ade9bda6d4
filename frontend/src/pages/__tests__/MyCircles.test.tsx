import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { fakeApi, groupSummary, json, renderRoutes } from "../../testing";
import MyCirclesPage from "../staff/MyCircles";

const session = vi.hoisted(() => ({ ready: true, signedIn: true, me: { id: "f1", role: "facilitator" } }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "America/Chicago" }));

const mine = {
  items: [
    { group: groupSummary({ id: "g1", name: "Rainbow Circle" }), role: "facilitator", status: "active", joined_at: null },
    { group: groupSummary({ id: "g2", name: "Grief Circle", schedules: [] }), role: "member", status: "active", joined_at: null },
    {
      group: groupSummary({ id: "g3", name: "Old Circle", status: "archived" }),
      role: "facilitator",
      status: "active",
      joined_at: null,
    },
  ],
  next_cursor: null,
};

describe("My circles", () => {
  it("lists the circles the person facilitates with their tools, archived ones apart", async () => {
    session.me = { id: "f1", role: "facilitator" };
    fakeApi({ "GET /api/v1/me/groups": () => json(mine) });
    renderRoutes("/staff/circles", [{ path: "/staff/circles", element: <MyCirclesPage /> }]);
    const rainbow = (await screen.findByRole("heading", { name: "Rainbow Circle" })).closest("li") as HTMLElement;
    expect(within(rainbow).getByRole("link", { name: "Edit Rainbow Circle" })).toHaveAttribute("href", "/groups/g1/edit");
    expect(within(rainbow).getByRole("link", { name: "Members of Rainbow Circle" })).toHaveAttribute("href", "/groups/g1/members");
    expect(within(rainbow).getByRole("link", { name: "Attendance at Rainbow Circle" })).toHaveAttribute(
      "href",
      "/groups/g1/attendance",
    );
    expect(within(rainbow).getByRole("link", { name: "Meetings and schedule of Rainbow Circle" })).toHaveAttribute(
      "href",
      "/groups/g1/meetings",
    );
    expect(within(rainbow).getByText("Tuesdays, 7:00–8:30 pm")).toBeInTheDocument();
    // A circle they are only a member of is not theirs to run.
    expect(screen.queryByRole("heading", { name: "Grief Circle" })).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 2, name: "Archived circles" })).toBeInTheDocument();
    const old = screen.getByRole("heading", { name: "Old Circle" }).closest("li") as HTMLElement;
    expect(within(old).queryByRole("link", { name: /^Edit/ })).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Start a circle" })).toHaveAttribute("href", "/circles/new");
    expect(screen.queryByRole("heading", { name: "Find any circle" })).not.toBeInTheDocument();
  });

  it("lets an admin find any circle in the directory", async () => {
    session.me = { id: "a1", role: "admin" };
    const fake = fakeApi({
      "GET /api/v1/me/groups": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/groups": () => json({ items: [groupSummary({ id: "g9", name: "Caregivers' Corner" })], next_cursor: null, total: 1 }),
    });
    renderRoutes("/staff/circles", [{ path: "/staff/circles", element: <MyCirclesPage /> }]);
    expect(await screen.findByText(/You don't facilitate a circle yet/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Words in the name or description"), "care");
    await userEvent.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText("1 circle found")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Edit Caregivers' Corner" })).toHaveAttribute("href", "/groups/g9/edit");
    expect(fake.to("GET", "/api/v1/groups")[0]?.query.get("q")).toBe("care");
  });
});

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import ManageMembersPage from "../staff/ManageMembers";
import { fakeApi, json, noContent, renderRoutes } from "./library-fixtures";

vi.mock("../../lib/session", () => ({ useSession: () => ({ ready: true, signedIn: true, me: { id: "f1" } }), useTimeZone: () => "UTC" }));

describe("Manage members", () => {
  it("approves and declines requests, and never offers to change the facilitator themself", async () => {
    const members = [
      { user_id: "f1", display_name: "Sam", pronouns: null, role: "facilitator", status: "active" },
      { user_id: "u1", display_name: "River", pronouns: "she/her", role: "member", status: "active" },
      { user_id: "u2", display_name: "Maple", pronouns: null, role: "member", status: "pending" },
      { user_id: "u3", display_name: "Wren", pronouns: null, role: "member", status: "pending" },
    ];
    const fake = fakeApi({
      "GET /api/v1/groups/:id": () => json({ id: "g1", name: "Rainbow Circle" }),
      "GET /api/v1/groups/:id/members": () => json({ items: members, next_cursor: null }),
      "PATCH /api/v1/groups/:id/members/:user": () => json({ user_id: "u2", group_id: "g1", role: "member", status: "active" }),
      "DELETE /api/v1/groups/:id/members/:user": () => noContent(),
    });
    renderRoutes("/groups/g1/members", [{ path: "/groups/:groupId/members", element: <ManageMembersPage /> }]);
    expect(await screen.findByRole("heading", { level: 1, name: "Members of Rainbow Circle" })).toBeInTheDocument();
    const sam = screen.getByRole("heading", { name: "Sam" }).closest("li") as HTMLElement;
    expect(within(sam).getByText("Facilitator (you)")).toBeInTheDocument();
    expect(within(sam).queryByRole("button")).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Approve Maple" }));
    expect(await screen.findByText("Maple is a member now. We've emailed them (without the circle's name).")).toBeInTheDocument();
    expect(fake.to("PATCH", "/api/v1/groups/g1/members/u2")[0]?.body).toEqual({ status: "active" });
    const wren = screen.getByRole("heading", { name: "Wren" }).closest("li") as HTMLElement;
    await userEvent.click(within(wren).getByRole("button", { name: "Decline" }));
    expect(await screen.findByText("Wren's request is declined. We've told them kindly by email, without the circle's name.")).toBeInTheDocument();
    expect(fake.to("DELETE", "/api/v1/groups/g1/members/u3")).toHaveLength(1);
  });
});

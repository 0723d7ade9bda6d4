import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it, vi } from "vitest";

import ManageMembersPage from "../staff/ManageMembers";
import { fakeApi, json, noContent, renderRoutes } from "./library-fixtures";

vi.mock("../../lib/session", () => ({ useSession: () => ({ ready: true, signedIn: true, me: { id: "f1" } }), useTimeZone: () => "UTC" }));

beforeAll(() => {
  // jsdom has <dialog> without its modal methods.
  HTMLDialogElement.prototype.showModal ??= function showModal(this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close ??= function close(this: HTMLDialogElement) {
    this.removeAttribute("open");
  };
});

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
      "GET /api/v1/groups/:id/invitations": () => json({ items: [], next_cursor: null }),
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

  it("makes an invitation link, shows it once with a warning, and revokes a link behind a confirmation", async () => {
    const live = {
      id: "i1",
      group_id: "g1",
      state: "live",
      expires_at: "2026-12-09T00:00:00Z",
      max_uses: 5,
      uses: 2,
      uses_left: 3,
      revoked_at: null,
      created_at: "2026-12-02T00:00:00Z",
    };
    let listed = [live, { ...live, id: "i0", state: "expired" }];
    const fake = fakeApi({
      "GET /api/v1/groups/:id": () => json({ id: "g1", name: "Rainbow Circle", status: "active" }),
      "GET /api/v1/groups/:id/members": () => json({ items: [], next_cursor: null }),
      "GET /api/v1/groups/:id/invitations": () => json({ items: listed, next_cursor: null }),
      "POST /api/v1/groups/:id/invitations": () =>
        json({ ...live, id: "i2", uses: 0, uses_left: 3, max_uses: 3, token: "tok", url: "https://circles.test/invite/tok" }, 201),
      "DELETE /api/v1/invitations/:id": () => {
        listed = [];
        return noContent();
      },
    });
    renderRoutes("/groups/g1/members", [{ path: "/groups/:groupId/members", element: <ManageMembersPage /> }]);
    expect(await screen.findByRole("heading", { name: "Invite people" })).toBeInTheDocument();
    expect(await screen.findByText("3 of 5 uses left")).toBeInTheDocument();
    expect(screen.getAllByRole("button", { name: /^Revoke the link/ })).toHaveLength(1); // the expired one is not offered
    const uses = screen.getByLabelText("How many people may use it (1 to 100)");
    await userEvent.clear(uses);
    await userEvent.type(uses, "3");
    await userEvent.click(screen.getByRole("button", { name: "Make an invitation link" }));
    expect(await screen.findByText("https://circles.test/invite/tok")).toBeInTheDocument();
    expect(screen.getByText(/Anyone who has this link can join the circle/)).toBeInTheDocument();
    expect(fake.to("POST", "/api/v1/groups/g1/invitations")[0]?.body).toEqual({ expires_in_days: 7, max_uses: 3 });
    await userEvent.click(screen.getByRole("button", { name: /^Revoke the link/ }));
    const dialog = screen.getByRole("dialog", { name: "Revoke this invitation?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Revoke" }));
    expect(fake.to("DELETE", "/api/v1/invitations/i1")).toHaveLength(1);
    expect(await screen.findByText("No invitation links are open.")).toBeInTheDocument();
  });
});

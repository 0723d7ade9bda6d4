import type { NotificationRead } from "@strength-circles/client";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { Layout } from "../../components/Layout";
import { fakeApi, json, renderRoutes } from "../../testing";
import NotificationsPage from "../Notifications";

const session = vi.hoisted(() => ({ ready: true, signedIn: true, me: undefined, ended: undefined }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "UTC" }));

let counter = 0;
function notification(overrides: Partial<NotificationRead> = {}): NotificationRead {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, "0")}`,
    kind: "changes",
    title: "A circle meeting has been cancelled",
    body: "The circle meeting at 7:00 pm that you planned to attend has been cancelled.",
    link: "/my-meetings",
    created_at: "2026-12-01T18:30:00Z",
    read_at: null,
    ...overrides,
  };
}

function renderCentre() {
  return renderRoutes("/notifications", [{ path: "/notifications", element: <NotificationsPage /> }]);
}

describe("the notification centre", () => {
  it("lists notifications newest first, marks unread ones in words, and marks all read", async () => {
    const newer = notification({ title: "A seat opened up for you", created_at: "2026-12-02T09:15:00Z" });
    const older = notification({ read_at: "2026-12-01T20:00:00Z" });
    let items = [newer, older];
    const api = fakeApi({
      "GET /api/v1/me/notifications": () =>
        json({ items, next_cursor: null, unread_count: items.filter((item) => item.read_at === null).length }),
      "GET /api/v1/me/notifications/unread-count": () =>
        json({ unread_count: items.filter((item) => item.read_at === null).length }),
      "POST /api/v1/me/notifications/read-all": () => {
        items = items.map((item) => ({ ...item, read_at: item.read_at ?? "2026-12-02T10:00:00Z" }));
        return json({ unread_count: 0 });
      },
    });
    renderCentre();
    const list = await screen.findByRole("list", { name: "Your notifications" });
    const cards = within(list).getAllByRole("listitem");
    expect(cards.map((card) => within(card).getByRole("heading").textContent)).toEqual([
      "A seat opened up for you (new)",
      "A circle meeting has been cancelled",
    ]);
    // Unread is said in words, not by colour alone.
    expect(within(cards[0] as HTMLElement).getByText("New")).toBeInTheDocument();
    expect(within(cards[1] as HTMLElement).queryByText("New")).not.toBeInTheDocument();
    expect(within(cards[0] as HTMLElement).getByText("Wednesday, December 2, 9:15 am")).toBeInTheDocument();
    expect(within(cards[0] as HTMLElement).getByRole("link", { name: "A seat opened up for you" })).toHaveAttribute(
      "href",
      "/my-meetings",
    );
    expect(screen.getByText("1 unread.")).toBeInTheDocument();

    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Mark all as read" }));
    expect(await screen.findByText("All your notifications are marked as read.")).toBeInTheDocument();
    // The pressed button is disabled now: focus goes to what it said.
    expect(screen.getByRole("status")).toHaveFocus();
    expect(api.to("POST", "/api/v1/me/notifications/read-all")).toHaveLength(1);
    expect(screen.queryByText("New")).not.toBeInTheDocument();
    expect(screen.getByText("You have read them all.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Mark all as read" })).toBeDisabled();
  });

  it("marks one read when its link is followed", async () => {
    const unread = notification();
    const api = fakeApi({
      "GET /api/v1/me/notifications": () => json({ items: [unread], next_cursor: null, unread_count: 1 }),
      "GET /api/v1/me/notifications/unread-count": () => json({ unread_count: 1 }),
      "POST /api/v1/me/notifications/read": () => json({ unread_count: 0 }),
    });
    renderCentre();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("link", { name: unread.title }));
    expect(await screen.findByTestId("elsewhere")).toHaveTextContent("/my-meetings");
    await waitFor(() => expect(api.to("POST", "/api/v1/me/notifications/read")).toHaveLength(1));
    expect(api.to("POST", "/api/v1/me/notifications/read")[0]?.body).toEqual({ ids: [unread.id] });
  });

  it("shows more with the cursor of the page before", async () => {
    const first = notification({ title: "First page" });
    const second = notification({ title: "Second page", read_at: "2026-12-01T00:00:00Z" });
    const api = fakeApi({
      "GET /api/v1/me/notifications": (call) =>
        call.query.get("cursor") === "page-2"
          ? json({ items: [second], next_cursor: null, unread_count: 1 })
          : json({ items: [first], next_cursor: "page-2", unread_count: 1 }),
      "GET /api/v1/me/notifications/unread-count": () => json({ unread_count: 1 }),
    });
    renderCentre();
    expect(await screen.findByRole("heading", { name: /^First page/ })).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Show more" }));
    expect(await screen.findByRole("heading", { name: "Second page" })).toBeInTheDocument();
    expect(api.to("GET", "/api/v1/me/notifications").map((call) => call.query.get("cursor"))).toEqual([null, "page-2"]);
    expect(screen.queryByRole("button", { name: "Show more" })).not.toBeInTheDocument();
  });

  it("says kindly when there is nothing yet", async () => {
    fakeApi({
      "GET /api/v1/me/notifications": () => json({ items: [], next_cursor: null, unread_count: 0 }),
      "GET /api/v1/me/notifications/unread-count": () => json({ unread_count: 0 }),
    });
    renderCentre();
    expect(await screen.findByText(/Nothing here yet/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Mark all as read" })).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "notification settings" })).toHaveAttribute("href", "/account#notifications");
  });
});

describe("the bell", () => {
  it("names the unread count for assistive technology, and only when signed in", async () => {
    fakeApi({ "GET /api/v1/me/notifications/unread-count": () => json({ unread_count: 3 }) });
    const view = renderRoutes("/", [{ path: "/", element: <Layout />, children: [{ index: true, element: <p>Home</p> }] }]);
    const bell = await screen.findByRole("link", { name: "Notifications, 3 unread" });
    expect(bell).toHaveAttribute("href", "/notifications");
    view.unmount();

    session.signedIn = false;
    try {
      const api = fakeApi({ "GET /api/v1/me/notifications/unread-count": () => json({ unread_count: 3 }) });
      renderRoutes("/", [{ path: "/", element: <Layout />, children: [{ index: true, element: <p>Home</p> }] }]);
      expect(await screen.findByText("Home")).toBeInTheDocument();
      expect(screen.queryByRole("link", { name: /Notifications/ })).not.toBeInTheDocument();
      expect(api.to("GET", "/api/v1/me/notifications/unread-count")).toHaveLength(0);
    } finally {
      session.signedIn = true;
    }
  });

  it("asks again every minute", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      let unread = 0;
      fakeApi({ "GET /api/v1/me/notifications/unread-count": () => json({ unread_count: unread }) });
      renderRoutes("/", [{ path: "/", element: <Layout />, children: [{ index: true, element: <p>Home</p> }] }]);
      expect(await screen.findByRole("link", { name: "Notifications" })).toBeInTheDocument();
      unread = 2;
      await vi.advanceTimersByTimeAsync(60_000);
      expect(await screen.findByRole("link", { name: "Notifications, 2 unread" })).toBeInTheDocument();
    } finally {
      vi.useRealTimers();
    }
  });
});

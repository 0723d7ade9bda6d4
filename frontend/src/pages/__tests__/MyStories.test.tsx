import type { StoryRead } from "@strength-circles/client";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import MyStoriesPage from "../MyStories";
import { fakeApi, json, renderRoutes, story, TOPICS } from "./library-fixtures";

const session = vi.hoisted(() => ({ ready: true, signedIn: true, me: undefined }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "UTC" }));

function renderMine() {
  return renderRoutes("/stories/mine", [{ path: "/stories/mine", element: <MyStoriesPage /> }]);
}

function card(title: string): HTMLElement {
  return screen.getByRole("heading", { level: 2, name: title }).closest("li") as HTMLElement;
}

describe("My stories", () => {
  it("says where each story is, in words", async () => {
    const waiting = story({ title: "Waiting one", status: "submitted" });
    const returned = story({ title: "Returned one", status: "returned", review_note: "Could you leave out the town's name?" });
    const published = story({ title: "Published one", status: "published", resource_id: "00000000-0000-4000-8000-000000000555" });
    const withdrawn = story({ title: "Withdrawn one", status: "withdrawn" });
    fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/me/stories": () => json({ items: [waiting, returned, published, withdrawn], next_cursor: null }),
    });
    renderMine();
    await screen.findByRole("heading", { level: 2, name: "Waiting one" });

    expect(within(card("Waiting one")).getByText("Waiting for review")).toBeInTheDocument();
    expect(within(card("Waiting one")).getByRole("link", { name: "Edit “Waiting one”" })).toHaveAttribute(
      "href",
      `/stories/${waiting.id}/edit`,
    );

    const back = card("Returned one");
    expect(within(back).getByText("Returned with a note")).toBeInTheDocument();
    expect(within(back).getByText("Could you leave out the town's name?")).toBeInTheDocument();
    expect(within(back).getByRole("link", { name: "Edit and resend “Returned one”" })).toHaveAttribute(
      "href",
      `/stories/${returned.id}/edit`,
    );

    const out = card("Published one");
    expect(within(out).getByText("Published")).toBeInTheDocument();
    expect(within(out).getByRole("link", { name: /Read it in the library/ })).toHaveAttribute(
      "href",
      `/library/${published.resource_id}`,
    );
    expect(within(out).queryByRole("link", { name: /Edit/ })).not.toBeInTheDocument();

    const gone = card("Withdrawn one");
    expect(within(gone).getByText("Withdrawn")).toBeInTheDocument();
    expect(within(gone).queryByRole("button", { name: /Withdraw/ })).not.toBeInTheDocument();
  });

  it("asks before withdrawing, and Keep it changes nothing", async () => {
    const published = story({ title: "Published one", status: "published", resource_id: "00000000-0000-4000-8000-000000000555" });
    let current: StoryRead = published;
    const api = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/me/stories": () => json({ items: [current], next_cursor: null }),
      "POST /api/v1/stories/:id/withdraw": () => {
        current = { ...current, status: "withdrawn" };
        return json(current);
      },
    });
    renderMine();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Withdraw “Published one”" }));
    const confirm = screen.getByRole("group", { name: "Withdraw “Published one”?" });
    expect(confirm).toHaveFocus();
    expect(within(confirm).getByText(/taken out of the library straight away/)).toBeInTheDocument();
    expect(api.to("POST", `/api/v1/stories/${published.id}/withdraw`)).toHaveLength(0);

    await user.click(within(confirm).getByRole("button", { name: "Keep it" }));
    expect(screen.queryByRole("group", { name: /Withdraw/ })).not.toBeInTheDocument();
    expect(api.to("POST", `/api/v1/stories/${published.id}/withdraw`)).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Withdraw “Published one”" }));
    await user.click(screen.getByRole("button", { name: "Yes, withdraw it" }));
    await waitFor(() => expect(api.to("POST", `/api/v1/stories/${published.id}/withdraw`)).toHaveLength(1));
    expect(await screen.findByText("“Published one” was withdrawn. It has been taken out of the library.")).toBeInTheDocument();
    expect(await within(card("Published one")).findByText("Withdrawn")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Withdraw/ })).not.toBeInTheDocument();
  });

  it("invites a first story when there are none", async () => {
    fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/me/stories": () => json({ items: [], next_cursor: null }),
    });
    renderMine();
    expect(await screen.findByText("You haven't shared a story yet.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Share your story" })).toHaveAttribute("href", "/stories/new");
  });
});

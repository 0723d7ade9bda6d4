import type { BookmarkRead } from "@strength-circles/client";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import BookmarksPage from "../Bookmarks";
import { fakeApi, json, noContent, renderRoutes, resource, TOPICS } from "./library-fixtures";

const session = vi.hoisted(() => ({ ready: true, signedIn: true, me: undefined }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "UTC" }));

function renderBookmarks() {
  return renderRoutes("/library/saved", [{ path: "/library/saved", element: <BookmarksPage /> }]);
}

describe("Saved for later", () => {
  it("lists saved resources newest first, and removes one with DELETE (and Undo puts it back)", async () => {
    const newer = resource({ title: "Breathing for hard moments" });
    const older = resource({ title: "The year after", type: "story", byline: "Willow", content_notes: ["grief"] });
    let saved: BookmarkRead[] = [
      { resource: newer, saved_at: "2025-03-05T10:00:00Z" },
      { resource: older, saved_at: "2025-02-01T10:00:00Z" },
    ];
    const api = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/me/bookmarks": () => json({ items: saved, next_cursor: null }),
      "DELETE /api/v1/me/bookmarks/:id": (_call, params) => {
        saved = saved.filter((item) => item.resource.id !== params.id);
        return noContent();
      },
      "PUT /api/v1/me/bookmarks/:id": (_call, params) => {
        const entry = { resource: params.id === newer.id ? newer : older, saved_at: "2025-03-06T10:00:00Z" };
        saved = [entry, ...saved];
        return json(entry);
      },
    });
    renderBookmarks();
    expect(await screen.findByRole("heading", { level: 2, name: "2 saved resources" })).toBeInTheDocument();
    const links = screen.getAllByRole("link", { name: /Breathing|The year after/ });
    expect(links.map((link) => link.textContent)).toEqual(["Breathing for hard moments", "The year after"]);
    expect(screen.getByText("Saved on March 5, 2025")).toBeInTheDocument();
    expect(screen.getByText("Mentions: grief")).toBeInTheDocument();

    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Remove “Breathing for hard moments” from saved" }));
    await waitFor(() => expect(screen.queryByText("Breathing for hard moments")).not.toBeInTheDocument());
    expect(api.to("DELETE", `/api/v1/me/bookmarks/${newer.id}`)).toHaveLength(1);
    const status = await screen.findByText("Removed “Breathing for hard moments” from Saved for later.");
    expect(screen.getByRole("heading", { level: 2, name: "1 saved resource" })).toHaveFocus();

    await user.click(within(status).getByRole("button", { name: "Undo" }));
    expect(await screen.findByText("“Breathing for hard moments” is saved again.")).toBeInTheDocument();
    expect(api.to("PUT", `/api/v1/me/bookmarks/${newer.id}`)).toHaveLength(1);
    expect(await screen.findByRole("link", { name: "Breathing for hard moments" })).toBeInTheDocument();
  });

  it("points to the library when nothing is saved yet", async () => {
    fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/me/bookmarks": () => json({ items: [], next_cursor: null }),
    });
    renderBookmarks();
    expect(await screen.findByRole("heading", { level: 2, name: "Nothing saved yet" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Browse the library" })).toHaveAttribute("href", "/library");
  });
});

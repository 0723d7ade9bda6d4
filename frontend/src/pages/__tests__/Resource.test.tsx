import type { BookmarkRead } from "@strength-circles/client";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import ResourcePage from "../Resource";
import { fakeApi, json, noContent, problem, renderRoutes, resource, resourceRead, TOPICS } from "./library-fixtures";

const session = vi.hoisted(() => ({ ready: true, signedIn: true, me: undefined }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "UTC" }));

function renderResource(id: string) {
  return renderRoutes(`/library/${id}`, [{ path: "/library/:resourceId", element: <ResourcePage /> }]);
}

describe("Resource", () => {
  beforeEach(() => {
    session.signedIn = true;
  });

  it("shows the content notes first and hides the body until the person asks for it", async () => {
    const story = resourceRead({
      title: "The year after",
      type: "story",
      byline: "Willow",
      topics: ["grief"],
      content_notes: ["suicide loss", "grief"],
      body_html: "<p>The first winter was the longest.</p>",
    });
    fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/resources/:id": () => json(story),
      "GET /api/v1/me/bookmarks": () => json({ items: [], next_cursor: null }),
    });
    renderResource(story.id);
    expect(await screen.findByRole("heading", { level: 1, name: "The year after" })).toBeInTheDocument();
    expect(screen.getByText("By Willow")).toBeInTheDocument();
    expect(screen.getByText("6 min read")).toBeInTheDocument();
    expect(screen.getByText("Recovery story")).toBeInTheDocument();
    expect(await screen.findByText(/Grief and loss/)).toBeInTheDocument();

    const notes = screen.getByRole("region", { name: "Before you read" });
    expect(within(notes).getByText("This story mentions suicide loss and grief.")).toBeInTheDocument();
    expect(within(notes).getByRole("link", { name: "find a crisis line" })).toHaveAttribute("href", "/crisis");
    const body = screen.getByText("The first winter was the longest.");
    expect(body).not.toBeVisible();

    const button = within(notes).getByRole("button", { name: "Show the story" });
    expect(button).toHaveAttribute("aria-expanded", "false");
    await userEvent.setup().click(button);
    expect(body).toBeVisible();
    expect(within(notes).getByRole("button", { name: "Hide the story" })).toHaveAttribute("aria-expanded", "true");
  });

  it("shows the body at once when there are no content notes", async () => {
    const article = resourceRead({ title: "Breathing for hard moments" });
    fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/resources/:id": () => json(article),
      "GET /api/v1/me/bookmarks": () => json({ items: [], next_cursor: null }),
    });
    renderResource(article.id);
    expect(await screen.findByText("Breathe in for four, out for six.")).toBeVisible();
    expect(screen.queryByRole("button", { name: /Show the/ })).not.toBeInTheDocument();
  });

  it("shows how to reach a helpline, with the phone number as a tel: link", async () => {
    const line = resourceRead({
      title: "Warmline",
      type: "hotline",
      contact: {
        organization: "Peer Warmline",
        phone: "(555) 010-4477",
        website: "https://warmline.example.org/",
        hours: "Every day, 4 pm to 10 pm",
        address: null,
      },
    });
    fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/resources/:id": () => json(line),
      "GET /api/v1/me/bookmarks": () => json({ items: [], next_cursor: null }),
    });
    renderResource(line.id);
    const contact = await screen.findByRole("region", { name: "How to reach them" });
    expect(within(contact).getByRole("link", { name: "(555) 010-4477" })).toHaveAttribute("href", "tel:5550104477");
    expect(within(contact).getByRole("link", { name: "warmline.example.org" })).toHaveAttribute(
      "href",
      "https://warmline.example.org/",
    );
    expect(within(contact).getByText("Every day, 4 pm to 10 pm")).toBeInTheDocument();
    expect(screen.getByText("Helpline")).toBeInTheDocument();
  });

  it("saves for later with PUT and removes with DELETE, showing the change at once", async () => {
    const article = resourceRead({ title: "Breathing for hard moments" });
    const saved: BookmarkRead[] = [];
    const api = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/resources/:id": () => json(article),
      "GET /api/v1/me/bookmarks": () => json({ items: saved, next_cursor: null }),
      "PUT /api/v1/me/bookmarks/:id": () => {
        const entry = { resource: resource({ ...article }), saved_at: "2025-03-05T10:00:00Z" };
        saved.splice(0, saved.length, entry);
        return json(entry);
      },
      "DELETE /api/v1/me/bookmarks/:id": () => {
        saved.splice(0, saved.length);
        return noContent();
      },
    });
    renderResource(article.id);
    const user = userEvent.setup();
    const save = await screen.findByRole("button", { name: "Save for later" });
    await waitFor(() => expect(save).toBeEnabled());
    await user.click(save);
    expect(await screen.findByRole("button", { name: "Saved — remove" })).toBeInTheDocument();
    await waitFor(() => expect(api.to("PUT", `/api/v1/me/bookmarks/${article.id}`)).toHaveLength(1));
    expect(await screen.findByText("Saved for later.")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Saved — remove" }));
    expect(await screen.findByRole("button", { name: "Save for later" })).toBeInTheDocument();
    await waitFor(() => expect(api.to("DELETE", `/api/v1/me/bookmarks/${article.id}`)).toHaveLength(1));
    expect(await screen.findByText("Removed from Saved for later.")).toBeInTheDocument();
  });

  it("goes back to the server's answer when saving fails", async () => {
    const article = resourceRead({ title: "Breathing for hard moments" });
    fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/resources/:id": () => json(article),
      "GET /api/v1/me/bookmarks": () => json({ items: [], next_cursor: null }),
      "PUT /api/v1/me/bookmarks/:id": () =>
        problem(404, { title: "Not found", detail: "This resource is no longer in the library." }),
    });
    renderResource(article.id);
    const user = userEvent.setup();
    const save = await screen.findByRole("button", { name: "Save for later" });
    await waitFor(() => expect(save).toBeEnabled());
    await user.click(save);
    expect(await screen.findByRole("alert")).toHaveTextContent("This resource is no longer in the library.");
    expect(screen.getByRole("button", { name: "Save for later" })).toBeInTheDocument();
  });

  it("asks people who are signed out to sign in to save, and comes back here after", async () => {
    session.signedIn = false;
    const article = resourceRead({ title: "Breathing for hard moments" });
    const api = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/resources/:id": () => json(article),
    });
    renderResource(article.id);
    expect(await screen.findByRole("link", { name: "Sign in to save" })).toHaveAttribute(
      "href",
      `/sign-in?next=${encodeURIComponent(`/library/${article.id}`)}`,
    );
    expect(screen.queryByRole("button", { name: "Save for later" })).not.toBeInTheDocument();
    expect(api.to("GET", "/api/v1/me/bookmarks")).toHaveLength(0);
  });

  it("says kindly when a resource is not there any more", async () => {
    fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/resources/:id": () => problem(404, { title: "Not found", detail: "No such resource." }),
    });
    renderResource("00000000-0000-4000-8000-999999999999");
    expect(await screen.findByRole("heading", { level: 1, name: "We couldn't find this page" })).toBeInTheDocument();
    expect(screen.getByText(/may have been moved or archived/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Go to the library" })).toHaveAttribute("href", "/library");
  });
});

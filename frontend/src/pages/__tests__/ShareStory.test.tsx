import type { StoryRead } from "@strength-circles/client";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import MyStoriesPage from "../MyStories";
import ShareStoryPage from "../ShareStory";
import { type Call, fakeApi, json, problem, renderRoutes, story, TOPICS } from "./library-fixtures";

const session = vi.hoisted(() => ({
  ready: true,
  signedIn: true,
  me: { display_name: "River" } as unknown,
}));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "UTC" }));

const BODY = "For a long time mornings were the hardest part of my day, and my group helped me.";

function renderShare(path = "/stories/new") {
  return renderRoutes(path, [
    { path: "/stories/new", element: <ShareStoryPage /> },
    { path: "/stories/:storyId/edit", element: <ShareStoryPage /> },
    { path: "/stories/mine", element: <MyStoriesPage /> },
  ]);
}

async function fillIn(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByRole("textbox", { name: "Title" }), "Mornings again");
  await user.type(screen.getByRole("textbox", { name: "Your story" }), BODY);
  await user.click(await screen.findByRole("checkbox", { name: "Recovery" }));
}

describe("Share your story", () => {
  it("says who reads it, asks for safe details, points to crisis help, and explains anonymity", async () => {
    fakeApi({ "GET /api/v1/topics": () => json(TOPICS) });
    renderShare();
    expect(screen.getByRole("heading", { level: 1, name: "Share your story" })).toBeInTheDocument();
    const before = screen.getByRole("region", { name: "Before you send" });
    expect(within(before).getByText(/A facilitator reads every story before it is published/)).toBeInTheDocument();
    expect(within(before).getByText(/leave out details of how anyone harmed themselves/)).toBeInTheDocument();
    expect(within(before).getByRole("link", { name: "get help now" })).toHaveAttribute("href", "/crisis");
    const anonymous = screen.getByRole("checkbox", { name: "Share anonymously" });
    expect(anonymous).toHaveAccessibleDescription(/“Anonymous” instead of your display name \(“River”\)/);
    expect(screen.getByRole("combobox", { name: "Language of your story" })).toHaveValue("en");
    expect(screen.getByRole("textbox", { name: "Your story" })).toHaveAccessibleDescription(/Markdown/);
  });

  it("lets a person choose at most five topics", async () => {
    fakeApi({ "GET /api/v1/topics": () => json(TOPICS) });
    renderShare();
    const user = userEvent.setup();
    for (const name of ["Anxiety", "Grief and loss", "Depression", "Recovery", "Family"]) {
      await user.click(await screen.findByRole("checkbox", { name }));
    }
    expect(screen.getByText(/5 of 5 chosen/)).toBeInTheDocument();
    expect(screen.getByRole("checkbox", { name: "Work and study" })).toBeDisabled();
    await user.click(screen.getByRole("checkbox", { name: "Family" }));
    expect(screen.getByRole("checkbox", { name: "Work and study" })).toBeEnabled();
  });

  it("shows the server's field errors next to the fields and in a summary", async () => {
    const api = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "POST /api/v1/stories": () =>
        problem(422, {
          title: "Some fields need another look",
          errors: [
            { loc: ["body", "body_markdown"], msg: "Please leave out details of methods; the rest can stay." },
            { loc: ["body", "topics", 0], msg: "This topic is not in the list." },
          ],
        }),
    });
    renderShare();
    const user = userEvent.setup();
    await fillIn(user);
    await user.click(screen.getByRole("button", { name: "Send for review" }));

    const storyBox = screen.getByRole("textbox", { name: "Your story" });
    await waitFor(() => expect(storyBox).toHaveAttribute("aria-invalid", "true"));
    expect(storyBox).toHaveAccessibleDescription(/Please leave out details of methods; the rest can stay\./);
    const summary = screen.getByText("Please check your story").closest("div") as HTMLElement;
    expect(summary).toHaveFocus();
    expect(within(summary).getByRole("link", { name: /Your story: Please leave out details/ })).toHaveAttribute(
      "href",
      `#${storyBox.id}`,
    );
    expect(within(summary).getByRole("link", { name: /Topics: This topic is not in the list/ })).toBeInTheDocument();
    const sent = api.to("POST", "/api/v1/stories")[0]?.body;
    expect(sent).toEqual({ title: "Mornings again", body_markdown: BODY, topics: ["recovery"], anonymous: false, language: "en" });
  });

  it("checks the obvious before sending: a title, 50 characters and a topic", async () => {
    const api = fakeApi({ "GET /api/v1/topics": () => json(TOPICS) });
    renderShare();
    const user = userEvent.setup();
    await user.type(screen.getByRole("textbox", { name: "Your story" }), "Too short.");
    await user.click(screen.getByRole("button", { name: "Send for review" }));
    expect(screen.getByRole("textbox", { name: "Title" })).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText(/Please write at least 50 characters/, { selector: "p" })).toBeInTheDocument();
    expect(screen.getByText(/Please choose at least one topic/, { selector: "p" })).toBeInTheDocument();
    expect(api.to("POST", "/api/v1/stories")).toHaveLength(0);
  });

  it("sends the story and confirms it in My stories", async () => {
    const stories: StoryRead[] = [];
    const api = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "POST /api/v1/stories": (call: Call) => {
        const created = story({ ...(call.body as Partial<StoryRead>), status: "submitted" });
        stories.push(created);
        return json(created, 201);
      },
      "GET /api/v1/me/stories": () => json({ items: stories, next_cursor: null }),
    });
    const { router } = renderShare();
    const user = userEvent.setup();
    await fillIn(user);
    await user.click(screen.getByRole("checkbox", { name: "Share anonymously" }));
    await user.click(screen.getByRole("button", { name: "Send for review" }));

    await waitFor(() => expect(router.state.location.pathname).toBe("/stories/mine"));
    expect(await screen.findByText(/Thank you for sharing your story/)).toBeInTheDocument();
    expect(await screen.findByRole("heading", { level: 2, name: "Mornings again" })).toBeInTheDocument();
    expect(screen.getByText("Waiting for review")).toBeInTheDocument();
    expect((api.to("POST", "/api/v1/stories")[0]?.body as { anonymous: boolean }).anonymous).toBe(true);
    expect(api.to("POST", "/api/v1/stories")).toHaveLength(1);
  });
});

describe("Edit your story", () => {
  it("shows the facilitator's note, prefills the form and sends only what changed", async () => {
    const returned = story({
      title: "Mornings again",
      body_markdown: BODY,
      topics: ["recovery", "anxiety"],
      status: "returned",
      review_note: "Thank you for this. Could you leave out the name of the clinic?",
    });
    let current = returned;
    const api = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/stories/:id": () => json(current),
      "PATCH /api/v1/stories/:id": (call: Call) => {
        current = { ...current, ...(call.body as Partial<StoryRead>), status: "submitted" };
        return json(current);
      },
      "GET /api/v1/me/stories": () => json({ items: [current], next_cursor: null }),
    });
    const { router } = renderShare(`/stories/${returned.id}/edit`);
    expect(screen.getByRole("heading", { level: 1, name: "Edit your story" })).toBeInTheDocument();
    const note = await screen.findByRole("region", { name: "Note from the facilitator" });
    expect(note).toHaveTextContent("Could you leave out the name of the clinic?");
    expect(screen.getByRole("textbox", { name: "Title" })).toHaveValue("Mornings again");
    expect(screen.getByRole("textbox", { name: "Your story" })).toHaveValue(BODY);
    expect(await screen.findByRole("checkbox", { name: "Anxiety" })).toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Recovery" })).toBeChecked();

    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Send for review again" }));
    expect(screen.getByText(/Nothing has changed yet/)).toBeInTheDocument();
    expect(api.to("PATCH", `/api/v1/stories/${returned.id}`)).toHaveLength(0);

    const title = screen.getByRole("textbox", { name: "Title" });
    await user.clear(title);
    await user.type(title, "Mornings, again");
    await user.click(screen.getByRole("button", { name: "Send for review again" }));
    await waitFor(() => expect(router.state.location.pathname).toBe("/stories/mine"));
    expect(api.to("PATCH", `/api/v1/stories/${returned.id}`)[0]?.body).toEqual({ title: "Mornings, again" });
    expect(await screen.findByText(/waiting for a facilitator to read it again/)).toBeInTheDocument();
  });

  it("explains that a published story can't be edited here", async () => {
    const published = story({ status: "published", resource_id: "00000000-0000-4000-8000-000000000777" });
    fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/stories/:id": () => json(published),
    });
    renderShare(`/stories/${published.id}/edit`);
    expect(await screen.findByText("This story is published, so it can't be changed here.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Send/ })).not.toBeInTheDocument();
  });
});

import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import LibraryAdminPage from "../staff/LibraryAdmin";
import ResourceEditorPage from "../staff/ResourceEditor";
import { type Call, fakeApi, json, noContent, problem, renderRoutes, resource, resourceRead, TOPICS } from "./library-fixtures";

const session = vi.hoisted(() => ({ ready: true, signedIn: true, me: { id: "a1", role: "admin" } as { id: string; role: string } }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "UTC" }));

const EDITOR_ROUTES = [
  { path: "/staff/library/new", element: <ResourceEditorPage /> },
  { path: "/staff/library/:resourceId/edit", element: <ResourceEditorPage /> },
];

/** What the server's pipeline would make of a body, roughly: "# x" is an h2, the rest paragraphs. */
function rendered(call: Call) {
  const text = (call.body as { body_markdown: string }).body_markdown;
  const html = text
    .split(/\n{2,}/)
    .map((part) => (part.startsWith("# ") ? `<h2>${part.slice(2)}</h2>` : `<p>${part}</p>`))
    .join("\n");
  return json({ body_html: html, reading_minutes: text.length > 40 ? 2 : 1 });
}

describe("Write a resource", () => {
  it("shows the server's preview once typing pauses, and updates it", async () => {
    const fake = fakeApi({ "GET /api/v1/topics": () => json(TOPICS), "POST /api/v1/resources/preview": rendered });
    renderRoutes("/staff/library/new", EDITOR_ROUTES);
    const preview = await screen.findByRole("region", { name: "Preview" });
    expect(within(preview).getByText("What you write shows here.")).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText("Text"), "# Breathing");
    expect(await within(preview).findByRole("heading", { name: "Breathing", level: 2 })).toBeInTheDocument();
    expect(within(preview).getByText(/1 min read/)).toBeInTheDocument();
    // Asked for once typing paused, not once a keystroke.
    expect(fake.to("POST", "/api/v1/resources/preview").length).toBeLessThan(3);

    await userEvent.type(screen.getByLabelText("Text"), "\n\nBreathe in for four counts, and out for six.");
    expect(await within(preview).findByText("Breathe in for four counts, and out for six.")).toBeInTheDocument();
    expect(within(preview).getByText(/2 min read/)).toBeInTheDocument();
    expect(fake.to("POST", "/api/v1/resources/preview").at(-1)?.body).toEqual({
      body_markdown: "# Breathing\n\nBreathe in for four counts, and out for six.",
    });
  });

  it("says what is missing before sending, and shows the server's problems next to their fields", async () => {
    const fake = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "POST /api/v1/resources/preview": rendered,
      "POST /api/v1/resources": () =>
        problem(422, {
          title: "Please check the form",
          errors: [{ loc: ["body", "url"], msg: "Please give a full web address, starting with https://" }],
        }),
    });
    renderRoutes("/staff/library/new", EDITOR_ROUTES);
    await screen.findByRole("checkbox", { name: "Anxiety" });
    await userEvent.click(screen.getByRole("button", { name: "Save as draft" }));
    expect(await screen.findByText("Please check the resource")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: /Topics: Please choose at least one topic/ })).toBeInTheDocument();
    expect(screen.getByLabelText("Title")).toHaveAccessibleDescription("Please give it a title of at least 3 characters.");
    expect(fake.to("POST", "/api/v1/resources")).toHaveLength(0);

    await userEvent.type(screen.getByLabelText("Title"), "Box breathing");
    await userEvent.type(screen.getByLabelText("Summary"), "A worksheet for panic.");
    await userEvent.type(screen.getByLabelText("Text"), "Breathe in for four.");
    await userEvent.click(screen.getByRole("checkbox", { name: "Anxiety" }));
    await userEvent.type(screen.getByLabelText("Link to the original (optional)"), "example.org");
    await userEvent.click(screen.getByRole("button", { name: "Save as draft" }));

    await waitFor(() =>
      expect(screen.getByLabelText("Link to the original (optional)")).toHaveAccessibleDescription(
        /Please give a full web address, starting with https:\/\//,
      ),
    );
    expect(fake.to("POST", "/api/v1/resources")[0]?.body).toMatchObject({
      title: "Box breathing",
      summary: "A worksheet for panic.",
      body_markdown: "Breathe in for four.",
      type: "article",
      topics: ["anxiety"],
      url: "example.org",
      contact: null,
      governance: { reviewer_name: null, reviewed_on: null, review_due_on: null },
    });
  });

  it("asks for contact details only for helplines and services", async () => {
    fakeApi({ "GET /api/v1/topics": () => json(TOPICS) });
    renderRoutes("/staff/library/new", EDITOR_ROUTES);
    await screen.findByRole("checkbox", { name: "Anxiety" });
    expect(screen.queryByRole("group", { name: "How to reach them" })).not.toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText("Kind of resource"), "hotline");
    expect(screen.getByRole("group", { name: "How to reach them" })).toBeInTheDocument();
    expect(screen.getByLabelText("Phone (optional)")).toBeInTheDocument();
  });
});

describe("Edit a resource", () => {
  const saved = resourceRead({ id: "r1", title: "Box breathing", status: "draft", body_markdown: "# Breathing" });

  it("archives only after a confirmation that says what archiving does", async () => {
    const fake = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/resources/r1": () => json(saved),
      "POST /api/v1/resources/preview": rendered,
      "DELETE /api/v1/resources/r1": () => noContent(),
    });
    renderRoutes("/staff/library/r1/edit", EDITOR_ROUTES);
    await userEvent.click(await screen.findByRole("button", { name: "Archive" }));
    const confirm = screen.getByRole("group", { name: "Archive “Box breathing”?" });
    expect(confirm).toHaveFocus();
    expect(within(confirm).getByText(/leaves the library straight away/)).toBeInTheDocument();
    expect(within(confirm).getByText(/It is kept, under Archived/)).toBeInTheDocument();

    await userEvent.click(within(confirm).getByRole("button", { name: "Keep it" }));
    expect(screen.queryByRole("group", { name: "Archive “Box breathing”?" })).not.toBeInTheDocument();
    expect(fake.to("DELETE", "/api/v1/resources/r1")).toHaveLength(0);

    await userEvent.click(screen.getByRole("button", { name: "Archive" }));
    await userEvent.click(screen.getByRole("button", { name: "Yes, archive it" }));
    expect(await screen.findByTestId("elsewhere")).toHaveTextContent("/staff/library?status=archived");
    expect(fake.to("DELETE", "/api/v1/resources/r1")).toHaveLength(1);
  });

  it("publishes with the changes, and a refused step is shown by the buttons", async () => {
    const fake = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/resources/r1": () => json(saved),
      "POST /api/v1/resources/preview": rendered,
      "PATCH /api/v1/resources/r1": (call) =>
        (call.body as { title: string }).title === "Refused"
          ? problem(409, { title: "Not a step of the workflow", detail: "The author withdrew this story." })
          : json({ ...saved, ...(call.body as object), status: "published" }),
    });
    renderRoutes("/staff/library/r1/edit", EDITOR_ROUTES);
    const title = await screen.findByLabelText("Title");
    await userEvent.type(screen.getByLabelText("Reviewed by"), "Dr. Ana Ruiz, psychologist");
    await userEvent.click(screen.getByRole("button", { name: "Publish" }));
    expect(await screen.findByText("“Box breathing” is published: it is in the library now.")).toBeInTheDocument();
    expect(fake.to("PATCH", "/api/v1/resources/r1")[0]?.body).toMatchObject({
      status: "published",
      governance: { reviewer_name: "Dr. Ana Ruiz, psychologist", reviewed_on: null, review_due_on: null },
    });
    expect(screen.getByRole("link", { name: "See it in the library" })).toHaveAttribute("href", "/library/r1");

    await userEvent.clear(title);
    await userEvent.type(title, "Refused");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The author withdrew this story.");
  });
});

describe("Library (staff)", () => {
  it("lists drafts, the reviews due with their dates in words, and adds a topic (admins)", async () => {
    const fake = fakeApi({
      "GET /api/v1/resources": (call) =>
        json({ items: [resource({ title: call.query.get("status") === "archived" ? "Old leaflet" : "New draft", status: "draft" })], next_cursor: null }),
      "GET /api/v1/resources/due-for-review": () =>
        json({ items: [{ ...resource({ title: "Grounding" }), review_due_on: "2020-01-01" }], next_cursor: null }),
      "POST /api/v1/topics": () => json({ slug: "sleep", name: "Sleep" }, 201),
      "GET /api/v1/topics": () => json(TOPICS),
    });
    renderRoutes("/staff/library", [{ path: "/staff/library", element: <LibraryAdminPage /> }]);
    expect(await screen.findByRole("link", { name: "New draft (edit)" })).toBeInTheDocument();
    expect(fake.to("GET", "/api/v1/resources")[0]?.query.get("status")).toBe("draft");
    expect(screen.getByRole("link", { name: "Write a resource" })).toHaveAttribute("href", "/staff/library/new");
    expect(await screen.findByText(/Review due January 1, 2020, \d+ days overdue/)).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText("Show"), "archived");
    expect(await screen.findByRole("link", { name: "Old leaflet (edit)" })).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText("Topic name"), "Sleep");
    expect(screen.getByLabelText("Short form for links")).toHaveValue("sleep");
    await userEvent.click(screen.getByRole("button", { name: "Add the topic" }));
    expect(await screen.findByText("“Sleep” can now be chosen for resources, circles and mentors.")).toBeInTheDocument();
    expect(fake.to("POST", "/api/v1/topics")[0]?.body).toEqual({ name: "Sleep", slug: "sleep" });
  });

  it("shows facilitators their resources without the admins' tools", async () => {
    session.me = { id: "f1", role: "facilitator" };
    const fake = fakeApi({ "GET /api/v1/resources": () => json({ items: [], next_cursor: null }) });
    renderRoutes("/staff/library", [{ path: "/staff/library", element: <LibraryAdminPage /> }]);
    expect(await screen.findByText("No drafts right now.")).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Clinical review due" })).not.toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Add a topic" })).not.toBeInTheDocument();
    expect(fake.to("GET", "/api/v1/resources/due-for-review")).toHaveLength(0);
    session.me = { id: "a1", role: "admin" };
  });
});

describe("For members", () => {
  it("says the editor is for the library's editors, and where to read or share instead", async () => {
    session.me = { id: "m1", role: "member" };
    const fake = fakeApi({});
    renderRoutes("/staff/library/new", EDITOR_ROUTES);
    expect(screen.getByText("Only the library's editors can write resources.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "share your own story" })).toHaveAttribute("href", "/stories/new");
    expect(screen.queryByLabelText("Text")).not.toBeInTheDocument();
    expect(fake.calls).toHaveLength(0);
    session.me = { id: "a1", role: "admin" };
  });
});

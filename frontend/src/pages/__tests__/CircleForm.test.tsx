import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, describe, expect, it, vi } from "vitest";

import { fakeApi, groupRead, json, problem, renderRoutes } from "../../testing";
import EditCirclePage from "../staff/EditCircle";
import StartCirclePage from "../staff/StartCircle";

const session = vi.hoisted(() => ({
  ready: true,
  signedIn: true,
  me: { id: "f1", role: "facilitator", display_name: "Sam" },
}));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "America/Chicago" }));

// jsdom has no modal dialogs: opening one is setting `open`, as the browser does.
beforeAll(() => {
  HTMLDialogElement.prototype.showModal = function showModal(this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close = function close(this: HTMLDialogElement) {
    this.removeAttribute("open");
  };
});

const TOPICS = { items: [{ slug: "anxiety", name: "Anxiety" }, { slug: "grief-and-loss", name: "Grief and loss" }] };
const GROUP_ID = "00000000-0000-4000-8000-0000000000aa";

describe("starting a circle", () => {
  it("says what to fix before sending, then shows the server's messages next to their fields", async () => {
    const fake = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "POST /api/v1/groups": () =>
        problem(422, {
          title: "Invalid request",
          detail: "3 fields need attention; see errors.",
          errors: [
            { loc: ["body", "name"], msg: "A circle with this name is confusing; please choose another.", type: "value_error" },
            { loc: ["body", "location", "country"], msg: "String should match pattern '^[A-Z]{2}$'", type: "string_pattern_mismatch" },
            { loc: ["body", "location"], msg: "An in-person or hybrid group needs a location (address or city).", type: "value_error" },
          ],
        }),
    });
    renderRoutes("/circles/new", [{ path: "/circles/new", element: <StartCirclePage /> }]);
    const user = userEvent.setup();
    expect(await screen.findByRole("heading", { level: 1, name: "Start a circle" })).toBeInTheDocument();
    // A kind starting text for the guidelines, and the browser's language.
    expect((screen.getByLabelText("Guidelines") as HTMLTextAreaElement).value).toContain("What is shared here stays here.");
    expect(screen.getByLabelText("Language")).toHaveValue("en");

    await user.click(screen.getByRole("button", { name: "Start the circle" }));
    const summary = await screen.findByText("Please check the circle's details");
    expect(summary.parentElement).toHaveFocus();
    expect(screen.getByLabelText("Name")).toHaveAccessibleDescription(expect.stringContaining("3 to 100 characters"));
    expect(screen.getByLabelText("Address")).toHaveAccessibleDescription(expect.stringContaining("at least the city"));
    expect(fake.to("POST", "/api/v1/groups")).toHaveLength(0);

    await user.type(screen.getByLabelText("Name"), "Thursday Grief Circle");
    await user.type(screen.getByLabelText("What the circle is about"), "For anyone grieving a loss.");
    await user.click(await screen.findByLabelText("Grief and loss"));
    await user.click(screen.getByLabelText("Online and in person"));
    await user.type(screen.getByLabelText("City or town"), "Springfield");
    await user.type(screen.getByLabelText("Country (optional)"), "us");
    await user.type(screen.getByLabelText("Meeting link"), "https://meet.example.org/grief");
    await user.click(screen.getByLabelText("By request"));
    await user.click(screen.getByRole("button", { name: "Start the circle" }));

    await waitFor(() => expect(fake.to("POST", "/api/v1/groups")).toHaveLength(1));
    expect(fake.to("POST", "/api/v1/groups")[0]?.body).toEqual({
      name: "Thursday Grief Circle",
      description: "For anyone grieving a loss.",
      topics: ["grief-and-loss"],
      format: "hybrid",
      language: "en",
      location: { city: "Springfield", country: "US" },
      online_url: "https://meet.example.org/grief",
      visibility: "listed",
      join_policy: "approval",
      capacity: 20,
      guidelines: expect.stringContaining("What is shared here stays here.") as unknown,
    });
    expect(await screen.findByLabelText("Name")).toHaveAccessibleDescription(
      expect.stringContaining("A circle with this name is confusing"),
    );
    expect(screen.getByLabelText("Country (optional)")).toHaveAccessibleDescription(
      expect.stringContaining("String should match pattern"),
    );
    expect(screen.getByLabelText("Address")).toHaveAccessibleDescription(
      expect.stringContaining("needs a location (address or city)"),
    );
    expect(screen.getByRole("link", { name: /Name: A circle with this name/ })).toBeInTheDocument();
  });

  it("goes to the new circle's page once it is started", async () => {
    fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "POST /api/v1/groups": () => json(groupRead({ name: "Thursday Grief Circle" }), 201),
    });
    renderRoutes("/circles/new", [{ path: "/circles/new", element: <StartCirclePage /> }]);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("Name"), "Thursday Grief Circle");
    await user.type(screen.getByLabelText("What the circle is about"), "For anyone grieving a loss.");
    await user.click(await screen.findByLabelText("Anxiety"));
    await user.type(screen.getByLabelText("Address"), "410 Elm Street");
    await user.click(screen.getByRole("button", { name: "Start the circle" }));
    expect(await screen.findByTestId("elsewhere")).toHaveTextContent(`/groups/${GROUP_ID}`);
  });
});

describe("editing a circle", () => {
  const circle = groupRead({
    my_membership: { role: "facilitator", status: "active" },
    online_url: "https://meet.example.org/anxiety",
    guidelines_version: 1,
  });

  it("warns before saving new guidelines, sends only what changed and says what did", async () => {
    const fake = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/groups/:id": () => json(circle),
      "PATCH /api/v1/groups/:id": (call) =>
        json({ ...circle, ...(call.body as object), guidelines_version: 2, updated_at: "2026-11-02T00:00:00Z" }),
    });
    renderRoutes(`/groups/${GROUP_ID}/edit`, [{ path: "/groups/:groupId/edit", element: <EditCirclePage /> }]);
    const user = userEvent.setup();
    const guidelines = await screen.findByLabelText("Guidelines");
    expect(screen.getByLabelText("Name")).toHaveValue("Tuesday Evening Anxiety Circle");
    expect(screen.getByLabelText("Meeting link")).toHaveValue("https://meet.example.org/anxiety");
    expect(screen.queryByText("You have changed the guidelines")).not.toBeInTheDocument();

    await user.type(guidelines, "\n\nWe start and end on time.");
    const warning = screen.getByText("You have changed the guidelines").parentElement as HTMLElement;
    expect(within(warning).getByText(/they become version 2/)).toBeInTheDocument();
    expect(within(warning).getByText(/doesn't ask them to accept the new version/)).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("Guidelines (now version 2)")).toBeInTheDocument();
    expect(fake.to("PATCH", `/api/v1/groups/${GROUP_ID}`)[0]?.body).toEqual({
      guidelines: "Be kind. What is said here stays here.\n\nWe start and end on time.",
    });
    // The form starts again from what was saved: no warning left over.
    expect(screen.queryByText("You have changed the guidelines")).not.toBeInTheDocument();
  });

  it("says what archiving does before doing it, and does nothing on Keep it", async () => {
    const fake = fakeApi({
      "GET /api/v1/topics": () => json(TOPICS),
      "GET /api/v1/groups/:id": () => json(circle),
      "POST /api/v1/groups/:id/archive": () => json({ ...circle, status: "archived" }),
      "GET /api/v1/me/groups": () => json({ items: [], next_cursor: null }),
    });
    renderRoutes(`/groups/${GROUP_ID}/edit`, [{ path: "/groups/:groupId/edit", element: <EditCirclePage /> }]);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Archive this circle" }));
    const dialog = screen.getByRole("dialog", { name: "Archive Tuesday Evening Anxiety Circle?" });
    expect(within(dialog).getByText(/leaves Find a circle straight away/)).toBeInTheDocument();
    expect(within(dialog).getByText(/gets an email that the meeting is cancelled/)).toBeInTheDocument();
    expect(within(dialog).getByText(/Its history stays/)).toBeInTheDocument();
    expect(within(dialog).getByText(/can't be edited or opened again/)).toBeInTheDocument();

    await user.click(within(dialog).getByRole("button", { name: "Keep it" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(fake.to("POST", `/api/v1/groups/${GROUP_ID}/archive`)).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Archive this circle" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Archive the circle" }));
    expect(await screen.findByTestId("elsewhere")).toHaveTextContent("/staff/circles");
    expect(fake.to("POST", `/api/v1/groups/${GROUP_ID}/archive`)).toHaveLength(1);
  });

  it("is only for the circle's facilitators and admins", async () => {
    fakeApi({ "GET /api/v1/groups/:id": () => json(groupRead({ my_membership: { role: "member", status: "active" } })) });
    renderRoutes(`/groups/${GROUP_ID}/edit`, [{ path: "/groups/:groupId/edit", element: <EditCirclePage /> }]);
    expect(await screen.findByText("Only this circle's facilitators and admins can change it.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Save changes" })).not.toBeInTheDocument();
  });
});

import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import ResourcePage from "../Resource";
import { fakeApi, json, problem, renderRoutes, resourceRead, TOPICS } from "./library-fixtures";

const session = vi.hoisted(() => ({ ready: true, signedIn: true, me: { id: "me" } }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "UTC" }));

const STORY = resourceRead({ title: "The year after", type: "story", byline: "Willow", body_html: "<p>Winter.</p>" });

function receipt(overrides: Record<string, unknown> = {}) {
  return {
    id: "r1",
    target_type: "story",
    reason: "harassment",
    reported_at: "2026-12-01T10:00:00Z",
    urgent: false,
    status: "received",
    outcome: null,
    message: "Thank you for telling us. Our team will look at it.",
    crisis_resources: null,
    ...overrides,
  };
}

function api(answer: () => Response) {
  return fakeApi({
    "GET /api/v1/topics": () => json(TOPICS),
    "GET /api/v1/resources/:id": () => json(STORY),
    "GET /api/v1/me/bookmarks": () => json({ items: [], next_cursor: null }),
    "POST /api/v1/reports": answer,
  });
}

async function openForm() {
  renderRoutes(`/library/${STORY.id}`, [{ path: "/library/:resourceId", element: <ResourcePage /> }]);
  await userEvent.click(await screen.findByText("Report a concern about this story"));
}

describe("Report a concern", () => {
  beforeEach(() => {
    session.signedIn = true;
  });

  it("asks what is wrong first, then sends the report and says what happens next", async () => {
    const fake = api(() => json(receipt(), 201));
    await openForm();
    expect(screen.getByText(/The person you report is not told who reported them/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Send to the team" }));
    expect(screen.getByText("Choose what is wrong, so the team knows how to help.")).toBeInTheDocument();
    expect(fake.to("POST", "/api/v1/reports")).toHaveLength(0);

    await userEvent.click(screen.getByRole("radio", { name: "Harassment or bullying" }));
    await userEvent.type(screen.getByLabelText("What happened? (optional)"), "  Mocking comments.  ");
    await userEvent.click(screen.getByRole("button", { name: "Send to the team" }));
    const title = await screen.findByText("Thank you for telling us");
    expect(title).toHaveFocus();
    const status = title.closest("[role=status]") as HTMLElement;
    expect(within(status).getByText(/Our team will look at it/)).toBeInTheDocument();
    expect(within(status).getByRole("link", { name: "See your reports" })).toHaveAttribute("href", "/account/reports");
    const [sent] = fake.to("POST", "/api/v1/reports");
    expect(sent?.body).toMatchObject({ target_type: "story", target_id: STORY.id, reason: "harassment", details: "Mocking comments." });
  });

  it("answers an urgent report with where to get help now", async () => {
    const emergency = {
      id: "us-911",
      name: "Emergency services",
      region: "US",
      kind: "emergency",
      channels: [{ method: "call", value: "911", instructions: "Call 911." }],
      hours: "24/7",
      languages: ["en"],
      audience: null,
      notes: null,
      source_url: "https://example.org",
      verified_on: "2026-11-01",
    };
    api(() =>
      json(
        receipt({
          urgent: true,
          reason: "someone_at_risk",
          message: "We have marked this as urgent. If someone is in immediate danger, call your local emergency number now.",
          crisis_resources: { region: "US", emergency, items: [emergency], international: [], not_a_crisis_service: "", verified_on: "2026-11-01", eu_member_states: [] },
        }),
        201,
      ),
    );
    await openForm();
    await userEvent.click(screen.getByRole("radio", { name: "Someone may be at risk of harming themselves" }));
    await userEvent.click(screen.getByRole("button", { name: "Send to the team" }));
    const status = (await screen.findByText("We have marked this as urgent")).closest("[role=status]") as HTMLElement;
    const help = within(status).getByRole("list", { name: "Where to get help now" });
    expect(within(help).getByRole("link", { name: "Call 911" })).toHaveAttribute("href", "tel:911");
    expect(within(help).getAllByRole("heading", { name: "Emergency services" })).toHaveLength(1);
  });

  it("shows the server's reason when a report is refused, and keeps what was written", async () => {
    api(() => problem(429, { title: "Too many requests", detail: "You have sent many reports today." }));
    await openForm();
    await userEvent.click(screen.getByRole("radio", { name: "Spam or selling something" }));
    await userEvent.type(screen.getByLabelText("What happened? (optional)"), "Selling things.");
    await userEvent.click(screen.getByRole("button", { name: "Send to the team" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("You have sent many reports today.");
    expect(screen.getByLabelText("What happened? (optional)")).toHaveValue("Selling things.");
  });

  it("asks someone signed out to sign in, and still points to crisis help", async () => {
    session.signedIn = false;
    api(() => json(receipt(), 201));
    renderRoutes(`/library/${STORY.id}`, [{ path: "/library/:resourceId", element: <ResourcePage /> }]);
    const invite = await screen.findByText(/To report a concern about this story/);
    expect(within(invite).getByRole("link", { name: "sign in" })).toHaveAttribute("href", `/sign-in?next=${encodeURIComponent(`/library/${STORY.id}`)}`);
    expect(within(invite).getByRole("link", { name: "get help now" })).toHaveAttribute("href", "/crisis");
  });
});

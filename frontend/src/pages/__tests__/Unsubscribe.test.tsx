import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { fakeApi, json, problem, renderRoutes } from "../../testing";
import UnsubscribePage from "../Unsubscribe";

vi.mock("../../lib/session", () => ({
  useSession: () => ({ ready: true, signedIn: false, me: undefined, ended: undefined }),
  useTimeZone: () => "UTC",
}));

const TOKEN = "0123456789abcdef0123456789abcdef.reminders.fedcba9876543210fedcba9876543210";
const READ = { kind: "reminders", description: "reminders before your meetings", email_on: true };

function renderPage(token = TOKEN) {
  return renderRoutes(`/unsubscribe/${token}`, [{ path: "/unsubscribe/:token", element: <UnsubscribePage /> }]);
}

describe("the unsubscribe page", () => {
  it("asks first, and stops the emails only when the button is pressed", async () => {
    const api = fakeApi({
      [`GET /api/v1/unsubscribe/${TOKEN}`]: () => json(READ),
      [`POST /api/v1/unsubscribe/${TOKEN}`]: () => json({ ...READ, email_on: false }),
    });
    renderPage();
    expect(
      await screen.findByRole("heading", { level: 1, name: "Stop emails with reminders before your meetings?" }),
    ).toBeInTheDocument();
    // Opening the page (as a mail scanner does) stops nothing.
    expect(api.to("POST", `/api/v1/unsubscribe/${TOKEN}`)).toHaveLength(0);

    await userEvent.setup().click(screen.getByRole("button", { name: "Stop these emails" }));
    expect(await screen.findByRole("status")).toHaveTextContent("We won't email you reminders before your meetings any more.");
    expect(api.to("POST", `/api/v1/unsubscribe/${TOKEN}`)).toHaveLength(1);
    expect(screen.getByRole("heading", { level: 1, name: "Emails stopped" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "notification settings" })).toHaveAttribute("href", "/account#notifications");
    expect(screen.getByText(/The notification centre in the app still shows them/)).toBeInTheDocument();
  });

  it("says when they are stopped already", async () => {
    fakeApi({ [`GET /api/v1/unsubscribe/${TOKEN}`]: () => json({ ...READ, email_on: false }) });
    renderPage();
    expect(await screen.findByRole("heading", { level: 1, name: "These emails are already stopped" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Stop these emails" })).not.toBeInTheDocument();
  });

  it("shows the API's words for a link that is not one of ours", async () => {
    const detail =
      "This unsubscribe link does not work: it may be incomplete or from an old email. You can choose which emails you get on your account page after signing in.";
    fakeApi({
      "GET /api/v1/unsubscribe/nope": () =>
        problem(404, { type: "urn:strength-circles:problem:unsubscribe-link-not-found", title: "Not found", detail }),
    });
    renderPage("nope");
    expect(await screen.findByRole("alert")).toHaveTextContent(detail);
    expect(screen.getByRole("heading", { level: 1, name: "This link doesn't work" })).toBeInTheDocument();
  });
});

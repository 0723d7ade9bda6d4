import type { CrisisResource, CrisisResources } from "@strength-circles/client";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { fakeApi, renderRoutes } from "../../testing";
import { CrisisPage, regionFor } from "../Crisis";

function line(overrides: Partial<CrisisResource>): CrisisResource {
  return {
    id: "x",
    name: "A line",
    region: "US",
    kind: "crisis_line",
    channels: [{ method: "call", value: "988", instructions: "Call 988" }],
    hours: "24/7",
    languages: ["en"],
    audience: null,
    notes: null,
    verified_on: "2026-11-28",
    source: "checked source",
    ...overrides,
  };
}

const DATA: CrisisResources = {
  region: null,
  not_a_crisis_service: "Strength Circles is peer support, not a crisis service.",
  emergency: null,
  items: [
    line({ id: "us-911", name: "911", kind: "emergency", channels: [{ method: "call", value: "911", instructions: "Call 911" }] }),
    line({
      id: "us-988",
      name: "988 Suicide & Crisis Lifeline",
      channels: [
        { method: "call", value: "988", instructions: "Call 988" },
        { method: "text", value: "988", instructions: "Text 988" },
      ],
    }),
    line({ id: "gb-999", name: "999", region: "GB", kind: "emergency", channels: [{ method: "call", value: "999", instructions: "Call 999" }] }),
    line({ id: "eu-112", name: "112", region: "EU", kind: "emergency", channels: [{ method: "call", value: "112", instructions: "Call 112" }] }),
  ],
  international: [
    line({ id: "fah", name: "Find A Helpline", region: null, kind: "directory", channels: [{ method: "web", value: "https://findahelpline.com", instructions: "Search by country" }] }),
  ],
  verified_on: "2026-11-28",
  eu_member_states: ["DE", "FR"],
};

function crisisApi(headers: Record<string, string> = {}) {
  return fakeApi({
    "GET /api/v1/crisis-resources": () =>
      new Response(JSON.stringify(DATA), { headers: { "Content-Type": "application/json", ...headers } }),
  });
}

describe("the crisis page", () => {
  it("picks the region from the country, the EU list, or only the directories", () => {
    expect(regionFor("US", DATA)).toBe("US");
    expect(regionFor("UK", DATA)).toBe("GB");
    expect(regionFor("DE", DATA)).toBe("EU");
    expect(regionFor("JP", DATA)).toBe("other");
    expect(regionFor(null, DATA)).toBe("other");
  });

  it("shows the emergency number first, with call and text links", async () => {
    crisisApi();
    renderRoutes("/crisis?region=US", [{ path: "/crisis", element: <CrisisPage /> }]);
    const cards = await screen.findAllByRole("heading", { level: 3 });
    expect(cards[0]).toHaveTextContent("911");
    expect(screen.getByRole("link", { name: /Call 988/ })).toHaveAttribute("href", "tel:988");
    expect(screen.getByRole("link", { name: /Text 988/ })).toHaveAttribute("href", "sms:988");
    expect(screen.getAllByText("Checked on 2026-11-28").length).toBeGreaterThan(0);
    expect(screen.queryByText(/saved on this device/)).not.toBeInTheDocument();
  });

  it("changes region from the picker, and always lists the directories", async () => {
    crisisApi();
    renderRoutes("/crisis?region=US", [{ path: "/crisis", element: <CrisisPage /> }]);
    await userEvent.selectOptions(await screen.findByLabelText("Where are you?"), "GB");
    expect(await screen.findByRole("link", { name: /Call 999/ })).toHaveAttribute("href", "tel:999");
    expect(screen.queryByRole("link", { name: /Call 911/ })).not.toBeInTheDocument();
    const directories = screen.getByRole("heading", { name: "Helplines in every country" }).nextElementSibling;
    expect(within(directories as HTMLElement).getByRole("link", { name: /Website/ })).toHaveAttribute(
      "href",
      "https://findahelpline.com",
    );
  });

  it("says when it shows the copy saved on this device", async () => {
    crisisApi({ "X-Circles-Saved-At": "2026-11-30T10:00:00Z" });
    renderRoutes("/crisis?region=US", [{ path: "/crisis", element: <CrisisPage /> }]);
    const notice = await screen.findByText(/saved on this device/);
    expect(notice).toHaveAttribute("role", "status");
    expect(notice).toHaveTextContent("saved on this device on November 30, 2026");
  });

  it("still gives the emergency advice when nothing can be loaded", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("offline"))));
    renderRoutes("/crisis", [{ path: "/crisis", element: <CrisisPage /> }]);
    // The client tries twice more before it says so.
    expect(await screen.findByRole("alert", {}, { timeout: 5000 })).toHaveTextContent("No connection");
    expect(screen.getByRole("link", { name: "988" })).toHaveAttribute("href", "tel:988");
  });
});

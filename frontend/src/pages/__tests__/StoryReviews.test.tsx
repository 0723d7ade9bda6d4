import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import StoryReviewsPage from "../staff/StoryReviews";
import { fakeApi, json, renderRoutes } from "./library-fixtures";

vi.mock("../../lib/session", () => ({ useSession: () => ({ ready: true, signedIn: true, me: undefined }), useTimeZone: () => "UTC" }));

const STORY = {
  id: "st1",
  title: "Small steps",
  body_markdown: "Some mornings were heavy.\n\nI started with one small thing.",
  topics: ["depression"],
  anonymous: true,
  language: "en",
  status: "submitted",
  review_note: null,
  resource_id: null,
  created_at: "2026-11-30T10:00:00Z",
  updated_at: "2026-11-30T10:00:00Z",
};

describe("Stories to review", () => {
  it("returns a story only with a note, and sends the decision", async () => {
    const fake = fakeApi({
      "GET /api/v1/stories": () => json({ items: [STORY], next_cursor: null }),
      "POST /api/v1/stories/:id/review": () => json({ ...STORY, status: "returned" }),
    });
    renderRoutes("/staff/stories", [{ path: "/staff/stories", element: <StoryReviewsPage /> }]);
    expect(await screen.findByRole("heading", { name: "Small steps" })).toBeInTheDocument();
    expect(screen.getByText("I started with one small thing.")).toBeInTheDocument();
    expect(screen.getByText("To be shared anonymously")).toBeInTheDocument();
    const giveBack = screen.getByRole("button", { name: "Return with my note" });
    expect(giveBack).toBeDisabled();
    await userEvent.type(screen.getByLabelText("A note for the author"), "Could you leave out your town?");
    await userEvent.click(giveBack);
    expect(await screen.findByText('"Small steps" went back to its author with your note.')).toBeInTheDocument();
    expect(fake.to("GET", "/api/v1/stories")[0]?.query.get("status")).toBe("submitted");
    expect(fake.to("POST", "/api/v1/stories/st1/review")[0]?.body).toEqual({ decision: "return", note: "Could you leave out your town?" });
  });
});

/** Sample library data for the library's page tests, and the shared fake API (../../testing). */
import type { ResourceRead, ResourceSummary, StoryRead } from "@strength-circles/client";

export { type Call, fakeApi, type Handler, json, noContent, problem, renderRoutes } from "../../testing";

export const TOPICS = {
  items: [
    { slug: "anxiety", name: "Anxiety" },
    { slug: "grief", name: "Grief and loss" },
    { slug: "depression", name: "Depression" },
    { slug: "recovery", name: "Recovery" },
    { slug: "family", name: "Family" },
    { slug: "work", name: "Work and study" },
  ],
};

let counter = 0;

export function resource(overrides: Partial<ResourceSummary> = {}): ResourceSummary {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, "0")}`,
    title: `Resource ${counter}`,
    summary: "Small steps for a hard morning.",
    type: "article",
    topics: ["anxiety"],
    language: "en",
    audience: null,
    reading_minutes: 6,
    content_notes: [],
    url: null,
    byline: null,
    status: "published",
    published_at: "2025-03-03T12:00:00Z",
    ...overrides,
  };
}

export function resourceRead(overrides: Partial<ResourceRead> = {}): ResourceRead {
  return {
    ...resource(),
    body_markdown: "Breathe in for four.",
    body_html: "<p>Breathe in for four, out for six.</p>",
    contact: null,
    governance: { reviewer_name: null, reviewed_on: null, review_due_on: null },
    updated_at: "2025-03-04T12:00:00Z",
    ...overrides,
  };
}

export function story(overrides: Partial<StoryRead> = {}): StoryRead {
  counter += 1;
  return {
    id: `10000000-0000-4000-8000-${String(counter).padStart(12, "0")}`,
    title: "Mornings again",
    body_markdown: "For a long time mornings were the hardest part of my day. ".repeat(2),
    topics: ["recovery"],
    anonymous: false,
    language: "en",
    status: "submitted",
    review_note: null,
    resource_id: null,
    created_at: "2025-03-01T09:00:00Z",
    updated_at: "2025-03-01T09:00:00Z",
    ...overrides,
  };
}

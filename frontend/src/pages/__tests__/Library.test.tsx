import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import LibraryPage from "../Library";
import { type Call, fakeApi, json, renderRoutes, resource, TOPICS } from "./library-fixtures";

const session = vi.hoisted(() => ({ ready: true, signedIn: false, me: undefined }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "UTC" }));

const breathing = resource({ title: "Breathing for hard moments", reading_minutes: 6 });
const griefStory = resource({
  title: "The year after",
  type: "story",
  byline: "Willow",
  topics: ["grief"],
  content_notes: ["suicide loss", "grief"],
  summary: "What helped me keep going after my brother died.",
});

/** The library's fake search: filters by type, answers a second page for the cursor "page-2". */
function library(extra: ReturnType<typeof resource>[] = []) {
  return fakeApi({
    "GET /api/v1/topics": () => json(TOPICS),
    "GET /api/v1/resources": (call: Call) => {
      if (call.query.get("cursor") === "page-2") return json({ items: extra, next_cursor: null });
      let items = [breathing, griefStory];
      const type = call.query.get("type");
      if (type) items = items.filter((item) => item.type === type);
      if (call.query.get("q") === "nothing like this") items = [];
      return json({ items, next_cursor: extra.length > 0 ? "page-2" : null });
    },
  });
}

function renderLibrary(path = "/library") {
  return renderRoutes(path, [{ path: "/library", element: <LibraryPage /> }]);
}

describe("Library", () => {
  beforeEach(() => {
    session.signedIn = false;
  });

  it("shows results as cards: title link, kind, reading time, byline and content notes before the summary", async () => {
    library();
    renderLibrary();
    const link = await screen.findByRole("link", { name: "The year after" });
    expect(link).toHaveAttribute("href", `/library/${griefStory.id}`);
    const card = link.closest("li") as HTMLElement;
    expect(within(card).getByText("Recovery story")).toBeInTheDocument();
    expect(within(card).getByText("6 min read")).toBeInTheDocument();
    expect(within(card).getByText("By Willow")).toBeInTheDocument();
    const note = within(card).getByText("Mentions: suicide loss, grief");
    const summary = within(card).getByText(griefStory.summary);
    expect(note.compareDocumentPosition(summary) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByRole("status")).toHaveTextContent("2 resources");
    expect(screen.getByRole("heading", { level: 1, name: "Library" })).toBeInTheDocument();
  });

  it("searches with q in the URL and sends it to the API", async () => {
    const api = library();
    const { router } = renderLibrary();
    await screen.findByText("Breathing for hard moments");
    const user = userEvent.setup();
    await user.type(screen.getByRole("searchbox", { name: "Search the library" }), "breathing");
    await user.click(screen.getByRole("button", { name: "Search" }));
    await waitFor(() => expect(router.state.location.search).toBe("?q=breathing"));
    await waitFor(() => expect(api.to("GET", "/api/v1/resources").at(-1)?.query.get("q")).toBe("breathing"));
    expect(screen.getByRole("button", { name: /Remove filter: “breathing”/ })).toBeInTheDocument();
  });

  it("filters by kind from the URL, shows the filter as a chip, and the chip removes it", async () => {
    const api = library();
    const { router } = renderLibrary();
    await screen.findByText("Breathing for hard moments");
    const user = userEvent.setup();
    await user.selectOptions(screen.getByRole("combobox", { name: "Kind" }), "story");
    await waitFor(() => expect(router.state.location.search).toBe("?type=story"));
    await waitFor(() => expect(screen.queryByText("Breathing for hard moments")).not.toBeInTheDocument());
    expect(screen.getByText("The year after")).toBeInTheDocument();
    expect(api.to("GET", "/api/v1/resources").at(-1)?.query.get("type")).toBe("story");

    await user.click(screen.getByRole("button", { name: /Remove filter: Recovery story/ }));
    await waitFor(() => expect(router.state.location.search).toBe(""));
    expect(await screen.findByText("Breathing for hard moments")).toBeInTheDocument();
    expect(screen.getByRole("combobox", { name: "Kind" })).toHaveValue("");
  });

  it("reads topic and language filters from the URL and names the topic on its chip", async () => {
    const api = library();
    renderLibrary("/library?topic=grief&language=es");
    expect(await screen.findByRole("button", { name: /Remove filter: Grief and loss/ })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Remove filter: Spanish \(Español\)/ })).toBeInTheDocument();
    const sent = api.to("GET", "/api/v1/resources")[0]?.query;
    expect(sent?.get("topic")).toBe("grief");
    expect(sent?.get("language")).toBe("es");
    expect(screen.getByRole("button", { name: "Clear all filters" })).toBeInTheDocument();
  });

  it("shows more results by cursor", async () => {
    const api = library([resource({ title: "A worksheet for Sunday nights", type: "worksheet" })]);
    renderLibrary();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Show more" }));
    expect(await screen.findByRole("link", { name: "A worksheet for Sunday nights" })).toHaveFocus();
    expect(api.to("GET", "/api/v1/resources").at(-1)?.query.get("cursor")).toBe("page-2");
    expect(screen.queryByRole("button", { name: "Show more" })).not.toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("3 resources");
  });

  it("is kind when nothing matches and suggests fewer filters", async () => {
    library();
    const { router } = renderLibrary("/library?q=nothing+like+this&type=video");
    expect(await screen.findByText("Nothing in the library matches all of these filters.")).toBeInTheDocument();
    expect(screen.getByText(/Try fewer filters/)).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Show everything in the library" }));
    await waitFor(() => expect(router.state.location.search).toBe(""));
  });

  it("links members to their saved resources and stories, and invites others to sign in", async () => {
    library();
    const first = renderLibrary();
    expect(await screen.findByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/sign-in?next=%2Flibrary");
    expect(screen.queryByRole("link", { name: "Saved for later" })).not.toBeInTheDocument();
    first.unmount();

    session.signedIn = true;
    renderLibrary();
    const nav = await screen.findByRole("navigation", { name: "Your library" });
    expect(within(nav).getByRole("link", { name: "Saved for later" })).toHaveAttribute("href", "/library/saved");
    expect(within(nav).getByRole("link", { name: "Share your story" })).toHaveAttribute("href", "/stories/new");
    expect(within(nav).getByRole("link", { name: "My stories" })).toHaveAttribute("href", "/stories/mine");
  });
});

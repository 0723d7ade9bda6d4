import type { GroupSummary } from "@strength-circles/client";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { type Call, fakeApi, groupSummary, json, renderRoutes } from "../../testing";
import { FinderPage } from "../Finder";

const session = vi.hoisted(() => ({ ready: true, signedIn: false, me: undefined, ended: undefined }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "Europe/London" }));

const TOPICS = { items: [{ slug: "anxiety", name: "Anxiety" }, { slug: "grief-and-loss", name: "Grief and loss" }] };

const group = (overrides: Partial<GroupSummary> = {}) =>
  groupSummary({ id: "00000000-0000-4000-8000-000000000001", ...overrides });

function directory(answer: (call: Call) => { items: GroupSummary[]; total: number | null; next_cursor: string | null }) {
  return fakeApi({
    "GET /api/v1/topics": () => json(TOPICS),
    "GET /api/v1/groups": (call) => json(answer(call)),
  });
}

const finder = [{ path: "/", element: <FinderPage /> }];

describe("the finder", () => {
  it("says how many circles match and when each meets, in the viewer's time and the circle's", async () => {
    directory(() => ({ items: [group()], total: 1, next_cursor: null }));
    renderRoutes("/", finder);
    expect(await screen.findByRole("heading", { level: 2, name: /1 circle/ })).toBeInTheDocument();
    const card = screen.getByRole("link", { name: "Tuesday Evening Anxiety Circle" }).closest("li") as HTMLElement;
    expect(within(card).getByText("Wednesdays, 1:00–2:30 am your time")).toBeInTheDocument();
    expect(within(card).getByText("(Tuesdays, 7:00–8:30 pm Chicago time)")).toBeInTheDocument();
    expect(within(card).getByText("3 places left")).toBeInTheDocument();
  });

  it("keeps filters in the URL, sends them to the API and shows each as a removable chip", async () => {
    const api = directory(() => ({ items: [group()], total: 1, next_cursor: null }));
    const { router } = renderRoutes("/?topic=anxiety&day=tuesday&time=evening&open=1", finder);
    const chips = await screen.findByRole("list", { name: "Filters in use" });
    // The topic's name, once the topics have come (its slug until then).
    expect(await within(chips).findByRole("button", { name: /Remove filter:\s*Anxiety/ })).toBeInTheDocument();
    const asked = api.to("GET", "/api/v1/groups")[0]?.query;
    expect(asked?.get("topic")).toBe("anxiety");
    expect(asked?.get("day")).toBe("tuesday");
    expect(asked?.get("time_of_day")).toBe("evening");
    expect(asked?.get("open")).toBe("true");

    await userEvent.click(within(chips).getByRole("button", { name: /Remove filter:\s*Tuesdays/ }));
    expect(router.state.location.search).not.toContain("day=");
    expect(router.state.location.search).toContain("topic=anxiety");

    await userEvent.selectOptions(screen.getByLabelText("Format"), "in_person");
    expect(router.state.location.search).toContain("format=in_person");
    expect(api.to("GET", "/api/v1/groups").at(-1)?.query.get("format")).toBe("in_person");
  });

  it("suggests loosening the filters when nothing matches", async () => {
    directory(() => ({ items: [], total: 0, next_cursor: null }));
    renderRoutes("/?topic=grief-and-loss&day=sunday", finder);
    expect(await screen.findByText("No circles match all of these filters.")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 2, name: /0 circles/ })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Clear all filters" })).toBeInTheDocument();
  });

  it("loads more by cursor and badges a meeting that has just started", async () => {
    const started = new Date(Date.now() - 5 * 60_000).toISOString();
    const ends = new Date(Date.now() + 60 * 60_000).toISOString();
    const live = group({
      id: "00000000-0000-4000-8000-000000000002",
      slug: "open-doors",
      name: "Open Doors",
      next_session: { id: "s1", starts_at: started, ends_at: ends, timezone: "UTC", status: "scheduled", seats_left: 4 },
    });
    const api = directory((call) =>
      call.query.get("cursor") === "next"
        ? { items: [live], total: null, next_cursor: null }
        : { items: [group()], total: 2, next_cursor: "next" },
    );
    renderRoutes("/", finder);
    await userEvent.click(await screen.findByRole("button", { name: "Show more circles" }));
    const link = await screen.findByRole("link", { name: "Open Doors" });
    // By id: an address made of the circle's name could say what it is about.
    expect(link).toHaveAttribute("href", "/groups/00000000-0000-4000-8000-000000000002");
    const card = link.closest("li") as HTMLElement;
    expect(within(card).getByText("Meeting now")).toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 2, name: /2 circles/ })).toHaveTextContent("1 meeting now");
    expect(api.to("GET", "/api/v1/groups")).toHaveLength(2);
    expect(screen.queryByRole("button", { name: "Show more circles" })).not.toBeInTheDocument();
  });
});

/**
 * What the web app's component tests share: a fake Strength Circles API that routes by method
 * and path (hosts do not matter), records every call and answers with the API's JSON shapes,
 * and a renderer with a memory router and a query client that never retries.
 */
import type { GroupRead, GroupSummary } from "@strength-circles/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { createMemoryRouter, RouterProvider, type RouteObject, useLocation } from "react-router";
import { vi } from "vitest";

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export type Handler = (call: Call, params: Record<string, string>) => Response | Promise<Response>;

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

export function problem(status: number, body: Record<string, unknown>): Response {
  return new Response(JSON.stringify({ status, ...body }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/** A request body as JSON, or as the fields of a form (the token endpoint's). */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return Object.fromEntries(new URLSearchParams(text));
  }
}

/** Stubs globalThis.fetch. Keys look like "GET /api/v1/resources/:id". */
export function fakeApi(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const compiled = Object.entries(routes).map(([key, handler]) => {
    const [method, pattern] = key.split(" ") as [string, string];
    const names: string[] = [];
    const source = pattern.replace(/:(\w+)/g, (_m, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    return { method, regex: new RegExp(`^${source}$`), names, handler };
  });
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const text = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
    const call: Call = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      body: text ? parsed(text) : undefined,
    };
    calls.push(call);
    for (const route of compiled) {
      if (route.method !== call.method) continue;
      const match = route.regex.exec(call.path);
      if (!match) continue;
      const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? "")]));
      return route.handler(call, params);
    }
    return problem(404, { title: "Not found", detail: `No fake for ${call.method} ${call.path}` });
  });
  vi.stubGlobal("fetch", fetchMock);
  return {
    calls,
    /** The calls to one method and path. */
    to: (method: string, path: string | RegExp) =>
      calls.filter((c) => c.method === method && (typeof path === "string" ? c.path === path : path.test(c.path))),
  };
}

/** Shows where the app went, for assertions on navigation. */
function Elsewhere() {
  const location = useLocation();
  return <p data-testid="elsewhere">{location.pathname + location.search}</p>;
}

export function renderRoutes(initialPath: string, routes: RouteObject[]) {
  const router = createMemoryRouter([...routes, { path: "*", element: <Elsewhere /> }], {
    initialEntries: [initialPath],
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const view = render(
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...view, router, client };
}


/** A directory entry of a weekly online circle, as the API answers it. */
export function groupSummary(overrides: Partial<GroupSummary> = {}): GroupSummary {
  return {
    id: "00000000-0000-4000-8000-0000000000aa",
    slug: "tuesday-evening-anxiety-circle",
    name: "Tuesday Evening Anxiety Circle",
    description: "A circle for people living with anxiety.",
    topics: ["anxiety"],
    format: "online",
    language: "en",
    city: null,
    region: null,
    country: null,
    visibility: "listed",
    join_policy: "open",
    status: "active",
    capacity: 14,
    seats_left: 3,
    my_membership: null,
    schedules: [
      {
        rrule: "FREQ=WEEKLY;BYDAY=TU",
        frequency: "weekly",
        weekdays: ["tuesday"],
        start_time: "19:00",
        end_time: "20:30",
        duration_minutes: 90,
        timezone: "America/Chicago",
        description: "Tuesdays, 7:00–8:30 pm",
      },
    ],
    next_session: null,
    ...overrides,
  };
}

/** A circle's page as the API answers it. */
export function groupRead(overrides: Partial<GroupRead> = {}): GroupRead {
  return {
    ...groupSummary(),
    location: null,
    online_url: null,
    accessibility_notes: null,
    guidelines: "Be kind. What is said here stays here.",
    guidelines_version: 1,
    created_at: "2026-11-01T00:00:00Z",
    updated_at: "2026-11-01T00:00:00Z",
    ...overrides,
  };
}

import type { components } from "@strength-circles/client";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useId } from "react";
import { Link, useSearchParams } from "react-router";

import { circles } from "../../api";
import { PageHeading } from "../../components/Page";
import { Loading, Problem } from "../../components/Problem";
import { REASON_WORDS } from "../../components/ReportConcern";
import { useTimeZone } from "../../lib/session";
import { dateInWords } from "../Library";

type CaseSummary = components["schemas"]["CaseSummary"];
type CaseStatus = CaseSummary["status"];

export const TARGET_WORDS: Record<CaseSummary["target_type"], string> = {
  member: "Member",
  story: "Story",
  resource: "Resource",
  circle: "Circle",
};

export const STATUS_WORDS: Record<CaseStatus, string> = {
  open: "Open",
  in_review: "In review",
  actioned: "Actioned",
  dismissed: "Dismissed",
};

const SHOWN: { value: "" | CaseStatus; label: string }[] = [
  { value: "", label: "Open and in review" },
  { value: "actioned", label: "Actioned" },
  { value: "dismissed", label: "Dismissed" },
];

function CaseCard({ item, zone }: { item: CaseSummary; zone: string }) {
  const people = item.reporter_count === 1 ? "1 person" : `${item.reporter_count} people`;
  const reports = item.report_count === 1 ? "1 report" : `${item.report_count} reports`;
  return (
    <li className={item.urgent ? "card urgent-case" : "card"}>
      <h2>
        <Link to={`/staff/reports/${item.id}`}>
          {TARGET_WORDS[item.target_type]}: {item.target_label}
        </Link>
      </h2>
      <ul className="badges" aria-label="Where it stands">
        {item.urgent ? <li className="badge off">Urgent</li> : null}
        <li className="badge">{STATUS_WORDS[item.status]}</li>
        {item.assigned_to_id ? <li className="badge">Assigned</li> : null}
      </ul>
      <p>{item.reasons.map((reason) => REASON_WORDS[reason]).join("; ")}</p>
      <ul className="meta">
        <li>
          {reports} from {people}
        </li>
        <li>Last reported {dateInWords(item.last_reported_at, zone)}</li>
      </ul>
    </li>
  );
}

/** The moderation queue: the cases the person moderates, urgent first, then the latest. */
export default function ReportsQueuePage() {
  const zone = useTimeZone();
  const ids = { status: useId(), urgent: useId(), mine: useId() };
  const [params, setParams] = useSearchParams();
  const status = (params.get("status") ?? "") as "" | CaseStatus;
  const urgent = params.get("urgent") === "true";
  const mine = params.get("mine") === "true";
  const query = {
    limit: 20,
    ...(status ? { status } : {}),
    ...(urgent ? { urgent: true } : {}),
    ...(mine ? { assigned_to_me: true } : {}),
  };
  const cases = useInfiniteQuery({
    queryKey: ["queue", query],
    queryFn: ({ pageParam }) => circles.safety.queue({ ...query, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

  function set(name: string, value: string | null) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

  const items = cases.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <article>
      <PageHeading title="Reports" />
      <p>
        What members told the team, urgent ones first. Everything here is about people, written by other people:
        it is for staff only, and every look at it is recorded.
      </p>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.status}>Show</label>
          <select id={ids.status} value={status} onChange={(event) => set("status", event.target.value || null)}>
            {SHOWN.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <label className="choice" htmlFor={ids.urgent}>
          <input id={ids.urgent} type="checkbox" checked={urgent} onChange={(event) => set("urgent", event.target.checked ? "true" : null)} />
          Urgent only
        </label>
        <label className="choice" htmlFor={ids.mine}>
          <input id={ids.mine} type="checkbox" checked={mine} onChange={(event) => set("mine", event.target.checked ? "true" : null)} />
          Assigned to me
        </label>
      </form>
      {cases.isPending ? <Loading what="the reports" /> : null}
      <Problem error={cases.error} retry={() => void cases.refetch()} />
      {cases.data && items.length === 0 ? <p className="muted">Nothing here. When members report something, it shows here.</p> : null}
      <ul className="cards">
        {items.map((item) => (
          <CaseCard key={item.id} item={item} zone={zone} />
        ))}
      </ul>
      {cases.hasNextPage ? (
        <p>
          <button type="button" className="button secondary" disabled={cases.isFetchingNextPage} onClick={() => void cases.fetchNextPage()}>
            Show more reports
          </button>
        </p>
      ) : null}
    </article>
  );
}

import type { components } from "@strength-circles/client";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";

import { circles } from "../api";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";
import { REASON_WORDS } from "../components/ReportConcern";
import { useTimeZone } from "../lib/session";
import { dateInWords } from "./Library";

type ReportReceipt = components["schemas"]["ReportReceipt"];

const ABOUT_WORDS: Record<ReportReceipt["target_type"], string> = {
  member: "A member",
  story: "A story",
  resource: "A resource",
  circle: "A circle",
};

const STATUS_WORDS: Record<ReportReceipt["status"], string> = {
  received: "Received",
  in_review: "Being looked at",
  closed: "Closed",
};

/** The reports the person made and where each stands, in the team's general words: never who
 * else reported, never what was decided in detail. */
export default function MyReportsPage() {
  const zone = useTimeZone();
  const reports = useQuery({ queryKey: ["my-reports"], queryFn: circles.safety.myReports });
  return (
    <article className="narrow">
      <PageHeading title="Your reports" />
      <p>
        What you told the team, and what happened. To protect everyone's privacy we share the outcome in general
        words only. If someone is in danger now, <Link to="/crisis">get help now</Link>.
      </p>
      {reports.isPending ? <Loading what="your reports" /> : null}
      <Problem error={reports.error} retry={() => void reports.refetch()} />
      {reports.data && reports.data.items.length === 0 ? (
        <p className="muted">
          You haven't reported anything. To report a concern, use "Report a concern" on a circle's page, a story or a
          resource.
        </p>
      ) : null}
      {reports.data && reports.data.items.length > 0 ? (
        <ul className="cards">
          {reports.data.items.map((report) => (
            <li className="card" key={report.id}>
              <h2>
                {ABOUT_WORDS[report.target_type]}: {REASON_WORDS[report.reason]}
              </h2>
              <ul className="meta">
                <li>Sent {dateInWords(report.reported_at, zone)}</li>
                <li>{STATUS_WORDS[report.status]}</li>
                {report.urgent ? <li>Marked urgent</li> : null}
              </ul>
              <p>{report.message}</p>
            </li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}

import { Link } from "react-router";

import { PageHeading } from "../../components/Page";
import { useSession } from "../../lib/session";

const TOOLS = [
  { to: "/staff/circles", name: "My circles", what: "The circles you facilitate: start a circle, edit one, its members, attendance and meetings.", admins: false },
  { to: "/staff/reports", name: "Reports", what: "What members told the team, urgent first: review, note and decide.", admins: false },
  { to: "/staff/stories", name: "Stories to review", what: "Members' recovery stories to read before they are published.", admins: false },
  { to: "/staff/library", name: "Library", what: "Write and look after resources: drafts, publishing, archiving, and clinical reviews that are due.", admins: false },
  { to: "/staff/people", name: "People", what: "Find accounts, change roles, deactivate or reactivate.", admins: true },
  { to: "/staff/mentoring", name: "Peer mentoring", what: "Offers to mentor to review, and the matching run, previewed before it is saved.", admins: true },
  { to: "/staff/integrations", name: "Integrations", what: "The service's own systems that call the API, and what each may do.", admins: true },
  { to: "/staff/audit", name: "Audit trail", what: "Who read or changed what, and when: never what anyone wrote.", admins: true },
];

/** Where staff find their tools; a circle's own tools (members, meetings and schedule,
 * attendance, running a meeting) are on the circle's and the meeting's pages. */
export default function StaffHomePage() {
  const { me } = useSession();
  const admin = me?.role === "admin";
  return (
    <article className="narrow">
      <PageHeading title="Staff tools" />
      <p>
        Your circles and their tools (editing, members, meetings and schedule, attendance) are in My circles and on
        each circle's page; running a meeting is on the meeting's page.
      </p>
      <ul className="cards">
        {TOOLS.filter((tool) => admin || !tool.admins).map((tool) => (
          <li className="card" key={tool.to}>
            <h2>
              <Link to={tool.to}>{tool.name}</Link>
            </h2>
            <p>{tool.what}</p>
          </li>
        ))}
      </ul>
    </article>
  );
}

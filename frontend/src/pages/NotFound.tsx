import { Link } from "react-router";

import { PageHeading } from "../components/Page";

export default function NotFoundPage() {
  return (
    <div className="narrow">
      <PageHeading title="This page isn't here" />
      <p>The link may be old, or a letter may be missing from the address.</p>
      <ul>
        <li>
          <Link to="/">Find a circle</Link>
        </li>
        <li>
          <Link to="/library">Browse the library</Link>
        </li>
        <li>
          <Link to="/crisis">Get help now</Link>
        </li>
      </ul>
    </div>
  );
}

import { Link, useRouteError } from "react-router";

import { PageHeading } from "./Page";

/** What shows in place of a page that failed to load or broke, inside the usual frame, so the
 * crisis link and Quick exit stay where they always are. */
export function PageError() {
  const error = useRouteError();
  const unreachable =
    !navigator.onLine ||
    (error instanceof TypeError && /fetch|import|module/i.test(error.message));
  return (
    <div className="narrow">
      <PageHeading title={unreachable ? "This page couldn't load" : "Something went wrong on this page"} />
      <p>
        {unreachable
          ? "You may be offline, or Strength Circles can't be reached right now. The crisis page still works without a connection."
          : "Sorry about that. Reloading the page usually helps; what you were doing has not been sent twice."}
      </p>
      <div className="actions">
        <button type="button" className="button" onClick={() => window.location.reload()}>
          Reload the page
        </button>
        <Link to="/crisis">Get help now</Link>
        <Link to="/">Find a circle</Link>
      </div>
    </div>
  );
}

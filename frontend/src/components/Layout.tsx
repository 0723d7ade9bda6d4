import { Suspense, useState } from "react";
import { Link, NavLink, Outlet, useNavigate } from "react-router";

import { circles } from "../api";
import { bellLabel, useUnreadCount } from "../lib/notifications";
import { useSession } from "../lib/session";
import { Loading } from "./Problem";
import { QuickExit } from "./QuickExit";

/** The bell: a link to the notification centre, with the unread count in its name. */
function Bell() {
  const unread = useUnreadCount();
  return (
    <NavLink to="/notifications" className="bell" aria-label={bellLabel(unread)}>
      <svg aria-hidden="true" focusable="false" width="20" height="20" viewBox="0 0 24 24">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      <span>Notifications</span>
      {unread ? (
        <span className="count" aria-hidden="true">
          {unread > 99 ? "99+" : unread}
        </span>
      ) : null}
    </NavLink>
  );
}

export function Layout() {
  const { signedIn, me } = useSession();
  const navigate = useNavigate();
  const [signOutFailed, setSignOutFailed] = useState(false);

  async function signOut() {
    try {
      await circles.auth.signOut();
      setSignOutFailed(false);
      void navigate("/", { replace: true });
    } catch {
      setSignOutFailed(true);
    }
  }

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="safety-bar">
        <Link className="help-now" to="/crisis">
          Get help now
        </Link>
        <QuickExit />
      </div>
      <header className="site-header">
        <div className="inner">
          <Link className="brand" to="/">
            <img src="/favicon.svg" alt="" width="28" height="28" />
            Strength Circles
          </Link>
          <nav className="site-nav" aria-label="Main">
            <ul>
              <li>
                <NavLink to="/" end>
                  Find a circle
                </NavLink>
              </li>
              <li>
                <NavLink to="/library">Library</NavLink>
              </li>
              {signedIn ? (
                <>
                  <li>
                    <NavLink to="/my-meetings">My meetings</NavLink>
                  </li>
                  <li>
                    <NavLink to="/mentoring">Mentoring</NavLink>
                  </li>
                  {me && me.role !== "member" ? (
                    <li>
                      <NavLink to="/staff">Staff tools</NavLink>
                    </li>
                  ) : null}
                  <li>
                    <Bell />
                  </li>
                  <li>
                    <NavLink to="/account">{me ? `Account (${me.display_name})` : "Account"}</NavLink>
                  </li>
                  <li>
                    <button type="button" className="button link" onClick={() => void signOut()}>
                      Sign out
                    </button>
                  </li>
                </>
              ) : (
                <>
                  <li>
                    <NavLink to="/sign-in">Sign in</NavLink>
                  </li>
                  <li>
                    <NavLink to="/sign-up">Join</NavLink>
                  </li>
                </>
              )}
            </ul>
          </nav>
        </div>
      </header>
      {signOutFailed && signedIn ? (
        <p className="notice error sign-out-failed" role="alert">
          We couldn't sign you out: Strength Circles didn't answer. Check your connection and press
          Sign out again.
        </p>
      ) : null}
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading what="the page" />}>
          <Outlet />
        </Suspense>
      </main>
      <footer className="site-footer">
        <div className="inner">
          <p>
            <strong>Strength Circles is peer support, not a crisis service.</strong> If you or someone
            else is in danger, call your local emergency number now, or{" "}
            <Link to="/crisis">find a crisis line</Link>.
          </p>
          <p>
            Quick exit (or pressing Shift three times) leaves this site for a weather page and keeps
            Back from returning here. It does not clear your browser history.
          </p>
        </div>
      </footer>
    </>
  );
}

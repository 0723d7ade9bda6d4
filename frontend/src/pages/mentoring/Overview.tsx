import { Link } from "react-router";

import { PageHeading } from "../../components/Page";
import { Loading, Problem } from "../../components/Problem";
import { MentoringLinks, PEER_NOT_THERAPY, matchState, offerState, useMatches, useMenteeRequest, useMentorProfile } from "./shared";

export default function MentoringOverviewPage() {
  const offer = useMentorProfile();
  const request = useMenteeRequest();
  const matches = useMatches();
  const current = (matches.data?.items ?? []).filter((m) => m.status === "proposed" || m.status === "active");
  return (
    <>
      <PageHeading title="Peer mentoring" />
      <MentoringLinks />
      <div className="narrow">
        <p>
          Peer mentoring pairs you with another member, one to one, for support between circle meetings. You agree
          together how often to talk.
        </p>
        <p>
          <strong>It is peer support, not therapy.</strong> {PEER_NOT_THERAPY} If you are in danger now,{" "}
          <Link to="/crisis">find a crisis line</Link>.
        </p>
      </div>
      <ul className="cards two">
        <li className="card">
          <h2>Ask for a mentor</h2>
          {request.isPending ? <Loading what="your request" /> : null}
          <Problem error={request.error} retry={() => void request.refetch()} />
          {request.isSuccess ? (
            <p>
              {request.data === null
                ? "Say what you would like support with and when you are free, and see who might fit."
                : request.data.open
                  ? "Your request is open: see the mentors suggested for you."
                  : "You have a mentor, or asked one and are waiting for their answer."}
            </p>
          ) : null}
          <p>
            <Link className="button" to="/mentoring/ask">
              {request.data ? "My request and suggestions" : "Ask for a mentor"}
            </Link>
          </p>
        </li>
        <li className="card">
          <h2>Offer to mentor</h2>
          {offer.isPending ? <Loading what="your offer" /> : null}
          <Problem error={offer.error} retry={() => void offer.refetch()} />
          {offer.isSuccess && offer.data ? (
            <p>
              <span className={offerState(offer.data).className}>{offerState(offer.data).badge}</span>
            </p>
          ) : null}
          {offer.isSuccess && offer.data === null ? (
            <p>Further along in recovery? You could walk beside someone earlier on.</p>
          ) : null}
          <p>
            <Link className="button secondary" to="/mentoring/offer">
              {offer.data ? "My offer" : "Offer to mentor"}
            </Link>
          </p>
        </li>
      </ul>
      <section aria-labelledby="matches-heading">
        <h2 id="matches-heading">My matches</h2>
        {matches.isPending ? <Loading what="your matches" /> : null}
        <Problem error={matches.error} retry={() => void matches.refetch()} />
        {matches.isSuccess && current.length === 0 ? <p className="muted">No current matches.</p> : null}
        {current.length > 0 ? (
          <ul className="match-summary">
            {current.map((match) => {
              const state = matchState(match);
              const other = match.my_side === "mentor" ? match.mentee : match.mentor;
              return (
                <li key={match.id}>
                  {other.display_name} ({match.my_side === "mentor" ? "you mentor them" : "your mentor"}):{" "}
                  <span className={state.className}>{state.badge}</span>
                </li>
              );
            })}
          </ul>
        ) : null}
        <p>
          <Link to="/mentoring/matches">Go to My matches</Link>
        </p>
      </section>
    </>
  );
}

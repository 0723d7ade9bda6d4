import { type InvitationPreview, isApiError } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { Link, useLocation, useParams } from "react-router";

import { circles } from "../api";
import { CircleDetails } from "../components/CircleDetails";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";
import { useSession, useTimeZone } from "../lib/session";

const PROBLEM = "urn:strength-circles:problem:";

/** What a link that cannot be used any more says, by the kind of problem. */
function unusable(error: unknown): { title: string; words: string } | null {
  if (!isApiError(error)) return null;
  const kind = error.type?.replace(PROBLEM, "");
  if (error.status === 404) {
    return {
      title: "This invitation link doesn't work",
      words: "It may be incomplete, or it was withdrawn. Ask the facilitator who sent it for a new one.",
    };
  }
  if (kind === "invitation-expired") {
    return { title: "This invitation has expired", words: "Ask the facilitator who sent it for a new one." };
  }
  if (kind === "invitation-used-up") {
    return {
      title: "This invitation has been used up",
      words: "Everyone it was meant for has used it already. Ask the facilitator who sent it for a new one.",
    };
  }
  if (kind === "circle-closed") {
    return {
      title: "This circle has closed",
      words: "It takes no new members. You can find another circle that meets your needs.",
    };
  }
  return null;
}

function Unusable({ title, words }: { title: string; words: string }) {
  return (
    <div className="narrow">
      <PageHeading title={title} />
      <p>{words}</p>
      <p>
        <Link to="/">Find a circle</Link>
      </p>
    </div>
  );
}

function JoinByInvitation({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const { signedIn } = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [accepted, setAccepted] = useState(false);
  const welcome = useRef<HTMLDivElement>(null);
  const join = useMutation({
    mutationFn: () => circles.invitations.accept(token),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["my-groups"] });
      await queryClient.invalidateQueries({ queryKey: ["group"] });
    },
  });
  useEffect(() => {
    if (join.isSuccess) welcome.current?.focus();
  }, [join.isSuccess]);

  if (join.isSuccess || invitation.already_member) {
    return (
      <div className="notice success" role="status" tabIndex={-1} ref={welcome}>
        <span className="title">{join.isSuccess ? "Welcome! You're now a member." : "You're already in this circle."}</span>
        <p>
          <Link to={`/groups/${invitation.group_id}`}>Go to the circle</Link> to see its meetings and let it know
          you're coming.
        </p>
      </div>
    );
  }
  if (!signedIn) {
    const next = encodeURIComponent(location.pathname);
    return (
      <p className="actions">
        <Link className="button" to={`/sign-in?next=${next}`}>
          Sign in to join
        </Link>
        <Link to={`/sign-up?next=${next}`}>New here? Create an account</Link>
      </p>
    );
  }
  if (invitation.status !== "active") {
    return <p className="muted">This circle isn't taking new members right now. Your invitation still works: try again later.</p>;
  }
  return (
    <div>
      <label className="choice">
        <input type="checkbox" checked={accepted} onChange={(event) => setAccepted(event.target.checked)} />
        I have read the guidelines and will follow them
      </label>
      <Problem error={join.error} />
      <p className="actions">
        <button type="button" className="button" disabled={!accepted || join.isPending} onClick={() => join.mutate()}>
          Join this circle
        </button>
      </p>
    </div>
  );
}

/** An invitation link, as the person it was sent to opens it: the circle, its guidelines, and
 * Join. */
export default function InvitePage() {
  const { token = "" } = useParams();
  const zone = useTimeZone();
  const invitation = useQuery({
    queryKey: ["invitation", token],
    queryFn: () => circles.invitations.read(token),
  });

  if (invitation.isPending) return <Loading what="the invitation" />;
  if (invitation.error) {
    const words = unusable(invitation.error);
    if (words) return <Unusable {...words} />;
    return <Problem error={invitation.error} retry={() => void invitation.refetch()} />;
  }
  const data = invitation.data;
  return (
    <article className="narrow">
      <p className="small">You've been invited to join</p>
      <PageHeading title={data.name} />
      <CircleDetails circle={data} zone={zone} />

      {data.seats_left > 0 || data.already_member ? (
        <JoinByInvitation token={token} invitation={data} />
      ) : (
        <p className="notice">
          This circle is full right now. Your invitation still works until it expires: ask the facilitator who sent it
          when a place may open.
        </p>
      )}
      <p className="small muted">
        This is peer support, not therapy or a crisis service. If you are in danger, <Link to="/crisis">get help now</Link>.
      </p>
    </article>
  );
}

import { type ConsentPart, isApiError, type ReferralPreview } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { Link, useLocation, useParams } from "react-router";

import { circles } from "../api";
import { CircleDetails } from "../components/CircleDetails";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";
import { useSession, useTimeZone } from "../lib/session";

const PROBLEM = "urn:strength-circles:problem:";

/** What a referral link that cannot be used any more says, by the kind of problem. */
function unusable(error: unknown): { title: string; words: string } | null {
  if (!isApiError(error)) return null;
  const kind = error.type?.replace(PROBLEM, "");
  if (error.status === 404 || error.status === 422) {
    return {
      title: "This link doesn't work",
      words:
        "It may be incomplete: try copying the whole link from the email. If you would still like to join, ask the person who referred you to send a new one.",
    };
  }
  if (kind === "referral-expired") {
    return {
      title: "This invitation has expired",
      words: "If you would still like to join, ask the person who referred you to send a new one.",
    };
  }
  if (kind === "referral-answered") {
    return {
      title: "This invitation has been answered",
      words:
        "To change what you share, go to your account page. The circle is in My circles if you joined; otherwise, ask the person who referred you.",
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

/** Each thing the referrer asks, as its own choice, unticked until the person ticks it. Sharing
 * attendance shows that one joined, so it needs "whether you joined" ticked too. */
function SharingChoices({
  referral,
  share,
  onChange,
}: {
  referral: ReferralPreview;
  share: Set<ConsentPart>;
  onChange: (share: Set<ConsentPart>) => void;
}) {
  const legend = useId();
  if (referral.asked.length === 0) {
    return <p>{referral.referrer_name} has not asked to know anything about how it goes. Nothing is shared with them.</p>;
  }
  // Attendance shows that one joined: ticking it ticks "whether you joined" too, and unticking
  // that unticks attendance (the words under each say so).
  function toggle(part: ConsentPart, on: boolean) {
    const next = new Set(share);
    if (on) next.add(part);
    else next.delete(part);
    if (part === "attendance" && on) next.add("outcome");
    if (part === "outcome" && !on) next.delete("attendance");
    onChange(next);
  }
  return (
    <fieldset aria-labelledby={legend}>
      <legend id={legend}>What {referral.referrer_name} asks you to share</legend>
      <p>Each is your choice, and you can join whatever you choose. Nothing is shared unless you tick it.</p>
      {referral.asked.map((asked) => {
        const described = `${legend}-${asked.part}`;
        return (
          <div className="consent-choice" key={asked.part}>
            <label className="choice">
              <input
                type="checkbox"
                checked={share.has(asked.part)}
                aria-describedby={described}
                onChange={(event) => toggle(asked.part, event.target.checked)}
              />
              <strong>{asked.title}</strong>
            </label>
            <p id={described} className="small">
              {asked.words}
              {asked.part === "attendance" ? ' Ticking it ticks "Whether you joined" too.' : ""}
            </p>
          </div>
        );
      })}
      <p className="small">{referral.how_to_stop}</p>
    </fieldset>
  );
}

function Answered({ joined, groupId, shared }: { joined: boolean; groupId: string; shared: number }) {
  const notice = useRef<HTMLDivElement>(null);
  useEffect(() => notice.current?.focus(), []);
  if (!joined) {
    return (
      <div className="notice" role="status" tabIndex={-1} ref={notice}>
        <span className="title">Thank you for letting us know.</span>
        <p>
          Nothing more will happen. If you change your mind, you can <Link to="/">find a circle</Link> any time.
        </p>
      </div>
    );
  }
  return (
    <div className="notice success" role="status" tabIndex={-1} ref={notice}>
      <span className="title">Welcome! You're now a member.</span>
      <p>
        <Link to={`/groups/${groupId}`}>Go to the circle</Link> to see its meetings and let it know you're coming.
      </p>
      <p>
        {shared > 0 ? "You can stop sharing at any time " : "You shared nothing. You can see this "}
        on <Link to="/account">your account page</Link>.
      </p>
    </div>
  );
}

function Answer({ token, referral }: { token: string; referral: ReferralPreview }) {
  const { signedIn } = useSession();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [share, setShare] = useState<Set<ConsentPart>>(new Set());
  const [guidelines, setGuidelines] = useState(false);
  const [tellNo, setTellNo] = useState(false);
  const join = useMutation({
    mutationFn: () =>
      circles.referrals.accept(token, { consent_version: referral.consent_version, share: [...share] }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ["my-groups"] });
      await queryClient.invalidateQueries({ queryKey: ["group"] });
      await queryClient.invalidateQueries({ queryKey: ["consents"] });
    },
  });
  const no = useMutation({
    mutationFn: () =>
      circles.referrals.decline(token, { consent_version: referral.consent_version, share_outcome: tellNo }),
  });
  const circle = referral.circle;
  if (join.isSuccess) return <Answered joined groupId={circle.group_id} shared={join.data.shared.length} />;
  if (no.isSuccess) return <Answered joined={false} groupId={circle.group_id} shared={0} />;
  const next = encodeURIComponent(location.pathname);
  const asksOutcome = referral.asked.some((asked) => asked.part === "outcome");

  return (
    <>
      <h2>Your choices</h2>
      <SharingChoices referral={referral} share={share} onChange={setShare} />
      {circle.already_member ? (
        <p>You're already in this circle: answering keeps your place and shares only what you tick.</p>
      ) : null}
      {!signedIn ? (
        <div className="actions">
          <Link className="button" to={`/sign-in?next=${next}`}>
            Sign in to join
          </Link>
          <Link to={`/sign-up?next=${next}`}>New here? Create an account</Link>
        </div>
      ) : circle.status !== "active" ? (
        <p className="muted">This circle isn't taking new members right now. Your invitation still works: try again later.</p>
      ) : circle.seats_left <= 0 && !circle.already_member ? (
        <p className="notice">
          This circle is full right now. Your invitation still works until it expires: ask {referral.referrer_name} when a
          place may open.
        </p>
      ) : (
        <div>
          <label className="choice">
            <input type="checkbox" checked={guidelines} onChange={(event) => setGuidelines(event.target.checked)} />I have
            read the guidelines and will follow them
          </label>
          <Problem error={join.error} />
          {!guidelines ? <p className="small muted">To join, tick that you have read the guidelines.</p> : null}
          <p className="actions">
            <button type="button" className="button" disabled={!guidelines || join.isPending} onClick={() => join.mutate()}>
              {share.size > 0 ? "Join and share what I ticked" : "Join without sharing anything"}
            </button>
          </p>
        </div>
      )}

      <h2>Not for you?</h2>
      <p>
        You can say no thanks, with or without an account. If you change your mind, this link still lets you join until
        the invitation expires.
      </p>
      {asksOutcome ? (
        <>
          <label className="choice">
            <input type="checkbox" checked={tellNo} onChange={(event) => setTellNo(event.target.checked)} />
            Let {referral.referrer_name} know I said no thanks
          </label>
          {!signedIn ? (
            <p className="small">Without an account this can't be taken back later, as there is nowhere to do it from.</p>
          ) : null}
        </>
      ) : null}
      <Problem error={no.error} />
      <p className="actions">
        <button type="button" className="button secondary" disabled={no.isPending} onClick={() => no.mutate()}>
          No thanks
        </button>
      </p>
    </>
  );
}

/** A referral link, as the person referred opens it: the circle, who referred them, each thing
 * they are asked to share (separately, in plain words), and Join or No thanks. */
export default function ReferralPage() {
  const { token = "" } = useParams();
  const zone = useTimeZone();
  const referral = useQuery({
    queryKey: ["referral", token],
    queryFn: () => circles.referrals.open(token),
    // Answered or not, what the page shows is decided once; a refetch would find it answered.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

  if (referral.isPending) return <Loading what="your invitation" />;
  if (referral.error) {
    const words = unusable(referral.error);
    if (words) {
      return (
        <div className="narrow">
          <PageHeading title={words.title} />
          <p>{words.words}</p>
          <p>
            <Link to="/">Find a circle</Link>
          </p>
        </div>
      );
    }
    return <Problem error={referral.error} retry={() => void referral.refetch()} />;
  }
  const data = referral.data;
  return (
    <article className="narrow">
      <p className="small">{data.referrer_name} thought this circle might help you</p>
      <PageHeading title={data.circle.name} />
      <p className="small muted">
        {data.referrer_name} can see that you opened this invitation. Anything more, only if you choose to share it
        below. The circle's facilitators see the referral too, and who you are if you share that you joined.
      </p>
      {data.note ? (
        <div className="notice">
          <span className="title">{data.referrer_name}'s note for the facilitators</span>
          <p>{data.note}</p>
        </div>
      ) : null}
      <CircleDetails circle={data.circle} zone={zone} />
      <Answer token={token} referral={data} />
      <p className="small muted">
        This is peer support, not therapy or a crisis service. If you are in danger, <Link to="/crisis">get help now</Link>.
      </p>
    </article>
  );
}

import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link, useParams } from "react-router";

import { circles } from "../api";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";

/** Where the link at the foot of an email leads: it asks before it stops anything, since mail
 * scanners open the links in emails; pressing the button stops that kind of email. No sign-in. */
export default function UnsubscribePage() {
  const { token = "" } = useParams();
  const link = useQuery({
    queryKey: ["unsubscribe", token],
    queryFn: () => circles.unsubscribeLinks.read(token),
    staleTime: Infinity,
  });
  const stop = useMutation({ mutationFn: () => circles.unsubscribeLinks.stop(token) });
  const done = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (stop.isSuccess) done.current?.focus();
  }, [stop.isSuccess]);

  if (link.isPending) {
    return (
      <div className="narrow">
        <PageHeading title="Stop emails" />
        <Loading what="what this link stops" />
      </div>
    );
  }
  if (link.error) {
    return (
      <div className="narrow">
        <PageHeading title="This link doesn't work" />
        <Problem error={link.error} retry={() => void link.refetch()} />
        <p>
          <Link to="/account#notifications">Choose which emails you get</Link> (you sign in first).
        </p>
      </div>
    );
  }

  const what = link.data.description;
  const settings = (
    <>
      <p>
        The notification centre in the app still shows them when you sign in. You can change which messages we send you,
        and how, in your <Link to="/account#notifications">notification settings</Link> (you sign in first).
      </p>
    </>
  );

  if (stop.isSuccess) {
    return (
      <div className="narrow">
        <PageHeading title="Emails stopped" />
        <div role="status" tabIndex={-1} ref={done} className="notice success">
          <p>Done. We won't email you {stop.data.description} any more.</p>
        </div>
        {settings}
      </div>
    );
  }

  if (!link.data.email_on) {
    return (
      <div className="narrow">
        <PageHeading title="These emails are already stopped" />
        <p>We don't email you {what} any more. There is nothing else to do.</p>
        {settings}
      </div>
    );
  }

  return (
    <div className="narrow">
      <PageHeading title={`Stop emails with ${what}?`} />
      <p>We will stop emailing you {what}. Other emails, and messages about your account's safety, still come.</p>
      <Problem error={stop.error} />
      <p className="actions">
        <button type="button" className="button" disabled={stop.isPending} onClick={() => stop.mutate()}>
          Stop these emails
        </button>
      </p>
      {settings}
    </div>
  );
}

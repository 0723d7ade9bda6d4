import type { GroupRead } from "@strength-circles/client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";

import { circles } from "../../api";
import { PageHeading } from "../../components/Page";
import { Loading } from "../../components/Problem";
import { useSession } from "../../lib/session";
import { CircleForm, type CircleDraft, createBody } from "./CircleForm";

/** What the circle's page says when a circle arrives there from this page. */
export interface CircleStarted {
  started: string;
}

/** Start a circle (facilitators and admins): the person who starts it is its facilitator. */
export default function StartCirclePage() {
  const { me } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (draft: CircleDraft) => circles.groups.create(createBody(draft)),
    onSuccess: async (group: GroupRead) => {
      queryClient.setQueryData(["group", group.id], group);
      await queryClient.invalidateQueries({ queryKey: ["my-groups"] });
      const state: CircleStarted = { started: group.name };
      await navigate(`/groups/${group.id}`, { state });
    },
  });

  if (!me) return <Loading what="your account" />;
  if (me.role === "member") {
    return (
      <article className="narrow">
        <PageHeading title="Start a circle" />
        <p>Circles are started by facilitators. If you would like to facilitate one, the counseling service's team can tell you how to train for it.</p>
        <p>
          <Link to="/">Find a circle to join</Link>
        </p>
      </article>
    );
  }
  return (
    <article className="narrow">
      <p className="small">
        <Link className="inline-link" to="/staff/circles">
          Back to my circles
        </Link>
      </p>
      <PageHeading title="Start a circle" />
      <p>
        You will be the circle's facilitator. Once it is started, add when it meets, so members can find a meeting and
        come along.
      </p>
      <CircleForm
        saving={create.isPending}
        error={create.error}
        submitLabel="Start the circle"
        cancelTo="/staff/circles"
        onSave={(draft) => create.mutate(draft)}
      />
    </article>
  );
}

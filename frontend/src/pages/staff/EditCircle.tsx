import { type GroupRead, type GroupUpdate, isApiError } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";

import { circles } from "../../api";
import { PageHeading } from "../../components/Page";
import { Loading, Problem } from "../../components/Problem";
import { useSession } from "../../lib/session";
import { CircleForm, type CircleDraft, changedInWords, changesFrom } from "./CircleForm";

/** What My circles says when a circle arrives there archived. */
export interface CircleArchived {
  archived: string;
}

/** Archiving, with what it does said first: it cannot be undone. */
function ArchiveCircle({ group }: { group: GroupRead }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const heading = useId();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const archive = useMutation({
    mutationFn: () => circles.groups.archive(group.id),
    onSuccess: async (archived) => {
      dialog.current?.close();
      queryClient.setQueryData(["group", group.id], archived);
      await queryClient.invalidateQueries({ queryKey: ["my-groups"] });
      await queryClient.invalidateQueries({ queryKey: ["group"] });
      const state: CircleArchived = { archived: group.name };
      await navigate("/staff/circles", { state });
    },
  });
  return (
    <section aria-labelledby={`${heading}-section`}>
      <h2 id={`${heading}-section`}>Archive the circle</h2>
      <p>When a circle has come to an end, archive it. Its history is kept.</p>
      <p>
        <button type="button" className="button danger" onClick={() => dialog.current?.showModal()}>
          Archive this circle
        </button>
      </p>
      <dialog ref={dialog} aria-labelledby={heading}>
        <h2 id={heading}>Archive {group.name}?</h2>
        <ul>
          <li>It leaves Find a circle straight away, and no one can join it any more.</li>
          <li>
            Its meeting times end. Its upcoming meetings are taken off the calendar; anyone who said they were going, or
            was on a waitlist, gets an email that the meeting is cancelled.
          </li>
          <li>
            Its history stays: its page, who was in it and its attendance are kept, and its members can still open its
            page.
          </li>
          <li>An archived circle can't be edited or opened again. If it only needs a break, choose “Taking a break” above instead.</li>
        </ul>
        <Problem error={archive.error} />
        <div className="actions">
          <button type="button" className="button danger" disabled={archive.isPending} onClick={() => archive.mutate()}>
            {archive.isPending ? "Archiving…" : "Archive the circle"}
          </button>
          <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
            Keep it
          </button>
        </div>
      </dialog>
    </section>
  );
}

/** Change a circle (its facilitators and admins): what changed said after saving, and what new
 * guidelines mean for members said before. */
export default function EditCirclePage() {
  const { groupId = "" } = useParams();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const said = useRef<HTMLDivElement>(null);
  const [changed, setChanged] = useState<string[] | null>(null);
  const [unchanged, setUnchanged] = useState(false);
  const group = useQuery({ queryKey: ["group", groupId], queryFn: () => circles.groups.read(groupId) });
  const save = useMutation({
    mutationFn: (update: GroupUpdate) => circles.groups.update(groupId, update),
    onSuccess: async (saved, update) => {
      queryClient.setQueryData(["group", groupId], saved);
      setChanged(changedInWords(update, saved));
      await queryClient.invalidateQueries({ queryKey: ["my-groups"] });
    },
  });
  useEffect(() => {
    if (changed) said.current?.focus();
  }, [changed]);

  if (group.isPending) return <Loading what="the circle" />;
  if (group.isError) {
    if (isApiError(group.error) && group.error.status === 404) {
      return (
        <article className="narrow">
          <PageHeading title="We couldn't find this circle" />
          <p>
            It may have been removed. Your circles are in <Link to="/staff/circles">My circles</Link>.
          </p>
        </article>
      );
    }
    return <Problem error={group.error} retry={() => void group.refetch()} />;
  }
  const data = group.data;
  const mayEdit =
    me?.role === "admin" || (data.my_membership?.role === "facilitator" && data.my_membership.status === "active");
  const back = (
    <p className="small">
      <Link className="inline-link" to={`/groups/${data.id}`}>
        Back to the circle
      </Link>
    </p>
  );
  if (!mayEdit || data.status === "archived") {
    return (
      <article className="narrow">
        {back}
        <PageHeading title={`Edit ${data.name}`} />
        <p className="notice">
          {data.status === "archived"
            ? "This circle is archived: it is kept as it was, so it can't be changed."
            : "Only this circle's facilitators and admins can change it."}
        </p>
      </article>
    );
  }

  function onSave(draft: CircleDraft) {
    const update = changesFrom(data, draft);
    setChanged(null);
    if (Object.keys(update).length === 0) {
      setUnchanged(true);
      return;
    }
    setUnchanged(false);
    save.mutate(update);
  }

  return (
    <article className="narrow">
      {back}
      <PageHeading title={`Edit ${data.name}`} />
      <p>
        When it meets is on <Link to={`/groups/${data.id}/meetings`}>Meetings and schedule</Link>.
      </p>
      <div role="status">
        {unchanged ? <p className="notice warning">Nothing has changed yet. Make your changes below, then save.</p> : null}
      </div>
      {changed ? (
        <div className="notice success" role="status" tabIndex={-1} ref={said}>
          <span className="title">Saved</span>
          <p>What changed:</p>
          <ul>
            {changed.map((words) => (
              <li key={words}>{words}</li>
            ))}
          </ul>
          <p>
            <Link to={`/groups/${data.id}`}>See the circle's page</Link>
          </p>
        </div>
      ) : null}
      {/* A new form after each save: it starts from what the server kept. */}
      <CircleForm
        key={data.updated_at + data.guidelines_version}
        group={data}
        saving={save.isPending}
        error={save.error}
        submitLabel="Save changes"
        cancelTo={`/groups/${data.id}`}
        onSave={onSave}
      />
      <ArchiveCircle group={data} />
    </article>
  );
}

import type { components } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import { Link, useParams } from "react-router";

import { circles } from "../../api";
import { PageHeading } from "../../components/Page";
import { Loading, Problem } from "../../components/Problem";
import { useSession } from "../../lib/session";
import { CircleReferrals } from "./CircleReferrals";
import { InvitePeople } from "./InvitePeople";

type Member = components["schemas"]["MemberRead"];

/** Removing someone, with what it means said first: care for the person as well as the circle. */
function RemoveButton({ member, onRemove, busy }: { member: Member; onRemove: () => void; busy: boolean }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const heading = useId();
  return (
    <>
      <button type="button" className="button secondary" onClick={() => dialog.current?.showModal()}>
        Remove {member.display_name}
      </button>
      <dialog ref={dialog} aria-labelledby={heading}>
        <h2 id={heading}>Remove {member.display_name} from the circle?</h2>
        <p>
          They leave the circle now and give up their places at its upcoming meetings, which go to the people
          waiting. To come back they need a facilitator's approval.
        </p>
        <p>
          Being removed can hurt. If you can, talk with them first, and point them to other circles or to the
          counseling service.
        </p>
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => {
              dialog.current?.close();
              onRemove();
            }}
          >
            Remove from the circle
          </button>
          <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
            Keep them
          </button>
        </div>
      </dialog>
    </>
  );
}

/** A circle's members, for its facilitators: requests to approve or decline, co-facilitators,
 * and removal with care. */
export default function ManageMembersPage() {
  const { groupId = "" } = useParams();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const [said, setSaid] = useState("");
  const group = useQuery({ queryKey: ["group", groupId], queryFn: () => circles.groups.read(groupId) });
  const members = useQuery({ queryKey: ["members", groupId], queryFn: () => circles.groups.members(groupId) });
  const done = async (words: string) => {
    setSaid(words);
    await queryClient.invalidateQueries({ queryKey: ["members", groupId] });
    await queryClient.invalidateQueries({ queryKey: ["group"] });
  };
  const change = useMutation({
    mutationFn: ({ member, body }: { member: Member; body: components["schemas"]["MembershipUpdate"]; words: string }) =>
      circles.membership.update(groupId, member.user_id, body),
    onSuccess: (_, { words }) => done(words),
  });
  const remove = useMutation({
    mutationFn: ({ member }: { member: Member; words: string }) => circles.groups.leave(groupId, member.user_id),
    onSuccess: (_, { words }) => done(words),
  });

  if (group.isPending || members.isPending) return <Loading what="the members" />;
  if (group.isError || members.isError) {
    return <Problem error={group.error ?? members.error} retry={() => void members.refetch()} />;
  }
  const all = members.data.items;
  const pending = all.filter((member) => member.status === "pending");
  const active = all.filter((member) => member.status === "active");
  const busy = change.isPending || remove.isPending;
  return (
    <article className="narrow">
      <p className="small">
        <Link className="inline-link" to={`/groups/${groupId}`}>
          Back to the circle
        </Link>
      </p>
      <PageHeading title={`Members of ${group.data.name}`} />
      {said ? (
        <p className="notice success" role="status">
          {said}
        </p>
      ) : null}
      <Problem error={change.error ?? remove.error} />

      <h2>Asking to join</h2>
      {pending.length === 0 ? <p className="muted">No one is waiting.</p> : null}
      <ul className="cards">
        {pending.map((member) => (
          <li className="card" key={member.user_id}>
            <h3>
              {member.display_name}
              {member.pronouns ? <span className="muted"> ({member.pronouns})</span> : null}
            </h3>
            <div className="actions">
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() => change.mutate({ member, body: { status: "active" }, words: `${member.display_name} is a member now. We've emailed them (without the circle's name).` })}
              >
                Approve {member.display_name}
              </button>
              <button
                type="button"
                className="button secondary"
                disabled={busy}
                onClick={() => remove.mutate({ member, words: `${member.display_name}'s request is declined. We've told them kindly by email, without the circle's name.` })}
              >
                Decline
              </button>
            </div>
          </li>
        ))}
      </ul>

      <h2>In the circle</h2>
      <ul className="cards">
        {active.map((member) => {
          const facilitator = member.role === "facilitator";
          const isMe = member.user_id === me?.id;
          return (
            <li className="card" key={member.user_id}>
              <h3>
                {member.display_name}
                {member.pronouns ? <span className="muted"> ({member.pronouns})</span> : null}
              </h3>
              <p className="small">{facilitator ? "Facilitator" : "Member"}{isMe ? " (you)" : ""}</p>
              {isMe ? null : (
                <div className="actions">
                  <button
                    type="button"
                    className="button secondary"
                    disabled={busy}
                    onClick={() =>
                      change.mutate({
                        member,
                        body: { role: facilitator ? "member" : "facilitator" },
                        words: facilitator
                          ? `${member.display_name} is a member of the circle again.`
                          : `${member.display_name} facilitates the circle with you now.`,
                      })
                    }
                  >
                    {facilitator ? "Make a member" : "Make a co-facilitator"}
                  </button>
                  <RemoveButton
                    member={member}
                    busy={busy}
                    onRemove={() => remove.mutate({ member, words: `${member.display_name} is no longer in the circle.` })}
                  />
                </div>
              )}
            </li>
          );
        })}
      </ul>

      {group.data.status !== "archived" ? <InvitePeople groupId={groupId} /> : null}
      <CircleReferrals groupId={groupId} archived={group.data.status === "archived"} />
    </article>
  );
}

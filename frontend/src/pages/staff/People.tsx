import type { components } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { Link } from "react-router";

import { circles } from "../../api";
import { PageHeading } from "../../components/Page";
import { Loading, Problem } from "../../components/Problem";
import { useSession, useTimeZone } from "../../lib/session";
import { dateInWords } from "../Library";

type Person = components["schemas"]["UserAdminRead"];
type Role = Person["role"];
type Change = { body: components["schemas"]["UserAdminUpdate"]; title: string; what: string; words: string };

const ROLE_WORDS: Record<Role, string> = { member: "Member", facilitator: "Facilitator", admin: "Admin" };

/** What a change does, said before it is made. */
function changes(person: Person): Change[] {
  const name = person.display_name;
  const roles = (Object.keys(ROLE_WORDS) as Role[]).filter((role) => role !== person.role);
  const list: Change[] = roles.map((role) => ({
    body: { role },
    title: `Make ${name} ${role === "admin" ? "an admin" : `a ${role}`}`,
    what:
      role === "member"
        ? `${name} loses the staff tools they have now. They are signed out everywhere and sign in again as a member.`
        : `${name} gets the tools of ${role === "admin" ? "an admin: every account, report and record" : "a facilitator: starting circles, the library and story reviews"}. They are signed out everywhere and sign in again.`,
    words: `${name} is ${role === "admin" ? "an admin" : `a ${role}`} now.`,
  }));
  list.push(
    person.is_active
      ? {
          body: { is_active: false },
          title: `Deactivate ${name}'s account`,
          what: `${name} is signed out everywhere and can no longer sign in. Their places at upcoming meetings go to the people waiting and their open mentoring matches close. You can reactivate the account later.`,
          words: `${name}'s account is deactivated.`,
        }
      : {
          body: { is_active: true },
          title: `Reactivate ${name}'s account`,
          what: `${name} can sign in again, with the circles they were in.`,
          words: `${name}'s account is active again.`,
        },
  );
  return list;
}

function PersonCard({ person, isMe, onChanged }: { person: Person; isMe: boolean; onChanged: (words: string) => void }) {
  const zone = useTimeZone();
  const dialog = useRef<HTMLDialogElement>(null);
  const heading = useId();
  const [pending, setPending] = useState<Change | null>(null);
  const update = useMutation({
    mutationFn: (change: Change) => circles.admin.updatePerson(person.id, change.body),
    onSuccess: (_, change) => onChanged(change.words),
  });
  return (
    <li className="card">
      <h2>{person.display_name}</h2>
      <ul className="meta">
        <li>{person.email}</li>
        <li>{ROLE_WORDS[person.role]}</li>
        <li>{person.is_active ? "Active" : "Deactivated"}</li>
        {person.suspended_until ? <li>Paused until {dateInWords(person.suspended_until, zone)}</li> : null}
        <li>{person.two_factor_enabled ? "Two-step sign-in on" : "Two-step sign-in off"}</li>
        <li>{person.last_login_at ? `Last signed in ${dateInWords(person.last_login_at, zone)}` : "Never signed in"}</li>
      </ul>
      {isMe ? (
        <p className="small muted">This is you: another admin changes your own role or account.</p>
      ) : (
        <div className="actions">
          {changes(person).map((change) => (
            <button
              key={change.title}
              type="button"
              className="button secondary"
              onClick={() => {
                setPending(change);
                dialog.current?.showModal();
              }}
            >
              {change.title}
            </button>
          ))}
        </div>
      )}
      <p className="small">
        <Link to={`/staff/audit?subject=${person.id}`} state={{ name: person.display_name }}>
          Who read or changed {person.display_name}'s data
        </Link>
        {" · "}
        <Link to={`/staff/audit?actor=${person.id}`} state={{ name: person.display_name }}>
          What {person.display_name} did
        </Link>
      </p>
      <Problem error={update.error} />
      <dialog ref={dialog} aria-labelledby={heading}>
        <h2 id={heading}>{pending?.title}?</h2>
        <p>{pending?.what}</p>
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={update.isPending}
            onClick={() => {
              dialog.current?.close();
              if (pending) update.mutate(pending);
            }}
          >
            {pending?.title}
          </button>
          <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
    </li>
  );
}

/** Accounts, for admins: search, roles and deactivation, each with what it does said first. */
export default function PeoplePage() {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const searchId = useId();
  const [typed, setTyped] = useState("");
  const [asked, setAsked] = useState("");
  const [said, setSaid] = useState("");
  const found = useQuery({
    queryKey: ["people", asked],
    queryFn: () => circles.admin.people({ limit: 50, ...(asked ? { q: asked } : {}) }),
    enabled: asked !== "",
  });

  function search(event: FormEvent) {
    event.preventDefault();
    setSaid("");
    setAsked(typed.trim());
  }

  return (
    <article className="narrow">
      <PageHeading title="People" />
      <p>
        Find an account by email or pseudonym. Every search and every change is recorded in the audit trail.
      </p>
      <form className="search-form" role="search" onSubmit={search}>
        <div className="field">
          <label htmlFor={searchId}>Email or pseudonym</label>
          <input id={searchId} type="search" value={typed} maxLength={200} onChange={(event) => setTyped(event.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </form>
      {said ? (
        <p className="notice success" role="status">
          {said}
        </p>
      ) : null}
      {found.isFetching && !found.data ? <Loading what="the accounts" /> : null}
      <Problem error={found.error} retry={() => void found.refetch()} />
      {found.data && found.data.items.length === 0 ? <p className="muted">No account matches "{asked}".</p> : null}
      <ul className="cards">
        {(found.data?.items ?? []).map((person) => (
          <PersonCard
            key={person.id}
            person={person}
            isMe={person.id === me?.id}
            onChanged={(words) => {
              setSaid(words);
              void queryClient.invalidateQueries({ queryKey: ["people"] });
            }}
          />
        ))}
      </ul>
    </article>
  );
}

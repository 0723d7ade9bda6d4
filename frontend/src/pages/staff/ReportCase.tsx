import type { components } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { Link, useParams } from "react-router";

import { circles } from "../../api";
import { PageHeading } from "../../components/Page";
import { Loading, Problem } from "../../components/Problem";
import { REASON_WORDS } from "../../components/ReportConcern";
import { useSession, useTimeZone } from "../../lib/session";
import { dateInWords } from "../Library";
import { STATUS_WORDS, TARGET_WORDS } from "./ReportsQueue";

type CaseRead = components["schemas"]["CaseRead"];
type Action = components["schemas"]["CaseActionCreate"]["action"];

/** Each decision, and what it will do, said before it is taken. */
const ACTIONS: Record<Action, { label: string; what: string; adminsOnly?: boolean }> = {
  dismiss: {
    label: "Dismiss",
    what: "Nothing here breaks the guidelines. The case closes, and the people who reported it are told so in general words.",
  },
  warn: {
    label: "Send a warning",
    what: "A neutral email reminds the person of the community guidelines. It names neither who reported them nor what was said.",
  },
  remove_from_circle: {
    label: "Remove from the circle",
    what: "They leave the circle and give up their seats at its meetings; to come back they need a facilitator's approval.",
  },
  unpublish: {
    label: "Unpublish",
    what: "It leaves the library now. A member's story goes back to its author with a note, to edit and send again.",
  },
  end_match: {
    label: "End a mentoring match",
    what: "The match ends at once; the other person is told only that it ended.",
    adminsOnly: true,
  },
  suspend: {
    label: "Pause the account",
    what: "They are signed out everywhere and cannot sign in until the moment you choose; their seats at upcoming meetings go to the people waiting.",
    adminsOnly: true,
  },
  close_account: {
    label: "Close the account",
    what: "They can no longer sign in unless an admin reopens the account; their seats and open matches are given up.",
    adminsOnly: true,
  },
};

/** The decisions that fit a case, for this moderator. */
export function actionsFor(item: CaseRead, isAdmin: boolean): Action[] {
  const fitting: Action[] = ["dismiss"];
  if (item.subject_id) fitting.push("warn");
  if (item.target_type === "member") fitting.push("remove_from_circle");
  if (item.target_type === "story" || item.target_type === "resource") fitting.push("unpublish");
  if (isAdmin && item.subject_id) {
    if (item.target_type === "member") fitting.push("end_match");
    fitting.push("suspend", "close_account");
  }
  return fitting.filter((action) => isAdmin || !ACTIONS[action].adminsOnly);
}

function targetLink(item: CaseRead): string | null {
  if (item.target_type === "circle") return `/groups/${item.target_id}`;
  if (item.target_type === "story" || item.target_type === "resource") return `/library/${item.target_id}`;
  return null;
}

function Decide({ item, onDone }: { item: CaseRead; onDone: (next: CaseRead) => void }) {
  const { me } = useSession();
  const ids = { action: useId(), note: useId(), until: useId(), match: useId() };
  const choices = actionsFor(item, me?.role === "admin");
  const [action, setAction] = useState<Action>(choices[0] ?? "dismiss");
  const [note, setNote] = useState("");
  const [until, setUntil] = useState("");
  const [matchId, setMatchId] = useState("");
  const decide = useMutation({
    mutationFn: () =>
      circles.safety.act(item.id, {
        action,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(action === "suspend" && until ? { until: new Date(until).toISOString() } : {}),
        ...(action === "end_match" && matchId.trim() ? { match_id: matchId.trim() } : {}),
      }),
    onSuccess: onDone,
  });
  if (item.status === "dismissed") return <p className="muted">This case was dismissed. Reopen it to take another decision.</p>;
  const shown = item.status === "actioned" ? choices.filter((choice) => choice !== "dismiss") : choices;

  function submit(event: FormEvent) {
    event.preventDefault();
    decide.mutate();
  }

  return (
    <form onSubmit={submit}>
      <fieldset>
        <legend>What to do</legend>
        {shown.map((choice) => (
          <label className="choice" key={choice}>
            <input type="radio" name={ids.action} value={choice} checked={action === choice} onChange={() => setAction(choice)} />
            {ACTIONS[choice].label}
          </label>
        ))}
      </fieldset>
      <p className="notice warning">{ACTIONS[action].what}</p>
      {action === "suspend" ? (
        <div className="field">
          <label htmlFor={ids.until}>Paused until (your time)</label>
          <input id={ids.until} type="datetime-local" required value={until} onChange={(event) => setUntil(event.target.value)} />
        </div>
      ) : null}
      {action === "end_match" ? (
        <div className="field">
          <label htmlFor={ids.match}>The match's id</label>
          <input id={ids.match} required value={matchId} onChange={(event) => setMatchId(event.target.value)} />
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={ids.note}>Why (for the other staff; optional)</label>
        <textarea id={ids.note} rows={3} maxLength={2000} value={note} onChange={(event) => setNote(event.target.value)} />
      </div>
      <Problem error={decide.error} />
      <div className="actions">
        <button type="submit" className="button" disabled={decide.isPending}>
          {decide.isPending ? "Saving…" : ACTIONS[action].label}
        </button>
      </div>
    </form>
  );
}

/** One case: every report in it with who made it, the team's notes, the decisions. */
export default function ReportCasePage() {
  const { reportId = "" } = useParams();
  const zone = useTimeZone();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const noteId = useId();
  const [note, setNote] = useState("");
  const [saved, setSaved] = useState("");
  const key = ["case", reportId];
  const found = useQuery({ queryKey: key, queryFn: () => circles.safety.case(reportId) });
  const show = (next: CaseRead, said: string) => {
    queryClient.setQueryData(key, next);
    void queryClient.invalidateQueries({ queryKey: ["queue"] });
    setSaved(said);
  };
  const move = useMutation({
    mutationFn: (body: components["schemas"]["CaseUpdate"]) => circles.safety.updateCase(reportId, body),
    onSuccess: (next) => show(next, "Saved."),
  });
  const addNote = useMutation({
    mutationFn: () => circles.safety.addNote(reportId, note.trim()),
    onSuccess: (next) => {
      setNote("");
      show(next, "Your note is saved.");
    },
  });

  if (found.isPending) return <Loading what="the report" />;
  if (found.error) {
    return (
      <>
        <PageHeading title="Report" />
        <Problem error={found.error} retry={() => void found.refetch()} />
        <p>
          <Link to="/staff/reports">Back to the reports</Link>
        </p>
      </>
    );
  }
  const item = found.data;
  const link = targetLink(item);
  const closed = item.status === "actioned" || item.status === "dismissed";
  return (
    <article className="narrow">
      <p className="small">
        <Link className="inline-link" to="/staff/reports">
          Back to the reports
        </Link>
      </p>
      <PageHeading title={`${TARGET_WORDS[item.target_type]}: ${item.target_label}`} />
      <ul className="badges" aria-label="Where it stands">
        {item.urgent ? <li className="badge off">Urgent</li> : null}
        <li className="badge">{STATUS_WORDS[item.status]}</li>
        {item.assigned_to_id ? (
          <li className="badge">{item.assigned_to_id === me?.id ? "Assigned to you" : "Assigned"}</li>
        ) : null}
      </ul>
      {link ? (
        <p>
          <Link to={link}>Open the {item.target_type}</Link>
        </p>
      ) : null}
      {saved ? (
        <p className="notice success" role="status">
          {saved}
        </p>
      ) : null}
      <div className="actions">
        {item.status === "open" ? (
          <button type="button" className="button secondary" onClick={() => move.mutate({ status: "in_review" })}>
            Start the review
          </button>
        ) : null}
        {closed ? (
          <button type="button" className="button secondary" onClick={() => move.mutate({ status: "open" })}>
            Reopen
          </button>
        ) : null}
        {item.assigned_to_id !== me?.id && me ? (
          <button type="button" className="button secondary" onClick={() => move.mutate({ assigned_to_id: me.id })}>
            Assign to me
          </button>
        ) : null}
      </div>
      <Problem error={move.error} />

      <h2>What was reported</h2>
      <ul className="cards">
        {item.reports.map((report) => (
          <li className="card" key={report.id}>
            <h3>{REASON_WORDS[report.reason]}</h3>
            <ul className="meta">
              <li>By {report.reporter_name}</li>
              <li>{dateInWords(report.reported_at, zone)}</li>
              {report.urgent ? <li>Urgent</li> : null}
            </ul>
            {report.details ? <p className="prose">{report.details}</p> : <p className="muted">No details given.</p>}
          </li>
        ))}
      </ul>

      <h2>Notes for the team</h2>
      {item.notes.length === 0 ? <p className="muted">No notes yet.</p> : null}
      <ul className="cards">
        {item.notes.map((entry) => (
          <li className="card" key={entry.id}>
            <p>{entry.body}</p>
            <p className="small muted">
              {entry.author_name ?? "Someone no longer here"}, {dateInWords(entry.written_at, zone)}
            </p>
          </li>
        ))}
      </ul>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (note.trim()) addNote.mutate();
        }}
      >
        <div className="field">
          <label htmlFor={noteId}>Add a note (never shown to members)</label>
          <textarea id={noteId} rows={3} maxLength={4000} value={note} onChange={(event) => setNote(event.target.value)} />
        </div>
        <Problem error={addNote.error} />
        <div className="actions">
          <button type="submit" className="button secondary" disabled={addNote.isPending || !note.trim()}>
            Save the note
          </button>
        </div>
      </form>

      <h2>Decisions</h2>
      {item.actions.length > 0 ? (
        <ul className="cards">
          {item.actions.map((entry) => (
            <li className="card" key={entry.id}>
              <p>
                <strong>{ACTIONS[entry.action].label}</strong>, by {entry.actor_name ?? "someone no longer here"},{" "}
                {dateInWords(entry.taken_at, zone)}
                {entry.until ? `, until ${dateInWords(entry.until, zone)}` : ""}
              </p>
              {entry.note ? <p>{entry.note}</p> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No decision yet.</p>
      )}
      <Decide item={item} onDone={(next) => show(next, "The decision is saved and carried out.")} />
    </article>
  );
}

import type { InvitationPreview } from "@strength-circles/client";

import { FORMAT_WORDS, languageName } from "../lib/words";
import { MeetingTimes } from "./MeetingTimes";

/** A circle as someone invited to it (by a facilitator's link or a referral) needs to know it to
 * decide: what it is, when and how it meets, its accessibility and its guidelines. */
export function CircleDetails({ circle, zone }: { circle: InvitationPreview; zone: string }) {
  return (
    <>
      <ul className="badges" aria-label="About this circle">
        <li className="badge">{FORMAT_WORDS[circle.format]}</li>
        <li className="badge">{languageName(circle.language)}</li>
        <li className="badge">{circle.seats_left > 0 ? `${circle.seats_left} places left` : "Full for now"}</li>
      </ul>

      <h2>About</h2>
      {circle.description.split(/\n{2,}/).map((paragraph, index) => (
        <p key={index}>{paragraph}</p>
      ))}

      <h2>When it meets</h2>
      <MeetingTimes schedules={circle.schedules} zone={zone} />
      {circle.format !== "in_person" ? <p>Online: members see the link to join on each meeting's page.</p> : null}
      {circle.format !== "online" && circle.city ? <p>In person, in {circle.city}.</p> : null}
      {circle.accessibility_notes ? (
        <>
          <h3>Accessibility</h3>
          <p>{circle.accessibility_notes}</p>
        </>
      ) : null}

      <h2>Guidelines</h2>
      <p>Everyone who joins agrees to these, so the circle stays a safe place to share.</p>
      <div className="prose guidelines">
        {circle.guidelines.split(/\n{2,}/).map((paragraph, index) => (
          <p key={index}>{paragraph}</p>
        ))}
      </div>
    </>
  );
}

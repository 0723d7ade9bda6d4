import { type ScheduleLike, scheduleInWords, zoneLabel } from "../lib/time";

/** When a circle meets, in the viewer's time, and in the circle's own when that differs. */
export function MeetingTimes({ schedules, zone }: { schedules: (ScheduleLike & { rrule: string })[]; zone: string }) {
  return (
    <>
      {schedules.length === 0 ? <p className="muted">Meeting times haven't been set yet.</p> : null}
      {schedules.map((schedule) => {
        const words = scheduleInWords(schedule, zone);
        return (
          <p key={schedule.rrule + schedule.start_time}>
            <strong>{words.yours}</strong>
            {words.groups ? (
              <>
                <br />
                <span className="muted">The circle's own time: {words.groups}</span>
              </>
            ) : (
              <span className="muted"> ({zoneLabel(schedule.timezone)})</span>
            )}
          </p>
        );
      })}
    </>
  );
}

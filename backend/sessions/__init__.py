"""Group sessions: schedules, one-off meetings, RSVPs with waitlists, check-in, attendance,
reports and calendar feeds."""

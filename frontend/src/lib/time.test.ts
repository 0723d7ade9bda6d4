import { describe, expect, it } from "vitest";

import { clock, dayName, meetingPhase, sameClock, scheduleInWords, timeRange, zonedInstant } from "./time";

const tuesdayEvenings = {
  frequency: "weekly",
  weekdays: ["tuesday"],
  start_time: "19:00",
  duration_minutes: 90,
  timezone: "America/Chicago",
  description: "Tuesdays, 7:00–8:30 pm",
};

describe("times in words", () => {
  it("writes ranges the way people say them", () => {
    const start = new Date("2026-12-08T01:00:00Z"); // 7 pm in Chicago
    expect(clock(start, "America/Chicago")).toBe("7:00 pm");
    expect(timeRange(start, new Date("2026-12-08T02:30:00Z"), "America/Chicago")).toBe("7:00–8:30 pm");
    expect(timeRange(new Date("2026-12-08T05:30:00Z"), new Date("2026-12-08T06:30:00Z"), "America/Chicago")).toBe(
      "11:30 pm–12:30 am",
    );
    expect(dayName(start, "America/Chicago", new Date("2026-12-01T00:00:00Z"))).toBe("Monday, December 7");
  });

  it("finds the instant a local clock shows, across daylight saving", () => {
    expect(zonedInstant({ year: 2027, month: 1, day: 12, hour: 19, minute: 0 }, "America/Chicago").toISOString()).toBe(
      "2027-01-13T01:00:00.000Z",
    );
    expect(zonedInstant({ year: 2027, month: 7, day: 13, hour: 19, minute: 0 }, "America/Chicago").toISOString()).toBe(
      "2027-07-14T00:00:00.000Z",
    );
  });

  it("keeps the group's words when the viewer shares its clock", () => {
    const words = scheduleInWords(tuesdayEvenings, "America/Chicago", new Date("2026-12-01T12:00:00Z"));
    expect(words).toEqual({ yours: "Tuesdays, 7:00–8:30 pm", groups: null });
    expect(sameClock(new Date(), "America/Chicago", "America/Chicago")).toBe(true);
  });

  it("moves the weekday when the meeting falls on another day where the viewer is", () => {
    const words = scheduleInWords(tuesdayEvenings, "Europe/London", new Date("2026-12-01T12:00:00Z"));
    expect(words.yours).toBe("Wednesdays, 1:00–2:30 am your time");
    expect(words.groups).toBe("Tuesdays, 7:00–8:30 pm Chicago time");
  });

  it("says every other week and keeps rarer rules in the group's words", () => {
    const now = new Date("2026-12-01T12:00:00Z");
    const fortnightly = { ...tuesdayEvenings, frequency: "every_other_week", weekdays: ["monday"], description: "Every other Monday, 7:00–8:30 pm" };
    expect(scheduleInWords(fortnightly, "America/New_York", now).yours).toBe("Every other Monday, 8:00–9:30 pm your time");
    const monthly = { ...tuesdayEvenings, frequency: "monthly", weekdays: ["thursday"], description: "First Thursday of the month, 7:00–8:30 pm" };
    expect(scheduleInWords(monthly, "America/New_York", now).yours).toBe(
      "First Thursday of the month, 7:00–8:30 pm (8:00–9:30 pm your time)",
    );
  });

  it("tells a meeting in progress from one that starts soon", () => {
    const start = Date.parse("2026-12-08T01:00:00Z");
    const end = "2026-12-08T02:30:00Z";
    const at = (minutes: number) => start + minutes * 60_000;
    expect(meetingPhase("2026-12-08T01:00:00Z", end, at(-45))).toBe("later");
    expect(meetingPhase("2026-12-08T01:00:00Z", end, at(-20))).toBe("starts_soon");
    expect(meetingPhase("2026-12-08T01:00:00Z", end, at(5))).toBe("in_progress");
    expect(meetingPhase("2026-12-08T01:00:00Z", end, at(90))).toBe("ended");
  });
});

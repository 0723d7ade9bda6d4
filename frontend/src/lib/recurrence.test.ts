import { describe, expect, test } from "vitest";

import { buildRule, readRule, type RuleChoices, weekdayOf } from "./recurrence";

const base: RuleChoices = { repeat: "weekly", weekdays: ["MO"], nth: 1, monthlyWeekday: "TH" };

describe("the schedule rule builder", () => {
  test.each<[string, Partial<RuleChoices>, string | null]>([
    ["every week on one day", { weekdays: ["TU"] }, "FREQ=WEEKLY;BYDAY=TU"],
    ["every week on several days, Monday first", { weekdays: ["FR", "MO", "WE"] }, "FREQ=WEEKLY;BYDAY=MO,WE,FR"],
    ["every other week", { repeat: "every_other_week", weekdays: ["MO"] }, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"],
    ["every other week on two days", { repeat: "every_other_week", weekdays: ["SU", "SA"] }, "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU"],
    ["the first Thursday of the month", { repeat: "monthly", nth: 1, monthlyWeekday: "TH" }, "FREQ=MONTHLY;BYDAY=1TH"],
    ["the second Tuesday", { repeat: "monthly", nth: 2, monthlyWeekday: "TU" }, "FREQ=MONTHLY;BYDAY=2TU"],
    ["the third Wednesday", { repeat: "monthly", nth: 3, monthlyWeekday: "WE" }, "FREQ=MONTHLY;BYDAY=3WE"],
    ["the fourth Saturday", { repeat: "monthly", nth: 4, monthlyWeekday: "SA" }, "FREQ=MONTHLY;BYDAY=4SA"],
    ["the last Friday", { repeat: "monthly", nth: -1, monthlyWeekday: "FR" }, "FREQ=MONTHLY;BYDAY=-1FR"],
    ["a weekly series with no day yet", { weekdays: [] }, null],
  ])("%s", (_name, choices, rule) => {
    expect(buildRule({ ...base, ...choices })).toBe(rule);
  });

  test("a rule it wrote is read back into the same choices", () => {
    for (const choices of [
      { ...base, weekdays: ["MO", "WE"] as RuleChoices["weekdays"] },
      { ...base, repeat: "every_other_week" as const },
      { ...base, repeat: "monthly" as const, nth: -1 as const, monthlyWeekday: "FR" as const },
    ]) {
      const rule = buildRule(choices) ?? "";
      expect(buildRule(readRule(rule) ?? base)).toBe(rule);
    }
  });

  test("rules the choices cannot say are not guessed at", () => {
    expect(readRule("FREQ=MONTHLY;BYMONTHDAY=15")).toBeNull();
    expect(readRule("FREQ=WEEKLY;INTERVAL=3;BYDAY=MO")).toBeNull();
    expect(readRule("FREQ=YEARLY;BYMONTH=2;BYDAY=1MO")).toBeNull();
    expect(readRule("FREQ=WEEKLY")).toBeNull();
  });

  test("the weekday of a local date", () => {
    expect(weekdayOf("2026-10-19")).toBe("MO");
    expect(weekdayOf("2026-11-01")).toBe("SU");
  });
});

import { afterEach, describe, expect, test, vi } from "vitest";

import { rememberReturnAfterSignUp, takeReturnAfterSignUp } from "./returnAfterSignUp";

afterEach(() => {
  vi.useRealTimers();
  localStorage.clear();
});

describe("the way back after signing up", () => {
  test("is taken once", () => {
    rememberReturnAfterSignUp("/invite/abc");
    expect(takeReturnAfterSignUp()).toBe("/invite/abc");
    expect(takeReturnAfterSignUp()).toBeNull();
  });

  test("the home page is not remembered", () => {
    rememberReturnAfterSignUp("/");
    expect(takeReturnAfterSignUp()).toBeNull();
  });

  test("is forgotten after a day", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2026-12-02T10:00:00Z"));
    rememberReturnAfterSignUp("/referral/abc");
    vi.setSystemTime(new Date("2026-12-03T10:00:01Z"));
    expect(takeReturnAfterSignUp()).toBeNull();
  });

  test("something else stored under its name is ignored", () => {
    localStorage.setItem("circles.return-after-sign-up", "not json");
    expect(takeReturnAfterSignUp()).toBeNull();
  });
});

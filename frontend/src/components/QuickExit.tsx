import { useEffect } from "react";

/** Where Quick exit goes: an everyday page that gives nothing away (GOV.UK's choice). */
export const EXIT_URL = "https://www.bbc.com/weather";
const PRESSES = 3;
const WITHIN_MS = 2000;

/** How the page is left; a seam so tests can watch it without leaving. */
export const exit = {
  go(url: string): void {
    window.location.replace(url);
  },
};

/** Leaves at once: what was on screen is gone first, and the page is replaced in the history,
 * so Back does not return to it. */
export function leaveNow(): void {
  document.title = "Weather";
  document.body.replaceChildren();
  exit.go(EXIT_URL);
}

/** Quick exit: a button first in the keyboard order, and Shift pressed three times. */
export function QuickExit() {
  useEffect(() => {
    let presses: number[] = [];
    function onKeyDown(event: KeyboardEvent) {
      if (event.key !== "Shift") {
        presses = [];
        return;
      }
      if (event.repeat) return;
      const now = event.timeStamp;
      presses = [...presses.filter((at) => now - at < WITHIN_MS), now];
      if (presses.length >= PRESSES) leaveNow();
    }
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  return (
    <button type="button" className="quick-exit" onClick={leaveNow} aria-describedby="quick-exit-hint">
      Quick exit
      <span id="quick-exit-hint" className="visually-hidden">
        Leaves this site at once for a weather page. You can also press Shift three times.
      </span>
    </button>
  );
}

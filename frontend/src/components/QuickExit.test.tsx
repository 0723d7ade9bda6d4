import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { EXIT_URL, exit, QuickExit } from "./QuickExit";

describe("Quick exit", () => {
  it("leaves for a neutral page from the button, hiding what was on screen first", async () => {
    const go = vi.spyOn(exit, "go").mockImplementation(() => undefined);
    render(
      <>
        <QuickExit />
        <p>Something private</p>
      </>,
    );
    await userEvent.click(screen.getByRole("button", { name: /Quick exit/ }));
    expect(go).toHaveBeenCalledWith(EXIT_URL);
    expect(document.body.textContent).toBe("");
  });

  it("leaves on Shift pressed three times, and not on Shift used for capitals", async () => {
    const go = vi.spyOn(exit, "go").mockImplementation(() => undefined);
    render(<QuickExit />);
    await userEvent.keyboard("{Shift>}A{/Shift}{Shift>}B{/Shift}");
    expect(go).not.toHaveBeenCalled();
    await userEvent.keyboard("{Shift}{Shift}{Shift}");
    expect(go).toHaveBeenCalledTimes(1);
  });
});

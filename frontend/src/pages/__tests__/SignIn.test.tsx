import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { fakeApi, json, problem, renderRoutes } from "../../testing";
import SignInPage from "../SignIn";

const session = vi.hoisted(() => ({ ready: true, signedIn: false, me: undefined, ended: undefined }));
vi.mock("../../lib/session", () => ({ useSession: () => session, useTimeZone: () => "UTC" }));

const PROBLEM = "urn:strength-circles:problem:";
const TOKENS = { access_token: "access-1", token_type: "bearer", expires_in: 900 };

function secondFactorRequired() {
  return problem(401, {
    type: `${PROBLEM}second-factor-required`,
    title: "Second step needed",
    detail: "Enter the 6-digit code from your authenticator app, or one of your recovery codes.",
    challenge: "challenge-1",
    expires_in: 300,
  });
}

async function passwordStep() {
  const user = userEvent.setup();
  renderRoutes("/sign-in?next=/account", [{ path: "/sign-in", element: <SignInPage /> }]);
  await user.type(screen.getByLabelText("Email"), "heron@example.org");
  await user.type(screen.getByLabelText("Password"), "a long and quiet river");
  await user.click(screen.getByRole("button", { name: "Sign in" }));
  return user;
}

describe("Signing in with two-step sign-in", () => {
  it("asks for the app's code when the API does, with focus on the new step, then signs in", async () => {
    const api = fakeApi({
      "POST /api/v1/auth/token": () => secondFactorRequired(),
      "POST /api/v1/auth/token/second-factor": () => json(TOKENS),
    });
    const user = await passwordStep();

    const heading = await screen.findByRole("heading", { level: 2, name: "Enter the code from your app" });
    expect(heading).toHaveFocus();
    const input = screen.getByLabelText("6-digit code");
    expect(input).toHaveAttribute("autocomplete", "one-time-code");
    expect(input).toHaveAttribute("inputmode", "numeric");
    expect(screen.queryByLabelText("Password")).not.toBeInTheDocument();

    await user.type(input, "123456");
    await user.click(screen.getByRole("button", { name: "Finish signing in" }));

    expect(await screen.findByTestId("elsewhere")).toHaveTextContent("/account");
    expect(api.to("POST", "/api/v1/auth/token/second-factor")[0]?.body).toEqual({
      challenge: "challenge-1",
      code: "123456",
    });
  });

  it("takes a recovery code instead", async () => {
    const api = fakeApi({
      "POST /api/v1/auth/token": () => secondFactorRequired(),
      "POST /api/v1/auth/token/second-factor": () => json(TOKENS),
    });
    const user = await passwordStep();
    await user.click(await screen.findByRole("button", { name: "Use a recovery code instead" }));

    expect(screen.getByRole("heading", { level: 2, name: "Enter a recovery code" })).toHaveFocus();
    const input = screen.getByLabelText("Recovery code");
    expect(input).toHaveAttribute("autocomplete", "off");
    await user.type(input, "abcd-efgh-jkmn-pqrs");
    await user.click(screen.getByRole("button", { name: "Finish signing in" }));

    await waitFor(() =>
      expect(api.to("POST", "/api/v1/auth/token/second-factor")[0]?.body).toEqual({
        challenge: "challenge-1",
        code: "abcd-efgh-jkmn-pqrs",
      }),
    );
  });

  it("says a code didn't work in one message, and lets the person try again", async () => {
    fakeApi({
      "POST /api/v1/auth/token": () => secondFactorRequired(),
      "POST /api/v1/auth/token/second-factor": () =>
        problem(400, {
          type: `${PROBLEM}second-factor-failed`,
          title: "Sign-in not finished",
          detail: "That code didn't work, or the email or password wasn't right. Check the code and try again, or sign in again.",
        }),
    });
    const user = await passwordStep();
    await user.type(await screen.findByLabelText("6-digit code"), "000000");
    await user.click(screen.getByRole("button", { name: "Finish signing in" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("That code didn't work, or the email or password wasn't right.");
    expect(screen.getByLabelText("6-digit code")).toHaveValue("");
  });

  it("goes back to the password when the sign-in has ended", async () => {
    fakeApi({
      "POST /api/v1/auth/token": () => secondFactorRequired(),
      "POST /api/v1/auth/token/second-factor": () =>
        problem(400, {
          type: `${PROBLEM}sign-in-ended`,
          title: "Sign-in ended",
          detail: "That code didn't work, or the email or password wasn't right. Please sign in again.",
        }),
    });
    const user = await passwordStep();
    await user.type(await screen.findByLabelText("6-digit code"), "000000");
    await user.click(screen.getByRole("button", { name: "Finish signing in" }));

    expect(await screen.findByRole("alert")).toHaveTextContent("Please sign in again.");
    expect(screen.getByLabelText("Email")).toHaveValue("heron@example.org");
    expect(screen.getByLabelText("Password")).toHaveValue("");
  });
});

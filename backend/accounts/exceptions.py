"""Errors of accounts and auth. Token endpoint errors carry RFC 6749's ``error`` code too."""

from typing import Any, ClassVar

from backend.core.errors import AppError, Conflict, Forbidden, TooManyRequests


class EmailTaken(Conflict):
    slug = "email-taken"
    detail = (
        "An account with this email exists already. Sign in, or reset the password if it "
        "is forgotten."
    )


class SelfLockout(Conflict):
    slug = "self-lockout"
    detail = (
        "You cannot remove your own admin role or deactivate your own account; ask another "
        "admin to do it."
    )


class WrongCurrentPassword(Forbidden):
    slug = "wrong-current-password"
    detail = "The current password is not right. Try again, or sign out and reset it."


class PasswordChangedMeanwhile(Conflict):
    slug = "password-changed-meanwhile"
    detail = (
        "Your password was changed a moment ago by another request (perhaps the same form, "
        "sent twice), so this change was not made. If you are signed out, sign in with the "
        "new password."
    )


class InvalidResetToken(AppError):
    status = 400
    title = "Reset link not valid"
    slug = "invalid-reset-token"
    detail = "This reset link is invalid, used or expired. Ask for a new one."


class InvalidConfirmationToken(AppError):
    status = 400
    title = "Confirmation link not valid"
    slug = "invalid-confirmation-token"
    detail = (
        "This confirmation link has expired or was already used. Signing up again with the "
        "same email address sends a new one."
    )


class ConfirmationPasswordMismatch(AppError):
    status = 400
    title = "Password does not match"
    slug = "confirmation-password-mismatch"
    detail = (
        "This password does not match the one chosen at sign-up. Try again, or sign up again "
        "with the same email address to choose a password and get a new link."
    )


class NotFromTheApp(Forbidden):
    slug = "not-from-the-app"
    detail = "This request did not come from the Strength Circles app."


class InsufficientScope(Forbidden):
    slug = "insufficient-scope"

    def __init__(self, required: list[str]):
        needed = " ".join(required)
        super().__init__(
            f"This client's token does not carry the scope this needs ({needed})."
            if required
            else "Service clients cannot use this; it is for signed-in people."
        )
        self.headers = {"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{needed}"'}


class SignUpsThrottled(TooManyRequests):
    slug = "too-many-sign-ups"

    def __init__(self, retry_after: int):
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            "Many sign-ups have come from this network in the last hour. Please try again in "
            f"about {minutes} minute{'s' if minutes != 1 else ''}.",
            retry_after=retry_after,
        )


class LoginThrottled(TooManyRequests):
    slug = "too-many-attempts"

    def __init__(self, retry_after: int):
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"Too many unsuccessful attempts. Try again in about {minutes} minute"
            f"{'s' if minutes != 1 else ''}, or reset the password.",
            retry_after=retry_after,
        )


class OAuthError(AppError):
    """An RFC 6749 section 5.2 error, as problem+json with ``error`` and
    ``error_description`` members so OAuth client libraries understand it too."""

    status = 400
    title = "Token request refused"
    error: ClassVar[str] = "invalid_request"

    @property
    def extensions(self) -> dict[str, Any]:
        return {"error": self.error, "error_description": self.detail}


class InvalidRequest(OAuthError):
    slug = "oauth-invalid-request"
    error = "invalid_request"


class InvalidGrant(OAuthError):
    slug = "oauth-invalid-grant"
    error = "invalid_grant"


class InvalidClient(OAuthError):
    status = 401
    slug = "oauth-invalid-client"
    error = "invalid_client"
    detail = "The client id or secret is not right, or the client was revoked."

    def __init__(self, detail: str | None = None):
        super().__init__(detail, headers={"WWW-Authenticate": 'Basic realm="strength-circles"'})


class UnsupportedGrantType(OAuthError):
    slug = "oauth-unsupported-grant-type"
    error = "unsupported_grant_type"
    detail = "grant_type must be password, refresh_token or client_credentials."


class InvalidScope(OAuthError):
    slug = "oauth-invalid-scope"
    error = "invalid_scope"


# --- two-step sign-in -------------------------------------------------------------------------


class SecondFactorRequired(AppError):
    """The first step of a sign-in to an account with two-step sign-in on. Answered the same
    way whether or not the password was right; only the challenge differs (it is random)."""

    status = 401
    title = "Second step needed"
    slug = "second-factor-required"
    detail = (
        "Enter the 6-digit code from your authenticator app, or one of your recovery codes, "
        "to finish signing in."
    )

    def __init__(self, challenge: str, expires_in: int):
        super().__init__(headers={"WWW-Authenticate": "Bearer"})
        self.challenge = challenge
        self.expires_in = expires_in

    @property
    def extensions(self) -> dict[str, Any]:
        return {"challenge": self.challenge, "expires_in": self.expires_in}


class SecondFactorFailed(AppError):
    """Said whether the code or the password was wrong: neither is told apart."""

    status = 400
    title = "Sign-in not finished"
    slug = "second-factor-failed"
    detail = (
        "That code didn't work, or the email or password wasn't right. Check the code and try "
        "again, or sign in again."
    )


class SignInEnded(AppError):
    status = 400
    title = "Sign-in ended"
    slug = "sign-in-ended"
    detail = (
        "That code didn't work, or the email or password wasn't right. Please sign in again "
        "(each sign-in allows 5 tries at the code, within 5 minutes)."
    )


class TwoFactorRequired(Forbidden):
    slug = "two-factor-required"
    title = "Two-step sign-in needed"
    detail = (
        "Staff tools need two-step sign-in. Turn it on in Account, under “Two-step sign-in”, "
        "then try again. Everything you do as a member keeps working meanwhile."
    )


class TwoFactorAlreadyOn(Conflict):
    slug = "two-factor-already-on"
    detail = (
        "Two-step sign-in is already on for your account. To set it up with a new app, turn it "
        "off first, then turn it on again."
    )


class TwoFactorNotStarted(Conflict):
    slug = "two-factor-not-started"
    detail = "Start turning on two-step sign-in first: it shows the code to scan with your app."


class TwoFactorOff(Conflict):
    slug = "two-factor-off"
    detail = "Two-step sign-in is not on for your account, so there is nothing to change."


class WrongTwoFactorCode(AppError):
    status = 400
    title = "Code not right"
    slug = "two-factor-code-not-right"
    detail = (
        "That code didn't match. Type the newest code your app shows (they change every 30 "
        "seconds), and check that your phone sets its time automatically."
    )


class TwoFactorThrottled(TooManyRequests):
    slug = "too-many-attempts"

    def __init__(self, retry_after: int):
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"Too many codes or passwords that weren't right. Try again in about {minutes} "
            f"minute{'s' if minutes != 1 else ''}.",
            retry_after=retry_after,
        )

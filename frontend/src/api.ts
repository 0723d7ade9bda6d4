import { createCirclesClient } from "@strength-circles/client";

/** The one client of the app. "cookie" mode: the refresh token is an HttpOnly cookie that this
 * page's JavaScript can never read; the access token lives in memory only. */
export const circles = createCirclesClient({ baseUrl: window.location.origin, mode: "cookie" });

import { type ReactNode, useEffect, useRef } from "react";
import { useLocation } from "react-router";

/** A page's title: sets the document title and, after a navigation inside the app, moves focus
 * to the heading, so screen-reader and keyboard users start reading the new page from its top.
 * (The first page of a visit keeps the browser's own focus, at the top of the document.) */
export function PageHeading({ title, children }: { title: string; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { key, pathname } = useLocation();
  useEffect(() => {
    document.title = `${title} – Strength Circles`;
  }, [title]);
  useEffect(() => {
    // React Router names the location a visit starts on "default"; every navigation gets a key.
    // Only a new page moves focus: a filter changing the query string must leave it where the
    // person is (on the select they are using).
    if (key !== "default") heading.current?.focus();
  }, [pathname]);
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children ?? title}
    </h1>
  );
}

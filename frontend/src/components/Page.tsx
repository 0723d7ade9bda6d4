import { type ReactNode, useEffect, useRef } from "react";

let navigated = false;

/** Called by the layout on every route change after the first page. */
export function markNavigation(): void {
  navigated = true;
}

/** A page's title: sets the document title and, after a navigation, moves focus to the heading
 * so screen-reader and keyboard users start reading the new page from its top. */
export function PageHeading({ title, children }: { title: string; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – Strength Circles`;
  }, [title]);
  useEffect(() => {
    if (navigated) heading.current?.focus();
  }, []);
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children ?? title}
    </h1>
  );
}

import "../styles/library.css";

import type { BookmarkRead, PageBookmarkRead } from "@strength-circles/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState } from "react";
import { Link } from "react-router";

import { circles } from "../api";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";
import { useTimeZone } from "../lib/session";
import { ResourceCard, dateInWords } from "./Library";

export default function BookmarksPage() {
  const zone = useTimeZone();
  const queryClient = useQueryClient();
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [removed, setRemoved] = useState<BookmarkRead | null>(null);
  const [message, setMessage] = useState("");
  const bookmarks = useQuery({ queryKey: ["bookmarks"], queryFn: circles.me.bookmarks });

  const remove = useMutation({
    mutationFn: (bookmark: BookmarkRead) => circles.me.unbookmark(bookmark.resource.id),
    onMutate: async (bookmark) => {
      setMessage("");
      await queryClient.cancelQueries({ queryKey: ["bookmarks"] });
      const before = queryClient.getQueryData<PageBookmarkRead>(["bookmarks"]);
      queryClient.setQueryData<PageBookmarkRead>(["bookmarks"], (list) =>
        list ? { ...list, items: list.items.filter((item) => item.resource.id !== bookmark.resource.id) } : list,
      );
      // The card and its button are gone: carry on from the list's heading.
      heading.current?.focus();
      return { before };
    },
    onSuccess: (_answer, bookmark) => {
      setRemoved(bookmark);
      setMessage(`Removed “${bookmark.resource.title}” from Saved for later.`);
    },
    onError: (_error, _bookmark, context) => {
      if (context?.before) queryClient.setQueryData(["bookmarks"], context.before);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["bookmarks"] }),
  });

  const undo = useMutation({
    mutationFn: (bookmark: BookmarkRead) => circles.me.bookmark(bookmark.resource.id),
    onSuccess: (answer) => {
      setRemoved(null);
      setMessage(`“${answer.resource.title}” is saved again.`);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["bookmarks"] }),
  });

  const items = bookmarks.data?.items ?? [];
  const count = items.length === 1 ? "1 saved resource" : `${items.length} saved resources`;

  return (
    <>
      <PageHeading title="Saved for later" />
      <p className="narrow">
        Things from the library you wanted to come back to, newest first. Only you can see this list.
      </p>
      <div role="status">
        {message ? (
          <div className="notice success">
            <p>
              {message}
              {removed ? (
                <>
                  {" "}
                  <button
                    type="button"
                    className="button link"
                    disabled={undo.isPending}
                    onClick={() => undo.mutate(removed)}
                  >
                    Undo
                  </button>
                </>
              ) : null}
            </p>
          </div>
        ) : null}
      </div>
      <Problem error={remove.error ?? undo.error} />
      {bookmarks.isPending ? <Loading what="your saved resources" /> : null}
      <Problem error={bookmarks.error} retry={() => void bookmarks.refetch()} />
      {bookmarks.isSuccess ? (
        <section aria-labelledby={headingId}>
          <h2 id={headingId} ref={heading} tabIndex={-1}>
            {items.length === 0 ? "Nothing saved yet" : count}
          </h2>
          {items.length === 0 ? (
            <div className="notice">
              <p>
                When you find something in the library you would like to keep, choose “Save for later”
                on its page and it will wait for you here.
              </p>
              <p>
                <Link to="/library">Browse the library</Link>
              </p>
            </div>
          ) : (
            <ul className="cards two">
              {items.map((bookmark) => (
                <ResourceCard
                  key={bookmark.resource.id}
                  resource={bookmark.resource}
                  extra={
                    <>
                      <p className="small muted">Saved on {dateInWords(bookmark.saved_at, zone)}</p>
                      <div className="actions">
                        <button
                          type="button"
                          className="button secondary"
                          onClick={() => remove.mutate(bookmark)}
                        >
                          Remove <span className="visually-hidden">“{bookmark.resource.title}” from saved</span>
                        </button>
                      </div>
                    </>
                  }
                />
              ))}
            </ul>
          )}
          {items.length > 0 ? (
            <p>
              <Link to="/library">Back to the library</Link>
            </p>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

import type { NotificationPage, NotificationRead } from "@strength-circles/client";
import { type InfiniteData, useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { Link } from "react-router";

import { circles } from "../api";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";
import { appPath, LIST_KEY, UNREAD_KEY, useUnreadCount } from "../lib/notifications";
import { useTimeZone } from "../lib/session";
import { clock, dayName } from "../lib/time";

type Pages = InfiniteData<NotificationPage, string | undefined>;

/** Marks these read in the cache at once, so the page and the bell agree before the server answers. */
function markedInCache(pages: Pages | undefined, ids: Set<string> | "all", at: string): Pages | undefined {
  if (!pages) return pages;
  return {
    ...pages,
    pages: pages.pages.map((page) => ({
      ...page,
      items: page.items.map((item) =>
        item.read_at === null && (ids === "all" || ids.has(item.id)) ? { ...item, read_at: at } : item,
      ),
    })),
  };
}

function Item({ item, zone, onFollow }: { item: NotificationRead; zone: string; onFollow: () => void }) {
  const unread = item.read_at === null;
  const created = new Date(item.created_at);
  const path = appPath(item.link);
  return (
    <li className={unread ? "card notification unread" : "card notification"}>
      {/* Seen as a badge; heard with the heading, for those who move from heading to heading. */}
      {unread ? (
        <p className="badge new" aria-hidden="true">
          New
        </p>
      ) : null}
      <h2>
        {path ? (
          <Link to={path} onClick={onFollow}>
            {item.title}
          </Link>
        ) : (
          item.title
        )}
        {unread ? <span className="visually-hidden"> (new)</span> : null}
      </h2>
      <p className="body">{item.body}</p>
      <p className="small muted">
        <time dateTime={item.created_at}>
          {dayName(created, zone)}, {clock(created, zone)}
        </time>
        {unread ? null : " · Read"}
      </p>
    </li>
  );
}

/** The notification centre: what Strength Circles told the person, newest first. */
export default function NotificationsPage() {
  const zone = useTimeZone();
  const queryClient = useQueryClient();
  const [said, setSaid] = useState("");
  // Where focus goes once "Mark all as read" is done (the button is disabled then).
  const status = useRef<HTMLDivElement>(null);
  const list = useInfiniteQuery({
    queryKey: LIST_KEY,
    queryFn: async ({ pageParam }) => {
      const page = await circles.notifications.list(pageParam);
      // The bell shows the same count as the page.
      queryClient.setQueryData(UNREAD_KEY, { unread_count: page.unread_count });
      return page;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    staleTime: 0,
    refetchOnWindowFocus: true,
  });

  function settled(unread: number) {
    queryClient.setQueryData(UNREAD_KEY, { unread_count: unread });
  }

  const markAll = useMutation({
    mutationFn: () => circles.notifications.markAllRead(),
    onSuccess: (answer) => {
      queryClient.setQueryData<Pages>(LIST_KEY, (pages) => markedInCache(pages, "all", new Date().toISOString()));
      settled(answer.unread_count);
      setSaid("All your notifications are marked as read.");
      status.current?.focus();
    },
  });

  // Following a notification's link marks it read; the page it leads to opens at once.
  function follow(item: NotificationRead) {
    if (item.read_at !== null) return;
    queryClient.setQueryData<Pages>(LIST_KEY, (pages) => markedInCache(pages, new Set([item.id]), new Date().toISOString()));
    void circles.notifications
      .markRead([item.id])
      .then((answer) => settled(answer.unread_count))
      .catch(() => queryClient.invalidateQueries({ queryKey: ["notifications"] }));
  }

  const pages = list.data?.pages ?? [];
  const items = pages.flatMap((page) => page.items);
  const unread = useUnreadCount() ?? pages.at(-1)?.unread_count ?? 0;

  return (
    <div className="narrow">
      <PageHeading title="Notifications" />
      <p>
        What Strength Circles has told you, newest first. You can choose what we send, and how, in your{" "}
        <Link to="/account#notifications">notification settings</Link>.
      </p>
      <div role="status" tabIndex={-1} ref={status}>
        {said ? <p className="notice success">{said}</p> : null}
      </div>
      <Problem error={markAll.error} />
      {list.isPending ? <Loading what="your notifications" /> : null}
      {list.error && !list.data ? <Problem error={list.error} retry={() => void list.refetch()} /> : null}
      {list.isSuccess && items.length === 0 ? (
        <div className="notice">
          <p>
            Nothing here yet. When something changes about your meetings, your circles or your mentoring, you will find
            it here.
          </p>
        </div>
      ) : null}
      {items.length > 0 ? (
        <>
          <div className="actions">
            <p className="muted">{unread === 0 ? "You have read them all." : `${unread} unread.`}</p>
            <button
              type="button"
              className="button secondary"
              disabled={markAll.isPending || unread === 0}
              onClick={() => {
                setSaid("");
                markAll.mutate();
              }}
            >
              Mark all as read
            </button>
          </div>
          <ul className="cards notifications" aria-label="Your notifications">
            {items.map((item) => (
              <Item key={item.id} item={item} zone={zone} onFollow={() => follow(item)} />
            ))}
          </ul>
        </>
      ) : null}
      <Problem error={list.isFetchNextPageError ? list.error : null} />
      {list.hasNextPage ? (
        <p>
          <button
            type="button"
            className="button secondary"
            disabled={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
          >
            {list.isFetchingNextPage ? "Loading more…" : "Show more"}
          </button>
        </p>
      ) : null}
    </div>
  );
}

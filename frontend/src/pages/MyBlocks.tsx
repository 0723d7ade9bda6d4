import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";

import { circles } from "../api";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";
import { useTimeZone } from "../lib/session";
import { dateInWords } from "./Library";

/** The people the member blocked: never suggested or matched together, and hidden from each
 * other's member lists. Unblocking is theirs to do; neither is ever told. */
export default function MyBlocksPage() {
  const zone = useTimeZone();
  const queryClient = useQueryClient();
  const [said, setSaid] = useState("");
  const blocks = useQuery({ queryKey: ["blocks"], queryFn: circles.blocks.list });
  const unblock = useMutation({
    mutationFn: ({ userId }: { userId: string; name: string }) => circles.blocks.remove(userId),
    onSuccess: async (_, { name }) => {
      setSaid(`You unblocked ${name}. They are not told.`);
      await queryClient.invalidateQueries({ queryKey: ["blocks"] });
    },
  });
  return (
    <article className="narrow">
      <PageHeading title="People you blocked" />
      <p>
        You are never suggested or matched with them, and you are not shown to them in a circle's member list. They
        are not told, and they are not told if you unblock them either. If someone is harming you,{" "}
        <Link to="/account/reports">tell the team</Link> too.
      </p>
      {said ? (
        <p className="notice success" role="status">
          {said}
        </p>
      ) : null}
      {blocks.isPending ? <Loading what="the people you blocked" /> : null}
      <Problem error={blocks.error ?? unblock.error} retry={() => void blocks.refetch()} />
      {blocks.data && blocks.data.items.length === 0 ? <p className="muted">You haven't blocked anyone.</p> : null}
      <ul className="cards">
        {(blocks.data?.items ?? []).map((block) => (
          <li className="card" key={block.user_id}>
            <h2>{block.display_name}</h2>
            <p className="small muted">Blocked {dateInWords(block.blocked_at, zone)}</p>
            <button
              type="button"
              className="button secondary"
              disabled={unblock.isPending}
              onClick={() => unblock.mutate({ userId: block.user_id, name: block.display_name })}
            >
              Unblock {block.display_name}
            </button>
          </li>
        ))}
      </ul>
    </article>
  );
}

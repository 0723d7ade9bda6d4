import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";

import { circles } from "../api";
import { Loading, Problem } from "./Problem";

/** The topics a circle, a resource or a story is tagged with, as checkboxes (at most `max`).
 * The first box's id is `${id}-0`, for an error summary's link. Topics already chosen that the
 * vocabulary no longer lists stay shown, so they can be taken off. */
export function TopicChoices({
  id,
  hint,
  error,
  chosen,
  max,
  onChange,
}: {
  id: string;
  hint: ReactNode;
  error?: string | undefined;
  chosen: string[];
  max: number;
  onChange: (topics: string[]) => void;
}) {
  const topics = useQuery({ queryKey: ["topics"], queryFn: circles.groups.topics, staleTime: 10 * 60_000 });
  const listed = topics.data?.items ?? [];
  const extra = chosen.filter((slug) => !listed.some((topic) => topic.slug === slug));
  return (
    <fieldset className="field" aria-describedby={[`${id}-hint`, error ? `${id}-error` : ""].filter(Boolean).join(" ")}>
      <legend>Topics</legend>
      <p className="hint" id={`${id}-hint`}>
        {hint} {chosen.length} of {max} chosen.
      </p>
      {error ? (
        <p className="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {topics.isPending ? <Loading what="topics" /> : null}
      <Problem error={topics.error} retry={() => void topics.refetch()} />
      <div className="topic-choices">
        {[...listed, ...extra.map((slug) => ({ slug, name: slug }))].map((topic, index) => {
          const checked = chosen.includes(topic.slug);
          return (
            <label className="choice" key={topic.slug}>
              <input
                id={`${id}-${index}`}
                type="checkbox"
                name="topics"
                value={topic.slug}
                checked={checked}
                disabled={!checked && chosen.length >= max}
                onChange={(e) => onChange(e.target.checked ? [...chosen, topic.slug] : chosen.filter((slug) => slug !== topic.slug))}
              />
              {topic.name}
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}

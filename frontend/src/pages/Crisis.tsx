import type { CrisisChannel, CrisisResource, CrisisResources } from "@strength-circles/client";
import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import { useSearchParams } from "react-router";

import { circles } from "../api";
import { PageHeading } from "../components/Page";
import { Loading, Problem } from "../components/Problem";

const REGION_NAMES: Record<string, string> = {
  US: "United States",
  CA: "Canada",
  GB: "United Kingdom",
  IE: "Ireland",
  AU: "Australia",
  NZ: "New Zealand",
  EU: "European Union (other countries)",
};
const OTHER = "other";
const ALIASES: Record<string, string> = { UK: "GB" };

/** The browser's country, from its language setting ("en-GB" → GB), if it names one. */
export function localeRegion(): string | null {
  for (const tag of navigator.languages ?? [navigator.language]) {
    try {
      const region = new Intl.Locale(tag).maximize().region;
      if (region) return ALIASES[region] ?? region;
    } catch {
      // An odd tag: try the next one.
    }
  }
  return null;
}

/** The region to show for a country: its own entries, the EU-wide ones, or only directories. */
export function regionFor(country: string | null, data: CrisisResources): string {
  if (!country) return OTHER;
  const code = ALIASES[country] ?? country;
  if (data.items.some((item) => item.region === code)) return code;
  if (data.eu_member_states.includes(code)) return "EU";
  return OTHER;
}

function channelHref(channel: CrisisChannel): string | null {
  const value = channel.value.trim();
  switch (channel.method) {
    case "call":
      return `tel:${value.replace(/[^0-9+*#]/g, "")}`;
    case "text":
      return `sms:${value.replace(/[^0-9+]/g, "")}`;
    case "email":
      return `mailto:${value}`;
    case "chat":
    case "web":
    case "video": {
      const url = /^https?:\/\//.test(value) ? value : `https://${value}`;
      return url;
    }
    default:
      return null;
  }
}

const METHOD_WORDS: Record<CrisisChannel["method"], string> = {
  call: "Call",
  text: "Text",
  chat: "Chat online",
  email: "Email",
  web: "Website",
  video: "Video call",
};

function Channels({ resource }: { resource: CrisisResource }) {
  return (
    <ul className="channel-links" aria-label={`Ways to reach ${resource.name}`}>
      {resource.channels.map((channel) => {
        const href = channelHref(channel);
        const external = channel.method === "chat" || channel.method === "web" || channel.method === "video";
        const label = `${METHOD_WORDS[channel.method]}${channel.method === "call" || channel.method === "text" ? ` ${channel.value}` : ""}`;
        // The instructions only when they add something ("Call 988, then press 1"), not when
        // they repeat the button ("Call 911").
        const addsSomething = channel.instructions.trim().replace(/\.$/, "").toLowerCase() !== label.toLowerCase();
        return (
          <li key={`${channel.method}-${channel.value}`}>
            {href ? (
              <a
                className={channel.method === "call" ? "button" : "button secondary"}
                href={href}
                {...(external ? { rel: "noopener noreferrer", target: "_blank" } : {})}
              >
                {label}
              </a>
            ) : null}
            {addsSomething || !href ? <p className="small">{channel.instructions}</p> : null}
          </li>
        );
      })}
    </ul>
  );
}

export function ResourceCard({ resource, emergency = false }: { resource: CrisisResource; emergency?: boolean }) {
  return (
    <li className={emergency ? "card emergency" : "card"}>
      <h3>{resource.name}</h3>
      {resource.notes ? <p>{resource.notes}</p> : null}
      <Channels resource={resource} />
      <ul className="meta">
        <li>Open: {resource.hours === "24/7" ? "24 hours a day, every day" : resource.hours}</li>
        {resource.audience ? <li>For: {resource.audience}</li> : null}
        <li>Checked on {resource.verified_on}</li>
      </ul>
    </li>
  );
}

export function CrisisPage() {
  const [params, setParams] = useSearchParams();
  const pickerId = useId();
  const lines = useQuery({
    queryKey: ["crisis-lines"],
    queryFn: circles.library.crisisLines,
    staleTime: 60 * 60_000,
    retry: false,
  });

  const data = lines.data?.data;
  const region = data ? (params.get("region") ?? regionFor(localeRegion(), data)) : OTHER;
  const regional = data ? data.items.filter((item) => item.region === region) : [];
  const emergency = regional.find((item) => item.kind === "emergency");
  const others = regional.filter((item) => item !== emergency);
  const regions = data ? [...new Set(data.items.map((item) => item.region ?? ""))].filter(Boolean) : [];

  return (
    <div className="narrow">
      <PageHeading title="Get help now" />
      <p className="notice error">
        <strong>If you or someone else is in immediate danger, call your local emergency number now.</strong>
      </p>
      {lines.isPending ? <Loading what="crisis lines" /> : null}
      {lines.error ? (
        <>
          <Problem error={lines.error} retry={() => void lines.refetch()} />
          <p>
            Call your local emergency number. In the United States and Canada you can also call or text{" "}
            <a href="tel:988">988</a>.
          </p>
        </>
      ) : null}
      {data ? (
        <>
          {lines.data?.savedAt ? (
            <p className="notice warning" role="status">
              You are seeing the crisis lines saved on this device on{" "}
              {new Date(lines.data.savedAt).toLocaleDateString("en-US", { dateStyle: "long" })}, because
              Strength Circles can't be reached right now. The numbers rarely change.
            </p>
          ) : null}
          <div className="field">
            <label htmlFor={pickerId}>Where are you?</label>
            <select
              id={pickerId}
              value={region}
              onChange={(event) => setParams({ region: event.target.value }, { replace: true })}
            >
              {regions.map((code) => (
                <option key={code} value={code}>
                  {REGION_NAMES[code] ?? code}
                </option>
              ))}
              <option value={OTHER}>Another country</option>
            </select>
          </div>
          <ul className="cards crisis-list">
            {emergency ? <ResourceCard resource={emergency} emergency /> : null}
            {others.map((resource) => (
              <ResourceCard key={resource.id} resource={resource} />
            ))}
          </ul>
          <h2>Helplines in every country</h2>
          <ul className="cards crisis-list">
            {data.international.map((resource) => (
              <ResourceCard key={resource.id} resource={resource} />
            ))}
          </ul>
          <p className="muted">{data.not_a_crisis_service}</p>
        </>
      ) : null}
    </div>
  );
}

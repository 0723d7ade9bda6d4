import { useMemo } from "react";

import { knownTimeZones } from "../lib/time";

/** Every IANA zone the browser knows, with the chosen one always present. */
export function TimeZoneSelect({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange: (zone: string) => void;
}) {
  const zones = useMemo(() => {
    const all = knownTimeZones();
    return all.includes(value) ? all : [value, ...all];
  }, [value]);
  return (
    <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
      {zones.map((zone) => (
        <option key={zone} value={zone}>
          {zone.replaceAll("_", " ")}
        </option>
      ))}
    </select>
  );
}

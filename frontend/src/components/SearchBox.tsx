import { useId } from "react";

/** The search field of a finder: named `q`, submitted with its button or Enter. */
export function SearchBox({ label, value, maxLength }: { label: string; value: string; maxLength: number }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="search-row">
        {/* Keyed by the value in the URL, so going Back shows that search again. */}
        <input id={id} name="q" type="search" defaultValue={value} key={value} maxLength={maxLength} />
        <button type="submit" className="button">
          Search
        </button>
      </div>
    </div>
  );
}

export interface Chip<Key extends string> {
  key: Key;
  label: string;
}

/** The filters in use, each a button that removes it, and a way to clear them all. */
export function FilterChips<Key extends string>({
  chips,
  onRemove,
  onClear,
}: {
  chips: Chip<Key>[];
  onRemove: (key: Key) => void;
  onClear: () => void;
}) {
  if (chips.length === 0) return null;
  return (
    <ul className="chips" aria-label="Filters in use">
      {chips.map((chip) => (
        <li key={chip.key}>
          <button type="button" className="chip" onClick={() => onRemove(chip.key)}>
            <span className="visually-hidden">Remove filter:</span> {chip.label}{" "}
            <span aria-hidden="true">×</span>
          </button>
        </li>
      ))}
      {chips.length > 1 ? (
        <li>
          <button type="button" className="button link" onClick={onClear}>
            Clear all filters
          </button>
        </li>
      ) : null}
    </ul>
  );
}

import { useState } from "react";

/** Copies a secret shown once (a client secret, an invitation link), and says so. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <>
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={() => {
            void navigator.clipboard?.writeText(text).then(() => setCopied(true));
          }}
        >
          {label}
        </button>
      </div>
      {copied ? <p role="status">Copied.</p> : null}
    </>
  );
}

/** Hands a file the API answered to the browser's downloads (calendars, the data export). */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Long enough for the download to start; the file is small.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

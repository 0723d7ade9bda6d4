import "./style.css";

// Shows whether the service (and its database) can answer, in words rather than a code.
async function showStatus(element: HTMLElement): Promise<void> {
  try {
    const response = await fetch("/readyz", { headers: { Accept: "application/json" } });
    element.textContent = response.ok
      ? "up and running."
      : "temporarily unavailable. Please try again in a few minutes.";
  } catch {
    element.textContent = "not reachable from this page right now.";
  }
}

const status = document.getElementById("status");
if (status) {
  void showStatus(status);
}

import { SCREENSHOTS } from "./support";

export default function teardown(): void {
  console.log(`\nScreenshots of the main pages: ${SCREENSHOTS}`);
}

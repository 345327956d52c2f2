/*
 * No imports: this runs before anything that loads mongoose or @nestjs/cqrs, which an older
 * Node cannot even load (they are ES modules required from CommonJS: ERR_REQUIRE_ESM).
 */

/** Node lines that load ES modules with require(): 20.19+ and 22.12+ (21 and 22.0-22.11 do not). */
export const NODE_VERSION_NEEDED = '^20.19.0 || >=22.12.0';

/** Why this Node cannot run the app, or null when it can. */
export function nodeVersionProblem(version: string): string | null {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  const fits = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22;
  return fits ? null : `Node.js 20.19 or later is needed (22.12 or later on the 22 line); this is ${version}`;
}

/** Prints why and exits 1 on a Node too old to run the app. */
export function assertNodeVersion(version = process.versions.node): void {
  const problem = nodeVersionProblem(version);
  if (problem === null) return;
  console.error(problem);
  process.exit(1);
}

// Project names: PEP 503 normalisation and the escaping wheel/dist-info file names use. Pure.

const VALID_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** Is `name` a valid project name (PEP 508: letters, digits, `.`, `_`, `-`, starting and ending alphanumeric)? */
export function isValidProjectName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** PEP 503 normalised form: lowercase, runs of `-`, `_`, `.` become one `-` ("Foo.Bar_baz" -> "foo-bar-baz"). */
export function canonicalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** Do two project names refer to the same project? */
export function sameProject(a: string, b: string): boolean {
  return canonicalizeName(a) === canonicalizeName(b);
}

/**
 * The name as written in wheel and `.dist-info` file names (binary distribution format):
 * runs of `-`, `_`, `.` become `_` (case is kept; compare with `canonicalizeName`).
 */
export function escapeWheelName(name: string): string {
  return name.replace(/[-_.]+/g, '_');
}

/** The version as written in wheel and `.dist-info` file names: `-` becomes `_`. */
export function escapeWheelVersion(version: string): string {
  return version.replace(/-/g, '_');
}

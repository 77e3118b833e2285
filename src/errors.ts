/**
 * The one error type venvkit throws on purpose. `code` is stable (programs may switch on it),
 * `message` names the problem, `hint` says what to do about it. The CLI prints both and exits
 * with `exitCode`.
 */
export type ErrorCode =
  | 'USAGE'
  | 'NOT_IMPLEMENTED'
  | 'PYTHON_NOT_FOUND'
  | 'PYTHON_UNSUPPORTED'
  | 'PYTHON_BROKEN'
  | 'BAD_SPEC'
  | 'TARGET_EXISTS'
  | 'TARGET_IS_FILE'
  | 'TARGET_NOT_WRITABLE'
  | 'REPORT_NOT_WRITTEN'
  | 'USER_SITE_UNAVAILABLE'
  | 'BAD_PATH'
  | 'NOT_A_VENV'
  | 'VENV_NOT_FOUND'
  | 'BAD_WHEEL'
  | 'UNSAFE_WHEEL'
  | 'HASH_MISMATCH'
  | 'NOT_INSTALLED'
  | 'BAD_REQUIREMENT'
  | 'INDEX_ERROR'
  | 'NO_UPLOAD_TIME'
  | 'NO_SOLUTION'
  | 'NOT_FOUND'
  | 'NO_WHEEL'
  | 'LOCKED'
  | 'SHELL_UNSUPPORTED'
  | 'COMMAND_FAILED'
  | 'INTERRUPTED'
  | 'TXN_INTERRUPTED'
  | 'NOT_PERMITTED'
  | 'READ_ONLY_FS'
  | 'PATH_CONFLICT'
  | 'NAME_TOO_LONG'
  | 'NO_SPACE'
  | 'BAD_PYPROJECT'
  | 'NOT_A_PROJECT'
  | 'BUILD_FAILED'
  | 'BAD_SDIST'
  | 'VCS_FAILED'
  | 'BAD_DEPENDENCY_GROUP'
  | 'CROSS_DEVICE'
  | 'BAD_LOCK'
  | 'LOCK_UNCOVERED'
  | 'NO_INPUT'
  | 'CACHE_UNTRUSTED'
  | 'LOCK_ENVIRONMENT'
  | 'INTERNAL';

const BRAND = Symbol.for('venvkit.VenvkitError');

export class VenvkitError extends Error {
  /**
   * `instanceof` works across copies of this class: each CLI command is its own bundle, and the
   * dispatcher that prints errors has its own copy.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // A cancelled call (INTERRUPTED) is also what hosts test for: `e.name === 'AbortError'`.
    this.name = code === 'INTERRUPTED' ? 'AbortError' : 'VenvkitError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? (code === 'USAGE' ? 2 : code === 'INTERRUPTED' ? 130 : 1);
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string } {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}

/**
 * Is `e` an error venvkit threw on purpose (optionally: with this `code`)? Checks the brand every
 * VenvkitError carries, not the class, so it also recognises errors from another copy of venvkit (its
 * ESM and CommonJS entries, a host's several bundles); a plain object with a `code` is not one.
 */
export function isVenvkitError(e: unknown, code?: ErrorCode): e is VenvkitError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true && (code === undefined || (e as VenvkitError).code === code);
}

/** The `code` of a Node system error (ENOENT, EACCES...), or undefined. */
export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}

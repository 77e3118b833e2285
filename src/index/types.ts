// Shared shapes of the index layer: settings (pip config + flags), candidates, project pages.
import type { ReleaseOp } from './release-control.js';
import type { FormatControlOp } from './format-control.js';
import type { MissingUploadTime } from './upload-time.js';

/** Where packages are looked for, and how: pip's configuration merged with venvkit's flags. */
export interface IndexSettings {
  /** The main index (PEP 503/691 base URL). pip's default: https://pypi.org/simple */
  indexUrl: string;
  extraIndexUrls: string[];
  /** Directories, HTML pages or archive URLs (pip's --find-links). */
  findLinks: string[];
  /** Ignore indexUrl and extraIndexUrls (find-links still used). */
  noIndex: boolean;
  pre: boolean;
  /** Constraint files (absolute paths or URLs) from config, env or flags. */
  constraints: string[];
  requireHashes: boolean;
  /** pip's configuration's no-require-hashes (PIP_NO_REQUIRE_HASHES): a --hash on a line does not turn hash-checking mode on. */
  noRequireHashes?: boolean;
  /** Per-request timeout in seconds (pip's `timeout`, default 15). */
  timeout: number;
  /** A CA bundle file (pip's `cert`), or undefined for Node's defaults. */
  cert?: string;
  /** Hosts pip would accept without TLS verification (pip's trusted-host). */
  trustedHosts: string[];
  /** pip's client-cert: a PEM file with the client key and certificate. */
  clientCert?: string;
  /** pip's proxy: used for every URL instead of HTTP_PROXY/HTTPS_PROXY. */
  proxy?: string;
  /** pip's no-proxy-env: the environment's proxy variables are not read. */
  noProxyEnv?: boolean;
  /** pip's retries: further attempts after a failed request (default 3). */
  retries?: number;
  /** --no-binary/--only-binary values in pip's order: the command line's, then each requirement file's (FormatControl.from). */
  formatControl?: FormatControlOp[];
  /** --prefer-binary: an older version with a wheel is chosen before a newer one with only an sdist. */
  preferBinary?: boolean;
  /** --all-releases / --only-final values in pip's order: the command line's, then each requirement file's (release-control.ts). */
  releaseControl?: ReleaseOp[];
  /** --refresh-package: projects (normalised, or ':all:') whose index pages are revalidated instead of taken from the page cache. */
  refreshPackages?: string[];
  /** --uploaded-prior-to (ms since the epoch): only index files uploaded before then (PEP 700 upload-time; files without one are left out, local files are exempt). */
  uploadedPriorTo?: number;
}

/** A distribution file offered by an index or find-links location. */
export interface Candidate {
  /** The project name as the file spells it (not normalised). */
  name: string;
  version: string;
  filename: string;
  /** Absolute URL (file:// or http(s)://), without the hash fragment. */
  url: string;
  /** Hashes the index advertised, by algorithm (lower-case hex). */
  hashes: Record<string, string>;
  /** The Requires-Python specifier the index gave (already HTML-unescaped), if any. */
  requiresPython?: string;
  /** PEP 592: false, true, or the yank reason. */
  yanked: boolean | string;
  /** PEP 658/714: URL of the separate METADATA file, when the index advertises one. */
  metadataUrl?: string;
  /** Hashes of that METADATA file, when given. */
  metadataHashes?: Record<string, string>;
  /** The index or find-links location this came from. */
  source: string;
  /** PEP 700 (JSON pages): the file's size in bytes and its upload time (RFC 3339), when the index gives them. */
  size?: number;
  uploadTime?: string;
}

/** A file link as found on a project page, before wheel filtering. */
export interface PageLink {
  filename: string;
  url: string;
  hashes: Record<string, string>;
  requiresPython?: string;
  yanked: boolean | string;
  /** true: `<url>.metadata`; a hash map: same with its hashes; undefined: none. */
  coreMetadata?: boolean | Record<string, string>;
  /** PEP 700 `size` and `upload-time`, when a JSON page gives them. */
  size?: number;
  uploadTime?: string;
}

/** One index (or find-links) failing to answer. */
export interface SourceFailure {
  source: string;
  url: string;
  message: string;
}

/** All that is known about one project across every configured location. */
export interface ProjectCandidates {
  /** PEP 503-normalised project name. */
  name: string;
  /** Wheels only, newest-first is not guaranteed (the resolver sorts). */
  candidates: Candidate[];
  /** Source distributions (candidates when no wheel fits, or under --no-binary). */
  sdists: Candidate[];
  /** Locations that could not be read. The project may exist there. */
  failures: SourceFailure[];
  /** With the `uploadedPriorTo` option: links without an upload-time, not candidates (upload-time.ts checks them). */
  noUploadTime?: MissingUploadTime[];
}

/**
 * Package indexes: the simple API (PEP 503 HTML, PEP 691 JSON), find-links
 * sources, the set of sources of a run, and the tags of a foreign target.
 * Lists files; never picks a version (that is `resolver/candidate_selector.ts`).
 *
 * @module
 */

export {
  fetchProjectPage,
  filenameOfUrl,
  IndexPageError,
  parseHtmlPage,
  parseJsonPage,
  parseProjectPage,
  type ProjectFile,
  type ProjectPage,
  projectPageUrl,
  scanHtml,
  unescapeHtml,
} from "./simple_api.ts";
export { type FindLinksListing, readFindLinks } from "./find_links.ts";
export {
  DEFAULT_INDEX_URL,
  findLinksUrl,
  type IndexSources,
  indexSources,
  isSecureOrigin,
  type SourceOptions,
} from "./index_sources.ts";
export {
  IndexSet,
  type IndexSetOptions,
  type IndexStrategy,
  type ProjectListing,
} from "./index_set.ts";
export {
  InvalidPythonVersionError,
  isForeignTarget,
  parsePythonVersionOption,
  type TargetOptions,
  targetPythonVersion,
  targetTags,
} from "./target_tags.ts";

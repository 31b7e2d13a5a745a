/**
 * Shared rendering helpers for user-visible text in pip's formats.
 *
 * @module
 */

export { pythonRepr } from "../dists/message.ts";

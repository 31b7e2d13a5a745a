/**
 * Package and extra names (PEP 503, PEP 685, the core metadata `Name` rule).
 *
 * @module
 */

export {
  canonicalizeExtra,
  canonicalizeName,
  InvalidNameError,
  isNormalizedName,
  isValidName,
  parsePackageName,
} from "./package_name.ts";
export type { ExtraName, PackageName } from "./package_name.ts";

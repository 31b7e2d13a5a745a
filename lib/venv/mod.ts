/**
 * PEP 405 virtual environments made without running `venv` or `ensurepip`:
 * the layout a CPython's own `python -m venv` makes (`layout.ts`), its
 * `pyvenv.cfg` (`pyvenv_cfg.ts`), activation scripts of dpip's own
 * (`activation.ts`), the writing (`create.ts`) and what `--seed` installs
 * (`seed.ts`; the installing is `operations/venv.ts`).
 *
 * @module
 */

export { activationScripts, displayPrompt } from "./activation.ts";
export type { ActivationFacts, ActivationScript } from "./activation.ts";
export { venvInterpreterOf } from "./base_interpreter.ts";
export { createVenv, removeMadeDirectory, VenvDirectoryError, VenvWriteError } from "./create.ts";
export type { CreatedVenv } from "./create.ts";
export { planVenv, VenvUnsupportedError } from "./layout.ts";
export type { VenvFile, VenvInterpreter, VenvLayout, VenvLink, VenvOptions } from "./layout.ts";
export { formatPyvenvConfig, pythonStringRepr } from "./pyvenv_cfg.ts";
export type { PyvenvConfigFacts } from "./pyvenv_cfg.ts";
export { seedProjects } from "./seed.ts";

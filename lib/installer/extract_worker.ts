/**
 * The worker side of {@link ExtractPool} (`extract_pool.ts`): unpacks one
 * wheel file per message with {@link extractHere} and answers with its
 * manifest, or with the refusal, as plain data.
 *
 * @module
 */

import type { ExtractReply, ExtractRequest } from "./extract_pool.ts";
import { extractHere } from "./unpack.ts";
import { WheelInstallError } from "./wheel.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent<ExtractRequest>) => void) | null;
  postMessage(message: ExtractReply): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  const { id, path, filename, dir, compatibleTags } = event.data;
  const warnings: string[] = [];
  try {
    const manifest = extractHere({
      path,
      filename,
      dir,
      ...(compatibleTags === undefined ? {} : { compatibleTags: new Set(compatibleTags) }),
      onWarning: (message) => warnings.push(message),
    });
    scope.postMessage({ id, manifest, warnings });
  } catch (error) {
    scope.postMessage({
      id,
      warnings,
      failure: error instanceof WheelInstallError
        ? { wheel: error.wheel, reason: error.reason, code: error.code }
        : { reason: error instanceof Error ? error.message : String(error) },
    });
  }
};
scope.postMessage({ id: -1, warnings: [] }); // loaded

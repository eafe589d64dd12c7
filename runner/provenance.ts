/**
 * What a summary was produced from: the engine, and SHA-256 digests of the service's code
 * and the scenario's definition. Runs are deterministic, so anyone holding the code, the
 * scenario and the seed can run them again on this engine and compare the bytes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { RunProvenance } from './summary-schema.ts';

/** The simulator's version; it changes whenever a model change can move a summary. */
export const ENGINE_VERSION = 'tailspin 0.1.0';

export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

export function runProvenance(code: string, scenarioSource: string | undefined): RunProvenance {
  return {
    engine: ENGINE_VERSION,
    codeSha256: sha256Hex(code),
    scenarioSha256: scenarioSource === undefined ? null : sha256Hex(scenarioSource),
  };
}

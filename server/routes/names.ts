/**
 * Names as people type them: surrounding spaces dropped, runs of spaces made one, composed
 * to one Unicode form so "é" typed two ways is one name. The schema already refused control
 * characters and anything over the length limit.
 */
import { ApiError } from '../api-error.ts';

export function cleanName(raw: string, field: string): string {
  const name = raw.normalize('NFC').trim().replace(/\s+/gu, ' ');
  if (name === '') throw new ApiError(400, `body/${field} must have a visible character`);
  return name;
}

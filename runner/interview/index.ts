/**
 * Interview rounds, framework-free: the link format, the recorded events and their hash
 * chain, the replay of edits, the report's data and its verification. A light entry (no
 * simulator), so the lab page can import it; the CLI's `tailspin verify` uses it too.
 */
export { canonicalJson } from './canonical.ts';
export { compactText, expandText, fromBase64Url, inflateAtMost, toBase64Url } from './compact.ts';
export {
  checkAgainstScenario,
  decodeInterviewLink,
  encodeInterviewLink,
  HINTS_ALLOWED_MAX,
  INTERVIEW_PREFIX,
  InterviewLinkError,
  type InterviewSettings,
  SEEDS_MAX,
  settingsSha256,
  TIME_LIMIT_MIN,
  validateSettings,
} from './link.ts';
export {
  isLargePaste,
  LARGE_PASTE_CHARS,
  LARGE_PASTE_LINES,
  type RoundEvent,
  type RoundRecord,
  type RunPurpose,
  type TextChange,
} from './events.ts';
export { chainProblem, describeEvent, GENESIS_SHA256, nextRecord } from './chain.ts';
export { applyChanges, replayFrames, textAt } from './replay.ts';
export {
  embeddableJson,
  embeddedViewJson,
  type InterviewReport,
  makeReport,
  parseReport,
  REPORT_CHARS_MAX_BYTES,
  REPORT_DATA_ID,
  REPORT_VIEW_ID,
  ReportFormatError,
  reportJson,
} from './report.ts';
export { type ReportRunView, type ReportView, reportView } from './report-view.ts';
export { checkRecording, type Rerun, type RerunRequest, summaryBytes, type VerifyResult, type VerifyRow, verifyReport } from './verify.ts';
export { ENGINE_VERSION, sha256Hex } from '../provenance.ts';

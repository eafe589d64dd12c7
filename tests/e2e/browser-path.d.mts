/** Types for browser-path.mjs (plain JavaScript so setup-browser.mjs runs without a build). */
export declare const CHROMIUM_CANDIDATES: string[];
export declare const CHROMIUM_ARGS: string[];
export declare function findChromium(): string | null;

/**
 * What can be known about a statement from its text and the catalog, before running it:
 * whether EXPLAIN can price it, whether its result may be served from the cache, and whether
 * it may write behind the planner's back. Computed once per distinct SQL text.
 */
import type { CatalogFacts } from './catalog-facts.ts';
import { calledNames, codeOnly, leadingKeyword } from './statement-text.ts';

export interface StatementProfile {
  /** Upper-case first keyword: SELECT, WITH, INSERT, CREATE, … */
  keyword: string;
  /** EXPLAIN accepts it, so the cost model can use the planner's estimate. */
  explainable: boolean;
  /**
   * Its rows depend only on the data, so a repeat with the same parameters may be answered
   * from the cache until a write touches one of its tables. The plan must also show no write.
   */
  cacheable: boolean;
  /** Calls a user-defined volatile function, which may write tables no plan shows. */
  opaqueWrites: boolean;
  /** A utility statement that changes nothing (SHOW, plain EXPLAIN). */
  readOnlyUtility: boolean;
}

const EXPLAINABLE = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'INSERT', 'UPDATE', 'DELETE', 'MERGE']);
const READS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);

/**
 * Stable (not volatile) in Postgres, yet their value is the wall clock: never cached. Results
 * are deterministic only when the SQL is; these and random() (seeded once, so deterministic
 * in statement order) are the scenario author's responsibility.
 */
const CLOCK_FUNCTIONS = new Set(['now', 'statement_timestamp', 'transaction_timestamp', 'timeofday', 'clock_timestamp']);
const CLOCK_KEYWORDS = /\b(?:current_timestamp|current_time|current_date|localtime|localtimestamp)\b/i;
/**
 * Built-ins that read a table or run a query named by their arguments (`table_to_xml('t', …)`,
 * `query_to_xml('SELECT …', …)`, a table's size or statistics): no plan shows what they read,
 * so no write would invalidate their cached result. Never cached.
 */
const READS_UNSEEN =
  /^(?:(?:table|query|cursor|schema|database)_to_xml(?:schema|_and_xmlschema)?|pg_(?:stat|statio)_\w+|pg_(?:relation|table|indexes|total_relation)_size|pg_sequence_last_value)$/;

export function profileStatement(sql: string, facts: CatalogFacts): StatementProfile {
  const code = codeOnly(sql);
  const keyword = leadingKeyword(code);
  const names = calledNames(code);
  let volatile = CLOCK_KEYWORDS.test(code) || /\bTABLESAMPLE\b/i.test(code);
  let userCalls = false;
  let opaqueWrites = false;
  for (const name of names) {
    const isVolatile = facts.volatileFunctions.has(name) || CLOCK_FUNCTIONS.has(name) || READS_UNSEEN.test(name);
    const isUser = facts.userFunctions.has(name);
    volatile ||= isVolatile;
    userCalls ||= isUser;
    opaqueWrites ||= isVolatile && isUser;
  }
  // SELECT … INTO creates a table: a write that EXPLAIN shows as a plain scan.
  const selectInto = /(?<!\b(?:INSERT|MERGE)\s+)\bINTO\b/i.test(code);
  return {
    keyword,
    explainable: EXPLAINABLE.has(keyword) && !selectInto,
    cacheable: READS.has(keyword) && !volatile && !userCalls && !selectInto,
    opaqueWrites,
    readOnlyUtility: keyword === 'SHOW' || (keyword === 'EXPLAIN' && !/\bANALY[SZ]E\b/i.test(code)),
  };
}

/**
 * Transaction-control statements are answered here and never reach PGlite: its one session
 * is shared by every simulated connection, so a BEGIN there would pull everyone's statements
 * into one transaction. Per-connection transaction state is the pg layer's business.
 */
import { codeOnly, hasSeveralStatements } from './statement-text.ts';

/** What the statement does to the connection's transaction. */
export type TransactionControl = 'BEGIN' | 'COMMIT' | 'ROLLBACK' | 'ROLLBACK TO' | 'SAVEPOINT' | 'RELEASE' | 'SET TRANSACTION';

export interface RecognisedControl {
  control: TransactionControl;
  /** node-postgres's `command` for it: the first word of Postgres's command tag. */
  command: string;
}

const WORK = '(?: (?:WORK|TRANSACTION))?';
const CHAIN = '(?: AND(?: NO)? CHAIN)?';
const NAME = ' (?:"[^"]*(?:""[^"]*)*"|[A-Z_][A-Z0-9_$]*)';

/** Tried in order: ROLLBACK TO must be tested before ROLLBACK. */
const FORMS: { pattern: RegExp; control: TransactionControl; command: string }[] = [
  { pattern: new RegExp(`^BEGIN${WORK}(?: (?:ISOLATION|READ|NOT|DEFERRABLE)\\b.*)?$`), control: 'BEGIN', command: 'BEGIN' },
  { pattern: /^START TRANSACTION\b.*$/, control: 'BEGIN', command: 'START' },
  { pattern: new RegExp(`^(?:COMMIT|END)${WORK}${CHAIN}$`), control: 'COMMIT', command: 'COMMIT' },
  { pattern: new RegExp(`^(?:ROLLBACK|ABORT)${WORK} TO(?: SAVEPOINT)?${NAME}$`), control: 'ROLLBACK TO', command: 'ROLLBACK' },
  { pattern: new RegExp(`^(?:ROLLBACK|ABORT)${WORK}${CHAIN}$`), control: 'ROLLBACK', command: 'ROLLBACK' },
  { pattern: new RegExp(`^SAVEPOINT${NAME}$`), control: 'SAVEPOINT', command: 'SAVEPOINT' },
  { pattern: new RegExp(`^RELEASE(?: SAVEPOINT)?${NAME}$`), control: 'RELEASE', command: 'RELEASE' },
  { pattern: /^SET TRANSACTION\b.*$/, control: 'SET TRANSACTION', command: 'SET' },
];

/**
 * Recognises BEGIN / START TRANSACTION / COMMIT / END / ROLLBACK / ABORT / SAVEPOINT /
 * RELEASE / ROLLBACK TO / SET TRANSACTION, case-insensitive, ignoring comments, extra
 * whitespace and one trailing semicolon. A string with several statements is not one.
 */
export function recogniseTransactionControl(sql: string): RecognisedControl | null {
  // Cheap rejection first: this runs before every statement the service sends.
  if (!/^\s*(?:--|\/\*|(?:BEGIN|START|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|SET)\b)/i.test(sql)) return null;
  const code = codeOnly(sql);
  if (hasSeveralStatements(code)) return null;
  const normal = code.replace(/;\s*$/, '').trim().replace(/\s+/g, ' ').toUpperCase();
  for (const form of FORMS) {
    if (form.pattern.test(normal)) return { control: form.control, command: form.command };
  }
  return null;
}

/**
 * The API's JSON schemas, with a bound on every size: Fastify validates each request against
 * them before a handler runs and answers 400 with the field and the rule it broke
 * ("body/track must NOT have more than 20 items"). Response schemas say exactly what leaves
 * the server, so a stored hash can never slip into an answer.
 */
import { JOIN_CODE_PATTERN } from './tokens.ts';

export const LIMITS = {
  /** Room and learner names. */
  nameChars: 60,
  trackSteps: 20,
  /** A time box longer than a working day is a typo. */
  minutesMax: 480,
  slosPerRun: 20,
  findingsPerRun: 10,
  labelChars: 80,
  ruleChars: 60,
  findingTitleChars: 200,
  errorChars: 1000,
  broadcastChars: 1000,
  /** A report with every field at its maximum fits in this. */
  reportBytes: 16 * 1024,
  /** Every other request body. */
  bodyBytes: 4 * 1024,
  learnersPerRoom: 1000,
} as const;

/** No control characters: names end up in terminals, CSV files and the dashboard. */
const PRINTABLE = '^[^\\p{Cc}]*$';

const name = { type: 'string', minLength: 1, maxLength: LIMITS.nameChars, pattern: PRINTABLE } as const;
const scenarioId = { type: 'string', minLength: 1, maxLength: 60, pattern: '^[a-z0-9][a-z0-9-]*$' } as const;
const ms = { type: 'number' } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const nullableString = { type: ['string', 'null'] } as const;

export const codeParams = {
  type: 'object',
  required: ['code'],
  properties: { code: { type: 'string', pattern: JOIN_CODE_PATTERN } },
} as const;

const trackStep = {
  type: 'object',
  required: ['scenarioId'],
  additionalProperties: false,
  properties: { scenarioId, minutes: { type: 'integer', minimum: 1, maximum: LIMITS.minutesMax } },
} as const;

const room = {
  type: 'object',
  properties: {
    code: { type: 'string' },
    name: { type: 'string' },
    track: { type: 'array', items: trackStep },
    createdAtMs: ms,
    closedAtMs: ms,
  },
} as const;

const learner = {
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, joinedAtMs: ms, handRaised: { type: 'boolean' } },
} as const;

const broadcast = {
  type: 'object',
  properties: { id: { type: 'integer' }, kind: { type: 'string' }, text: { type: 'string' }, sentAtMs: ms },
} as const;

const findingCount = {
  type: ['object', 'null'],
  properties: { rule: { type: 'string' }, title: { type: 'string' }, count: { type: 'integer' } },
} as const;

export const createRoomSchema = {
  body: {
    type: 'object',
    required: ['name', 'track'],
    additionalProperties: false,
    properties: { name, track: { type: 'array', minItems: 1, maxItems: LIMITS.trackSteps, items: trackStep } },
  },
  response: { 201: { type: 'object', properties: { room, hostToken: { type: 'string' } } } },
} as const;

export const joinSchema = {
  params: codeParams,
  body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name } },
  response: {
    '2xx': { type: 'object', properties: { learnerToken: { type: 'string' }, resumed: { type: 'boolean' }, learner, room } },
  },
} as const;

export const meSchema = {
  params: codeParams,
  response: {
    200: {
      type: 'object',
      properties: {
        room,
        learner,
        scenarios: {
          type: 'array',
          items: { type: 'object', properties: { scenarioId: { type: 'string' }, runs: { type: 'integer' }, solved: { type: 'boolean' } } },
        },
        broadcasts: { type: 'array', items: broadcast },
        scenarioId: { type: 'string' },
        onScenarioSinceMs: { type: 'integer' },
        atMs: { type: 'integer' },
      },
    },
  },
} as const;

export const reportSchema = {
  params: codeParams,
  body: {
    type: 'object',
    required: ['runId', 'scenarioId', 'passed', 'slos', 'findings', 'codeSha256', 'seed'],
    additionalProperties: false,
    properties: {
      runId: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' },
      scenarioId,
      passed: { type: 'boolean' },
      slos: {
        type: 'array',
        maxItems: LIMITS.slosPerRun,
        items: {
          type: 'object',
          required: ['label', 'actual', 'pass'],
          additionalProperties: false,
          properties: {
            label: { type: 'string', minLength: 1, maxLength: LIMITS.labelChars, pattern: PRINTABLE },
            actual: { type: ['number', 'null'] },
            pass: { type: 'boolean' },
          },
        },
      },
      findings: {
        type: 'array',
        maxItems: LIMITS.findingsPerRun,
        items: {
          type: 'object',
          required: ['rule', 'title'],
          additionalProperties: false,
          properties: {
            rule: { type: 'string', minLength: 1, maxLength: LIMITS.ruleChars, pattern: '^[a-z0-9-]+$' },
            title: { type: 'string', minLength: 1, maxLength: LIMITS.findingTitleChars, pattern: PRINTABLE },
          },
        },
      },
      error: { type: 'string', minLength: 1, maxLength: LIMITS.errorChars },
      codeSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      seed: { type: 'integer', minimum: 0, maximum: 0xffffffff },
    },
  },
  response: {
    '2xx': { type: 'object', properties: { runId: { type: 'string' }, receivedAtMs: ms, repeated: { type: 'boolean' } } },
  },
} as const;

export const handSchema = {
  params: codeParams,
  body: { type: 'object', required: ['raised'], additionalProperties: false, properties: { raised: { type: 'boolean' } } },
  response: { 200: { type: 'object', properties: { handRaised: { type: 'boolean' } } } },
} as const;

export const broadcastSchema = {
  params: codeParams,
  body: {
    type: 'object',
    required: ['text'],
    additionalProperties: false,
    properties: {
      kind: { type: 'string', enum: ['message', 'hint'], default: 'message' },
      text: { type: 'string', minLength: 1, maxLength: LIMITS.broadcastChars },
    },
  },
  response: { 201: broadcast },
} as const;

export const dashboardSchema = {
  params: codeParams,
  response: {
    200: {
      type: 'object',
      properties: {
        room,
        atMs: ms,
        learners: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              learnerId: { type: 'string' },
              name: { type: 'string' },
              scenarioId: { type: 'string' },
              onScenarioSinceMs: ms,
              solved: { type: 'boolean' },
              slosMet: nullableInt,
              slosTotal: nullableInt,
              runs: { type: 'integer' },
              runsOnScenario: { type: 'integer' },
              lastFinding: nullableString,
              handRaised: { type: 'boolean' },
              lastRunAtMs: { type: ['number', 'null'] },
            },
          },
        },
        scenarios: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              scenarioId: { type: 'string' },
              solved: { type: 'integer' },
              attempted: { type: 'integer' },
              runs: { type: 'integer' },
              topFailingFinding: findingCount,
            },
          },
        },
        topFailingFinding: findingCount,
      },
    },
  },
} as const;

/** Streams and exports: only the room code to check; what they send is described in the README. */
export const hostReadSchema = { params: codeParams } as const;

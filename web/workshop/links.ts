/** Names and addresses the workshop pages show: a scenario's title, a link to another hash of this lab. */
import { findScenario } from '../catalog/scenarios.ts';

export const scenarioTitle = (id: string): string => findScenario(id)?.readme?.meta.title ?? id;

/** The page's address with another hash: what a learner or the host opens. */
export const linkTo = (hash: string): string => `${location.origin}${location.pathname}${hash}`;

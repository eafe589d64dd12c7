/** What the seed control means: said on the control itself and before the first run. */
export const SEED_EXPLAINED =
  'The seed picks the simulated arrivals and service times: the same code and seed always give the same numbers, ' +
  'and another seed checks that a fix was not luck.';

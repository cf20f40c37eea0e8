/**
 * @mesh-momentum/simulator — a deterministic, simulated data-mesh programme: domains that tell
 * different stories (thriving, hype, grind, stalling) over a year, as v1 domain events. Pure: no I/O,
 * no clock, no Math.random. Used by the demo and by tests that compare pipeline scores with reference
 * scores.
 */
export * from './events.ts';
export {
  DAY_MS,
  WEEK_MS,
  DEFAULT_DOMAINS,
  MAX_SCALE,
  SIMULATION_DEFAULTS,
  SimulationOptionsError,
  resolveSimulationOptions,
  type DomainSpec,
  type ResolvedSimulationOptions,
  type SimulationOptionIssue,
  type SimulationOptions,
} from './options.ts';
export {
  ACTIVITIES,
  STORIES,
  STORY_NAMES,
  curveAt,
  type Activity,
  type Curve,
  type Quadrant,
  type Range,
  type StallAlertExpectation,
  type StoryName,
  type StoryParameters,
} from './stories.ts';
export {
  CONSUMER_TEAMS,
  DOMAIN_CATALOGUES,
  catalogueFor,
  type DomainCatalogue,
  type ProductTemplate,
} from './catalogue.ts';
export { simulateProgramme, describeProgramme, type DomainStory } from './programme.ts';
export { shuffled, withDuplicates } from './perturb.ts';
export { mulberry32, Random } from './random.ts';

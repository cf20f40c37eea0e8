import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  errorCodeOf,
  errorShapeProblem,
  isDependency503,
  masked,
  secretsIn,
  type Answer,
} from './properties.ts';
import { requestsFor, strayRequests, type FuzzRequest, type RequestVocabulary } from './requests.ts';
import { routesOf, type FuzzableApp, type RouteSpec, type StreamedResponse } from './routes.ts';

/**
 * The run's seed: `MM_FUZZ_SEED` or a fixed default, so a failure in CI replays exactly; each route
 * derives its own from it and its name, so adding a route does not change another route's cases.
 */
export const FUZZ_SEED = Number(process.env['MM_FUZZ_SEED'] ?? 20_261_206);
/** Cases per route: `MM_FUZZ_RUNS` or the default, sized for CI (the suite in about a minute on 2 cores). */
export const RUNS_PER_ROUTE = Number(process.env['MM_FUZZ_RUNS'] ?? 400);

export interface FuzzTarget {
  /** `ingest api`, `dashboard`: names the target in reports. */
  readonly name: string;
  readonly app: FuzzableApp;
  readonly vocabulary: RequestVocabulary;
  /** The configured secrets, by name: none may appear in an answer. */
  readonly secrets: ReadonlyMap<string, string>;
}

/** One kind of broken property on one route, with the first request that broke it. */
export interface Violation {
  readonly route: string;
  readonly property: '5xx' | 'error shape' | 'secret in answer' | 'request failed';
  readonly status: number;
  readonly code: string | undefined;
  readonly detail: string;
  readonly example: string;
  count: number;
}

export interface RouteReport {
  readonly route: string;
  readonly seed: number;
  readonly cases: number;
  /** How many answers of each status. */
  readonly statuses: Record<number, number>;
}

export interface FuzzReport {
  readonly routes: readonly RouteReport[];
  readonly violations: readonly Violation[];
}

function seedOf(route: string): number {
  return (FUZZ_SEED ^ createHash('sha256').update(route).digest().readUInt32BE(0)) >>> 0;
}

function describeRequest(request: FuzzRequest, secrets: ReadonlyMap<string, string>): string {
  const body =
    request.body === undefined ? '' : ` body=${JSON.stringify(request.body.toString('utf8').slice(0, 200))}`;
  return masked(
    `${request.method} ${request.url.slice(0, 200)} headers=${JSON.stringify(request.headers)}${body}`,
    secrets,
  );
}

/**
 * The answer of a streamed `inject` response: the whole body; for an event stream, which never ends,
 * the status and headers only, after which the client goes away (as a browser tab that closes).
 */
async function answerOf(response: StreamedResponse): Promise<Answer> {
  const { statusCode, headers } = response;
  if (String(headers['content-type'] ?? '').startsWith('text/event-stream')) {
    response.raw.res.destroy();
    return { statusCode, headers, body: '' };
  }
  const chunks: Buffer[] = [];
  for await (const chunk of response.stream()) chunks.push(Buffer.from(chunk as Buffer));
  return { statusCode, headers, body: Buffer.concat(chunks).toString('utf8') };
}

/** How long one request may take before it counts as a hang, ms. */
const ANSWER_BOUND_MS = 10_000;

/** `work`, or a rejection once ANSWER_BOUND_MS passed without its answer. */
async function bounded<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ANSWER_BOUND_MS} ms`)), ANSWER_BOUND_MS);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** What is wrong with one answer, if anything. */
function problemsOf(
  request: FuzzRequest,
  answer: Answer,
  secrets: ReadonlyMap<string, string>,
): { property: Violation['property']; detail: string }[] {
  const problems: { property: Violation['property']; detail: string }[] = [];
  if (answer.statusCode >= 500 && !isDependency503(answer, request.url.split('?')[0] ?? ''))
    problems.push({ property: '5xx', detail: answer.body.slice(0, 300) });
  if (answer.statusCode >= 400 && answer.statusCode < 500 && request.method !== 'HEAD') {
    const problem = errorShapeProblem(answer);
    if (problem)
      problems.push({ property: 'error shape', detail: `${problem}: ${answer.body.slice(0, 300)}` });
  }
  const leaked = secretsIn(`${JSON.stringify(answer.headers)}\n${answer.body}`, secrets);
  if (leaked.length > 0) problems.push({ property: 'secret in answer', detail: leaked.join(', ') });
  return problems.map((p) => ({ ...p, detail: masked(p.detail, secrets) }));
}

/**
 * Sends `RUNS_PER_ROUTE` generated requests to every route the app registered (and as many to paths
 * it did not), through fastify's `inject`: the whole request pipeline of the real instance, no socket.
 * Every answer is checked; broken properties are collected, grouped by route, property, status and
 * code, each with the first request that broke it (secrets masked by name).
 */
async function fuzzApp(target: FuzzTarget): Promise<FuzzReport> {
  await target.app.ready();
  const routes: (RouteSpec | 'stray')[] = [...routesOf(target.app), 'stray'];
  const violations = new Map<string, Violation>();
  const reports: RouteReport[] = [];
  for (const route of routes) {
    const label = route === 'stray' ? 'any method, unrouted path' : `${route.method} ${route.url}`;
    const seed = seedOf(`${target.name} ${label}`);
    const statuses: Record<number, number> = {};
    const requests =
      route === 'stray' ? strayRequests(target.vocabulary) : requestsFor(route, target.vocabulary);
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        let answer: Answer;
        let problems: { property: Violation['property']; detail: string }[];
        try {
          const response = await bounded(
            target.app.inject({
              method: request.method as 'GET',
              url: request.url,
              headers: { ...request.headers },
              ...(request.body === undefined ? {} : { payload: request.body }),
              // A stream (server-sent events) never ends: its answer is taken as soon as it begins.
              payloadAsStream: true,
            }),
          );
          answer = await bounded(answerOf(response));
          problems = problemsOf(request, answer, target.secrets);
        } catch (error) {
          answer = { statusCode: 0, headers: {}, body: '' };
          problems = [{ property: 'request failed', detail: String(error).slice(0, 300) }];
        }
        statuses[answer.statusCode] = (statuses[answer.statusCode] ?? 0) + 1;
        for (const p of problems) {
          const code = errorCodeOf(answer);
          const key = `${label}|${p.property}|${answer.statusCode}|${code}`;
          const seen = violations.get(key);
          if (seen) seen.count += 1;
          else
            violations.set(key, {
              route: label,
              property: p.property,
              status: answer.statusCode,
              code,
              detail: p.detail,
              example: describeRequest(request, target.secrets),
              count: 1,
            });
        }
        // Collected, not thrown: one run reports every kind of failure, not the first one shrunk.
        return true;
      }),
      { seed, numRuns: RUNS_PER_ROUTE },
    );
    reports.push({ route: label, seed, cases: RUNS_PER_ROUTE, statuses });
  }
  return { routes: reports, violations: [...violations.values()] };
}

/** The report as lines for the test's output: the seed, and per route its cases and statuses. */
function summary(target: string, report: FuzzReport): string {
  const lines = [`${target}: MM_FUZZ_SEED=${FUZZ_SEED}, ${RUNS_PER_ROUTE} cases per route`];
  for (const r of report.routes) {
    const statuses = Object.entries(r.statuses)
      .map(([status, n]) => `${status}×${n}`)
      .join(' ');
    lines.push(`  ${r.route} (seed ${r.seed}): ${statuses}`);
  }
  return lines.join('\n');
}

/** Violations as readable lines (the test's failure message). */
function violationLines(violations: readonly Violation[]): string[] {
  return violations.map(
    (v) =>
      `${v.route}: ${v.property} (${v.status} ${v.code ?? '-'}, ${v.count}×): ${v.detail}\n    e.g. ${v.example}`,
  );
}

/** Unhandled rejections and uncaught exceptions while `run` runs. */
async function watchingProcess<T>(run: () => Promise<T>): Promise<{ result: T; crashes: string[] }> {
  const crashes: string[] = [];
  const onRejection = (reason: unknown) => crashes.push(`unhandled rejection: ${String(reason)}`);
  const onException = (error: unknown) => crashes.push(`uncaught exception: ${String(error)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtExceptionMonitor', onException);
  try {
    return { result: await run(), crashes };
  } finally {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtExceptionMonitor', onException);
  }
}

/**
 * Fuzzes every target (a service's servers) and checks the whole run: no crash or unhandled rejection,
 * no log line holding a secret (`logs`), no broken property in any answer, and `live` still answering
 * `/healthz` afterwards. The summaries (seed, statuses per route) are printed; the assertions list
 * everything found, so one CI log holds every failing case.
 */
export async function fuzzServers(
  targets: readonly FuzzTarget[],
  logs: { readonly leaks: readonly string[] },
  live: FuzzableApp,
): Promise<void> {
  const { result: reports, crashes } = await watchingProcess(async () => {
    const done: FuzzReport[] = [];
    for (const target of targets) {
      const report = await fuzzApp(target);
      console.warn(summary(target.name, report));
      done.push(report);
    }
    return done;
  });
  const alive = await live.inject({ method: 'GET', url: '/healthz', headers: {}, payloadAsStream: false });
  expect(crashes, 'crashes and unhandled rejections').toEqual([]);
  expect(logs.leaks, 'log lines holding a configured secret').toEqual([]);
  expect(
    reports.flatMap((r) => violationLines(r.violations)),
    'broken properties',
  ).toEqual([]);
  expect(alive.statusCode, 'GET /healthz after the run').toBe(200);
}

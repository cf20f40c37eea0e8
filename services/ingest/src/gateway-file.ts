import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml, YAMLError } from 'yaml';
import { z } from 'zod';
import {
  DEFAULT_MAX_RETIRE_SHARE,
  parseGenericMapping,
  toolSource,
  type GenericMapping,
} from '@mesh-momentum/adapters';
import { ConfigError, type FieldIssue } from '@mesh-momentum/common';
import { EVENT_TYPES } from '@mesh-momentum/events';
import { decodeStandardWebhookSecret } from '@mesh-momentum/webhook-auth';
import { parseTokenHash, TOKEN_ID_PATTERN } from '@mesh-momentum/service-kit';
import { tokenSources, type ApiToken } from './auth/tokens.ts';

/**
 * The gateway's structured configuration (`MM_INGEST_CONFIG_FILE`, YAML or JSON): API tokens (hashed),
 * webhook secrets, generic mappings and pollers. Validated at start-up; every problem is reported at once
 * as `MM_ERR_CONFIG_INVALID` naming the path in the file. Secrets are never echoed.
 */
const secrets = z.array(z.string().min(1)).min(1, 'needs at least one secret');
const source = z.string().url();

const fileSchema = z
  .object({
    tokens: z
      .array(
        z
          .object({
            id: z.string().regex(TOKEN_ID_PATTERN, 'letters, digits, _ and -, at most 64'),
            hash: z.string().refine((h) => parseTokenHash(h) !== undefined, {
              message: 'must be sha256:<salt hex>:<64 hex> (pnpm ingest:token <id> prints one)',
            }),
            eventTypes: z
              .array(
                z
                  .string()
                  .refine(
                    (t) => t === '*' || (EVENT_TYPES as readonly string[]).includes(t),
                    'unknown event type',
                  ),
              )
              .min(1),
            domains: z.array(z.string().min(1)).min(1),
            // The sources its events may carry; absent: only urn:meshmomentum:token:<id>.
            sources: z
              .array(z.string().regex(/^\S+$/, 'a URI reference without spaces, or "*"'))
              .min(1)
              .refine((list) => !list.includes('*') || list.length === 1, '"*" stands alone')
              .optional(),
            admin: z.boolean().default(false),
          })
          .strict(),
      )
      .default([]),
    webhooks: z
      .object({
        github: z.object({ source, secrets }).strict().optional(),
        openmetadata: z.object({ source, secrets }).strict().optional(),
        generic: z
          .array(
            z
              .object({
                name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and -'),
                source,
                mappingFile: z.string().min(1),
                // standard-webhooks: webhook-id/-timestamp/-signature; hmac-sha256: sha256=<hex> in `header`.
                scheme: z.enum(['standard-webhooks', 'hmac-sha256']).default('standard-webhooks'),
                header: z.string().min(1).optional(),
                deliveryIdHeader: z.string().min(1).optional(),
                secrets,
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .default({ generic: [] }),
    pollers: z
      .object({
        backstage: z
          .object({
            source,
            url: z.string().url(),
            token: z.string().min(1).optional(),
            intervalMs: z.number().int().min(1_000).default(300_000),
            // A round retiring more than this share of the known products is held until confirmed.
            maxRetireShare: z
              .number()
              .gt(0, 'must be more than 0 (a share of the known products, 0..1)')
              .max(1, 'must be at most 1 (1: never hold)')
              .default(DEFAULT_MAX_RETIRE_SHARE),
          })
          .strict()
          .optional(),
        dmm: z
          .object({
            source,
            url: z.string().url(),
            apiKey: z.string().min(1).optional(),
            intervalMs: z.number().int().min(100).default(10_000),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
    // `pnpm ingest:import <tool>` (docs/adapters/import.md): where each tool's history is read.
    imports: z
      .object({
        github: z
          .object({
            // The organisation whose repositories are read.
            owner: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/, 'a GitHub organisation name'),
            apiUrl: z.string().url().default('https://api.github.com'),
            token: z.string().min(1).optional(),
            // Absent: webhooks.github.source, so imported and delivered releases share their ids.
            source: source.optional(),
          })
          .strict()
          .optional(),
        openmetadata: z
          .object({
            // Server base URL; the API is under /api/v1.
            url: z.string().url(),
            // A bot's JWT (Settings → Bots), read access to data products and domains.
            token: z.string().min(1).optional(),
            // Absent: webhooks.openmetadata.source.
            source: source.optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

type RawGatewayFile = z.output<typeof fileSchema>;

export interface GenericWebhookConfig {
  readonly name: string;
  readonly source: string;
  readonly mapping: GenericMapping;
  readonly scheme: 'standard-webhooks' | 'hmac-sha256';
  /** Signature header of the hmac-sha256 scheme (lower case). */
  readonly header: string;
  /** Header naming the delivery (hmac-sha256 scheme); absent: SHA-256 of the body. */
  readonly deliveryIdHeader: string | undefined;
  readonly secrets: readonly string[];
}

export interface GatewayFile {
  readonly tokens: readonly ApiToken[];
  readonly github: { readonly source: string; readonly secrets: readonly string[] } | undefined;
  readonly openmetadata: { readonly source: string; readonly secrets: readonly string[] } | undefined;
  readonly generic: ReadonlyMap<string, GenericWebhookConfig>;
  readonly pollers: RawGatewayFile['pollers'];
  readonly imports: RawGatewayFile['imports'];
}

export const EMPTY_GATEWAY_FILE: GatewayFile = {
  tokens: [],
  github: undefined,
  openmetadata: undefined,
  generic: new Map(),
  pollers: {},
  imports: {},
};

/**
 * Where the file fails to parse, and nothing of its text: the yaml library's message quotes the offending
 * lines (and an alias's name), and this file holds secrets. The code (e.g. BAD_INDENT) says what is wrong.
 */
function syntaxIssue(file: string, error: unknown): FieldIssue {
  const reason = 'not valid YAML or JSON; the file is not quoted here, as it holds secrets';
  if (error instanceof YAMLError) {
    const at = error.linePos?.[0];
    return {
      field: at === undefined ? file : `${file}:${at.line}:${at.col}`,
      reason: `${reason} (${error.code}${at === undefined ? '' : ` at line ${at.line}, column ${at.col}`})`,
    };
  }
  return { field: file, reason: `${reason} (${(error as Error).name})` };
}

/** Parses the file's text; `file` names it in errors and anchors relative mapping paths. */
export function parseGatewayFile(
  text: string,
  file: string,
  readMapping: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): GatewayFile {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigError([syntaxIssue(file, error)]);
  }
  const parsed = fileSchema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i): FieldIssue => ({
        field: `${file}: ${i.path.join('.') || '(root)'}`,
        reason: i.message,
      })),
    );
  }
  const raw = parsed.data;
  const issues: FieldIssue[] = [];
  const ids = new Set<string>();
  for (const t of raw.tokens) {
    if (ids.has(t.id)) issues.push({ field: `${file}: tokens`, reason: `token id ${t.id} appears twice` });
    ids.add(t.id);
  }
  const generic = new Map<string, GenericWebhookConfig>();
  raw.webhooks.generic.forEach((g, i) => {
    const where = `${file}: webhooks.generic.${i}`;
    if (generic.has(g.name)) issues.push({ field: where, reason: `name ${g.name} appears twice` });
    if (g.scheme === 'standard-webhooks') {
      for (const s of g.secrets) {
        try {
          decodeStandardWebhookSecret(s);
        } catch {
          issues.push({ field: `${where}.secrets`, reason: 'must be whsec_<base64 of at least 16 bytes>' });
        }
      }
    }
    const path = resolve(dirname(file), g.mappingFile);
    let mapping: GenericMapping;
    try {
      mapping = parseGenericMapping(readMapping(path), path);
    } catch (error) {
      issues.push({ field: `${where}.mappingFile`, reason: (error as Error).message });
      return;
    }
    generic.set(g.name, {
      name: g.name,
      source: toolSource(g.source),
      mapping,
      scheme: g.scheme,
      header: (g.header ?? 'x-signature-256').toLowerCase(),
      deliveryIdHeader: g.deliveryIdHeader?.toLowerCase(),
      secrets: g.secrets,
    });
  });
  if (issues.length > 0) throw new ConfigError(issues);
  const tokens = raw.tokens.map((t): ApiToken => {
    const { salt, digest } = parseTokenHash(t.hash) as { salt: Buffer; digest: Buffer };
    return {
      id: t.id,
      salt,
      digest,
      eventTypes: new Set(t.eventTypes),
      domains: new Set(t.domains),
      admin: t.admin,
      ...tokenSources(t.id, t.sources),
    };
  });
  const hook = (h: { source: string; secrets: string[] } | undefined) =>
    h === undefined ? undefined : { source: toolSource(h.source), secrets: h.secrets };
  return {
    tokens,
    github: hook(raw.webhooks.github),
    openmetadata: hook(raw.webhooks.openmetadata),
    generic,
    pollers: raw.pollers,
    imports: raw.imports,
  };
}

export function loadGatewayFile(file: string | undefined): GatewayFile {
  if (file === undefined) return EMPTY_GATEWAY_FILE;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([
      { field: 'MM_INGEST_CONFIG_FILE', reason: `cannot read ${file}: ${(error as Error).message}` },
    ]);
  }
  return parseGatewayFile(text, file);
}

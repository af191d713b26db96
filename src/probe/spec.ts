// The `assertions:` of a lab file (SPEC §3) as a zod schema that validates and normalises each
// entry: exactly one check, targets parsed, durations in milliseconds, expectations resolved
// per variant later (expectation.ts).
import { z } from 'zod';
import { parseDuration, parseTarget, TargetSyntaxError, type Target } from './targets.js';

const outcome = z.enum(['pass', 'fail']);
export const expectationSchema = z.union([outcome, z.record(z.string(), outcome)], { error: 'expected pass, fail, or a map of variant → pass|fail' });

const duration = z.union([z.string(), z.number()]).transform((value, context) => {
  const ms = parseDuration(value);
  if (ms === undefined) {
    context.addIssue({ code: 'custom', message: 'expected a duration like 3s, 500ms or 1m' });
    return z.NEVER;
  }
  return ms;
});

const target = z.string().transform((value, context) => {
  try {
    return parseTarget(value);
  } catch (error) {
    if (!(error instanceof TargetSyntaxError)) throw error;
    context.addIssue({ code: 'custom', message: error.message });
    return z.NEVER;
  }
});

const httpCheck = z.union([
  target.transform((to): { to: Target; path: string; status?: number; contains?: string } => ({ to, path: '/' })),
  z.strictObject({
    to: target,
    path: z.string().startsWith('/', 'expected a path starting with /').default('/'),
    status: z.number().int().min(100).max(599).optional(),
    contains: z.string().optional(),
  }),
]);

const CHECKS = ['ping', 'tcp', 'http', 'dns', 'exec', 'matrix'] as const;

export const assertionSchema = z
  .strictObject({
    name: z.string().min(1, 'expected a name'),
    from: target.optional(),
    ping: target.optional(),
    tcp: target.optional(),
    http: httpCheck.optional(),
    dns: z.string().regex(/^[A-Za-z0-9.-]+$/, 'expected a DNS name').optional(),
    // YAML reads -4 or 6379 as numbers; a command line is strings.
    exec: z.array(z.union([z.string(), z.number().transform(String)])).min(1, 'expected a command as a list').optional(),
    matrix: z
      .strictObject({
        from: target,
        to: target,
        check: z.enum(['ping', 'tcp'], { error: 'a matrix checks ping or tcp' }).default('ping'),
        port: z.number().int().min(1).max(65535).optional(),
      })
      .optional(),
    // Check options.
    answer: target.optional(),
    stdout: z.string().optional(),
    match: z.string().optional(),
    exitCode: z.number().int().min(0).max(255).optional(),
    size: z.number().int().min(0).max(65507).optional(),
    dontFragment: z.boolean().optional(),
    count: z.number().int().min(1).max(100).optional(),
    // Expectations and timing.
    expect: expectationSchema.default('pass'),
    bug: z.string().min(1).optional(),
    /** Follow the probe through the nodes when it misses (or is an XFAIL): `podlab trace` in the report. */
    trace: z.enum(['on-failure'], { error: 'expected on-failure' }).optional(),
    /** Only on these drivers: a check of what one driver builds (docker0 on dind nodes, say). */
    drivers: z.array(z.string().regex(/^[a-z0-9-]+$/, 'expected a driver name such as dind')).min(1).optional(),
    within: duration.optional(),
    timeout: duration.optional(),
  })
  .superRefine((value, context) => {
    const checks = CHECKS.filter((check) => value[check] !== undefined);
    if (checks.length !== 1) {
      context.addIssue({
        code: 'custom',
        path: checks.length > 1 ? [checks[1]!] : [],
        message: checks.length === 0 ? `expected one check: ${CHECKS.join(', ')}` : `one check per assertion; this one has ${checks.join(' and ')}`,
      });
      return;
    }
    if (checks[0] !== 'matrix' && value.from === undefined) context.addIssue({ code: 'custom', path: ['from'], message: 'required: where the probe runs' });
    if (checks[0] === 'matrix' && value.from !== undefined) context.addIssue({ code: 'custom', path: ['from'], message: 'a matrix names its sources in matrix.from' });
    if (value.tcp && !portOf(value.tcp)) context.addIssue({ code: 'custom', path: ['tcp'], message: 'tcp needs a port: pod/NAME:PORT, svc/NAME:PORT, node/NAME:PORT or IP:PORT' });
    if (value.matrix?.check === 'tcp' && value.matrix.port === undefined) context.addIssue({ code: 'custom', path: ['matrix', 'port'], message: 'a tcp matrix needs a port' });
    if (value.match !== undefined) {
      try {
        new RegExp(value.match);
      } catch {
        context.addIssue({ code: 'custom', path: ['match'], message: 'not a valid regular expression' });
      }
    }
    const forCheck: Record<string, (typeof CHECKS)[number]> = { answer: 'dns', stdout: 'exec', match: 'exec', exitCode: 'exec', size: 'ping', dontFragment: 'ping', count: 'ping' };
    for (const [option, check] of Object.entries(forCheck)) {
      if (value[option as keyof typeof value] !== undefined && checks[0] !== check) {
        context.addIssue({ code: 'custom', path: [option], message: `${option} goes with a ${check} check` });
      }
    }
    for (const [key, role] of [['from', 'source'], ['ping', 'ping target'], ['tcp', 'tcp target']] as const) {
      const parsed = value[key];
      if (parsed && key === 'from' && (parsed.kind === 'pods' || parsed.kind === 'ip')) context.addIssue({ code: 'custom', path: [key], message: `a ${role} is a pod, node or host (pods/… belongs in a matrix)` });
      if (parsed && key !== 'from' && parsed.kind === 'pods') context.addIssue({ code: 'custom', path: [key], message: `a ${role} is one address; use a matrix for pods/…` });
    }
  });

function portOf(target: Target): number | undefined {
  return 'port' in target ? target.port : undefined;
}

export type AssertionInput = z.input<typeof assertionSchema>;
export type AssertionSpec = z.output<typeof assertionSchema>;

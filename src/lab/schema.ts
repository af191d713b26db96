// The lab file of SPEC §2 as a zod schema: shape, types and defaults. Checks that need more
// than one field (CIDR overlaps, duplicate names) live in checks.ts.
import { z } from 'zod';
import { engineUrlProblem } from '../docker/engine-url.js';
import { parseCidr } from '../net/cidr.js';
import { assertionSchema } from '../probe/spec.js';
import { defaultFlannelConfig, DEFAULT_FLANNEL_PREFIX, FLANNEL_BACKENDS } from '../net/flannel.js';

const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const NODE_NAME = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;

const CIDR_MESSAGE = 'expected an IPv4 CIDR with host bits zero, like 10.1.0.0/16';
// The pattern is the shape editors can check (it reaches the JSON Schema); the refinement is the
// whole rule (octets in range, host bits zero), which a pattern cannot say. A value of the wrong
// shape stops at the pattern, so it is reported once.
const cidr = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, { message: CIDR_MESSAGE, abort: true })
  .refine((text) => parseCidr(text) !== undefined, { message: CIDR_MESSAGE });

const labelMap = z.record(z.string(), z.string());

const nodeObject = z.strictObject({
  name: z.string().regex(NODE_NAME, 'expected a node name: lower-case letters, digits and "-", at most 32'),
  labels: labelMap.default(() => ({})),
});

// A node is written either as its name or as {name, labels}.
const node = z.preprocess((value) => (typeof value === 'string' ? { name: value } : value), nodeObject);

const backend = z.looseObject({
  Type: z.enum(FLANNEL_BACKENDS, { error: `expected one of ${FLANNEL_BACKENDS.join(', ')}` }),
});

// Written verbatim to etcd, so keys flannel knows and podlab does not are let through.
const flannelConfig = z.looseObject({
  Network: cidr,
  SubnetLen: z.number().int().min(8).max(30).optional(),
  SubnetMin: z.string().optional(),
  SubnetMax: z.string().optional(),
  Backend: backend.default(() => ({ Type: 'vxlan' as const })),
});

const flannel = z.strictObject({
  prefix: z
    .string()
    .regex(/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/, 'expected an etcd key prefix like /coreos.com/network')
    .default(DEFAULT_FLANNEL_PREFIX),
  config: flannelConfig.default(defaultFlannelConfig),
  /** Extra flanneld flags, e.g. --iptables-forward-rules=false for flannel before v0.10. */
  args: z.array(z.string().regex(/^--[a-z0-9-]+(=.*)?$/, 'expected a flag like --name=value')).default(() => []),
});

const network = z.strictObject({
  underlay: cidr.optional(),
  /** The underlay's MTU; flannel's devices take their overhead from it. */
  mtu: z.number().int().min(1280).max(9000).default(1500),
  overlay: z.enum(['flannel', 'none']).default('flannel'),
  flannel: flannel.default(() => ({ prefix: DEFAULT_FLANNEL_PREFIX, config: defaultFlannelConfig(), args: [] })),
  forwardPolicy: z.enum(['ACCEPT', 'DROP']).optional(),
  /** dockerd's --mtu on every node, instead of FLANNEL_MTU (to reproduce an MTU mismatch). */
  dockerMTU: z.number().int().min(576).max(9000).optional(),
  serviceCIDR: cidr.default('10.254.0.0/16'),
  dns: z.boolean().default(true),
});

// driver: kube — an existing cluster podlab reaches only through a kubeconfig. The kubeconfig and
// context may also come from the command line; the kube driver's check requires both.
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const kube = z.strictObject({
  kubeconfig: z.string().min(1, 'expected the path of a kubeconfig').optional(),
  /** Named explicitly: podlab never falls back to the kubeconfig's current context. */
  context: z.string().min(1, 'expected a context of the kubeconfig').optional(),
  /** Lab node name → the cluster node that plays it (default: the schedulable nodes in name order). */
  nodes: z.record(z.string().regex(NODE_NAME, 'expected a lab node name'), z.string().min(1, 'expected a cluster node name')).optional(),
  /** What probes run (debug containers, node probe pods): the cluster must be able to pull it. */
  probeImage: z.string().min(1).default('podlab/probe'),
  /** Where podlab keeps its own objects (the lab's record, node probe pods). */
  namespace: z.string().regex(DNS_LABEL, 'expected a namespace name').default('default'),
  /** The pull policy of containers whose manifest sets none. */
  imagePullPolicy: z.enum(['IfNotPresent', 'Always']).default('IfNotPresent'),
});

export const labSchema = z.strictObject({
  name: z.string().regex(NAME, 'expected 1-40 characters of a-z, 0-9 and "-", starting with a letter or digit'),
  description: z.string().optional(),
  /** Which driver runs the lab (the registry in src/drivers knows the names). */
  driver: z.string().regex(NAME, 'expected a driver name such as dind').default('dind'),
  /**
   * The Docker engine a dind lab runs on: local (default) or ssh://user@host[:port]. --engine and
   * PODLAB_ENGINE override it. Not a variant key: a variant changes the lab, not where it runs.
   */
  engine: z
    .string()
    .superRefine((value, context) => {
      const problem = engineUrlProblem(value);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  nodes: z.array(node).min(1, 'expected at least one node'),
  /** The cluster of driver: kube. */
  kube: kube.optional(),
  network: network.default(() => network.parse({})),
  images: z.record(z.string(), z.string()).default(() => ({})),
  manifests: z.array(z.string()).default(() => []),
  /** Shell commands run on nodes once the lab is up (manifests applied), in order. */
  setup: z
    .array(
      z.strictObject({
        node: z.string().min(1, 'expected a node name or "all"'),
        run: z.string().min(1, 'expected a shell command'),
        /** Only on these drivers (a `docker run` on a node needs dind's dockerd). */
        drivers: z.array(z.string().regex(NAME, 'expected a driver name such as dind')).min(1).optional(),
      }),
    )
    .default(() => []),
  assertions: z.array(assertionSchema).default(() => []),
  variants: z.record(z.string().regex(NAME, 'expected a variant name of a-z, 0-9 and "-"'), z.record(z.string(), z.unknown())).default(() => ({})),
});

export type LabDocument = z.infer<typeof labSchema>;
export type LabNode = LabDocument['nodes'][number];
export type LabNetwork = LabDocument['network'];
export type LabKube = NonNullable<LabDocument['kube']>;

/** Top-level keys a variant may override: everything but the lab's identity and variants. */
export const VARIANT_KEYS = ['description', 'driver', 'nodes', 'kube', 'network', 'images', 'manifests', 'setup', 'assertions'] as const;

// The Kubernetes objects podlab applies, as zod schemas. Fields that change networking and are
// not implemented are absent, so a manifest using them fails (exit 2) naming the field; fields
// that do not touch the network (resources, probes, volumes, ...) are accepted and ignored.
import { z } from 'zod';

const ignored = z.unknown().optional();
const labels = z.record(z.string(), z.string());
const dnsLabel = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'expected a DNS label: lower-case letters, digits and "-"');
const dnsSubdomain = z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, 'expected a lower-case DNS name');
const protocol = z.enum(['TCP', 'UDP'], { error: 'expected TCP or UDP (SCTP is not supported)' }).default('TCP');
const port = z.number().int().min(1).max(65535);

export const metadataSchema = z.looseObject({
  name: dnsSubdomain,
  namespace: dnsLabel.default('default'),
  labels: labels.default(() => ({})),
  annotations: ignored,
});

const containerPort = z.strictObject({
  containerPort: port,
  name: z.string().regex(/^[a-z0-9-]{1,15}$/, 'expected a port name of at most 15 a-z, 0-9, "-"').optional(),
  protocol,
});

const envVar = z.strictObject({
  name: z.string().min(1),
  value: z.union([z.string(), z.number().transform(String)]).default(''),
});

const container = z.strictObject({
  name: dnsLabel,
  image: z.string().min(1),
  command: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  env: z.array(envVar).default(() => []),
  ports: z.array(containerPort).default(() => []),
  workingDir: z.string().optional(),
  imagePullPolicy: ignored,
  resources: ignored,
  volumeMounts: ignored,
  livenessProbe: ignored,
  readinessProbe: ignored,
  startupProbe: ignored,
  terminationMessagePath: ignored,
  terminationMessagePolicy: ignored,
  securityContext: ignored,
  stdin: ignored,
  tty: ignored,
});

export const podSpecSchema = z.strictObject({
  containers: z.array(container).min(1, 'expected at least one container'),
  nodeName: z.string().optional(),
  nodeSelector: labels.optional(),
  dnsPolicy: z.enum(['ClusterFirst', 'Default'], { error: 'expected ClusterFirst or Default (others are not supported)' }).default('ClusterFirst'),
  enableServiceLinks: z.boolean().default(true),
  restartPolicy: ignored,
  terminationGracePeriodSeconds: ignored,
  volumes: ignored,
  securityContext: ignored,
  serviceAccountName: ignored,
  serviceAccount: ignored,
  tolerations: ignored,
  imagePullSecrets: ignored,
  schedulerName: ignored,
});

const template = z.strictObject({
  metadata: z.looseObject({ labels: labels.default(() => ({})), name: ignored, annotations: ignored }).default(() => ({ labels: {} })),
  spec: podSpecSchema,
});

const labelSelector = z.strictObject({ matchLabels: labels });

const controllerCommon = {
  replicas: z.number().int().min(0).max(50).default(1),
  template,
  minReadySeconds: ignored,
  revisionHistoryLimit: ignored,
  progressDeadlineSeconds: ignored,
  strategy: ignored,
  paused: ignored,
};

const servicePort = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]{1,63}$/, 'expected a port name of a-z, 0-9, "-"').optional(),
  protocol,
  port,
  targetPort: z.union([port, z.string().regex(/^[a-z0-9-]{1,15}$/, 'expected a port number or a container port name')]).optional(),
  nodePort: z.number().int().min(30000, 'expected a NodePort in 30000-32767').max(32767, 'expected a NodePort in 30000-32767').optional(),
});

export const serviceSpecSchema = z.strictObject({
  type: z.enum(['ClusterIP', 'NodePort'], { error: 'expected ClusterIP or NodePort (others are not supported)' }).default('ClusterIP'),
  clusterIP: z.string().regex(/^\d+\.\d+\.\d+\.\d+$/, 'expected an IPv4 address (headless services are not supported)').optional(),
  selector: labels.optional(),
  ports: z.array(servicePort).min(1, 'expected at least one port'),
  sessionAffinity: z.enum(['None', 'ClientIP']).default('None'),
  sessionAffinityConfig: z.strictObject({ clientIP: z.strictObject({ timeoutSeconds: z.number().int().min(1).max(86400) }) }).optional(),
  externalTrafficPolicy: z.literal('Cluster', { error: 'only Cluster is supported' }).optional(),
});

const endpointsSubset = z.strictObject({
  addresses: z.array(z.looseObject({ ip: z.string().regex(/^\d+\.\d+\.\d+\.\d+$/, 'expected an IPv4 address') })).default(() => []),
  ports: z.array(z.strictObject({ name: z.string().optional(), port, protocol })).min(1, 'expected at least one port'),
});

/** apiVersion values each kind is accepted with. */
export const KIND_VERSIONS: Record<string, readonly string[]> = {
  Namespace: ['v1'],
  Pod: ['v1'],
  ReplicationController: ['v1'],
  ReplicaSet: ['apps/v1', 'apps/v1beta2', 'extensions/v1beta1'],
  Deployment: ['apps/v1', 'apps/v1beta1', 'apps/v1beta2', 'extensions/v1beta1'],
  Service: ['v1'],
  Endpoints: ['v1'],
};

const head = { apiVersion: z.string(), metadata: metadataSchema, status: ignored };

export const objectSchemas = {
  Namespace: z.strictObject({ ...head, kind: z.literal('Namespace'), spec: ignored }),
  Pod: z.strictObject({ ...head, kind: z.literal('Pod'), spec: podSpecSchema }),
  ReplicationController: z.strictObject({
    ...head,
    kind: z.literal('ReplicationController'),
    spec: z.strictObject({ ...controllerCommon, selector: labels.optional() }),
  }),
  ReplicaSet: z.strictObject({ ...head, kind: z.literal('ReplicaSet'), spec: z.strictObject({ ...controllerCommon, selector: labelSelector.optional() }) }),
  Deployment: z.strictObject({ ...head, kind: z.literal('Deployment'), spec: z.strictObject({ ...controllerCommon, selector: labelSelector.optional() }) }),
  Service: z.strictObject({ ...head, kind: z.literal('Service'), spec: serviceSpecSchema }),
  Endpoints: z.strictObject({ ...head, kind: z.literal('Endpoints'), subsets: z.array(endpointsSubset).default(() => []) }),
};

export type Kind = keyof typeof objectSchemas;
export type PodSpec = z.infer<typeof podSpecSchema>;
export type ContainerSpec = PodSpec['containers'][number];
export type ServiceSpec = z.infer<typeof serviceSpecSchema>;
export type Metadata = z.infer<typeof metadataSchema>;
export type ObjectOf<K extends Kind> = z.infer<(typeof objectSchemas)[K]>;
export type K8sObject = { [K in Kind]: ObjectOf<K> }[Kind];

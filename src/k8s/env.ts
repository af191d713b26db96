// The service environment variables kubelet injects into a container: for every service of the
// pod's namespace that existed when the pod was created. A variable the manifest sets wins.
import type { ServicePlan } from './cluster-plan.js';

export interface EnvVar {
  name: string;
  value: string;
}

function envName(service: string): string {
  return service.toUpperCase().replace(/-/g, '_');
}

export function serviceEnv(services: ServicePlan[]): EnvVar[] {
  const env: EnvVar[] = [];
  for (const service of services) {
    const prefix = envName(service.name);
    const [first] = service.ports;
    if (!first) continue;
    env.push({ name: `${prefix}_SERVICE_HOST`, value: service.clusterIP });
    env.push({ name: `${prefix}_SERVICE_PORT`, value: String(first.port) });
    for (const port of service.ports) {
      if (port.name) env.push({ name: `${prefix}_SERVICE_PORT_${envName(port.name)}`, value: String(port.port) });
    }
    env.push({ name: `${prefix}_PORT`, value: `${first.protocol.toLowerCase()}://${service.clusterIP}:${first.port}` });
    for (const port of service.ports) {
      const base = `${prefix}_PORT_${port.port}_${port.protocol}`;
      const proto = port.protocol.toLowerCase();
      env.push({ name: base, value: `${proto}://${service.clusterIP}:${port.port}` });
      env.push({ name: `${base}_PROTO`, value: proto });
      env.push({ name: `${base}_PORT`, value: String(port.port) });
      env.push({ name: `${base}_ADDR`, value: service.clusterIP });
    }
  }
  return env;
}

/** Injected variables first, minus any the manifest sets itself; then the manifest's own. */
export function mergeEnv(injected: EnvVar[], own: EnvVar[]): EnvVar[] {
  const ownNames = new Set(own.map((variable) => variable.name));
  return [...injected.filter((variable) => !ownNames.has(variable.name)), ...own];
}

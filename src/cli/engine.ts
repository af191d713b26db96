// The composition root's one Dockerode: the only place that constructs a client for the host
// engine (DOCKER_HOST is honoured by docker-modem).
import Docker from 'dockerode';
import { EnvironmentError } from '../errors.js';

let engine: Docker | undefined;

export async function hostEngine(): Promise<Docker> {
  if (engine) return engine;
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (error) {
    throw new EnvironmentError(
      'no Docker engine answers (' + ((error as Error).message || 'unreachable') + ')\n' +
        '  fix: bash scripts/setup   (installs docker.io from Debian and starts dockerd), or start your engine',
      { cause: error },
    );
  }
  engine = docker;
  return docker;
}

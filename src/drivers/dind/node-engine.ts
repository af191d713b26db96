// Each node's dockerd also listens on the node's underlay address, which the host reaches over
// the bridge: podlab talks to it with dockerode directly instead of `docker exec … docker`.
import Docker from 'dockerode';

export const NODE_DOCKER_PORT = 2375;

export function nodeDockerHosts(ip: string): string[] {
  // --tls=false states the intent to listen without TLS; without it dockerd stalls its start
  // for 15 s to warn (the address is only reachable from this machine and the lab).
  return ['-H', 'unix:///var/run/docker.sock', '-H', `tcp://${ip}:${NODE_DOCKER_PORT}`, '--tls=false'];
}

export function nodeEngine(ip: string): Docker {
  return new Docker({ host: ip, port: NODE_DOCKER_PORT, protocol: 'http', timeout: 60_000 });
}

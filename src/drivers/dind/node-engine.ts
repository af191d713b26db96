// Each node's dockerd also listens on the node's underlay address, which the host reaches over
// the bridge: podlab talks to it with dockerode (DockerHost.nodeEngine) instead of
// `docker exec … docker`.
import { NODE_DOCKER_PORT } from '../../docker/docker-host.js';

export { NODE_DOCKER_PORT };

export function nodeDockerHosts(ip: string): string[] {
  // --tls=false states the intent to listen without TLS; without it dockerd stalls its start
  // for 15 s to warn (the address is only reachable from this machine and the lab).
  return ['-H', 'unix:///var/run/docker.sock', '-H', `tcp://${ip}:${NODE_DOCKER_PORT}`, '--tls=false'];
}

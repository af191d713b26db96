// A container in one node's dockerd talks to a container in another node's dockerd by IP:
// ICMP both ways and a TCP connection that carries data there and back.
import { loadBusybox, nodeIP, runInNodeDocker, startEchoServer } from './helpers.js';

export interface CrossNodeResult {
  serverIP: string;
  ping: { exitCode: number; output: string };
  tcp: { exitCode: number; output: string };
}

export async function crossNode(lab: string, from: string, to: string, serverName = 'echo'): Promise<CrossNodeResult> {
  await loadBusybox(lab, [from, to]);
  const [fromIP, toIP] = await Promise.all([nodeIP(lab, from), nodeIP(lab, to)]);
  const serverIP = await startEchoServer(toIP, serverName);
  const [ping, tcp] = await Promise.all([
    runInNodeDocker(fromIP, ['ping', '-c', '2', '-W', '2', serverIP]),
    runInNodeDocker(fromIP, ['sh', '-c', `echo podlab-token | nc -w 3 ${serverIP} 5000`]),
  ]);
  return { serverIP, ping, tcp };
}

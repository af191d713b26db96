// What the kube-proxy rule renderer needs to know about the lab's services: everything that
// decides a rule, nothing else. Built by the service model (src/k8s), consumed by
// src/net/kube-proxy.ts.

export type Protocol = 'TCP' | 'UDP';

export interface ProxyEndpoint {
  ip: string;
  port: number;
}

export interface ProxyServicePort {
  /** The port's name in the Service ('' when unnamed). */
  name: string;
  protocol: Protocol;
  port: number;
  /** Set for NodePort services. */
  nodePort?: number;
  /** Ready endpoints in a stable order (sorted by ip, then port). Empty: REJECT. */
  endpoints: ProxyEndpoint[];
}

export interface ProxyService {
  namespace: string;
  name: string;
  clusterIP: string;
  type: 'ClusterIP' | 'NodePort';
  /** ClientIP affinity timeout in seconds; undefined for sessionAffinity None. */
  affinitySeconds?: number;
  ports: ProxyServicePort[];
}

export interface ProxyInput {
  /** The pod network (flannel's Network); traffic from outside it to a ClusterIP is masqueraded. */
  clusterCIDR?: string;
  services: ProxyService[];
}

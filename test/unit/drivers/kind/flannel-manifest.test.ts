import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FLANNEL_CONFLIST, flannelConflist, flanneldArgsForKind, renderFlannelManifest } from '../../../../src/drivers/kind/flannel-manifest.js';

const PARAMS = { etcdEndpoints: ['http://172.30.0.9:2379'], etcdPrefix: '/podlab/network', image: 'podlab/kind-flannel:v0.26.7' };

type Json = Record<string, any>;
const objects = (text: string): Json[] => parseAllDocuments(text).map((doc) => doc.toJS() as Json);

describe('flannel manifest for kind', () => {
  it('runs flanneld against the lab etcd, never the kube subnet manager', () => {
    const args = flanneldArgsForKind({ ...PARAMS, etcdEndpoints: ['http://a:2379', 'http://b:2379'], iface: 'eth0', extraArgs: ['--iptables-forward-rules=false'] });
    expect(args).toEqual([
      '--etcd-endpoints=http://a:2379,http://b:2379',
      '--etcd-prefix=/podlab/network',
      '--iface=eth0',
      '--ip-masq',
      '--iptables-forward-rules=false',
    ]);
    expect(args.join(' ')).not.toContain('kube-subnet-mgr');
    expect(flanneldArgsForKind({ ...PARAMS, ipMasq: false })).not.toContain('--ip-masq');
  });

  it('refuses parameters flanneld could not use', () => {
    expect(() => flanneldArgsForKind({ ...PARAMS, etcdEndpoints: [] })).toThrow(/etcd endpoint/);
    expect(() => flanneldArgsForKind({ ...PARAMS, etcdPrefix: 'podlab/network' })).toThrow(/prefix/);
  });

  it('renders a ConfigMap and a host-network, privileged DaemonSet that never pulls', () => {
    const [configMap, daemonSet] = objects(renderFlannelManifest(PARAMS));
    expect(configMap?.kind).toBe('ConfigMap');
    expect(daemonSet?.kind).toBe('DaemonSet');
    const pod = daemonSet!.spec.template.spec;
    expect(pod.hostNetwork).toBe(true);
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    const flanneld = pod.containers[0];
    expect(flanneld.securityContext.privileged).toBe(true);
    expect(flanneld.securityContext.capabilities.add).toContain('NET_ADMIN');
    expect(flanneld.args).toContain('--etcd-endpoints=http://172.30.0.9:2379');
    for (const container of [...pod.initContainers, ...pod.containers]) {
      expect(container.image).toBe(PARAMS.image);
      expect(container.imagePullPolicy).toBe('Never');
    }
    expect(daemonSet!.spec.selector.matchLabels).toEqual(daemonSet!.spec.template.metadata.labels);
  });

  it('installs the plugin and the conflist into the node CNI directories it is given', () => {
    const [configMap, daemonSet] = objects(renderFlannelManifest({ ...PARAMS, cniBinDir: '/usr/lib/cni', cniConfDir: '/etc/cni/other.d', namespace: 'kube-flannel' }));
    const pod = daemonSet!.spec.template.spec;
    const volume = (name: string) => pod.volumes.find((v: Json) => v.name === name);
    expect(volume('cni-bin').hostPath.path).toBe('/usr/lib/cni');
    expect(volume('cni-conf').hostPath.path).toBe('/etc/cni/other.d');
    expect(volume('run-flannel').hostPath.path).toBe('/run/flannel');
    expect(pod.initContainers[0].command.join(' ')).toContain(`/host/cni-conf/${FLANNEL_CONFLIST}`);
    expect(configMap!.metadata.namespace).toBe('kube-flannel');
    expect(daemonSet!.metadata.namespace).toBe('kube-flannel');
    expect(JSON.parse(configMap!.data[FLANNEL_CONFLIST])).toEqual(flannelConflist());
  });

  it('delegates to the bridge plugin through a conflist the flannel plugin of CNI plugins v0.9.1 reads', () => {
    const conflist = flannelConflist() as Json;
    expect(conflist.cniVersion).toBe('0.3.1');
    expect(conflist.plugins[0]).toMatchObject({ type: 'flannel', delegate: { isDefaultGateway: true } });
  });
});

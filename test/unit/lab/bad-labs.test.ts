// The bad-lab corpus: every case must name the file, the line and the field, with exit code 2.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, LabFileError } from '../../../src/errors.js';
import { parseLab } from '../../../src/lab/load.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'bad-labs');

const CASES: Array<{ file: string; line: number; field: string; message: RegExp }> = [
  { file: 'yaml-syntax.yaml', line: 3, field: '', message: /YAML syntax: Flow sequence .* end with a \]$/ },
  { file: 'unknown-field.yaml', line: 5, field: 'network.underlay_cidr', message: /unknown field/ },
  { file: 'bad-cidr.yaml', line: 4, field: 'network.underlay', message: /IPv4 CIDR/ },
  { file: 'not-a-cidr.yaml', line: 4, field: 'network.underlay', message: /IPv4 CIDR/ },
  { file: 'host-bits.yaml', line: 6, field: 'network.flannel.config.Network', message: /host bits zero/ },
  { file: 'overlap-underlay-overlay.yaml', line: 7, field: 'network.flannel.config.Network', message: /overlaps the underlay 10\.1\.5\.0\/24/ },
  { file: 'overlap-service.yaml', line: 4, field: 'network.serviceCIDR', message: /overlaps/ },
  { file: 'unknown-backend.yaml', line: 8, field: 'network.flannel.config.Backend.Type', message: /vxlan, host-gw, udp/ },
  { file: 'duplicate-nodes.yaml', line: 5, field: 'nodes[2]', message: /duplicate node name "node1" \(also nodes\[0\]\)/ },
  { file: 'bad-name.yaml', line: 1, field: 'name', message: /a-z, 0-9/ },
  { file: 'no-nodes.yaml', line: 2, field: 'nodes', message: /at least one node/ },
  { file: 'unknown-overlay.yaml', line: 4, field: 'network.overlay', message: /flannel.*none/ },
  { file: 'bad-variant.yaml', line: 8, field: 'variants.udp.network.flannel.config.Backend.Type', message: /expected one of/ },
  { file: 'mtu-type.yaml', line: 4, field: 'network.mtu', message: /expected number/ },
  { file: 'missing-manifest.yaml', line: 4, field: 'manifests[0]', message: /no such file/ },
  { file: 'node-named-etcd.yaml', line: 2, field: 'nodes[0]', message: /etcd/ },
  { file: 'not-a-mapping.yaml', line: 1, field: '', message: /expected a mapping/ },
  { file: 'setup-unknown-node.yaml', line: 4, field: 'setup[0].node', message: /no node "node9" in this lab; expected one of node1 or all/ },
];

describe('bad lab files', () => {
  it.each(CASES)('$file → line $line, field "$field"', ({ file, line, field, message }) => {
    const path = join(DIR, file);
    let caught: unknown;
    try {
      parseLab(path, readFileSync(path, 'utf8'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LabFileError);
    const error = caught as LabFileError;
    expect(error.exitCode).toBe(ExitCode.badInput);
    const issue = error.issues[0]!;
    expect(issue.file).toBe(path);
    expect(issue.line).toBe(line);
    expect(issue.field).toBe(field);
    expect(issue.message).toMatch(message);
    expect(error.message).toContain(`${path}:${line}:`);
    // One problem is reported once, however many checks of its field it failed.
    expect(new Set(error.issues.map((each) => `${each.line}:${each.field}:${each.message}`)).size).toBe(error.issues.length);
  });
});

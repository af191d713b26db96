// The command each probe runs (with the probe image's tools: iputils ping, OpenBSD nc, curl,
// dig) and how its exit code and output become an outcome. Pure, so every probe's command is
// predictable and unit-tested.
import type { Probe } from './expand.js';
import type { Outcome } from './results.js';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const seconds = (ms: number) => String(Math.max(1, Math.ceil(ms / 1000)));

/** The argv a probe runs (exec checks run their own argv in the source itself). */
export function probeArgv(probe: Probe): string[] {
  const { spec, destination } = probe;
  switch (probe.check) {
    case 'ping': {
      const count = spec.count ?? 1;
      return [
        'ping', '-n', '-c', String(count), '-i', '0.2', '-W', seconds(probe.timeoutMs),
        ...(spec.size !== undefined ? ['-s', String(spec.size)] : []),
        ...(spec.dontFragment ? ['-M', 'do'] : []),
        destination!.ip,
      ];
    }
    case 'tcp':
      return ['nc', '-z', '-n', '-w', seconds(probe.timeoutMs), destination!.ip, String(destination!.port)];
    case 'http': {
      const port = destination!.port ?? 80;
      const url = `http://${destination!.ip}${port === 80 ? '' : `:${port}`}${spec.http!.path}`;
      return ['curl', '-sS', '-m', seconds(probe.timeoutMs), '-o', '-', '-w', '\n%{http_code}', url];
    }
    case 'dns':
      return ['dig', '+search', `+time=${seconds(probe.timeoutMs)}`, '+tries=1', spec.dns!];
    case 'exec':
      return spec.exec!;
  }
}

export function evaluate(probe: Probe, result: CommandResult): { outcome: Outcome; detail: string } {
  const { spec } = probe;
  const firstLine = (text: string) => text.trim().split('\n').filter(Boolean).pop()?.slice(0, 200) ?? '';
  switch (probe.check) {
    case 'ping': {
      const loss = /(\d+)% packet loss/.exec(result.stdout)?.[1];
      return result.exitCode === 0
        ? { outcome: 'pass', detail: `replies received (${loss ?? 0}% loss)` }
        : { outcome: 'fail', detail: loss ? `no reply (${loss}% loss)` : firstLine(result.stderr + result.stdout) || `ping exited ${result.exitCode}` };
    }
    case 'tcp':
      return result.exitCode === 0
        ? { outcome: 'pass', detail: 'connected' }
        : { outcome: 'fail', detail: firstLine(result.stderr) || (result.exitCode === 1 ? 'no connection (timed out or refused)' : `nc exited ${result.exitCode}`) };
    case 'http': {
      if (result.exitCode !== 0) return { outcome: 'fail', detail: firstLine(result.stderr) || `curl exited ${result.exitCode}` };
      const lines = result.stdout.split('\n');
      const status = Number(lines.pop());
      const body = lines.join('\n');
      const wanted = spec.http!;
      if (wanted.status !== undefined ? status !== wanted.status : status >= 400) {
        return { outcome: 'fail', detail: `HTTP ${status}${wanted.status !== undefined ? `, wanted ${wanted.status}` : ''}` };
      }
      if (wanted.contains !== undefined && !body.includes(wanted.contains)) return { outcome: 'fail', detail: `HTTP ${status}, body lacks "${wanted.contains}"` };
      return { outcome: 'pass', detail: `HTTP ${status}${wanted.contains !== undefined ? `, body has "${wanted.contains}"` : ''}` };
    }
    case 'dns': {
      const status = /status: ([A-Z]+)/.exec(result.stdout)?.[1];
      const answers = [...result.stdout.matchAll(/^\S+\s+\d+\s+IN\s+A\s+(\S+)$/gm)].map((match) => match[1]!);
      if (result.exitCode !== 0 && !status) return { outcome: 'fail', detail: firstLine(result.stdout + result.stderr) || `dig exited ${result.exitCode}` };
      if (status !== 'NOERROR' || answers.length === 0) return { outcome: 'fail', detail: status === 'NOERROR' ? 'no A record' : (status ?? 'no answer') };
      const want = probe.destination?.ip;
      if (want && !answers.includes(want)) return { outcome: 'fail', detail: `answered ${answers.join(', ')}, wanted ${want}` };
      return { outcome: 'pass', detail: `answered ${answers.join(', ')}` };
    }
    case 'exec': {
      const wantCode = spec.exitCode ?? 0;
      if (result.exitCode !== wantCode) return { outcome: 'fail', detail: `exit ${result.exitCode}, wanted ${wantCode}${result.stderr.trim() ? `: ${firstLine(result.stderr)}` : ''}` };
      if (spec.stdout !== undefined && !result.stdout.includes(spec.stdout)) return { outcome: 'fail', detail: `stdout lacks "${spec.stdout}" (got "${firstLine(result.stdout)}")` };
      // Line by line, as grep: ^ and $ match at every line.
      if (spec.match !== undefined && !new RegExp(spec.match, 'm').test(result.stdout)) return { outcome: 'fail', detail: `stdout does not match /${spec.match}/` };
      return { outcome: 'pass', detail: `exit ${result.exitCode}${spec.stdout !== undefined ? `, stdout has "${spec.stdout}"` : ''}` };
    }
  }
}

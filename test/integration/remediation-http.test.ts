/** Remediation through the headless contract: `serve --policy`, and the HTTP API (policy, audit export, decisions). */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliProcess, ROOT, spawnServe } from '../helpers/cli-process.ts';
import { tempDir } from '../helpers/engine.ts';

const run = promisify(execFile);
async function cli(args: string[]) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 30_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let serve: CliProcess;
let dir: string;
let token: string;
const GOOD = 'actions:\n  restart-pod: approve\n  rollback: auto\n';

beforeAll(async () => {
  dir = tempDir('remediation-http-');
  fs.writeFileSync(path.join(dir, 'good.yaml'), GOOD);
  serve = await spawnServe(['--data-dir', dir, '--no-llm', '--policy', path.join(dir, 'good.yaml')]);
  token = fs.readFileSync(path.join(dir, 'token'), 'utf8').trim();
});
afterAll(async () => {
  await serve?.stop();
});

const call = (method: string, p: string, body?: unknown) =>
  fetch(`${serve.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });

describe('remediation over the headless contract', () => {
  it('serve --policy: a bad or missing file stops the start with the line and the reason (exit 2)', async () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'actions:\n  restart-pod: yes-please\n');
    const [r, missing] = await Promise.all([
      cli(['serve', '--data-dir', tempDir(), '--port', '0', '--no-llm', '--policy', bad]),
      cli([
        'serve',
        '--data-dir',
        tempDir(),
        '--port',
        '0',
        '--no-llm',
        '--policy',
        path.join(dir, 'nope.yaml'),
      ]),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/policy file .*bad\.yaml refused, line 2: actions.restart-pod: Invalid option/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/policy file .*nope\.yaml does not exist/);
    expect(serve.output()).toMatch(/^policy: {3}.*good\.yaml: restart-pod approve, rollback auto$/m);
  });

  it('GET and PUT /api/policy: a bad text is a 400 naming the line, and the policy in force stays', async () => {
    const got = await (await call('GET', '/api/policy')).json();
    expect(got).toMatchObject({ text: GOOD, source: 'file', error: null });
    const res = await call('PUT', '/api/policy', {
      text: 'actions:\n  scale-up: auto\nscaleUp: {maxStep: 4, maxReplicas: 2}\n',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(
      /^policy not saved, line 3: scaleUp.maxStep: a step of 4 can never fit under maxReplicas 2: .*; the previous policy stays in force$/,
    );
    expect(((await (await call('GET', '/api/policy')).json()) as { text: string }).text).toBe(GOOD);
  });

  it('GET /api/audit/export sends the file itself (CSV or JSON); decisions on unknown actions are 404', async () => {
    const csv = await call('GET', '/api/audit/export?format=csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="oncall-scout-audit-.*\.csv"$/,
    );
    expect((await csv.text()).split('\r\n')[0]).toBe(
      'id,at,incident,action_id,event,actor,ok,action,message,policy',
    );
    const json = await call('GET', '/api/audit/export?format=json');
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toMatchObject({ entries: expect.any(Array) });
    expect((await call('GET', '/api/audit?limit=10')).status).toBe(200);
    const approve = await call('POST', '/api/actions/999/approve', {});
    expect(approve.status).toBe(404);
    expect(await approve.json()).toEqual({ error: 'action 999 not found' });
  });
});

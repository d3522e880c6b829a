import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = path.join(ROOT, 'bin', 'oncall-scout.mjs');

export interface CliProcess {
  proc: ChildProcess;
  url: string;
  output(): string;
  kill9(): Promise<void>;
  stop(): Promise<number | null>;
}

/**
 * What the bin's shebang (`#!/usr/bin/env -S NAME=value … node`) sets for the engine, read from the bin
 * itself: `spawnServe` runs node directly (with flags), so it sets the same.
 */
const SERVE_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  [...(fs.readFileSync(BIN, 'utf8').split('\n', 1)[0] ?? '').matchAll(/\s([A-Z_]+)=(\S+)/g)].map((m) => [
    m[1]!,
    m[2]!,
  ]),
);

/**
 * Runs `oncall-scout serve` as its own process and waits for the contract line `listening on …`. Node
 * flags: `nodeFlags`, then any in SERVE_NODE_FLAGS (for benchmarks run by hand).
 */
export function spawnServe(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  nodeFlags: string[] = [],
): Promise<CliProcess> {
  const flags = process.env.SERVE_NODE_FLAGS ? process.env.SERVE_NODE_FLAGS.split(' ') : [];
  return startServe(process.execPath, [...nodeFlags, ...flags, BIN], args, { ...SERVE_ENV, ...env });
}

/** Runs the bin as an executable, through its shebang, as `oncall-scout serve` typed in a shell does. */
export function execServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliProcess> {
  return startServe(BIN, [], args, env);
}

async function startServe(
  command: string,
  before: string[],
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<CliProcess> {
  const proc = spawn(command, [...before, 'serve', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 20 s:\n${out}`)), 20_000);
    const check = () => {
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
  const exited = new Promise<number | null>((r) =>
    proc.once('exit', (code, signal) => r(code ?? (signal ? -1 : null))),
  );
  return {
    proc,
    url,
    output: () => out,
    async kill9() {
      proc.kill('SIGKILL');
      await exited;
    },
    async stop() {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}

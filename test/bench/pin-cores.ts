/**
 * An experiment for the storm (STORM_PIN=1), not how the app runs: gives the engine's main thread, and the
 * process that times the webhook, the first core, and every other thread this benchmark started — the
 * analysis worker, V8's helpers, Chromium, the stand-ins, Alertmanager, the benchmark itself — the others.
 * On a 2-core runner that shows what the webhook's latency is when the engine's thread has a core of its
 * own, as on a laptop with more cores than busy threads. Linux only, with util-linux's `taskset`.
 *
 * Threads start all the time (Chromium's, V8's), so a pass over this process's descendants runs every
 * 500 ms until `stop()`, which gives every thread still running all the cores again.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);
const EVERY_MS = 500;

export interface CorePin {
  /** Gives `pid`'s main thread (with `whole`, all its threads) the first core; resolves once it has it. */
  first(pid: number, whole?: boolean): Promise<void>;
  /** The cores everything else runs on, as taskset writes them (e.g. "1"). */
  readonly rest: string;
  /** Stops pinning; every thread of this run gets all the cores again. */
  stop(): Promise<void>;
}

/** Starts pinning, or says why it cannot here. */
export function pinCores(): CorePin | string {
  const cores = os.cpus().length;
  if (os.platform() !== 'linux' || cores < 2) return 'needs Linux and at least 2 cores';
  if (spawnSync('taskset', ['--version']).status !== 0) return 'needs taskset (util-linux)';
  const all = `0-${cores - 1}`;
  const rest = cores === 2 ? '1' : `1-${cores - 1}`;
  const firsts = new Map<number, boolean>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const place = (want: (pid: number, tid: number) => string) =>
    Promise.all(
      threadsOf(descendants(process.pid)).map(async ([pid, tid]) => {
        const cpus = want(pid, tid);
        if (allowedCpus(pid, tid) === cpus) return;
        // The thread may have ended since it was listed: nothing to do then.
        await run('taskset', ['-pc', cpus, String(tid)]).catch(() => {});
      }),
    ).then(() => {});
  const cpusFor = (pid: number, tid: number) => {
    const whole = firsts.get(pid);
    return whole === undefined || (!whole && tid !== pid) ? rest : '0';
  };

  let passing = Promise.resolve();
  const pass = () => {
    passing = passing.then(() => (stopped ? undefined : place(cpusFor)));
    return passing;
  };
  const loop = () => {
    void pass().then(() => {
      if (!stopped) timer = setTimeout(loop, EVERY_MS).unref();
    });
  };
  loop();
  return {
    rest,
    first(pid, whole = false) {
      firsts.set(pid, whole);
      return pass();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await passing;
      await place(() => all);
    },
  };
}

/** `root` and every process below it, from each process's parent in /proc/PID/stat. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name in parentheses may hold spaces and parentheses: the fields after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const out: number[] = [];
  for (let todo = [root]; todo.length; ) {
    const pid = todo.pop()!;
    out.push(pid);
    todo = todo.concat(children.get(pid) ?? []);
  }
  return out;
}

function threadsOf(pids: number[]): [number, number][] {
  return pids.flatMap((pid) => {
    try {
      return fs.readdirSync(`/proc/${pid}/task`).map((t): [number, number] => [pid, Number(t)]);
    } catch {
      return [];
    }
  });
}

function allowedCpus(pid: number, tid: number): string | undefined {
  try {
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(
      fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'),
    )?.[1];
  } catch {
    return undefined;
  }
}

import path from 'node:path';
import type { FeishuRoute } from '../../shared/delivery.ts';
import { collectWithRules, llmStage } from './analyze.ts';
import type { CollectOptions } from './collect/index.ts';
import { DEFAULT_COLLECT } from './collect/index.ts';
import type { KubeProvider } from './collect/kube.ts';
import { contextBudget, type EngineConfig, feishuRoutes } from './config.ts';
import { type Lang, resolveLanguage } from './diagnose/messages/index.ts';
import { LlmError, type OllamaOptions } from './diagnose/ollama.ts';
import { findRunbook, type RunbookOptions } from './diagnose/runbook.ts';
import { analysisKey, reuseReport, SharedAnalyses } from './diagnose/shared-analysis.ts';
import type { EventBus } from './events.ts';
import { routesFor } from './notify/routes.ts';
import { isDiskFull } from './store/db.ts';
import type { Queries } from './store/queries.ts';
import type { Queue } from './store/queue.ts';
import { toAlert } from './store/rows.ts';

export interface PipelineOptions {
  queue: Queue;
  queries: Queries;
  bus: EventBus;
  kube: KubeProvider;
  collect: CollectOptions;
  /** null: rules only (--no-llm). */
  llm: OllamaOptions | null;
  clusterLabel: string;
  lang: Lang;
  runbooks: RunbookOptions;
  /** Where reports are mirrored (Feishu/Lark), and how long a new card waits for the LLM's report. */
  feishu: { routes: FeishuRoute[]; holdMs: number };
  /** Called after every stored report (the Feishu sender looks for due cards; proposals are registered). */
  onReport?: (id: number) => void;
  collectConcurrency?: number;
  llmConcurrency?: number;
  /** How long analysis pauses when the disk is full before it tries again (30 s). */
  diskRetryMs?: number;
  /** Told when a write fails for lack of space (true) and when writes succeed again (false). */
  onDisk?: (full: boolean) => void;
  log?: (msg: string) => void;
}

/** The pipeline's settings, derived from the engine's configuration. */
export function pipelineSettings(
  config: EngineConfig,
): Pick<PipelineOptions, 'collect' | 'llm' | 'clusterLabel' | 'lang' | 'runbooks' | 'feishu'> {
  return {
    collect: {
      ...DEFAULT_COLLECT,
      readTimeoutMs: config.readTimeoutMs,
      deadlineMs: config.collectDeadlineMs,
      budgetTokens: contextBudget(config),
      metrics: {
        url: config.prometheus,
        auth: config.prometheusAuth,
        service: config.prometheusService,
        windowMinutes: config.metricsWindowMinutes,
        timeoutMs: config.readTimeoutMs,
      },
    },
    llm: config.llm
      ? {
          host: config.ollamaHost,
          model: config.model,
          temperature: config.temperature,
          numCtx: config.numCtx,
          firstTokenTimeoutMs: config.firstTokenTimeoutMs,
          totalTimeoutMs: config.llmTimeoutMs,
        }
      : null,
    clusterLabel: config.clusterLabel,
    lang: resolveLanguage(config.language),
    feishu: { routes: feishuRoutes(config), holdMs: config.feishuHoldSeconds * 1000 },
    runbooks: {
      dir: config.runbookDir ?? path.join(config.dataDir, 'runbooks'),
      fetch: config.fetchRunbooks,
      timeoutMs: 3_000,
      maxTokens: 1_200,
    },
  };
}

/**
 * Moves incidents through collect → rules → LLM. The queue lives in SQLite, so this object only holds
 * what is in flight right now; a crash loses nothing but the work in progress, which is redone.
 * Collection runs 4 at a time; the LLM one at a time, as a laptop's Ollama serves one request anyway.
 */
export class Pipeline {
  private readonly collecting = new Map<number, AbortController>();
  private readonly diagnosing = new Map<number, AbortController>();
  private readonly running = new Set<Promise<void>>();
  private scheduled = false;
  private started = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;

  constructor(private o: PipelineOptions) {}

  start(): { resumed: number; failed: number } {
    const r = this.o.queue.recover();
    this.started = true;
    // A safety net: work is normally started by kick() on intake and on every stage change.
    this.timer = setInterval(() => this.kick(), 5_000);
    this.timer.unref();
    this.kick();
    return r;
  }

  private llmGate: Promise<void> = Promise.resolve();
  private readonly shared = new SharedAnalyses();

  /** LLM calls wait for this (the model's context length, read at start), collection does not. */
  holdLlmUntil(ready: Promise<void>): void {
    this.llmGate = ready.catch(() => {});
  }

  /**
   * Sizes the prompt to the model: num_ctx never above what the model was trained for (Ollama clamps it
   * anyway, and silently truncates what does not fit), and the context budget follows.
   */
  fitModel(contextLength: number, config: Pick<EngineConfig, 'numCtx' | 'contextBudget'>): void {
    if (!this.o.llm || !(contextLength > 0)) return;
    const numCtx = Math.min(config.numCtx, contextLength);
    this.o.llm = { ...this.o.llm, numCtx };
    this.o.collect = {
      ...this.o.collect,
      budgetTokens: contextBudget({ numCtx, contextBudget: config.contextBudget }),
    };
  }

  /** Starts whatever work is waiting, soon (coalesced so a burst of intake schedules one pass). */
  kick(): void {
    if (this.scheduled || this.stopped || !this.started) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // Stopped meanwhile: the store may be closed already.
      if (this.stopped) return;
      try {
        this.pump();
      } catch (err) {
        // Claiming work writes too; anything else is a bug that restarts the worker.
        if (!isDiskFull(err)) throw err;
        this.diskFull(() => {});
      }
    });
  }

  private soon: NodeJS.Timeout | undefined;

  /** A pass in a few milliseconds: long enough for the intake thread to take the write lock meanwhile. */
  private kickSoon(): void {
    if (this.soon || this.stopped) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.kick();
    }, 5);
  }

  /** The alert resolved: stop the LLM for it (collection is quick and its report still useful). */
  cancel(ids: number[]): void {
    for (const id of ids)
      this.diagnosing.get(id)?.abort(new LlmError('the alert resolved before the LLM finished'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.soon);
    const interrupted = [...this.collecting.keys()];
    for (const c of [...this.collecting.values(), ...this.diagnosing.values()])
      c.abort(new LlmError('the engine is stopping'));
    await Promise.allSettled([...this.running]);
    // A clean stop is not a crash: the work goes back to the queue without counting as an attempt.
    this.o.queue.release(interrupted);
  }

  private track(p: Promise<void>): void {
    this.running.add(p);
    p.finally(() => {
      this.running.delete(p);
      this.kick();
    });
  }

  private pausedUntil = 0;

  /**
   * The disk is full: leave the work where it is in the store, pause for 30 s and try again — nothing is
   * lost, and work resumes by itself once there is room.
   */
  private diskFull(putBack: () => void): void {
    const pause = this.o.diskRetryMs ?? 30_000;
    if (Date.now() >= this.pausedUntil)
      this.o.log?.(`the disk is full: analysis paused for ${pause / 1000} s; free space in the data dir`);
    this.pausedUntil = Date.now() + pause;
    this.fullDisk = true;
    this.o.onDisk?.(true);
    try {
      putBack();
    } catch {
      // The write failed too; recover() at the next start (or the next pass) puts it back.
    }
    setTimeout(() => this.kick(), pause + 500).unref();
  }

  private fullDisk = false;

  /** A write went through: if the disk was full, it has room again. */
  private wrote(): void {
    if (!this.fullDisk) return;
    this.fullDisk = false;
    this.o.onDisk?.(false);
  }

  private pump(): void {
    if (Date.now() < this.pausedUntil) return;
    try {
      // One short batch per pass; a storm's backlog is indexed over the next passes, between intakes.
      if (this.o.queue.indexNew() > 0) this.kickSoon();
    } catch (err) {
      if (isDiskFull(err)) {
        this.diskFull(() => {});
        return;
      }
      this.o.log?.(`search index: ${(err as Error).message}`);
    }
    const maxCollect = this.o.collectConcurrency ?? 4;
    const maxLlm = this.o.llmConcurrency ?? 1;
    if (this.collecting.size < maxCollect) {
      for (const row of this.o.queue.pendingCollection(
        new Set(this.collecting.keys()),
        maxCollect - this.collecting.size,
      )) {
        if (!this.o.queue.startCollecting(row.id)) continue;
        this.wrote();
        const ctrl = new AbortController();
        this.collecting.set(row.id, ctrl);
        this.emit(row.id);
        this.track(this.runCollect(row.id, ctrl.signal).finally(() => this.collecting.delete(row.id)));
      }
    }
    if (this.o.llm && this.diagnosing.size < maxLlm) {
      for (const row of this.o.queue.pendingLlm(
        new Set(this.diagnosing.keys()),
        maxLlm - this.diagnosing.size,
      )) {
        const ctrl = new AbortController();
        this.diagnosing.set(row.id, ctrl);
        this.track(this.runLlm(row.id, ctrl.signal).finally(() => this.diagnosing.delete(row.id)));
      }
    }
  }

  private emit(id: number): void {
    if (!this.o.bus.listening('incident')) return;
    const s = this.o.queries.summary(id);
    if (s) this.o.bus.emit('incident', s);
  }

  private async runCollect(id: number, signal: AbortSignal): Promise<void> {
    try {
      const alert = toAlert(this.o.queue.get(id)!);
      const r = await collectWithRules(
        alert,
        this.o.kube,
        this.o.collect,
        this.o.clusterLabel,
        this.o.lang,
        signal,
      );
      if (this.stopped) return;
      const announce = {
        routes: routesFor(this.o.feishu.routes, alert.labels).map((route) => route.name),
        holdMs: this.o.feishu.holdMs,
      };
      this.o.queue.finishRules(
        id,
        r.context,
        r.report,
        this.o.llm !== null,
        { collectMs: r.collectMs, rulesMs: r.rulesMs },
        announce,
      );
      this.wrote();
      this.o.onReport?.(id);
    } catch (err) {
      if (this.stopped) return;
      if (isDiskFull(err)) return this.diskFull(() => this.o.queue.release([id]));
      this.o.log?.(`incident ${id}: analysis failed: ${(err as Error).stack ?? err}`);
      this.o.queue.fail(id, `analysis failed: ${(err as Error).message}`);
    }
    this.emit(id);
  }

  private async runLlm(id: number, signal: AbortSignal): Promise<void> {
    const detail = this.o.queries.detail(id);
    const rules = detail?.reports.filter((r) => r.source === 'rules').at(-1);
    if (!detail?.context || !rules) {
      this.o.queue.fail(id, 'the collected context is missing; re-analyze the incident');
      this.emit(id);
      return;
    }
    await this.llmGate;
    const onToken = (text: string) => this.o.bus.emit('token', { id, text });
    const ctx = detail.context;
    // A re-analysis (the engineer asked) always gets its own answer.
    const key = detail.reports.some((r) => r.source === 'llm') ? null : analysisKey(detail.alert, ctx, rules);
    const open = (other: number) => other !== id && this.o.queries.summary(other)?.status === 'firing';
    const shared = key ? await this.shared.find(key, open) : null;
    let r: Awaited<ReturnType<typeof llmStage>>;
    if (shared && key) {
      // Proposals name this incident's own objects: the rules' stand, never another incident's.
      const report = { ...reuseReport(shared, ctx), proposals: rules.proposals, droppedActions: undefined };
      r = { report, llmMs: 0, failed: false };
    } else {
      const analyse = async () => {
        const extras = {
          runbook: await findRunbook(detail.alert, this.o.runbooks),
          history: this.o.queries.similar(id),
        };
        return llmStage({
          alert: detail.alert,
          context: ctx,
          rules,
          llm: this.o.llm!,
          lang: this.o.lang,
          extras,
          onToken,
          signal,
        });
      };
      let result: Awaited<ReturnType<typeof llmStage>> | undefined;
      const run = async () => {
        result = await analyse();
        return result.failed ? null : result.report;
      };
      if (key) await this.shared.run(key, id, ctx.pods[0]?.name, run);
      else await run();
      r = result!;
    }
    if (this.stopped) return; // still pending in the store: the next start asks the LLM again
    if (r.unexpected) this.o.log?.(`incident ${id}: ${r.unexpected.stack ?? r.unexpected}`);
    try {
      this.o.queue.finishLlm(id, r.report, r.llmMs);
    } catch (err) {
      // Still pending in the store: asked again once the disk has room.
      if (isDiskFull(err)) return this.diskFull(() => {});
      throw err;
    }
    this.wrote();
    this.o.onReport?.(id);
    this.emit(id);
  }
}

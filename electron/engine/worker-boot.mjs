// Worker bootstrap for running from TypeScript sources (tsx): workers do not inherit the parent's
// module hooks, so register them here, then load the real entry. Built Electron code skips this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);

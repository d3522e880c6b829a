import type { ApiEventName, ApiName } from '../shared/api.ts';

/** Channel names shared by main and preload, so neither spells them by hand. */
export const invokeChannel = (name: ApiName) => `api:${name}`;
export const eventChannel = (name: ApiEventName) => `event:${name}`;

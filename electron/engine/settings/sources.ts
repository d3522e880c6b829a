import {
  type AlertmanagerSource,
  type AlertmanagerSourceInput,
  type AlertmanagerSourcePatch,
  type AlertmanagerSourceView,
  sourceName,
} from '../../../shared/alertmanager.ts';
import { secretView } from '../../../shared/settings.ts';
import type { SourceSecrets } from './secrets.ts';
import type { StoredSource } from './stored.ts';

/** The pull sources as Settings shows them: credentials only as "set (…abcd)". */
export function sourceViews(list: AlertmanagerSource[]): AlertmanagerSourceView[] {
  return list.map(({ bearerToken, basicAuth, ...s }) => ({
    ...s,
    name: sourceName(s),
    bearerToken: secretView(bearerToken),
    basicAuth: basicAuth ? { username: basicAuth.username, password: secretView(basicAuth.password) } : null,
  }));
}

/**
 * Applies the list saved in Settings to the current sources. A credential absent from the patch keeps
 * the current one of the source with the same name (the UI never has it to send back); null or ''
 * removes it. Returns the configuration, and its split into settings.json and the secret store.
 */
export function mergeSources(
  current: AlertmanagerSource[],
  patch: AlertmanagerSourcePatch[],
): { config: AlertmanagerSourceInput[]; stored: StoredSource[]; secrets: Record<string, SourceSecrets> } {
  const byName = new Map(current.map((s) => [sourceName(s), s]));
  const config: AlertmanagerSourceInput[] = [];
  const stored: StoredSource[] = [];
  const secrets: Record<string, SourceSecrets> = {};
  for (const p of patch) {
    const { bearerToken, basicAuth, ...rest } = p;
    const name = sourceName({ name: rest.name ?? undefined, url: rest.url, service: rest.service });
    const old = byName.get(name);
    const token = bearerToken === undefined ? old?.bearerToken : bearerToken || undefined;
    const auth =
      basicAuth === undefined
        ? old?.basicAuth
        : basicAuth === null
          ? undefined
          : {
              username: basicAuth.username,
              password:
                basicAuth.password === undefined
                  ? (old?.basicAuth?.password ?? '')
                  : (basicAuth.password ?? ''),
            };
    const clean = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== null));
    config.push({
      ...clean,
      name,
      ...(token ? { bearerToken: token } : {}),
      ...(auth ? { basicAuth: auth } : {}),
    } as AlertmanagerSourceInput);
    stored.push({
      ...(clean as object),
      name,
      ...(auth ? { basicAuthUser: auth.username } : {}),
    } as StoredSource);
    if (token || auth?.password)
      secrets[name] = {
        ...(token ? { bearerToken: token } : {}),
        ...(auth?.password ? { password: auth.password } : {}),
      };
  }
  return { config, stored, secrets };
}

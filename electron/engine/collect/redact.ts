/**
 * Secret redaction, applied once in the collector to everything read from the cluster, so the prompt,
 * the store, the UI and Feishu all see the same safe text. Patterns favour false positives: a redacted
 * non-secret costs a little context, a leaked secret costs a rotation.
 */

const MASK = '[REDACTED]';

interface Rule {
  name: string;
  pattern: RegExp;
  replace: string | ((...m: string[]) => string);
}

const RULES: Rule[] = [
  // PEM private keys, possibly spread over several lines.
  {
    name: 'private-key',
    pattern: /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: (_m, kind) => `-----BEGIN ${kind}PRIVATE KEY----- ${MASK} -----END ${kind}PRIVATE KEY-----`,
  },
  // JSON Web Tokens (three base64url parts, the first one a JSON header).
  {
    name: 'jwt',
    pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
    replace: `${MASK}:jwt`,
  },
  // Authorization headers and bearer/basic credentials.
  // (a credential has a digit or punctuation: "Basic authentication failed" is prose, not a secret)
  {
    name: 'bearer',
    pattern: /\b(bearer|basic)(\s+)(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{12,}/gi,
    replace: (_m, kind, sp) => `${kind}${sp}${MASK}`,
  },
  // Credentials in URLs and connection strings: scheme://user:password@host.
  {
    name: 'url-password',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*):([^\s@/'"]+)@/gi,
    replace: (_m, prefix) => `${prefix}:${MASK}@`,
  },
  // Keys carried as URL user (Sentry DSNs and the like): scheme://<hex key>@host.
  {
    name: 'url-key',
    pattern: /\b(https?:\/\/)[0-9a-f]{24,}@/gi,
    replace: (_m, scheme) => `${scheme}${MASK}@`,
  },
  // Cloud and SaaS key formats.
  {
    name: 'aws-access-key',
    pattern: /\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA)[0-9A-Z]{16}\b/g,
    replace: `${MASK}:aws-key`,
  },
  { name: 'gcp-api-key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: `${MASK}:gcp-key` },
  {
    name: 'github-token',
    pattern: /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/g,
    replace: `${MASK}:github-token`,
  },
  { name: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replace: `${MASK}:slack-token` },
  { name: 'stripe-key', pattern: /\b(sk|rk)_(live|test)_[A-Za-z0-9]{16,}\b/g, replace: `${MASK}:stripe-key` },
  // Docker registry auth blobs ("auth": "<base64 user:pass>").
  {
    name: 'docker-auth',
    pattern: /("auth"\s*:\s*")[A-Za-z0-9+/=]{8,}(")/g,
    replace: (_m, a, b) => `${a}${MASK}${b}`,
  },
  // key=value / key: value / "key": "value" for names that hold secrets.
  {
    name: 'secret-assignment',
    pattern:
      /(["']?\b[\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|client[_-]?secret|auth[_-]?key|session[_-]?key)(?:[_.-](?:access[_-])?(?:key|value|token))?\b["']?\s*[:=]\s*)("[^"]*"|'[^']*'|(?:[^\s,;&}\]]|&(?!\w+=))+)/gi,
    replace: (_m, key, value) => {
      const quote = value.startsWith('"') ? '"' : value.startsWith("'") ? "'" : '';
      return `${key}${quote}${MASK}${quote}`;
    },
  },
];

/** Values that only look like secret assignments: keep them, they are evidence. */
const HARMLESS =
  /^(["']?)(\[REDACTED\][^"']*|true|false|null|none|nil|undefined|<[^>]*>|\*+|\$\{[^}]*\}?|\$\(.*\)?|\d{1,3}|"|'|)\1$/i;

export function redact(text: string): string {
  if (!text) return text;
  let out = text;
  for (const rule of RULES) {
    if (rule.name === 'secret-assignment') {
      out = out.replace(rule.pattern, (m, key: string, value: string) =>
        HARMLESS.test(value) ? m : (rule.replace as (...a: string[]) => string)(m, key, value),
      );
    } else {
      out = out.replace(rule.pattern, rule.replace as never);
    }
  }
  return out;
}

/** Redacts every string in a JSON-like value (events, statuses), leaving its shape intact. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

import type { Alert } from '../../../shared/alert.ts';
import { WebhookPayload } from '../../../shared/alert.ts';
import { formatIssue } from '../config.ts';
import { HttpError } from '../http/respond.ts';
import { alertsFromPayload } from './normalize.ts';

/** Validates an Alertmanager v4 body; a bad one is a 400 naming the first bad field. */
export function parseWebhook(body: unknown): Alert[] {
  const parsed = WebhookPayload.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(
      400,
      `not an Alertmanager v4 payload: ${formatIssue(parsed.error)}`,
      issue?.path.join('.'),
    );
  }
  return alertsFromPayload(parsed.data);
}

import { readFileSync } from 'node:fs';
import { UserError, type ActionContext } from '@dantaro/core';
import { PayloadError, validatePayload, type SlackPayload, type Target } from '@dantaro/slack';

/**
 * Inputs → a checked configuration. Every mistake here is a configuration bug, so it fails the step
 * (whatever `fail-on-error` says) before anything is posted; credentials are masked as they are read.
 */
export interface Config {
  target: Target;
  status?: string;
  environment?: string;
  version?: string;
  title?: string;
  fields: Array<[string, string]>;
  messageTs?: string;
  thread: boolean;
  payload?: SlackPayload;
  failOnError: boolean;
  /** Ignored inputs and the like, to warn about. */
  warnings: string[];
}

export function readConfig({ inputs, secrets }: ActionContext): Config {
  const warnings: string[] = [];
  const webhook = inputs.secret('webhook-url');
  const token = inputs.secret('token');
  const channel = inputs.string('channel');
  if (webhook && token) throw new UserError('give either `webhook-url` or `token` + `channel`, not both', { hint: 'a bot token can update and thread; a webhook only posts' });
  if (!webhook && !token) throw new UserError('input "webhook-url" or "token" is required: give an Incoming Webhook URL, or a bot token (xoxb-…) with `channel`');

  let target: Target;
  if (webhook) {
    const url = inputs.url('webhook-url', { protocols: ['https:', 'http:'] })!;
    secrets.add(url.href); // as normalised by URL, which may differ from the input
    secrets.add(url.pathname); // the path alone is the credential
    if (channel) warnings.push('channel is ignored with a webhook: an Incoming Webhook always posts to the channel it was created for');
    target = { kind: 'webhook', url: url.href };
  } else {
    if (!channel) throw new UserError('input "channel" is required with `token`: give a channel ID such as C0123456789');
    const apiUrl = inputs.url('api-url', { default: 'https://slack.com/api/', protocols: ['https:', 'http:'] })!;
    target = { kind: 'bot', token: token!, channel, apiUrl: apiUrl.href };
  }

  const messageTs = inputs.string('message-ts');
  if (messageTs && !/^\d+\.\d+$/.test(messageTs)) throw new UserError(`input "message-ts": ${JSON.stringify(messageTs.slice(0, 40))} is not valid; expected a Slack ts such as 1714381234.000200 (the \`ts\` output of an earlier step)`);

  let payload: SlackPayload | undefined;
  const raw = inputs.structured('payload', 'JSON or YAML');
  if (raw !== undefined) {
    try {
      const checked = validatePayload(raw);
      payload = checked.payload;
      if (checked.dropped.length) warnings.push(`payload keys ${checked.dropped.join(', ')} are ignored: the action sets them (use the channel / message-ts inputs)`);
    } catch (e) {
      if (e instanceof PayloadError) throw new UserError(`input "payload": ${e.message}`, { hint: 'a Block Kit message as JSON or YAML, e.g. {"text": "…", "blocks": [...]}' });
      throw e;
    }
  }

  const status = inputs.string('status');
  if (!status && !payload) throw new UserError('input "status" is required (unless `payload` is given): give started, success, failure, cancelled, rolled-back or any text');

  return {
    target,
    status,
    environment: inputs.string('environment'),
    version: inputs.string('version'),
    title: inputs.string('title'),
    fields: inputs.keyValues('fields', { separator: 'newline' }),
    messageTs,
    thread: inputs.bool('thread', false),
    payload,
    failOnError: inputs.bool('fail-on-error', false),
    warnings,
  };
}

/** The head commit's message from the event payload (push, pull_request, workflow_run), if any. */
export function commitMessage(eventPath: string | undefined): string | undefined {
  if (!eventPath) return undefined;
  try {
    const ev = JSON.parse(readFileSync(eventPath, 'utf8')) as Record<string, { message?: unknown; title?: unknown; head_commit?: { message?: unknown } } | undefined>;
    const m = ev.head_commit?.message ?? ev.pull_request?.title ?? ev.workflow_run?.head_commit?.message;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

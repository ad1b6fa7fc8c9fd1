/**
 * Slack failures, classified: whether another attempt can help, and a hint that tells a person what to
 * change. Codes come from Slack itself (webhook bodies, Web API `error`), or are ours for transport
 * failures (`network_error`, `timeout`, `http_<status>`, `invalid_response`).
 */
export type ErrorKind = 'payload' | 'destination' | 'auth' | 'permission' | 'message' | 'rate' | 'server' | 'network' | 'unknown';

interface Class {
  kind: ErrorKind;
  retryable: boolean;
  hint: string;
}

const PAYLOAD_HINT = 'Slack rejected the message: check the `payload` input against Block Kit (https://app.slack.com/block-kit-builder)';
const HOOK_HINT = 'the webhook URL is revoked, disabled or mistyped: create a new Incoming Webhook for the channel and update the secret';
const AUTH_HINT = 'the token is invalid, revoked or expired: use the app\'s Bot User OAuth Token (xoxb-…) from "OAuth & Permissions"';
const SERVER_HINT = 'Slack answered with a server error; it usually passes: re-run the job, or check https://slack-status.com';

const TABLE: Array<[string[], Class]> = [
  [['invalid_payload', 'invalid_blocks', 'invalid_blocks_format', 'msg_blocks_too_long', 'no_text', 'missing_text_or_fallback_or_attachments', 'too_many_attachments', 'msg_too_long', 'invalid_json', 'json_not_object', 'invalid_arguments', 'invalid_attachments'], { kind: 'payload', retryable: false, hint: PAYLOAD_HINT }],
  [['no_service', 'no_service_id', 'no_team', 'team_disabled', 'no_active_hooks', 'invalid_token'], { kind: 'destination', retryable: false, hint: HOOK_HINT }],
  [['channel_not_found'], { kind: 'destination', retryable: false, hint: 'check the `channel` input: use the channel ID (C…, from the channel\'s details); a private channel is only found once the bot is a member' }],
  [['not_in_channel'], { kind: 'permission', retryable: false, hint: 'invite the bot to the channel: type `/invite @<your app>` in it, then re-run' }],
  [['is_archived', 'channel_is_archived'], { kind: 'destination', retryable: false, hint: 'the channel is archived: unarchive it or choose another channel' }],
  [['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'not_allowed_token_type'], { kind: 'auth', retryable: false, hint: AUTH_HINT }],
  [['missing_scope'], { kind: 'permission', retryable: false, hint: 'add the `chat:write` scope to the Slack app (OAuth & Permissions) and reinstall it to the workspace' }],
  [['action_prohibited', 'posting_to_general_channel_denied', 'restricted_action', 'ekm_access_denied', 'user_not_found'], { kind: 'permission', retryable: false, hint: 'a workspace admin setting forbids this post: ask an admin, or use another channel' }],
  [['message_not_found', 'cant_update_message', 'edit_window_closed'], { kind: 'message', retryable: false, hint: '`message-ts` must be the `ts` output of an earlier post by the same bot token in the same channel (webhook posts cannot be updated)' }],
  [['ratelimited', 'rate_limited'], { kind: 'rate', retryable: true, hint: 'Slack rate-limited the request beyond the retry bound: post less often (about 1 message per second per channel)' }],
  [['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'rollup_error', 'timeout'], { kind: 'server', retryable: true, hint: SERVER_HINT }],
  [['network_error'], { kind: 'network', retryable: true, hint: 'could not reach Slack: check the runner\'s network, proxy and the `api-url`/`webhook-url` host' }],
];

const BY_CODE = new Map(TABLE.flatMap(([codes, c]) => codes.map((code) => [code, c] as const)));

/** Classify a Slack error code, with the HTTP status when there is one (5xx/429 retry whatever the code). */
export function classifyError(code: string, status?: number): Class {
  const known = BY_CODE.get(code);
  if (known) return known;
  if (status === 429) return BY_CODE.get('ratelimited')!;
  if (status !== undefined && status >= 500) return { kind: 'server', retryable: true, hint: SERVER_HINT };
  return { kind: 'unknown', retryable: false, hint: `see https://docs.slack.dev/reference/methods/chat.postMessage#errors for \`${code}\`` };
}

export class SlackError extends Error {
  readonly kind: ErrorKind;
  readonly retryable: boolean;
  readonly hint: string;
  attempts = 1;

  constructor(
    readonly code: string,
    readonly opts: { status?: number; retryAfterMs?: number; detail?: string; what?: string; retryable?: boolean } = {},
  ) {
    const c = classifyError(code, opts.status);
    super(`${opts.what ?? 'Slack'}: ${code}${opts.status !== undefined && opts.status !== 200 ? ` (HTTP ${opts.status})` : ''}${opts.detail ? `: ${opts.detail}` : ''}`);
    this.name = 'SlackError';
    this.kind = c.kind;
    this.retryable = opts.retryable ?? c.retryable;
    this.hint = c.hint;
  }

  get status(): number | undefined {
    return this.opts.status;
  }

  get retryAfterMs(): number | undefined {
    return this.opts.retryAfterMs;
  }
}

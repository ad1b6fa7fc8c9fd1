import { classifyError, SlackError } from './errors';

describe('classifyError', () => {
  test.each([
    ['invalid_payload', 400, 'payload', false, /Block Kit/],
    ['invalid_blocks', 200, 'payload', false, /Block Kit/],
    ['no_service', 404, 'destination', false, /webhook URL is revoked/],
    ['channel_not_found', 200, 'destination', false, /channel ID/],
    ['not_in_channel', 200, 'permission', false, /invite the bot/],
    ['invalid_auth', 200, 'auth', false, /xoxb/],
    ['missing_scope', 200, 'permission', false, /chat:write/],
    ['message_not_found', 200, 'message', false, /message-ts/],
    ['ratelimited', 429, 'rate', true, /rate-limited/],
    ['http_429', 429, 'rate', true, /rate-limited/],
    ['http_503', 503, 'server', true, /server error/],
    ['rollup_error', 500, 'server', true, /server error/],
    ['network_error', undefined, 'network', true, /could not reach Slack/],
    ['something_new', 200, 'unknown', false, /something_new/],
  ])('%s (HTTP %p) → %s', (code, status, kind, retryable, hint) => {
    const c = classifyError(code, status);
    expect(c.kind).toBe(kind);
    expect(c.retryable).toBe(retryable);
    expect(c.hint).toMatch(hint);
  });
});

test('SlackError says what failed, with the status but no URL', () => {
  const e = new SlackError('no_service', { status: 404, what: 'Slack webhook' });
  expect(e.message).toBe('Slack webhook: no_service (HTTP 404)');
  expect(e.hint).toMatch(/webhook/);
  expect(new SlackError('invalid_auth', { status: 200, what: 'Slack chat.postMessage' }).message).toBe('Slack chat.postMessage: invalid_auth');
});

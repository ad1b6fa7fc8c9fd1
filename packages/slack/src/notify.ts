import { callApi, postWebhook, type HttpDeps } from './client';
import { SlackError } from './errors';
import { fitPayload } from './limits';
import type { SlackPayload } from './payload';

/**
 * One notification: post (or, with a bot token and `messageTs`, update) the message, then optionally
 * reply in its thread. Never throws for a Slack failure: the result says ok=false with the classified
 * error, so the caller decides whether a notification failure fails the job.
 */
export type Target = { kind: 'webhook'; url: string } | { kind: 'bot'; token: string; channel: string; apiUrl: string };

export interface NotifyRequest {
  target: Target;
  payload: SlackPayload;
  /** Update this message instead of posting (bot only). */
  messageTs?: string;
  /** Also post this in the message's thread (bot only). */
  threadReply?: SlackPayload;
}

export interface NotifyResult {
  ok: boolean;
  /** The message's ts (bot only): feed it to later steps as `message-ts`. */
  ts?: string;
  channel?: string;
  /** What was done, in order, e.g. `chat.update`, `thread reply`. */
  steps: string[];
  /** Non-fatal problems worth an annotation (ignored inputs, an un-threaded reply). */
  warnings: string[];
  /** What the Block Kit limits cut. */
  truncated: string[];
  error?: SlackError;
}

export async function notify(req: NotifyRequest, deps: HttpDeps): Promise<NotifyResult> {
  const result: NotifyResult = { ok: false, steps: [], warnings: [], truncated: [] };
  const fit = (p: SlackPayload) => {
    const { payload, notes } = fitPayload(p);
    result.truncated.push(...notes);
    return payload;
  };
  const payload = fit(req.payload);
  try {
    if (req.target.kind === 'webhook') {
      if (req.messageTs) result.warnings.push('message-ts is ignored with a webhook: webhooks cannot update a message (posted a new one); use a bot token + channel to update in place');
      if (req.threadReply) result.warnings.push('thread is ignored with a webhook: webhooks return no ts to reply to; use a bot token + channel');
      await postWebhook(req.target.url, payload, deps);
      result.steps.push('webhook post');
    } else {
      const { token, apiUrl } = req.target;
      const res = req.messageTs
        ? await callApi(apiUrl, token, 'chat.update', { ...payload, channel: req.target.channel, ts: req.messageTs }, deps)
        : await callApi(apiUrl, token, 'chat.postMessage', { ...payload, channel: req.target.channel }, deps);
      result.steps.push(req.messageTs ? 'chat.update' : 'chat.postMessage');
      result.ts = res.ts;
      result.channel = res.channel;
      if (req.threadReply) {
        const reply = await callApi(apiUrl, token, 'chat.postMessage', { ...fit(req.threadReply), channel: res.channel, thread_ts: res.ts }, deps);
        result.steps.push('thread reply');
        // Slack posts a reply to a deleted parent as a plain message, without saying so
        if (reply.message && reply.message.thread_ts !== res.ts) result.warnings.push('the thread reply was posted outside the thread (was the message deleted?)');
      }
    }
    result.ok = true;
  } catch (e) {
    if (!(e instanceof SlackError)) throw e;
    result.error = e;
  }
  return result;
}

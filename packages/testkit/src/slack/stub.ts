import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { checkSlackMessage } from './validate';

/**
 * A local Slack that answers like Slack: Incoming Webhooks (`/services/T…/B…/<secret>` → `ok`,
 * 400 `invalid_payload`, 404 `no_service`) and the Web API (`/api/chat.postMessage`,
 * `/api/chat.update` → `{ok, ts, channel}` or HTTP 200 `{ok:false, error}`), Bearer token checks,
 * channels with membership, threads, and scriptable faults (429 + Retry-After, 5xx, resets).
 * It records every request and keeps each message's current state and history for assertions.
 *
 *   const slack = await startSlackStub();
 *   slack.webhookUrl; slack.apiUrl; slack.token; slack.failNext(2, { status: 429, retryAfter: 1 });
 *   slack.messages; slack.requests; await slack.stop();
 */
export interface SlackStubChannel {
  id: string;
  name: string;
  /** false: the bot is not a member → `not_in_channel`. Default true. */
  member?: boolean;
  archived?: boolean;
}

export interface SlackStubOptions {
  /** The one bot token the Web API accepts (default: a random `xoxb-…`). */
  token?: string;
  /** Last path segment of the default webhook (default random): plant a canary here. */
  webhookSecret?: string;
  /** Default: `C0DEPLOYS` (#deploys, member) and `C0PRIVATE` (#private, bot not a member). */
  channels?: SlackStubChannel[];
}

export interface SlackFault {
  /** HTTP status; default 500. 200 with `error` gives a Web API `{ok:false, error}`. */
  status?: number;
  /** Seconds, sent as Retry-After (default 1 for 429). */
  retryAfter?: number;
  /** Error code in the body (default: `rate_limited`/`ratelimited` for 429, `internal_error` otherwise). */
  error?: string;
  /** Drop the connection without answering. */
  reset?: boolean;
  /** Wait before answering. */
  delayMs?: number;
}

export interface SlackRequest {
  seq: number;
  kind: 'webhook' | 'api' | 'other';
  /** Web API method (`chat.update`) or `webhook`. */
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The parsed body (JSON, or a form's fields / its `payload=` JSON), when it parsed. */
  json?: Record<string, unknown>;
  status: number;
  response: string;
  faulted: boolean;
}

export interface SlackMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  via: 'webhook' | 'api';
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  /** Every state of the message, first post first (chat.update appends). */
  history: Array<Record<string, unknown>>;
}

export interface SlackStub {
  url: string;
  webhookUrl: string;
  /** Base for the Web API, with the trailing slash (as Slack's `https://slack.com/api/`). */
  apiUrl: string;
  token: string;
  channels: SlackStubChannel[];
  requests: SlackRequest[];
  /** Messages in posting order, each with its current state; thread replies included. */
  messages: SlackMessage[];
  message(ts: string): SlackMessage | undefined;
  replies(ts: string): SlackMessage[];
  /** The next `count` requests (any route) get this fault instead of their answer. */
  failNext(count: number, fault?: SlackFault): void;
  /** Another webhook, posting to `channel` (an id); returns its URL. */
  addWebhook(channel?: string, secret?: string): string;
  /** Forget requests, messages and pending faults. */
  reset(): void;
  stop(): Promise<void>;
}

const MESSAGE_KEYS = ['text', 'blocks', 'attachments'] as const;

export async function startSlackStub(opts: SlackStubOptions = {}): Promise<SlackStub> {
  const token = opts.token ?? `xoxb-stub-${randomBytes(8).toString('hex')}`;
  const channels: SlackStubChannel[] = opts.channels ?? [
    { id: 'C0DEPLOYS', name: 'deploys' },
    { id: 'C0PRIVATE', name: 'private', member: false },
  ];
  const hooks = new Map<string, string>(); // path → channel id
  const faults: SlackFault[] = [];
  const requests: SlackRequest[] = [];
  const messages: SlackMessage[] = [];
  let seq = 0;
  let tsSeq = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`stub error: ${(e as Error).message}`);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    const kind: SlackRequest['kind'] = path.startsWith('/services/') ? 'webhook' : path.startsWith('/api/') ? 'api' : 'other';
    const record: SlackRequest = {
      seq: ++seq,
      kind,
      method: kind === 'api' ? path.slice('/api/'.length) : kind,
      path,
      headers: req.headers,
      body,
      json: parseBody(body, req.headers['content-type']),
      status: 0,
      response: '',
      faulted: false,
    };
    requests.push(record);
    const send = (status: number, payload: string | object, headers: Record<string, string> = {}) => {
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      record.status = status;
      record.response = text;
      const type = typeof payload === 'string' ? 'text/html' : 'application/json; charset=utf-8';
      res.writeHead(status, { 'content-type': type, ...headers });
      res.end(text);
    };

    const fault = faults.shift();
    if (fault) {
      record.faulted = true;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.reset) {
        record.status = -1;
        req.socket.destroy();
        return;
      }
      const status = fault.status ?? 500;
      const headers: Record<string, string> = status === 429 ? { 'retry-after': String(fault.retryAfter ?? 1) } : fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      const code = fault.error ?? (status === 429 ? (kind === 'webhook' ? 'rate_limited' : 'ratelimited') : 'internal_error');
      return send(status, kind === 'webhook' ? code : { ok: false, error: code }, headers);
    }

    if (req.method !== 'POST') return send(405, kind === 'api' ? { ok: false, error: 'method_not_allowed' } : 'method_not_allowed');
    if (kind === 'webhook') return webhook(path, record.json, send);
    if (kind === 'api') return api(record.method, req.headers.authorization, record.json, send);
    return send(404, 'not_found');
  }

  type Send = (status: number, payload: string | object, headers?: Record<string, string>) => void;

  function webhook(path: string, msg: Record<string, unknown> | undefined, send: Send): void {
    const channel = hooks.get(path);
    if (!channel) return send(404, 'no_service');
    if (!msg) return send(400, 'invalid_payload');
    const problem = checkSlackMessage(msg);
    if (problem) return send(400, problem.error === 'no_text' ? 'no_text' : 'invalid_payload');
    store(channel, msg, 'webhook');
    send(200, 'ok');
  }

  function api(method: string, auth: string | undefined, args: Record<string, unknown> | undefined, send: Send): void {
    if (method !== 'chat.postMessage' && method !== 'chat.update') return send(404, { ok: false, error: 'unknown_method' });
    const given = /^Bearer (.+)$/.exec(auth ?? '')?.[1] ?? (typeof args?.token === 'string' ? args.token : undefined);
    if (!given) return send(200, { ok: false, error: 'not_authed' });
    if (given !== token) return send(200, { ok: false, error: 'invalid_auth' });
    if (!args) return send(200, { ok: false, error: 'invalid_json' });
    const ch = findChannel(args.channel);
    if (!ch) return send(200, { ok: false, error: 'channel_not_found' });
    if (ch.archived) return send(200, { ok: false, error: 'is_archived' });
    if (ch.member === false) return send(200, { ok: false, error: 'not_in_channel' });
    const problem = checkSlackMessage(args, { update: method === 'chat.update' });
    if (problem) return send(200, { ok: false, error: problem.error, response_metadata: { messages: [`[ERROR] ${problem.message}`] } });

    if (method === 'chat.update') {
      const m = messages.find((x) => x.ts === args.ts && x.channel === ch.id && x.via === 'api');
      if (!m) return send(200, { ok: false, error: 'message_not_found' });
      // as Slack: keys left out keep their previous value
      for (const k of MESSAGE_KEYS) if (args[k] !== undefined) (m as unknown as Record<string, unknown>)[k] = args[k];
      m.history.push(pick(args));
      return send(200, { ok: true, channel: ch.id, ts: m.ts, text: m.text ?? '', message: view(m) });
    }
    // a reply to a missing parent is posted top-level, silently, as Slack does
    const parent = typeof args.thread_ts === 'string' ? messages.find((x) => x.ts === args.thread_ts && x.channel === ch.id) : undefined;
    const m = store(ch.id, args, 'api', parent?.ts);
    send(200, { ok: true, channel: ch.id, ts: m.ts, message: view(m) });
  }

  function findChannel(c: unknown): SlackStubChannel | undefined {
    if (typeof c !== 'string') return undefined;
    const name = c.replace(/^#/, '');
    return channels.find((x) => x.id === c || x.name === name);
  }

  function store(channel: string, msg: Record<string, unknown>, via: SlackMessage['via'], threadTs?: string): SlackMessage {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++tsSeq).padStart(6, '0')}`;
    const m: SlackMessage = { channel, ts, via, ...(threadTs ? { thread_ts: threadTs } : {}), ...pick(msg), history: [pick(msg)] };
    messages.push(m);
    return m;
  }

  const defaultHook = `/services/T0DANTARO/B0DEPLOYS/${opts.webhookSecret ?? randomBytes(12).toString('hex')}`;
  hooks.set(defaultHook, channels[0]?.id ?? 'C0DEPLOYS');

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    webhookUrl: url + defaultHook,
    apiUrl: `${url}/api/`,
    token,
    channels,
    requests,
    messages,
    message: (ts) => messages.find((m) => m.ts === ts),
    replies: (ts) => messages.filter((m) => m.thread_ts === ts),
    failNext(count, fault = {}) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    addWebhook(channel = channels[0]?.id ?? 'C0DEPLOYS', secret = randomBytes(12).toString('hex')) {
      const path = `/services/T0DANTARO/B${randomBytes(4).toString('hex').toUpperCase()}/${secret}`;
      hooks.set(path, channel);
      return url + path;
    },
    reset() {
      requests.length = 0;
      messages.length = 0;
      faults.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** JSON, or a form (Slack accepts both; webhooks also take `payload=<json>`). */
function parseBody(body: string, type: string | undefined): Record<string, unknown> | undefined {
  try {
    if (type?.includes('application/x-www-form-urlencoded')) {
      const form = Object.fromEntries(new URLSearchParams(body));
      return typeof form.payload === 'string' ? (JSON.parse(form.payload) as Record<string, unknown>) : form;
    }
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function pick(msg: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of MESSAGE_KEYS) if (msg[k] !== undefined) out[k] = msg[k];
  return out;
}

function view(m: SlackMessage): Record<string, unknown> {
  return { type: 'message', ts: m.ts, ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}), text: m.text ?? '', blocks: m.blocks, attachments: m.attachments, bot_id: 'B0STUB' };
}

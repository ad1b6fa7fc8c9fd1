import type { GitHubContext } from '@dantaro/core';
import { codeSpan, escapeMrkdwn, escapePlain, link, oneLine, truncate } from './text';
import type { Block, SlackPayload } from './payload';

/**
 * The default message: a deployment card. The header and colour bar say the state; fields say what,
 * where, which commit, who and how long. Every value that comes from outside (inputs, the commit
 * message) goes through the escapers, so a commit message cannot ping a channel or break the layout.
 */
export interface StatusStyle {
  emoji: string;
  colour: string;
  /** Verb phrase for the header ("succeeded"), or the free text itself. */
  phrase: string;
  label: string;
  known: boolean;
}

const STYLES: Record<string, Omit<StatusStyle, 'known'>> = {
  started: { emoji: ':rocket:', colour: '#439FE0', phrase: 'started', label: 'Started' },
  success: { emoji: ':white_check_mark:', colour: '#2EB67D', phrase: 'succeeded', label: 'Success' },
  failure: { emoji: ':x:', colour: '#E01E5A', phrase: 'failed', label: 'Failure' },
  cancelled: { emoji: ':no_entry_sign:', colour: '#9E9E9E', phrase: 'was cancelled', label: 'Cancelled' },
  'rolled-back': { emoji: ':rewind:', colour: '#ECB22E', phrase: 'was rolled back', label: 'Rolled back' },
};
const ALIASES: Record<string, string> = { succeeded: 'success', failed: 'failure', canceled: 'cancelled', rollback: 'rolled-back', 'rolled back': 'rolled-back', start: 'started' };

export function statusStyle(status: string): StatusStyle {
  const key = status.trim().toLowerCase();
  const known = STYLES[ALIASES[key] ?? key];
  if (known) return { ...known, known: true };
  const text = oneLine(status);
  return { emoji: ':information_source:', colour: '#9E9E9E', phrase: text, label: text, known: false };
}

export interface DeploymentCard {
  status: string;
  environment?: string;
  version?: string;
  title?: string;
  fields?: Array<[string, string]>;
  /** Head commit message (untrusted); only its first line is shown. */
  commitMessage?: string;
  github: GitHubContext;
  /** When the deploy started (ms); the duration is shown once the status is no longer `started`. */
  startedAtMs?: number;
  nowMs: number;
}

export function buildCard(c: DeploymentCard): SlackPayload {
  const style = statusStyle(c.status);
  const title = defaultTitle(c);
  const headline = style.known ? `${title} ${style.phrase}` : `${title}: ${style.phrase}`;
  const duration = durationOf(c);
  const fields: string[] = [field('Status', `${style.emoji} ${escapeMrkdwn(style.label)}`)];
  if (c.environment) fields.push(field('Environment', escapeMrkdwn(oneLine(c.environment))));
  if (c.version) fields.push(field('Version', codeSpan(escapeMrkdwn(oneLine(c.version)))));
  if (c.github.sha) {
    const short = c.github.sha.slice(0, 7);
    fields.push(field('Commit', c.github.commitUrl ? link(c.github.commitUrl, codeSpan(short)) : codeSpan(short)));
  }
  if (c.github.actor) fields.push(field('Actor', escapeMrkdwn(oneLine(c.github.actor))));
  if (duration) fields.push(field('Duration', duration));
  for (const [k, v] of c.fields ?? []) fields.push(field(oneLine(k), escapeMrkdwn(v)));

  const details: Block[] = [];
  for (let i = 0; i < fields.length; i += 10) details.push({ type: 'section', fields: fields.slice(i, i + 10).map((text) => ({ type: 'mrkdwn', text })) });
  const subject = oneLine((c.commitMessage ?? '').split(/\r?\n/)[0]);
  if (subject) details.push({ type: 'section', text: { type: 'mrkdwn', text: `*Commit message*\n${escapeMrkdwn(truncate(subject, 300))}` } });
  const context = contextLine(c.github);
  if (context) details.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context }] });

  return {
    text: `${style.emoji} ${escapeMrkdwn(headline)}${c.version ? ` (${escapeMrkdwn(oneLine(c.version))})` : ''}`,
    blocks: [{ type: 'header', text: { type: 'plain_text', text: truncate(`${style.emoji} ${escapePlain(oneLine(headline))}`, 150), emoji: true } }],
    attachments: [{ color: style.colour, blocks: details }],
  };
}

/** The short line posted in the message's thread: one entry per state change. */
export function buildThreadReply(c: DeploymentCard): SlackPayload {
  const style = statusStyle(c.status);
  const parts = [`${style.emoji} *${escapeMrkdwn(style.label)}*`];
  if (c.environment) parts.push(escapeMrkdwn(oneLine(c.environment)));
  if (c.version) parts.push(codeSpan(escapeMrkdwn(oneLine(c.version))));
  const duration = durationOf(c);
  if (duration) parts.push(`after ${duration}`);
  if (c.github.runUrl) parts.push(link(c.github.runUrl, 'run'));
  const text = parts.join(' · ');
  return { text, blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }] };
}

function defaultTitle(c: DeploymentCard): string {
  if (c.title) return oneLine(c.title);
  const repo = c.github.repository.split('/').pop() || 'app';
  return `Deploy of ${repo}${c.environment ? ` to ${oneLine(c.environment)}` : ''}`;
}

function field(name: string, valueMrkdwn: string): string {
  return `*${escapeMrkdwn(name)}*\n${valueMrkdwn}`;
}

function contextLine(g: GitHubContext): string {
  const bits: string[] = [];
  if (g.repository) bits.push(escapeMrkdwn(g.repository));
  if (g.refName) bits.push(escapeMrkdwn(g.refName));
  if (g.workflow) bits.push(escapeMrkdwn(`${g.workflow}${g.job ? ` / ${g.job}` : ''}`));
  if (g.runUrl) bits.push(link(g.runUrl, `run #${escapeMrkdwn(g.runId)}${g.runAttempt && g.runAttempt !== '1' ? ` (attempt ${escapeMrkdwn(g.runAttempt)})` : ''}`));
  return bits.join(' · ');
}

function durationOf(c: DeploymentCard): string | undefined {
  if (c.startedAtMs === undefined || statusStyle(c.status).phrase === 'started') return undefined;
  return formatDuration(c.nowMs - c.startedAtMs);
}

/** `45s`, `3m 12s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** A Slack message ts (`1714381234.000200`, seconds since the epoch) → ms; undefined if not one. */
export function tsToMs(ts: string | undefined): number | undefined {
  if (!ts || !/^\d{9,11}\.\d{1,6}$/.test(ts)) return undefined;
  return Math.round(Number(ts) * 1000);
}

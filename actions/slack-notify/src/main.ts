import { run, githubContext, systemClock, heading, table, details, list, UserError } from '@dantaro/core';
import { buildCard, buildThreadReply, notify, tsToMs, type DeploymentCard } from '@dantaro/slack';
import { commitMessage, readConfig } from './config';

// Inputs → one notify() → outputs + summary. A Slack failure is a warning and ok=false unless
// fail-on-error; bad inputs always fail (see config.ts).
await run(async (ctx) => {
  let cfg;
  try {
    cfg = readConfig(ctx);
  } catch (e) {
    ctx.output('ok', 'false');
    throw e;
  }
  for (const w of cfg.warnings) ctx.log.warning(w);

  const card: DeploymentCard | undefined = cfg.status
    ? {
        status: cfg.status,
        environment: cfg.environment,
        version: cfg.version,
        title: cfg.title,
        fields: cfg.fields,
        commitMessage: commitMessage(ctx.env.GITHUB_EVENT_PATH),
        github: githubContext(ctx.env),
        // the message's own ts is when the deploy was announced: duration needs no extra input
        startedAtMs: tsToMs(cfg.messageTs),
        nowMs: systemClock.now(),
      }
    : undefined;
  const payload = cfg.payload ?? buildCard(card!);
  const threadReply = cfg.thread ? (card ? buildThreadReply(card) : payload) : undefined;
  ctx.log.debug(`message: ${JSON.stringify(payload).slice(0, 8000)}`);

  const result = await ctx.log.group('Notify Slack', () =>
    notify(
      { target: cfg.target, payload, messageTs: cfg.messageTs, threadReply },
      { fetch, clock: systemClock, log: ctx.log, redact: (s) => ctx.secrets.redact(s), signal: ctx.signal },
    ),
  );
  for (const w of result.warnings) ctx.log.warning(w);
  for (const n of result.truncated) ctx.log.info(`Block Kit limit: ${n}`);

  ctx.output('ok', String(result.ok));
  ctx.output('ts', result.ts ?? '');
  ctx.output('channel', result.channel ?? '');

  const err = result.error;
  const message = err ? `${err.message}${err.attempts > 1 ? ` (after ${err.attempts} attempts)` : ''}` : '';
  ctx.summary.add(
    heading('Slack notification'),
    table(
      ['', ''],
      [
        ['Result', result.ok ? '✅ sent' : '⚠️ not sent'],
        ['Mode', cfg.target.kind === 'webhook' ? 'incoming webhook' : 'bot token (Web API)'],
        ['Steps', result.steps.join(' → ') || '—'],
        ['Status', cfg.status ?? '(custom payload)'],
        ...(result.channel ? [['Channel', result.channel]] : []),
        ...(result.ts ? [['Message ts', result.ts]] : []),
        ...(err ? [['Error', message], ['Hint', err.hint]] : []),
      ],
    ),
    ...(result.truncated.length ? [details(`Block Kit limits: ${result.truncated.length} cut(s)`, list(result.truncated))] : []),
  );

  if (!err) {
    ctx.log.info(`Slack: ${result.steps.join(' → ')}${result.ts ? ` (ts ${result.ts})` : ''}`);
    return;
  }
  if (cfg.failOnError) throw new UserError(message, { hint: err.hint });
  ctx.log.warning(`${message}\nHint: ${err.hint}`, { title: 'Slack notification failed (the deploy is not affected; set fail-on-error: true to fail the step)' });
});

import { errorMessage, isUserError } from './errors';
import { Inputs, type Env } from './inputs';
import { actionsLogger, type Logger } from './logger';
import { Secrets } from './secrets';
import { runner as core } from './runner';
import { SummaryDoc } from './summary';

/** Everything an action's main gets: parsed inputs, the secret registry, a logger, outputs, a summary. */
export interface ActionContext {
  inputs: Inputs;
  secrets: Secrets;
  log: Logger;
  /** Set an output; objects become JSON. Refuses a value that contains a registered secret. */
  output(name: string, value: string | number | boolean | object): void;
  summary: SummaryDoc;
  /** Aborted when the runner cancels the job (SIGTERM/SIGINT). */
  signal: AbortSignal;
  env: Env;
}

export interface RunOptions {
  env?: Env;
}

/**
 * The one error boundary. Any throw becomes core.setFailed: a UserError as one clear line (plus its
 * hint), anything else as a bug with its stack under debug. Messages pass through the redactor. The
 * summary is written on every exit path. Never calls process.exit.
 */
export async function run(main: (ctx: ActionContext) => Promise<void>, opts: RunOptions = {}): Promise<void> {
  const env = opts.env ?? process.env;
  const secrets = new Secrets((v) => core.setSecret(v));
  const log = actionsLogger((s) => secrets.redact(s));
  const summary = new SummaryDoc();
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      core.warning(`received ${sig}: cancelling and cleaning up`);
      controller.abort(new Error(`cancelled by ${sig}`));
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // a promise that never settles lets Node exit 0 with nothing done: make that a failure, not a success
  let settled = false;
  const onBeforeExit = () => {
    if (!settled) core.setFailed('the action stopped before finishing: an operation never completed (this is a bug)');
  };
  process.once('beforeExit', onBeforeExit);
  const ctx: ActionContext = {
    inputs: new Inputs(env, secrets),
    secrets,
    log,
    summary,
    signal: controller.signal,
    env,
    output(name, value) {
      const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
      if (secrets.redact(text) !== text) throw new Error(`refusing to write output "${name}": it contains a secret`);
      core.setOutput(name, text);
    },
  };
  try {
    await main(ctx);
  } catch (e) {
    fail(e, secrets);
  } finally {
    settled = true;
    process.off('beforeExit', onBeforeExit);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    if (!summary.empty) {
      try {
        core.appendSummary(secrets.redact(summary.toString()));
      } catch (e) {
        core.warning(`could not write the job summary: ${secrets.redact(errorMessage(e))}`);
      }
    }
  }
}

function fail(e: unknown, secrets: Secrets): void {
  const msg = secrets.redact(errorMessage(e));
  if (isUserError(e)) {
    const hint = (e as { hint?: string }).hint;
    core.setFailed(hint ? `${msg}\nHint: ${secrets.redact(hint)}` : msg);
    return;
  }
  const hint = e && typeof e === 'object' && 'hint' in e ? (e as { hint?: string }).hint : undefined;
  core.setFailed(`${msg}${hint ? `\nHint: ${secrets.redact(hint)}` : ''}`);
  if (e instanceof Error && e.stack) core.debug(secrets.redact(e.stack));
  else core.debug(`non-Error thrown: ${secrets.redact(typeof e)}`);
}

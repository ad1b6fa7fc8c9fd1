import { runner as core } from './runner';

/** What packages log through; actions pass the runner's, tests pass a memory one. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string, props?: AnnotationProps): void;
  error(message: string, props?: AnnotationProps): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface AnnotationProps {
  title?: string;
  file?: string;
  startLine?: number;
}

export function actionsLogger(redact: (s: string) => string = (s) => s): Logger {
  return {
    debug: (m) => core.debug(redact(m)),
    info: (m) => core.info(redact(m)),
    warning: (m, p) => core.warning(redact(m), p),
    error: (m, p) => core.error(redact(m), p),
    group: (name, fn) => core.group(redact(name), fn),
  };
}

export interface MemoryLogger extends Logger {
  lines: string[];
}

export function memoryLogger(): MemoryLogger {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => void lines.push(`debug: ${m}`),
    info: (m) => void lines.push(m),
    warning: (m) => void lines.push(`warning: ${m}`),
    error: (m) => void lines.push(`error: ${m}`),
    group: async (name, fn) => {
      lines.push(`group: ${name}`);
      try {
        return await fn();
      } finally {
        lines.push('endgroup');
      }
    },
  };
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warning: () => {},
  error: () => {},
  group: (_n, fn) => fn(),
};

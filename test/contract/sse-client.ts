// A small Server-Sent Events client for the feed tests: it parses `id:`/`data:` messages as
// they arrive and can drop the connection at any byte, as a network would.
import http from 'node:http';

export interface SseMessage {
  readonly id: string | undefined;
  readonly data: string;
}

export interface SseConnection {
  readonly status: Promise<number>;
  /** Complete messages received so far. */
  readonly messages: SseMessage[];
  /** Resolves once `predicate` holds for the messages received (checked on every chunk). */
  until(predicate: (messages: readonly SseMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  pause(): void;
  resume(): void;
  close(): void;
}

export function connect(port: number, path: string, headers: Record<string, string>, options: { dropAfterBytes?: number } = {}): SseConnection {
  const messages: SseMessage[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let bytes = 0;
  let response: http.IncomingMessage | undefined;
  let ended = false;
  const notify = () => waiters.forEach((w) => w());
  const req = http.get({ host: '127.0.0.1', port, path, headers: { Accept: 'text/event-stream', ...headers } });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      response = res;
      resolve(res.statusCode ?? 0);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (options.dropAfterBytes !== undefined && bytes + chunk.length > options.dropAfterBytes) {
          // The connection breaks inside this chunk: what came before the break is all that arrives.
          chunk = chunk.slice(0, options.dropAfterBytes - bytes);
          bytes = options.dropAfterBytes;
          parse(chunk);
          ended = true;
          req.destroy();
          notify();
          return;
        }
        bytes += chunk.length;
        parse(chunk);
        notify();
      });
      res.on('end', () => ((ended = true), notify()));
      res.on('error', () => ((ended = true), notify()));
    });
    req.on('error', (e) => (ended ? resolve(0) : reject(e)));
  });
  function parse(chunk: string) {
    buffer += chunk;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) messages.push({ id, data: data.join('\n') });
    }
  }
  return {
    status,
    messages,
    until(predicate, timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => (waiters.delete(check), reject(new Error(`SSE: condition not met in ${timeoutMs} ms (${messages.length} messages)`))), timeoutMs);
        const check = () => {
          if (predicate(messages) || ended) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        check();
      });
    },
    pause: () => response?.pause(),
    resume: () => response?.resume(),
    close: () => {
      ended = true;
      req.destroy();
      notify();
    },
  };
}

// The SQLite event store's writer thread (started by sqlite-writer.ts). It opens a connection
// of its own to the store's file (WAL, synchronous=FULL, the store's busy timeout) and writes
// each batch the store's thread sends, one at a time, in the order sent: one transaction and
// one fsync per batch (sqlite-batch.ts). While it waits for the disk, the store's thread goes
// on serving requests. The store's thread has already migrated the file.
import { parentPort, workerData } from 'node:worker_threads';
import { openWritingConnection, prepareWriteStatements, tellError, writeBatch, type CommittedBatch } from './sqlite-batch';
import type { FromWriter, ToWriter, WriterData } from './sqlite-writer-protocol';

const data = workerData as WriterData;
const port = parentPort!;
const db = openWritingConnection(data.file, data.busyTimeoutMs);
const sql = prepareWriteStatements(db);
let exitInBatch = data.exitInBatch;
const exit = (): never => process.exit(1);

const tell = (message: FromWriter): void => port.postMessage(message);

port.on('message', (message: ToWriter) => {
  if (message.type === 'close') {
    port.close(); // nothing more will come: the thread ends once the connection is closed
    db.close();
    return;
  }
  const exitAt = exitInBatch;
  exitInBatch = undefined;
  let committed: CommittedBatch;
  try {
    committed = writeBatch(db, sql, message.batch, exitAt === 'before-commit' ? exit : undefined);
  } catch (error) {
    tell({ type: 'failed', id: message.id, error: tellError(error) });
    return;
  }
  if (exitAt === 'after-commit') exit();
  tell({ type: 'committed', id: message.id, batch: committed });
});

tell({ type: 'ready' });

// Child process of the bench: the real HTTP app on the bench's store, in a process of its
// own so the load tool does not share its event loop. Seeds active episodes (each with one
// open conversation) through the command path, listens, and tells the parent over IPC.
import 'reflect-metadata';
import { CommandBus } from '@nestjs/cqrs';
import { ulid } from 'ulid';
import { loadConfig } from '../src/app/config';
import { buildApp } from '../src/app/bootstrap';
import { mintToken } from '../src/app/auth/token-verifier';
import type { Actor } from '../src/app/auth/actor';
import { AssignEpisode, ExecuteEpisodeCommand } from '../src/app/episodes/episode.handlers';
import type { WriteAnswer } from '../src/app/episodes/episode-commands.service';
import { syntheticPersonnummer } from './personnummer';

export interface HttpServerReady {
  readonly port: number;
  readonly token: string;
  readonly targets: readonly { readonly episodeId: string; readonly conversationId: string }[];
}

const UNIT = 'SE2321000131-E290';

async function main(): Promise<void> {
  const episodes = Number(process.argv[2] ?? 1000);
  const firstPatient = Number(process.argv[3] ?? 300_000);
  const config = loadConfig(process.env);
  const running = await buildApp(config);
  await running.app.init();
  const bus = running.app.get(CommandBus);
  const therapist: Actor = { id: 'SE2321000131-T290', role: 'therapist', unitId: UNIT };
  const gateway: Actor = { id: '1177-gateway', role: 'patient_gateway', unitId: UNIT };
  const targets: { episodeId: string; conversationId: string }[] = [];
  for (let k = 0; k < episodes; k += 16) {
    const batch = Array.from({ length: Math.min(16, episodes - k) }, async (_, j) => {
      const { episodeId } = await bus.execute<AssignEpisode, WriteAnswer>(
        new AssignEpisode({ personnummer: syntheticPersonnummer(firstPatient + k + j), therapistId: therapist.id, diagnosisCode: 'M17.1' }, therapist, {}),
      );
      const conversationId = ulid();
      await bus.execute(
        new ExecuteEpisodeCommand(episodeId, { type: 'SendMessage', data: { messageId: ulid(), newConversationId: conversationId, text: 'Hej! En fråga om övningarna.' } }, gateway, {}),
      );
      targets.push({ episodeId, conversationId });
    });
    await Promise.all(batch);
  }
  await running.app.listen(0, '127.0.0.1');
  const address = running.app.getHttpServer().address() as { port: number };
  const token = mintToken(config.jwtSecret!, { sub: gateway.id, role: 'patient_gateway', unit: UNIT });
  const ready: HttpServerReady = { port: address.port, token, targets };
  process.send?.(ready);
  process.on('message', (m) => {
    if (m === 'stop') void running.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});

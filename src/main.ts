// `npm start`: the API on the configured store (embedded SQLite under ./data by default).
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from './app/config';
import { buildApp } from './app/bootstrap';

async function main(): Promise<void> {
  const config = loadConfig();
  const { app } = await buildApp(config);
  await app.listen(config.port, config.host);
  const log = new Logger('Main');
  log.log(`Digital Artrosskola core on http://${config.host}:${config.port} (store: ${config.eventStore}${config.eventStore === 'sqlite' ? `, ${config.sqliteFile}` : ''})`);
  log.log(`API docs: http://${config.host}:${config.port}/docs`);
  if (config.eventStore !== 'sqlite' && !config.dataEncryptionKey)
    log.warn(`No DATA_ENCRYPTION_KEY: the master key is the local file ${config.masterKeyFile}; every instance on this database must share one key, or they cannot read each other's personal data.`);
  if (config.usingLocalSecret) log.warn('Using the local development JWT secret: never in production (set AUTH_JWT_SECRET or AUTH_JWKS_URL).');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(`Failed to start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
});
